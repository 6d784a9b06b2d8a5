import { once } from "node:events";
import { constants as zlibConstants, inflateSync } from "node:zlib";
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket, type RawData } from "ws";
import {
  computePings,
  DISCORD_LIMITS,
  findMessageProblems,
  messagePayloadOf,
  NO_PINGS,
  startDiscordEmulator,
  type DiscordEmulator,
  type Payload,
  type RecordedCall,
} from "./support/discord-emulator.js";

const CALLBACK_ROUTE = "/interactions/:interactionId/:token/callback";

async function logIn(emulator: DiscordEmulator, intents: number[]): Promise<Client> {
  const client = new Client({ intents, rest: { api: emulator.apiUrl } });
  await Promise.all([once(client, Events.ClientReady), client.login(emulator.token)]);
  return client;
}

function nextInteraction<T extends Interaction>(client: Client, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (interaction: Interaction) => {
      clearTimeout(timer);
      resolve(interaction as T);
    };
    const timer = setTimeout(() => {
      client.off(Events.InteractionCreate, listener);
      reject(new Error(`the client received no interaction within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once(Events.InteractionCreate, listener);
  });
}

function buttonRow(...customIds: string[]): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    customIds.map((customId) => new ButtonBuilder().setCustomId(customId).setLabel(customId).setStyle(ButtonStyle.Secondary)),
  );
}

const callsFor = (emulator: DiscordEmulator, token: string, method: string): RecordedCall[] =>
  emulator.calls.filter((call) => call.method === method && call.params.token === token);

describe("GIVEN the real discord.js client logged in to the emulator", () => {
  let emulator: DiscordEmulator;
  let client: Client;

  beforeAll(async () => {
    emulator = await startDiscordEmulator();
    client = await logIn(emulator, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
  });

  afterAll(async () => {
    await client?.destroy();
    await emulator?.close();
  });

  it("THEN clientReady comes with the bot user, the application and the test guild's channel cached", () => {
    expect(client.user?.id).toBe(emulator.botUser.id);
    expect(client.application?.id).toBe(emulator.applicationId);
    expect(client.guilds.cache.get(emulator.guildId)?.channels.cache.has(emulator.channelId)).toBe(true);

    const gatewayLookup = emulator.calls.find((call) => call.path === "/gateway/bot");
    expect(gatewayLookup).toMatchObject({ method: "GET", version: 10, status: 200 });
    expect(gatewayLookup?.headers.authorization).toBe(`Bot ${emulator.token}`);

    const identify = emulator.gatewayLog.find((entry) => entry.direction === "in" && entry.op === 2);
    expect(identify?.d).toMatchObject({ token: "[redacted]", intents: client.options.intents.bitfield });
    expect(emulator.gatewayState()).toMatchObject({ connected: true, identifyCount: 1 });
  });

  it("WHEN /ask is deferred then edited with content, an embed and a button THEN both calls are recorded and the original response is the edit", async () => {
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "Who met in Doha?" }));
    const interaction = await received;
    expect(interaction.commandName).toBe("ask");
    expect(interaction.options.getString("question")).toBe("Who met in Doha?");
    expect(interaction.user.id).toBe(emulator.user.id);
    expect(interaction.channelId).toBe(emulator.channelId);

    await interaction.deferReply();
    expect(emulator.interactionState(sent)).toMatchObject({ acknowledged: true, deferred: true, original: { flags: MessageFlags.Loading } });

    const content = "Qatar hosted the talks [1].";
    const edited = await interaction.editReply({
      content,
      embeds: [new EmbedBuilder().setTitle("Sources").setDescription("[1] Foreign Ministry statement, lines 3-5")],
      components: [buttonRow("show-passages", "follow-up")],
      allowedMentions: { parse: [] },
    });
    expect(edited.content).toBe(content);

    const [defer] = callsFor(emulator, sent.token, "POST");
    expect(defer).toMatchObject({ route: CALLBACK_ROUTE, status: 204, body: { type: 5, data: { flags: 0 } } });
    const [edit] = callsFor(emulator, sent.token, "PATCH");
    expect(edit.path).toBe(`/webhooks/${emulator.applicationId}/${sent.token}/messages/@original`);
    expect(edit.body).toMatchObject({
      content,
      embeds: [{ title: "Sources" }],
      components: [{ type: 1, components: [{ custom_id: "show-passages" }, { custom_id: "follow-up" }] }],
      allowed_mentions: { parse: [] },
    });
    expect(computePings(messagePayloadOf(edit))).toEqual(NO_PINGS);

    const original = emulator.interactionState(sent).original;
    expect(original).toMatchObject({ content, embeds: [{ type: "rich", title: "Sources" }], author: { id: emulator.botUser.id } });
    expect(original?.flags & MessageFlags.Loading).toBe(0);
    expect(await emulator.waitForOriginal(sent)).toMatchObject({ content });
  });

  it("WHEN Discord answers 429 to the defer and 429 then 500 to the edit THEN discord.js retries and each lands once", async () => {
    emulator.failNext({ method: "POST", path: /^\/interactions\/\d+\/[^/]+\/callback$/, status: 429, retryAfter: 0.05 });
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfter: 0.05 });
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 500 });
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "Is it raining?" }));
    const interaction = await received;

    await interaction.deferReply();
    await interaction.editReply("The answer, after the storm.");

    expect(callsFor(emulator, sent.token, "POST").map((call) => call.status)).toEqual([429, 204]);
    const edits = callsFor(emulator, sent.token, "PATCH");
    expect(edits.map((call) => call.status)).toEqual([429, 500, 200]);
    expect(edits[0].response).toMatchObject({ retry_after: 0.05, global: false });
    expect(edits[0].responseHeaders).toMatchObject({ "retry-after": "0.05", "x-ratelimit-remaining": "0", "x-ratelimit-scope": "user" });
    expect(edits[0].responseHeaders).not.toHaveProperty("x-ratelimit-global");
    expect(emulator.interactionState(sent).original?.content).toBe("The answer, after the storm.");
  });

  it("WHEN the reply's content is over 2,000 characters THEN Discord's 400 (50035) rejects the promise and a reply at the limit goes through", async () => {
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "Tell me everything" }));
    const interaction = await received;

    const refusal = await interaction.reply({ content: "x".repeat(DISCORD_LIMITS.content + 1) }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DiscordAPIError);
    expect(refusal).toMatchObject({ status: 400, code: 50035 });
    expect((refusal as DiscordAPIError).rawError).toMatchObject({
      errors: { data: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } },
    });
    expect(emulator.interactionState(sent).acknowledged).toBe(false);

    const response = await interaction.reply({ content: "x".repeat(DISCORD_LIMITS.content), withResponse: true });
    expect(response.resource?.message?.content).toHaveLength(DISCORD_LIMITS.content);
    const second = await interaction.followUp({ content: "y".repeat(DISCORD_LIMITS.content + 1) }).catch((error: unknown) => error);
    expect(second).toMatchObject({ status: 400, code: 50035 });
  });

  it("WHEN a member clicks a button on the answer THEN the bot receives the click on that message and update() changes it", async () => {
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("sources"));
    await (await received).reply({ content: "Page 1 of 2", components: [buttonRow("sources:next")] });
    const answer = emulator.interactionState(sent).original as Payload;

    const clicked = nextInteraction<ButtonInteraction>(client);
    const click = emulator.sendInteraction(emulator.buttonClick("sources:next", answer));
    const button = await clicked;
    expect(button.customId).toBe("sources:next");
    expect(button.message.id).toBe(answer.id);

    await button.update({ content: "Page 2 of 2", components: [] });
    expect(emulator.message(answer.id)).toMatchObject({ content: "Page 2 of 2", components: [] });
    expect(emulator.interactionState(click)).toMatchObject({ callbackType: 7, original: { id: answer.id } });
    expect(() => emulator.buttonClick("sources:next", answer.id)).toThrow(/has no component "sources:next"/);
  });

  it("WHEN members write without the MessageContent intent THEN the bot sees the content only of the message that mentions it", async () => {
    const seen: Message[] = [];
    const collect = (message: Message) => {
      if (!message.author.bot) seen.push(message);
    };
    client.on(Events.MessageCreate, collect);
    try {
      const plain = emulator.sendMessage({ content: "Good morning, newsroom" });
      const mention = emulator.sendMessage({ content: `<@${emulator.botUser.id}> what happened in Doha?` });
      await vi.waitFor(() => expect(seen).toHaveLength(2));

      expect(plain).toMatchObject({ dispatched: true, contentVisible: false });
      expect(mention).toMatchObject({ dispatched: true, contentVisible: true });
      expect(seen[0].content).toBe("");
      expect(seen[1].content).toBe(`<@${emulator.botUser.id}> what happened in Doha?`);
      expect(seen[1].mentions.users.has(emulator.botUser.id)).toBe(true);
      expect(seen[1].author.id).toBe(emulator.user.id);
    } finally {
      client.off(Events.MessageCreate, collect);
    }
  });

  it("WHEN the bot starts a thread on its answer and a member writes in it THEN the thread has the answer's id and the bot receives the message there", async () => {
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    emulator.sendInteraction(emulator.chatInput("ask", { question: "Who met in Doha?" }));
    const interaction = await received;
    await interaction.reply("Qatar hosted the talks [1].");
    const answer = await interaction.fetchReply();

    const thread = await answer.startThread({ name: "Follow-up: Who met in Doha?" });
    expect(thread.id).toBe(answer.id);
    expect(emulator.channel(thread.id)).toMatchObject({ type: 11, parent_id: emulator.channelId, owner_id: emulator.botUser.id });
    expect(emulator.message(answer.id)?.flags & MessageFlags.HasThread).toBe(MessageFlags.HasThread);

    const inThread = new Promise<Message>((resolve) => {
      const listener = (message: Message) => {
        if (message.channelId !== thread.id || message.author.bot) return;
        client.off(Events.MessageCreate, listener);
        resolve(message);
      };
      client.on(Events.MessageCreate, listener);
    });
    emulator.sendMessage({ channelId: thread.id, content: `<@${emulator.botUser.id}> and what did Israel say?` });
    const followUp = await inThread;
    expect(followUp.channel.isThread()).toBe(true);
    expect(followUp.content).toContain("what did Israel say?");

    await thread.send({ content: "Israel welcomed the talks [1].", allowedMentions: { parse: [] } });
    const post = await emulator.waitFor((call) => call.method === "POST" && call.path === `/channels/${thread.id}/messages`);
    expect(post.body).toMatchObject({ content: "Israel welcomed the talks [1].", allowed_mentions: { parse: [] } });
    expect(emulator.channelMessages(thread.id).map((message) => message.content)).toEqual([
      `<@${emulator.botUser.id}> and what did Israel say?`,
      "Israel welcomed the talks [1].",
    ]);
  });

  it("WHEN guild commands are registered THEN they come back with ids and a slash command uses their declared option types", async () => {
    const registered = await client.application!.commands.set(
      [
        {
          name: "search",
          description: "Ranked passages for a query",
          options: [
            { type: ApplicationCommandOptionType.String, name: "query", description: "What to look for", required: true },
            { type: ApplicationCommandOptionType.Integer, name: "k", description: "How many passages" },
          ],
        },
      ],
      emulator.guildId,
    );
    const search = registered.first();
    expect(search?.id).toMatch(/^\d+$/);
    expect(emulator.calls.at(-1)).toMatchObject({
      method: "PUT",
      path: `/applications/${emulator.applicationId}/guilds/${emulator.guildId}/commands`,
      status: 200,
    });
    expect(() => emulator.chatInput("search", { k: 3 })).toThrow(/requires the option "query"/);

    const received = nextInteraction<ChatInputCommandInteraction>(client);
    emulator.sendInteraction(emulator.chatInput("search", { query: "Doha", k: 3 }));
    const interaction = await received;
    expect(interaction.commandId).toBe(search?.id);
    expect(interaction.options.getInteger("k")).toBe(3);
    await interaction.reply({ content: "3 passages", flags: MessageFlags.Ephemeral });
  });

  it("WHEN the interaction has expired THEN deferReply is refused with Unknown interaction (10062)", async () => {
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "Too late?" }));
    const interaction = await received;
    emulator.expireInteraction(sent);

    await expect(interaction.deferReply()).rejects.toMatchObject({ status: 404, code: 10062 });
  });

  it("WHEN discord.js calls a route the emulator does not know THEN it gets a Discord-shaped 404 and the call is recorded", async () => {
    await expect(client.rest.get("/nowhere/at-all")).rejects.toMatchObject({ status: 404, code: 0 });
    expect(emulator.calls.at(-1)).toMatchObject({ method: "GET", path: "/nowhere/at-all", route: null, status: 404 });
  });

  it("WHEN the gateway closes with 4000 THEN the client resumes the same session and handles the next interaction", async () => {
    const before = emulator.gatewayState();
    emulator.closeGateway(4000);
    await emulator.waitForGateway((entry) => entry.t === "RESUMED");
    expect(emulator.gatewayState()).toMatchObject({
      identifyCount: before.identifyCount,
      resumeCount: before.resumeCount + 1,
      sessionId: before.sessionId,
    });

    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "Still there?" }));
    await (await received).reply("Still here.");
    expect(emulator.interactionState(sent).original?.content).toBe("Still here.");
  });

  it("WHEN the socket is cut and an interaction arrives before the bot is back THEN it is replayed on resume and answered once", async () => {
    const before = emulator.gatewayState();
    emulator.dropGateway();
    const received = nextInteraction<ChatInputCommandInteraction>(client);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "Lost in transit?" }));
    await (await received).reply("Not lost.");

    expect(emulator.gatewayState()).toMatchObject({ identifyCount: before.identifyCount, resumeCount: before.resumeCount + 1 });
    expect(callsFor(emulator, sent.token, "POST")).toHaveLength(1);
    expect(emulator.interactionState(sent).original?.content).toBe("Not lost.");
  });
});

describe("GIVEN a gateway session that ends badly", () => {
  let emulator: DiscordEmulator;
  const clients: Client[] = [];

  beforeAll(async () => {
    emulator = await startDiscordEmulator({ heartbeatIntervalMs: 100 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.destroy()));
    await emulator?.close();
  });

  it("WHEN the client logs in with a wrong token THEN login is refused from the 401 on /gateway/bot", async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
    clients.push(client);
    await expect(client.login("not-the-token")).rejects.toMatchObject({ code: "TokenInvalid" });
    expect(emulator.calls.at(-1)).toMatchObject({ path: "/gateway/bot", status: 401 });
  });

  it("WHEN heartbeats are due THEN each is acknowledged, and a 4004 close ends the session for good", async () => {
    const client = await logIn(emulator, [GatewayIntentBits.Guilds]);
    clients.push(client);
    const heartbeat = await emulator.waitForGateway((entry) => entry.direction === "in" && entry.op === 1);
    const heartbeatAt = emulator.gatewayLog.indexOf(heartbeat);
    await emulator.waitUntil(() => emulator.gatewayLog.slice(heartbeatAt).some((entry) => entry.direction === "out" && entry.op === 11));
    await vi.waitFor(() => expect(client.ws.ping).toBeGreaterThanOrEqual(0));

    const disconnected = once(client, Events.ShardDisconnect);
    emulator.closeGateway(4004);
    const [event] = (await disconnected) as [{ code: number }];
    expect(event.code).toBe(4004);
    expect(emulator.gatewayState()).toMatchObject({ connected: false, identifyCount: 1, resumeCount: 0 });
    expect(() => emulator.sendInteraction(emulator.chatInput("ask", { question: "anyone?" }))).toThrow(/no bot session/);
  });
});

describe("GIVEN a raw gateway client", () => {
  let emulator: DiscordEmulator;

  beforeAll(async () => {
    emulator = await startDiscordEmulator();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("WHEN it asks for zlib-stream THEN every frame is one sync-flushed block of a shared deflate stream", async () => {
    const socket = new WebSocket(`${emulator.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const frames: Buffer[] = [];
    const decoded: Payload[] = [];
    let decodedLength = 0;
    socket.on("message", (data: RawData) => {
      frames.push(data as Buffer);
      const text = inflateSync(Buffer.concat(frames), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString("utf8");
      decoded.push(JSON.parse(text.slice(decodedLength)));
      decodedLength = text.length;
    });
    await once(socket, "open");
    await vi.waitFor(() => expect(decoded[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } }));

    socket.send(JSON.stringify({ op: 2, d: { token: emulator.token, intents: GatewayIntentBits.Guilds, properties: {} } }));
    socket.send(JSON.stringify({ op: 1, d: null }));
    await vi.waitFor(() => expect(decoded).toHaveLength(4));
    expect(decoded.slice(1).map((frame) => frame.t ?? frame.op)).toEqual(["READY", "GUILD_CREATE", 11]);
    expect(frames.every((frame) => frame.subarray(-4).equals(Buffer.from([0, 0, 0xff, 0xff])))).toBe(true);
    socket.close(1000);
    await once(socket, "close");
  });

  it("WHEN it asks for another API version THEN the gateway closes with 4012", async () => {
    const socket = new WebSocket(`${emulator.gatewayUrl}?v=9&encoding=json`);
    const [code] = await once(socket, "close");
    expect(code).toBe(4012);
  });
});

describe("GIVEN Discord's message rules", () => {
  const issuesOf = (message: Payload) => findMessageProblems(message).map((issue) => `${issue.path.join(".")} ${issue.code}`);
  const repeat = (length: number) => "a".repeat(length);
  const button = (customId: string, label = "Go") => ({ type: 2, style: 2, custom_id: customId, label });

  it.each([
    ["content over 2,000", { content: repeat(2001) }, "content BASE_TYPE_MAX_LENGTH"],
    ["more than 10 embeds", { embeds: Array.from({ length: 11 }, () => ({ title: "t" })) }, "embeds BASE_TYPE_MAX_LENGTH"],
    ["an embed title over 256", { embeds: [{ title: repeat(257) }] }, "embeds.0.title BASE_TYPE_MAX_LENGTH"],
    ["a description over 4,096", { embeds: [{ description: repeat(4097) }] }, "embeds.0.description BASE_TYPE_MAX_LENGTH"],
    [
      "more than 25 fields",
      { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: "n", value: "v" })) }] },
      "embeds.0.fields BASE_TYPE_MAX_LENGTH",
    ],
    ["a field name over 256", { embeds: [{ fields: [{ name: repeat(257), value: "v" }] }] }, "embeds.0.fields.0.name BASE_TYPE_MAX_LENGTH"],
    ["a field value over 1,024", { embeds: [{ fields: [{ name: "n", value: repeat(1025) }] }] }, "embeds.0.fields.0.value BASE_TYPE_MAX_LENGTH"],
    ["an empty field value", { embeds: [{ fields: [{ name: "n", value: "" }] }] }, "embeds.0.fields.0.value BASE_TYPE_REQUIRED"],
    ["embeds over 6,000 in total", { embeds: [{ description: repeat(3001) }, { description: repeat(3000) }] }, "embeds MAX_EMBED_SIZE_EXCEEDED"],
    [
      "more than 5 action rows",
      { components: Array.from({ length: 6 }, (_, row) => ({ type: 1, components: [button(`b${row}`)] })) },
      "components BASE_TYPE_MAX_LENGTH",
    ],
    [
      "more than 5 buttons in a row",
      { components: [{ type: 1, components: Array.from({ length: 6 }, (_, index) => button(`b${index}`)) }] },
      "components.0.components BASE_TYPE_MAX_LENGTH",
    ],
    [
      "a button label over 80",
      { components: [{ type: 1, components: [button("b", repeat(81))] }] },
      "components.0.components.0.label BASE_TYPE_MAX_LENGTH",
    ],
    [
      "a custom_id over 100",
      { components: [{ type: 1, components: [button(repeat(101))] }] },
      "components.0.components.0.custom_id BASE_TYPE_MAX_LENGTH",
    ],
    [
      "a duplicated custom_id",
      { components: [{ type: 1, components: [button("same"), button("same")] }] },
      "components.0.components.1.custom_id COMPONENT_CUSTOM_ID_DUPLICATED",
    ],
    [
      "parse users with a users list",
      { content: "hi", allowed_mentions: { parse: ["users"], users: ["1"] } },
      "allowed_mentions MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
    ],
  ])("WHEN a message has %s THEN it is refused at the right path", (_name, message, expected) => {
    expect(issuesOf(message)).toEqual([expected]);
  });

  it("WHEN a message sits exactly at every limit THEN nothing is refused", () => {
    const fields = Array.from({ length: 2 }, () => ({ name: repeat(256), value: repeat(1024) }));
    const message = {
      content: repeat(2000),
      embeds: [{ title: repeat(256), description: repeat(6000 - 256 - 2 * 1280), fields }, ...Array.from({ length: 9 }, () => ({}))],
      components: Array.from({ length: 5 }, (_, row) => ({
        type: 1,
        components: Array.from({ length: 5 }, (_, index) => button(`r${row}b${index}`, repeat(80))),
      })),
    };
    expect(issuesOf(message)).toEqual([]);
  });

  it("WHEN a message mentions people THEN only what allowed_mentions permits would ping", () => {
    const content = "@everyone see <@111> and <@&222>";
    expect(computePings({ content })).toEqual({ everyone: true, users: ["111"], roles: ["222"], repliedUser: false });
    expect(computePings({ content, allowed_mentions: { parse: [] } })).toEqual(NO_PINGS);
    expect(computePings({ content, allowed_mentions: { users: ["111"] } })).toEqual({ ...NO_PINGS, users: ["111"] });
    expect(computePings({ content: "a reply", message_reference: { message_id: "1" } }).repliedUser).toBe(true);
    expect(
      computePings({ content: "an embed ping does not count", embeds: [{ description: "@everyone" }], allowed_mentions: { parse: [] } }),
    ).toEqual(NO_PINGS);
  });
});
