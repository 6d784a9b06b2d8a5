/**
 * A Discord emulator for tests: the REST API (node:http) and the gateway (ws, v10, JSON) on 127.0.0.1, close
 * enough to Discord that the real discord.js 14 Client logs in, receives interactions and messages, and gets
 * Discord's answers back: the same routes, the same refusals (400 / 50035 for a message over a limit), the same
 * rate-limit headers and the same gateway close codes. Nothing here talks to the internet.
 *
 * How a bot test uses it:
 *
 *   const emulator = await startDiscordEmulator();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
 *   // ...wire the bot onto the client (createBot({ client, pipeline, log }) or whatever the bot exposes)
 *   await Promise.all([once(client, Events.ClientReady), client.login(emulator.token)]);
 *
 *   const ask = emulator.sendInteraction(emulator.chatInput("ask", { question: "Who met in Doha?" }));
 *   const reply = await emulator.waitForOriginal(ask);      // resolves once the defer has been edited in
 *   expect(reply.content).toContain("[1]");
 *   const edit = await emulator.waitFor((c) => c.method === "PATCH" && c.params.token === ask.token);
 *   expect(computePings(messagePayloadOf(edit))).toEqual(NO_PINGS);
 *
 *   // afterAll: destroy the client first, then close the emulator
 *   await client.destroy(); await emulator.close();
 *
 * What to know:
 * - Log in with `emulator.token` (any other token gets 401 on REST and close 4004 on the gateway). The bot user's
 *   id equals `emulator.applicationId`, as it does for every Discord application made since 2019.
 * - The default guild (`emulator.guildId`) has one text channel (`emulator.channelId`) and one member besides the
 *   bot (`emulator.user`); `emulator.createUser("name")` makes more (per-member rate limits).
 * - READY lists the guild as unavailable and GUILD_CREATE follows at once, so `clientReady` fires with the guild
 *   and its channels cached (needed for messages and threads) without discord.js's 15 s wait.
 * - Every REST call is recorded in `emulator.calls` as { seq, method, path (without /api/v10, %40 decoded),
 *   route ("/webhooks/:applicationId/:token/messages/:messageId"), params, query, body (JSON, or payload_json of
 *   a multipart body), files, headers, status, response }, including refused and unknown (404) ones. To look only
 *   at calls made after some point, note `emulator.calls.length` and filter on `seq`.
 * - Intents are honoured: MESSAGE_CREATE needs GuildMessages; without MessageContent, content/embeds/components
 *   arrive empty unless the message mentions the bot, as on Discord. The bot's own messages (replies, channel
 *   messages) are echoed as MESSAGE_CREATE / MESSAGE_UPDATE unless ephemeral, so a bot must ignore its own.
 * - Interactions follow Discord's rules: acknowledging twice is 400 (40060); `expireInteraction()` makes the
 *   callback 404 (10062) and the webhook 401 (50027); a follow-up right after a defer edits the loading message.
 * - Faults: `failNext({ method, path, status: 429 | 500 | 503, retryAfter, times })` answers the next matching
 *   calls with that status before doing anything (discord.js retries 429 after retry_after and 5xx up to 3 times);
 *   `closeGateway(4000)` is resumable, `closeGateway(4004)` is not; `dropGateway()` cuts the socket without a
 *   close frame. Dispatches sent while the bot is disconnected are replayed when it resumes.
 * - Lengths are counted in code points, as Discord counts them; stay under the limits in UTF-16 units and both
 *   agree. Components V2 messages are not validated.
 *
 * Where things are (test/support/discord-emulator/):
 * - emulator.ts      the DiscordEmulator class: the server, and the methods above, wiring the parts below
 * - types.ts         the public types
 * - validation.ts    Discord's rules as pure functions: limits, empty messages, commands, modals, pings
 * - errors.ts        Discord's error answers (400 / 50035 Invalid Form Body, 404 Unknown ...)
 * - rest.ts          the HTTP side: parsing, auth, faults, recording; routes.ts: which route goes where
 * - gateway.ts       websocket sessions: identify, resume and replay, close codes, zlib-stream, dispatch
 * - model.ts         the guild, users, roles, channels and stored messages, in Discord's JSON shapes
 * - messages.ts      channel messages, writing payloads into messages, telling the bot (intents, content)
 * - channels.ts      threads, channel edits and deletes
 * - commands.ts      command registration, and options as a client would send them
 * - interactions.ts  interaction records, the callback, and the webhook routes for responses
 * - interaction-payloads.ts  the slash commands and clicks a member's client would send
 * - waiting.ts, ids.ts       waitUntil; snowflakes and tokens
 * A bot's REST call goes rest.ts → routes.ts → the part that owns it → model.ts, and anything the bot should
 * hear of goes out through gateway.ts. Imports only point down that path: no module imports one that imports it.
 */
export { DiscordEmulator, startDiscordEmulator } from "./discord-emulator/emulator.js";
export { messagePayloadOf } from "./discord-emulator/rest.js";
export type * from "./discord-emulator/types.js";
export {
  computePings,
  DISCORD_LIMITS,
  findMessageProblems,
  NO_PINGS,
} from "./discord-emulator/validation.js";
