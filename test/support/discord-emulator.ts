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
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationFlags,
  ChannelType,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
} from "discord.js";
import { EmulatedGateway, PRIVILEGED_INTENTS } from "./discord-emulator/gateway.js";
import { createSnowflakeSource, newBotToken, newInteractionToken } from "./discord-emulator/ids.js";
import { Waiters } from "./discord-emulator/waiting.js";
import { discordError, DiscordHttpError, invalidFormBody, refuseProblems, unknownChannel, unknownMessage } from "./discord-emulator/errors.js";
import type {
  ChatInputOptions,
  DiscordEmulatorOptions,
  FormIssue,
  FaultRule,
  GatewayLogEntry,
  GatewayState,
  InteractionContext,
  InteractionState,
  Payload,
  RecordedCall,
  RecordedFile,
  SendMessageOptions,
  SentInteraction,
  SentMessage,
} from "./discord-emulator/types.js";
import {
  computePings,
  findAutocompleteProblems,
  findCommandProblems,
  findMessageProblems,
  findModalProblems,
  findThreadNameProblems,
  isEmptyMessage,
} from "./discord-emulator/validation.js";

export type * from "./discord-emulator/types.js";
export {
  computePings,
  DISCORD_LIMITS,
  findCommandProblems,
  findMessageProblems,
  isEmptyMessage,
  nestFormIssues,
  NO_PINGS,
} from "./discord-emulator/validation.js";

/** The message part of a recorded call: `body.data` for an interaction callback, the body otherwise. */
export function messagePayloadOf(call: RecordedCall): Payload | undefined {
  return call.route === "/interactions/:interactionId/:token/callback" ? call.body?.data : call.body;
}

// ---------------------------------------------------------------------------------------------------------------
// Internals: ids, errors, constants
// ---------------------------------------------------------------------------------------------------------------

const permissions = (...flags: bigint[]): bigint => flags.reduce((all, flag) => all | flag, 0n);

const MEMBER_PERMISSIONS = permissions(
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.AddReactions,
  PermissionFlagsBits.UseExternalEmojis,
  PermissionFlagsBits.UseApplicationCommands,
  PermissionFlagsBits.ChangeNickname,
  PermissionFlagsBits.Connect,
  PermissionFlagsBits.Speak,
);

const BOT_PERMISSIONS = permissions(
  MEMBER_PERMISSIONS,
  PermissionFlagsBits.ManageThreads,
  PermissionFlagsBits.ManageMessages,
);

const INTERACTION_CALLBACK_ROUTE = "/interactions/:interactionId/:token/callback";
const KEPT_ON_EDIT_FLAGS = MessageFlags.Ephemeral | MessageFlags.HasThread | MessageFlags.IsComponentsV2;
const SETTABLE_FLAGS =
  MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

const clone = <T>(value: T): T => structuredClone(value);

interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Payload | undefined;
  files: RecordedFile[];
}

interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  botAuth: boolean;
  handle: (request: RestRequest) => RestResult | Promise<RestResult>;
}

interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  payload: Payload;
  createdAt: number;
  acknowledged: boolean;
  callbackType: number | null;
  original: Payload | null;
  followUps: Payload[];
  modal: Payload | null;
  choices: Payload[] | null;
  expired: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------------------------

export async function startDiscordEmulator(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  const emulator = new DiscordEmulator(options);
  await emulator.listen();
  return emulator;
}

export class DiscordEmulator {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: Payload;
  /** The default member who runs commands and writes messages. */
  readonly user: Payload;
  readonly guildId: string;
  readonly channelId: string;
  /** Every REST call, in the order the emulator answered them. */
  readonly calls: RecordedCall[] = [];
  /** Every gateway frame in and out (IDENTIFY/RESUME tokens redacted). */
  readonly gatewayLog: GatewayLogEntry[];

  private readonly nextId = createSnowflakeSource();
  private readonly options: Required<Omit<DiscordEmulatorOptions, "token" | "interactionAckTimeoutMs">> & {
    interactionAckTimeoutMs: number | null;
  };
  private readonly server: Server;
  private readonly gateway: EmulatedGateway;
  private readonly routes: Route[];
  private readonly botRoleId: string;
  private readonly extraRoles: Payload[] = [];
  private readonly users = new Map<string, Payload>();
  private readonly channels = new Map<string, Payload>();
  private readonly messages = new Map<string, Payload>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionTokensById = new Map<string, string>();
  private readonly globalCommands: Payload[] = [];
  private readonly guildCommands = new Map<string, Payload[]>();
  private readonly faults: Array<FaultRule & { remaining: number }> = [];
  private readonly waiters = new Waiters(() => this.describeRecentCalls());
  private port = 0;
  private closed = false;

  constructor(options: DiscordEmulatorOptions = {}) {
    this.options = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
      interactionAckTimeoutMs: options.interactionAckTimeoutMs ?? null,
      interactionTokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
    };
    this.applicationId = this.nextId();
    this.guildId = this.nextId();
    this.channelId = this.nextId();
    this.botRoleId = this.nextId();
    this.token = options.token ?? newBotToken(this.applicationId);
    this.botUser = this.registerUser({ id: this.applicationId, username: "Newsdesk", bot: true });
    this.user = this.createUser("reader");
    this.channels.set(this.channelId, {
      id: this.channelId,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name: "newsroom",
      position: 0,
      permission_overwrites: [],
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    });
    this.routes = this.buildRoutes();
    this.server = createServer((request, response) => void this.handleHttp(request, response));
    this.gateway = new EmulatedGateway(this.server, {
      token: this.token,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      privilegedIntents: this.options.privilegedIntents,
      url: () => this.gatewayUrl,
      ready: () => ({
        user: clone(this.botUser),
        guilds: [{ id: this.guildId, unavailable: true }],
        application: { id: this.applicationId, flags: this.applicationFlags() },
      }),
      guildCreate: () => this.guildObject(this.guildId, true),
      notify: () => this.waiters.notify(),
    });
    this.gatewayLog = this.gateway.log;
  }

  /** @internal Use startDiscordEmulator(). */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** What discord.js takes as `rest: { api }`; it finds the gateway from it. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Commands registered with PUT/POST, global ones when no guild id is given. */
  commands(guildId?: string): Payload[] {
    return clone(guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands);
  }

  channel(id: string): Payload | undefined {
    const channel = this.channels.get(id);
    return channel && clone(channel);
  }

  /** A stored message by id (channel messages, and ephemeral interaction responses). */
  message(id: string): Payload | undefined {
    const message = this.findMessage(id);
    return message && clone(message);
  }

  /** Channel messages, oldest first. */
  channelMessages(channelId: string = this.channelId): Payload[] {
    return [...this.messages.values()]
      .filter((message) => message.channel_id === channelId)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .map(clone);
  }

  createUser(username: string, fields: Payload = {}): Payload {
    return this.registerUser({ id: this.nextId(), username, ...fields });
  }

  /** A role in the default guild (sent as GUILD_ROLE_CREATE when the bot is connected); give its id in `roles`. */
  createRole(name: string, rolePermissions: bigint = 0n): Payload {
    const role = { ...this.roleObject(this.nextId(), name, rolePermissions), position: 2 + this.extraRoles.length };
    this.extraRoles.push(role);
    if (this.gateway.hasIntent(GatewayIntentBits.Guilds)) this.gateway.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: this.guildId, role });
    return clone(role);
  }

  gatewayState(): GatewayState {
    return this.gateway.state();
  }

  // ------------------------------------------------------------------------------------------ driving the bot

  /** A slash command payload; option types come from the registered command when there is one. */
  chatInput(name: string, options: ChatInputOptions = {}, context: InteractionContext = {}): Payload {
    const guildId = context.guildId === undefined ? this.guildId : context.guildId;
    const command = this.findCommand(name, guildId);
    const apiOptions = Array.isArray(options) ? options : this.toCommandOptions(name, options, command);
    const data: Payload = {
      id: command?.id ?? this.nextId(),
      name,
      type: ApplicationCommandType.ChatInput,
      ...(apiOptions.length > 0 ? { options: apiOptions } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return this.buildInteraction(InteractionType.ApplicationCommand, data, context);
  }

  /** A click on a button of a stored (or given) message; throws if the message has no such enabled button. */
  buttonClick(customId: string, message: Payload | string, user?: Payload, context: InteractionContext = {}): Payload {
    const id = typeof message === "string" ? message : message.id;
    const source = this.findMessage(id) ?? (typeof message === "string" ? undefined : message);
    if (!source) throw new Error(`Discord emulator: no message ${id} to click on`);
    const component = findComponent(source.components, customId);
    if (!component) {
      const available = listCustomIds(source.components);
      throw new Error(`Discord emulator: message ${id} has no component "${customId}" (it has: ${available.join(", ") || "none"})`);
    }
    if (component.disabled) throw new Error(`Discord emulator: the button "${customId}" is disabled; Discord would not send the click`);
    const payload = this.buildInteraction(
      InteractionType.MessageComponent,
      { custom_id: customId, component_type: component.type },
      { channelId: source.channel_id, guildId: source.guild_id ?? null, ...context, ...(user ? { user } : {}) },
    );
    payload.message = clone(source);
    return payload;
  }

  /** Dispatches INTERACTION_CREATE (interactions need no intent) and tracks its responses. */
  sendInteraction(payload: Payload): SentInteraction {
    this.gateway.requireSession();
    const filled: Payload = { ...payload, id: payload.id ?? this.nextId(), token: payload.token ?? newInteractionToken() };
    const record: InteractionRecord = {
      id: filled.id,
      token: filled.token,
      type: filled.type,
      payload: filled,
      createdAt: Date.now(),
      acknowledged: false,
      callbackType: null,
      original: null,
      followUps: [],
      modal: null,
      choices: null,
      expired: false,
    };
    this.interactions.set(record.token, record);
    this.interactionTokensById.set(record.id, record.token);
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, filled);
    return { id: record.id, token: record.token, payload: clone(filled) };
  }

  /** A member's message: stored, then dispatched as MESSAGE_CREATE as far as the bot's intents allow. */
  sendMessage(options: SendMessageOptions): SentMessage {
    this.gateway.requireSession();
    const channel = this.channels.get(options.channelId ?? this.channelId);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${options.channelId}`);
    const author = this.registerUser(options.author ?? this.user);
    options.mentions?.forEach((mentioned) => this.registerUser(mentioned));
    const message = this.newMessage(channel, { author, content: options.content, ...options.extra });
    if (options.mentions) message.mentions = clone(options.mentions);
    message.mention_everyone = options.mentionEveryone ?? false;
    this.storeMessage(message);
    const delivery = this.dispatchMessage(GatewayDispatchEvents.MessageCreate, message);
    this.waiters.notify();
    return { message: clone(message), ...delivery };
  }

  interactionState(interaction: SentInteraction | string): InteractionState {
    const record = this.findInteraction(interaction);
    const original = record.original;
    return {
      id: record.id,
      token: record.token,
      acknowledged: record.acknowledged,
      callbackType: record.callbackType,
      deferred:
        record.callbackType === InteractionResponseType.DeferredChannelMessageWithSource ||
        record.callbackType === InteractionResponseType.DeferredMessageUpdate,
      ephemeral: Boolean(original && original.flags & MessageFlags.Ephemeral),
      original: original && clone(original),
      followUps: record.followUps.map(clone),
      modal: record.modal && clone(record.modal),
      choices: record.choices && clone(record.choices),
      expired: this.isExpired(record),
    };
  }

  /** Expires an interaction now: its callback answers 404 (10062), its webhook 401 (50027). */
  expireInteraction(interaction: SentInteraction | string): void {
    this.findInteraction(interaction).expired = true;
  }

  /** Removes a channel or thread, tells the bot (CHANNEL_DELETE / THREAD_DELETE); later calls to it get 404. */
  deleteChannel(id: string): void {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${id}`);
    this.channels.delete(id);
    for (const [messageId, message] of this.messages) if (message.channel_id === id) this.messages.delete(messageId);
    const isThread = channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;
    if (this.gateway.hasIntent(GatewayIntentBits.Guilds)) {
      this.gateway.dispatch(
        isThread ? GatewayDispatchEvents.ThreadDelete : GatewayDispatchEvents.ChannelDelete,
        isThread ? { id, guild_id: channel.guild_id, parent_id: channel.parent_id, type: channel.type } : channel,
      );
    }
  }

  // ------------------------------------------------------------------------------------------------- waiting

  /** The first recorded call (already made or yet to come) that matches. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 5_000): Promise<RecordedCall> {
    return this.waitUntil(() => this.calls.find(predicate), timeoutMs, "a matching REST call");
  }

  waitForGateway(predicate: (entry: GatewayLogEntry) => boolean, timeoutMs = 5_000): Promise<GatewayLogEntry> {
    return this.waitUntil(() => this.gatewayLog.find(predicate), timeoutMs, "a matching gateway frame");
  }

  /** The original response once `until` holds; by default once it is no longer the "thinking..." message. */
  waitForOriginal(
    interaction: SentInteraction | string,
    until: (message: Payload) => boolean = (message) => !(message.flags & MessageFlags.Loading),
    timeoutMs = 5_000,
  ): Promise<Payload> {
    return this.waitUntil(
      () => {
        const original = this.findInteraction(interaction).original;
        return original && until(original) ? clone(original) : undefined;
      },
      timeoutMs,
      "the interaction's original response",
    );
  }

  /** Resolves with the first truthy value of `check`, re-evaluated after every REST call and gateway frame. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs = 5_000, description = "a condition"): Promise<T> {
    return this.waiters.waitUntil(check, timeoutMs, description);
  }

  // ------------------------------------------------------------------------------------------------- faults

  /** Answers the next matching REST calls with an error instead of handling them. */
  failNext(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  /** Closes the bot's gateway connection with a close code (4000 resumable; 4004 and the like end the session). */
  closeGateway(code: number = GatewayCloseCodes.UnknownError, reason = "closed by the Discord emulator"): void {
    this.gateway.closeCurrent(code, reason);
  }

  /** Cuts the bot's gateway socket without a close frame, as a network failure would; the session can resume. */
  dropGateway(): void {
    this.gateway.dropCurrent();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.rejectAll(new Error("Discord emulator closed"));
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --------------------------------------------------------------------------------------------------- REST

  private buildRoutes(): Route[] {
    const route = (method: string, pattern: string, handle: Route["handle"], botAuth = true): Route => {
      const keys: string[] = [];
      const source = pattern
        .split("/")
        .map((segment) => {
          if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          keys.push(segment.slice(1));
          return "([^/]+)";
        })
        .join("/");
      return { method, pattern, regex: new RegExp(`^${source}$`), keys, botAuth, handle };
    };
    const ok = (body: unknown, status = 200): RestResult => ({ status, body });
    const noContent: RestResult = { status: 204 };
    return [
      route("GET", "/gateway/bot", () =>
        ok({
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000 - this.gateway.state().identifyCount, reset_after: 86_400_000, max_concurrency: 1 },
        }),
      ),
      route("GET", "/gateway", () => ok({ url: this.gatewayUrl }), false),
      route("GET", "/users/@me", () => ok(this.botUser)),
      route("POST", "/users/@me/channels", ({ body }) => ok(this.dmChannelFor(this.knownUser(String(body?.recipient_id))))),
      route("GET", "/users/:userId", ({ params }) => ok(this.knownUser(params.userId))),
      route("GET", "/applications/@me", () => ok(this.applicationObject())),
      route("GET", "/oauth2/applications/@me", () => ok(this.applicationObject())),
      route("GET", "/applications/:applicationId/commands", ({ params }) => ok(this.commandList(params, null))),
      route("PUT", "/applications/:applicationId/commands", (request) => ok(this.putCommands(request, null))),
      route("POST", "/applications/:applicationId/commands", (request) => this.postCommand(request, null)),
      route("DELETE", "/applications/:applicationId/commands/:commandId", (request) => this.deleteCommand(request, null)),
      route("GET", "/applications/:applicationId/guilds/:guildId/commands", ({ params }) => ok(this.commandList(params, params.guildId))),
      route("PUT", "/applications/:applicationId/guilds/:guildId/commands", (request) => ok(this.putCommands(request, request.params.guildId))),
      route("POST", "/applications/:applicationId/guilds/:guildId/commands", (request) => this.postCommand(request, request.params.guildId)),
      route("DELETE", "/applications/:applicationId/guilds/:guildId/commands/:commandId", (request) => this.deleteCommand(request, request.params.guildId)),
      route("POST", INTERACTION_CALLBACK_ROUTE, (request) => this.interactionCallback(request), false),
      route("POST", "/webhooks/:applicationId/:token", (request) => this.executeWebhook(request), false),
      route("GET", "/webhooks/:applicationId/:token/messages/:messageId", ({ params }) => ok(this.webhookMessage(params)), false),
      route("PATCH", "/webhooks/:applicationId/:token/messages/:messageId", (request) => this.editWebhookMessage(request), false),
      route("DELETE", "/webhooks/:applicationId/:token/messages/:messageId", (request) => this.deleteWebhookMessage(request), false),
      route("GET", "/channels/:channelId", ({ params }) => ok(this.knownChannel(params.channelId))),
      route("PATCH", "/channels/:channelId", (request) => ok(this.editChannel(request))),
      route("DELETE", "/channels/:channelId", ({ params }) => {
        const channel = this.knownChannel(params.channelId);
        this.deleteChannel(params.channelId);
        return ok(channel);
      }),
      route("GET", "/channels/:channelId/messages", ({ params, query }) => ok(this.listMessages(params.channelId, query))),
      route("POST", "/channels/:channelId/messages", (request) => ok(this.createChannelMessage(request))),
      route("GET", "/channels/:channelId/messages/:messageId", ({ params }) => ok(this.channelMessage(params))),
      route("PATCH", "/channels/:channelId/messages/:messageId", (request) => ok(this.editChannelMessage(request))),
      route("DELETE", "/channels/:channelId/messages/:messageId", ({ params }) => {
        const message = this.channelMessage(params);
        this.removeMessage(message);
        return noContent;
      }),
      route("POST", "/channels/:channelId/messages/:messageId/threads", (request) => ok(this.startThreadFromMessage(request), 201)),
      route("POST", "/channels/:channelId/threads", (request) => ok(this.startThread(request), 201)),
      route("POST", "/channels/:channelId/typing", ({ params }) => (this.knownChannel(params.channelId), noContent)),
      route("PUT", "/channels/:channelId/thread-members/@me", ({ params }) => (this.knownChannel(params.channelId), noContent)),
      route("DELETE", "/channels/:channelId/thread-members/@me", ({ params }) => (this.knownChannel(params.channelId), noContent)),
      route("PUT", "/channels/:channelId/messages/:messageId/reactions/:emoji/@me", ({ params }) => (this.channelMessage(params), noContent)),
      route("DELETE", "/channels/:channelId/messages/:messageId/reactions/:emoji/@me", ({ params }) => (this.channelMessage(params), noContent)),
      route("GET", "/guilds/:guildId", ({ params }) => ok(this.guildObject(this.knownGuild(params.guildId), false))),
      route("GET", "/guilds/:guildId/channels", ({ params }) => (this.knownGuild(params.guildId), ok(this.guildChannels(false)))),
      route("GET", "/guilds/:guildId/roles", ({ params }) => (this.knownGuild(params.guildId), ok(this.roles()))),
      route("GET", "/guilds/:guildId/members/:userId", ({ params }) => {
        this.knownGuild(params.guildId);
        const user = this.users.get(params.userId);
        if (!user) throw discordError(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
        return ok(this.memberObject(user, user.id === this.botUser.id ? [this.botRoleId] : []));
      }),
    ];
  }

  private async handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = (request.method ?? "GET").toUpperCase();
    const { version, path } = splitApiPath(url.pathname);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
    );
    const call: RecordedCall = {
      seq: -1,
      method,
      path,
      version,
      route: null,
      params: {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      headers,
      status: 0,
      response: undefined,
      responseHeaders: {},
    };
    let result: RestResult;
    try {
      const raw = await readBody(request);
      Object.assign(call, await parseRequestBody(raw, headers["content-type"] ?? ""));
      const match = this.matchRoute(method, path);
      if (match) {
        call.route = match.route.pattern;
        call.params = match.params;
      }
      const fault = this.takeFault(method, path);
      if (fault) result = fault;
      else if (!match) throw discordError(404, 0, "404: Not Found");
      else {
        if (match.route.botAuth && headers.authorization !== `Bot ${this.token}`) throw discordError(401, 0, "401: Unauthorized");
        result = await match.route.handle({ method, path, params: call.params, query: call.query, body: call.body, files: call.files });
      }
    } catch (error) {
      result =
        error instanceof DiscordHttpError
          ? { status: error.status, body: error.body, headers: error.headers }
          : { status: 500, body: { message: "500: Internal Server Error", code: 0, emulator_error: String(error) } };
    }
    call.status = result.status;
    call.response = result.body === undefined ? undefined : clone(result.body);
    const responseHeaders: Record<string, string> = { ...result.headers };
    if (result.body !== undefined && result.status !== 204) responseHeaders["content-type"] = "application/json";
    call.responseHeaders = responseHeaders;
    call.seq = this.calls.length;
    this.calls.push(call);
    response.writeHead(result.status, responseHeaders);
    response.end(result.body !== undefined && result.status !== 204 ? JSON.stringify(result.body) : undefined);
    this.waiters.notify();
  }

  private matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(route.keys.map((key, index) => [key, found[index + 1]]));
      return { route, params };
    }
    return null;
  }

  private takeFault(method: string, path: string): RestResult | null {
    const index = this.faults.findIndex(
      (fault) =>
        (!fault.method || fault.method.toUpperCase() === method) &&
        (typeof fault.path === "string" ? fault.path === path : fault.path.test(path)),
    );
    if (index === -1) return null;
    const fault = this.faults[index];
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    if (fault.status === 429) {
      const retryAfter = fault.retryAfter ?? 0.05;
      const global = fault.global ?? false;
      return {
        status: 429,
        body: { message: "You are being rate limited.", retry_after: retryAfter, global },
        headers: {
          // Discord rounds this header up to whole seconds; fractions here keep the tests fast and discord.js reads either.
          "retry-after": String(retryAfter),
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
          "x-ratelimit-reset-after": String(retryAfter),
          "x-ratelimit-bucket": "emulated",
          "x-ratelimit-scope": global ? "global" : "user",
          ...(global ? { "x-ratelimit-global": "true" } : {}),
        },
      };
    }
    if (fault.status >= 500) {
      return { status: fault.status, body: { message: fault.message ?? `${fault.status}: Server Error`, code: fault.code ?? 0 } };
    }
    return { status: fault.status, body: { message: fault.message ?? `${fault.status}: Emulated failure`, code: fault.code ?? 0 } };
  }

  // ------------------------------------------------------------------------------------------- interactions

  private interactionCallback({ params, body, query, files }: RestRequest): RestResult {
    const record = this.interactions.get(params.token);
    if (!record || record.id !== params.interactionId || this.isExpired(record) || this.missedAckDeadline(record)) {
      throw discordError(404, RESTJSONErrorCodes.UnknownInteraction, "Unknown interaction");
    }
    if (record.acknowledged) {
      throw discordError(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, "Interaction has already been acknowledged.");
    }
    const type = Number(body?.type);
    if (!allowedCallbackTypes(record.type).includes(type)) {
      throw invalidFormBody([{ path: ["type"], code: "INTERACTION_RESPONSE_TYPE_INVALID", message: `Interaction response type ${body?.type} is not allowed for interaction type ${record.type}.` }]);
    }
    const data: Payload = body?.data ?? {};
    const source = record.payload.message ? this.findMessage(record.payload.message.id) ?? null : null;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        this.checkNewMessage(data, files.length, ["data"]);
        record.original = this.createInteractionMessage(record, data, files, false);
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        record.original = this.createInteractionMessage(record, { flags: (Number(data.flags) || 0) & MessageFlags.Ephemeral }, [], true);
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate: {
        record.original = source;
        break;
      }
      case InteractionResponseType.UpdateMessage: {
        if (!source) throw unknownMessage();
        refuseProblems(findMessageProblems(data), ["data"]);
        this.applyMessageEdit(source, data, files);
        record.original = source;
        this.echoMessage(GatewayDispatchEvents.MessageUpdate, source);
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        refuseProblems(findAutocompleteProblems(data), ["data"]);
        record.choices = clone(Array.isArray(data.choices) ? data.choices : []);
        break;
      }
      case InteractionResponseType.Modal: {
        refuseProblems(findModalProblems(data), ["data"]);
        record.modal = clone(data);
        break;
      }
      default:
        break;
    }
    record.acknowledged = true;
    record.callbackType = type;
    if (query.with_response !== "true") return { status: 204 };
    const message = record.original;
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: message ? Boolean(message.flags & MessageFlags.Loading) : null,
          response_message_ephemeral: message ? Boolean(message.flags & MessageFlags.Ephemeral) : null,
        },
        resource: { type, ...(message && type !== InteractionResponseType.DeferredMessageUpdate ? { message: clone(message) } : {}) },
      },
    };
  }

  private executeWebhook({ params, body, query, files }: RestRequest): RestResult {
    const record = this.webhookInteraction(params);
    if (!record.acknowledged) throw discordError(404, RESTJSONErrorCodes.UnknownWebhook, "Unknown Webhook");
    const payload = body ?? {};
    const original = record.original;
    // Discord: a follow-up straight after a defer edits the loading message instead of creating one.
    if (record.callbackType === InteractionResponseType.DeferredChannelMessageWithSource && original && original.flags & MessageFlags.Loading) {
      this.checkNewMessage(payload, files.length);
      this.applyMessageEdit(original, { ...payload, flags: undefined }, files);
      this.echoMessage(GatewayDispatchEvents.MessageUpdate, original);
      return query.wait === "true" ? { status: 200, body: clone(original) } : { status: 204 };
    }
    this.checkNewMessage(payload, files.length);
    const message = this.createInteractionMessage(record, payload, files, false);
    record.followUps.push(message);
    return query.wait === "true" ? { status: 200, body: clone(message) } : { status: 204 };
  }

  private webhookMessage(params: Record<string, string>): Payload {
    return clone(this.resolveWebhookMessage(this.webhookInteraction(params), params.messageId));
  }

  private editWebhookMessage({ params, body, files }: RestRequest): RestResult {
    const record = this.webhookInteraction(params);
    const message = this.resolveWebhookMessage(record, params.messageId);
    refuseProblems(findMessageProblems(body ?? {}));
    this.applyMessageEdit(message, body ?? {}, files);
    this.echoMessage(GatewayDispatchEvents.MessageUpdate, message);
    return { status: 200, body: clone(message) };
  }

  private deleteWebhookMessage({ params }: RestRequest): RestResult {
    const record = this.webhookInteraction(params);
    const message = this.resolveWebhookMessage(record, params.messageId);
    if (record.original === message) record.original = null;
    record.followUps = record.followUps.filter((followUp) => followUp !== message);
    this.removeMessage(message);
    return { status: 204 };
  }

  private webhookInteraction(params: Record<string, string>): InteractionRecord {
    const record = this.interactions.get(params.token);
    if (!record || params.applicationId !== this.applicationId) {
      throw discordError(404, RESTJSONErrorCodes.UnknownWebhook, "Unknown Webhook");
    }
    if (this.isExpired(record)) throw discordError(401, RESTJSONErrorCodes.InvalidWebhookToken, "Invalid Webhook Token");
    return record;
  }

  private resolveWebhookMessage(record: InteractionRecord, messageId: string): Payload {
    const message =
      messageId === "@original" ? record.original : (record.followUps.find((followUp) => followUp.id === messageId) ?? null);
    if (!message) throw unknownMessage();
    if (!(message.flags & MessageFlags.Ephemeral) && !this.channels.has(message.channel_id)) throw unknownChannel();
    return message;
  }

  private createInteractionMessage(record: InteractionRecord, data: Payload, files: RecordedFile[], loading: boolean): Payload {
    const payload = record.payload;
    const channel = this.channels.get(payload.channel_id) ?? payload.channel ?? { id: payload.channel_id };
    const user = payload.member?.user ?? payload.user;
    const isCommand = record.type === InteractionType.ApplicationCommand;
    const message = this.newMessage(channel, {
      author: this.botUser,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      type: isCommand ? MessageType.ChatInputCommand : MessageType.Default,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user,
        authorizing_integration_owners: payload.authorizing_integration_owners ?? {},
        ...(isCommand ? { name: payload.data?.name, command_type: payload.data?.type } : {}),
        ...(payload.message ? { interacted_message_id: payload.message.id } : {}),
      },
    });
    this.applyMessagePayload(message, data, files, true);
    if (loading) message.flags |= MessageFlags.Loading;
    if (!(message.flags & MessageFlags.Ephemeral)) {
      this.storeMessage(message);
      this.echoMessage(GatewayDispatchEvents.MessageCreate, message);
    }
    return message;
  }

  private isExpired(record: InteractionRecord): boolean {
    return record.expired || Date.now() - record.createdAt > this.options.interactionTokenLifetimeMs;
  }

  private missedAckDeadline(record: InteractionRecord): boolean {
    const deadline = this.options.interactionAckTimeoutMs;
    return deadline !== null && Date.now() - record.createdAt > deadline;
  }

  private findInteraction(interaction: SentInteraction | string): InteractionRecord {
    const key = typeof interaction === "string" ? interaction : interaction.token;
    const record = this.interactions.get(key) ?? this.interactions.get(this.interactionTokensById.get(key) ?? "");
    if (!record) throw new Error(`Discord emulator: unknown interaction ${key}`);
    return record;
  }

  private buildInteraction(type: InteractionType, data: Payload, context: InteractionContext): Payload {
    const user = this.registerUser(context.user ?? context.member?.user ?? this.user);
    const guildId = context.guildId === undefined ? this.guildId : context.guildId;
    const channel = guildId
      ? this.channels.get(context.channelId ?? this.channelId)
      : context.channelId
        ? this.channels.get(context.channelId)
        : this.dmChannelFor(user);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${context.channelId}`);
    const interaction: Payload = {
      id: this.nextId(),
      application_id: this.applicationId,
      type,
      data,
      token: newInteractionToken(),
      version: 1,
      locale: context.locale ?? "en-US",
      app_permissions: BOT_PERMISSIONS.toString(),
      entitlements: [],
      authorizing_integration_owners: guildId ? { "0": guildId } : { "1": user.id },
      context: guildId ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
      channel_id: channel.id,
      channel: clone(channel),
    };
    if (guildId) {
      interaction.guild_id = guildId;
      interaction.guild = { id: guildId, locale: "en-US", features: [] };
      interaction.guild_locale = "en-US";
      interaction.member = {
        ...this.memberObject(user, context.roles ?? []),
        permissions: String(context.permissions ?? MEMBER_PERMISSIONS),
        ...context.member,
      };
    } else {
      interaction.user = user;
    }
    return interaction;
  }

  // ----------------------------------------------------------------------------------------------- messages

  private createChannelMessage({ params, body, files }: RestRequest): Payload {
    const channel = this.knownChannel(params.channelId);
    const payload = body ?? {};
    this.checkNewMessage(payload, files.length);
    const message = this.newMessage(channel, { author: this.botUser });
    const reference = payload.message_reference;
    if (reference?.message_id) {
      const referenced = this.messages.get(String(reference.message_id));
      if (referenced) {
        message.type = MessageType.Reply;
        message.message_reference = { type: 0, message_id: referenced.id, channel_id: referenced.channel_id, guild_id: referenced.guild_id };
        message.referenced_message = clone(referenced);
      } else if (reference.fail_if_not_exists !== false) {
        throw invalidFormBody([{ path: ["message_reference"], code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" }]);
      }
    }
    this.applyMessagePayload(message, payload, files, true);
    this.storeMessage(message);
    this.echoMessage(GatewayDispatchEvents.MessageCreate, message);
    return clone(message);
  }

  private editChannelMessage({ params, body, files }: RestRequest): Payload {
    const message = this.channelMessage(params, true);
    if (message.author.id !== this.botUser.id) {
      throw discordError(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, "Cannot edit a message authored by another user");
    }
    refuseProblems(findMessageProblems(body ?? {}));
    this.applyMessageEdit(message, body ?? {}, files);
    this.echoMessage(GatewayDispatchEvents.MessageUpdate, message);
    return clone(message);
  }

  private channelMessage(params: Record<string, string>, live = false): Payload {
    this.knownChannel(params.channelId);
    const message = this.messages.get(params.messageId);
    if (!message || message.channel_id !== params.channelId) throw unknownMessage();
    return live ? message : clone(message);
  }

  private listMessages(channelId: string, query: Record<string, string>): Payload[] {
    this.knownChannel(channelId);
    const limit = Math.min(Math.max(Number(query.limit ?? 50) || 50, 1), 100);
    const id = (value: string | undefined) => (value ? BigInt(value) : null);
    const before = id(query.before);
    const after = id(query.after);
    return this.channelMessages(channelId)
      .filter((message) => (before === null || BigInt(message.id) < before) && (after === null || BigInt(message.id) > after))
      .reverse()
      .slice(0, limit);
  }

  private checkNewMessage(payload: Payload, fileCount: number, prefix: Array<string | number> = []): void {
    refuseProblems(findMessageProblems(payload), prefix);
    if (isEmptyMessage(payload, fileCount)) {
      throw discordError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");
    }
  }

  private newMessage(channel: Payload, fields: Payload): Payload {
    const content = typeof fields.content === "string" ? fields.content : "";
    return {
      id: this.nextId(),
      channel_id: channel.id,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      author: fields.author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: this.usersMentionedIn(content),
      mention_roles: [...content.matchAll(/<@&(\d+)>/g)].map((match) => match[1]),
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: MessageType.Default,
      flags: 0,
      ...fields,
    };
  }

  /** Writes a create payload into a message, as Discord stores it. */
  private applyMessagePayload(message: Payload, payload: Payload, files: RecordedFile[], creating: boolean): void {
    if ("content" in payload) {
      message.content = typeof payload.content === "string" ? payload.content : "";
      message.mentions = this.usersMentionedIn(message.content);
      message.mention_roles = [...message.content.matchAll(/<@&(\d+)>/g)].map((match: RegExpMatchArray) => match[1]);
      message.mention_everyone = computePings(payload).everyone;
    }
    if ("embeds" in payload) message.embeds = (payload.embeds ?? []).map((embed: Payload) => ({ type: "rich", ...clone(embed) }));
    if ("components" in payload) message.components = clone(payload.components ?? []);
    if ("poll" in payload && payload.poll) message.poll = clone(payload.poll);
    if (creating) {
      message.tts = Boolean(payload.tts);
      message.flags = (Number(payload.flags) || 0) & SETTABLE_FLAGS;
    } else if ("flags" in payload && payload.flags != null) {
      message.flags = (message.flags & KEPT_ON_EDIT_FLAGS) | (Number(payload.flags) & MessageFlags.SuppressEmbeds);
    }
    if (files.length > 0 || "attachments" in payload) {
      const kept = Array.isArray(payload.attachments)
        ? message.attachments.filter((attachment: Payload) => payload.attachments.some((wanted: Payload) => String(wanted.id) === attachment.id))
        : message.attachments;
      const added = files.map((file) => ({
        id: this.nextId(),
        filename: file.name,
        size: file.size,
        content_type: file.contentType,
        url: `${this.apiUrl.replace(/\/api$/, "")}/attachments/${message.channel_id}/${file.name}`,
        proxy_url: `${this.apiUrl.replace(/\/api$/, "")}/attachments/${message.channel_id}/${file.name}`,
      }));
      message.attachments = [...kept, ...added];
    }
  }

  private applyMessageEdit(message: Payload, payload: Payload, files: RecordedFile[]): void {
    const wasLoading = Boolean(message.flags & MessageFlags.Loading);
    this.applyMessagePayload(message, payload, files, false);
    message.flags &= ~MessageFlags.Loading;
    // Filling in a deferred "thinking..." message is the response itself, not an edit of it.
    if (!wasLoading) message.edited_timestamp = new Date().toISOString();
    for (const stored of this.messages.values()) {
      if (stored.referenced_message?.id === message.id) stored.referenced_message = clone(message);
    }
  }

  private storeMessage(message: Payload): void {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (!channel) return;
    channel.last_message_id = message.id;
    if (channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread) {
      channel.message_count = (channel.message_count ?? 0) + 1;
      channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
    }
  }

  private removeMessage(message: Payload): void {
    this.messages.delete(message.id);
    if (message.flags & MessageFlags.Ephemeral) return;
    if (this.gateway.hasIntent(message.guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages)) {
      this.gateway.dispatch(GatewayDispatchEvents.MessageDelete, {
        id: message.id,
        channel_id: message.channel_id,
        ...(message.guild_id ? { guild_id: message.guild_id } : {}),
      });
    }
  }

  private findMessage(id: string): Payload | undefined {
    const stored = this.messages.get(id);
    if (stored) return stored;
    for (const record of this.interactions.values()) {
      if (record.original?.id === id) return record.original;
      const followUp = record.followUps.find((message) => message.id === id);
      if (followUp) return followUp;
    }
    return undefined;
  }

  private usersMentionedIn(content: string): Payload[] {
    const ids = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1]))];
    return ids.flatMap((id) => {
      const user = this.users.get(id);
      return user ? [clone(user)] : [];
    });
  }

  // ------------------------------------------------------------------------------------------------ threads

  private startThreadFromMessage({ params, body }: RestRequest): Payload {
    const parent = this.knownChannel(params.channelId);
    const message = this.channelMessage(params, true);
    if (message.thread) {
      throw discordError(400, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage, "A thread has already been created for this message");
    }
    this.checkThreadName(body);
    // On Discord a thread started from a message shares the message's id.
    const thread = this.newThread(parent, message.id, ChannelType.PublicThread, body ?? {});
    message.thread = clone(thread);
    message.flags |= MessageFlags.HasThread;
    return thread;
  }

  private startThread({ params, body }: RestRequest): Payload {
    const parent = this.knownChannel(params.channelId);
    this.checkThreadName(body);
    const type = Number(body?.type ?? ChannelType.PrivateThread);
    return this.newThread(parent, this.nextId(), type, body ?? {});
  }

  private checkThreadName(body: Payload | undefined): void {
    refuseProblems(findThreadNameProblems(body));
  }

  private newThread(parent: Payload, id: string, type: number, body: Payload): Payload {
    if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
      throw discordError(400, RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType, "Cannot execute action on this channel type");
    }
    const now = new Date().toISOString();
    const thread: Payload = {
      id,
      type,
      guild_id: parent.guild_id,
      parent_id: parent.id,
      owner_id: this.botUser.id,
      name: body.name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      rate_limit_per_user: Number(body.rate_limit_per_user ?? 0),
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: Number(body.auto_archive_duration ?? 4320),
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(type === ChannelType.PrivateThread ? { invitable: body.invitable ?? true } : {}),
      },
      member: { id, user_id: this.botUser.id, join_timestamp: now, flags: 0 },
    };
    this.channels.set(id, thread);
    if (this.gateway.hasIntent(GatewayIntentBits.Guilds)) this.gateway.dispatch(GatewayDispatchEvents.ThreadCreate, { ...clone(thread), newly_created: true });
    return clone(thread);
  }

  private editChannel({ params, body }: RestRequest): Payload {
    const channel = this.knownChannel(params.channelId, true);
    const patch = body ?? {};
    if (typeof patch.name === "string") channel.name = patch.name;
    if (channel.thread_metadata) {
      for (const key of ["archived", "locked", "auto_archive_duration", "invitable"]) {
        if (key in patch) channel.thread_metadata[key] = patch[key];
      }
    }
    if (this.gateway.hasIntent(GatewayIntentBits.Guilds)) {
      this.gateway.dispatch(channel.thread_metadata ? GatewayDispatchEvents.ThreadUpdate : GatewayDispatchEvents.ChannelUpdate, clone(channel));
    }
    return clone(channel);
  }

  // ----------------------------------------------------------------------------------------------- commands

  private commandList(params: Record<string, string>, guildId: string | null): Payload[] {
    this.checkApplication(params.applicationId, guildId);
    return this.commands(guildId ?? undefined);
  }

  private putCommands({ params, body }: RestRequest, guildId: string | null): Payload[] {
    this.checkApplication(params.applicationId, guildId);
    if (!Array.isArray(body)) throw invalidFormBody([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array." }]);
    const issues: FormIssue[] = body.flatMap((command: Payload, index: number) => findCommandProblems(command).map((issue) => ({ ...issue, path: [index, ...issue.path] })));
    const names = body.map((command: Payload) => `${command.type ?? 1}:${command.name}`);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) issues.push({ path: [index, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: `Application command names must be unique` });
    });
    refuseProblems(issues);
    const previous = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    const stored = body.map((command: Payload) => this.storedCommand(command, guildId, previous));
    if (guildId) this.guildCommands.set(guildId, stored);
    else this.globalCommands.splice(0, this.globalCommands.length, ...stored);
    return clone(stored);
  }

  private postCommand({ params, body }: RestRequest, guildId: string | null): RestResult {
    this.checkApplication(params.applicationId, guildId);
    refuseProblems(findCommandProblems(body ?? {}));
    const list = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    const stored = this.storedCommand(body ?? {}, guildId, list);
    const index = list.findIndex((command) => command.name === stored.name && command.type === stored.type);
    if (index === -1) list.push(stored);
    else list[index] = stored;
    if (guildId) this.guildCommands.set(guildId, list);
    return { status: index === -1 ? 201 : 200, body: clone(stored) };
  }

  private deleteCommand({ params }: RestRequest, guildId: string | null): RestResult {
    this.checkApplication(params.applicationId, guildId);
    const list = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    const index = list.findIndex((command) => command.id === params.commandId);
    if (index === -1) throw discordError(404, RESTJSONErrorCodes.UnknownApplicationCommand, "Unknown application command");
    list.splice(index, 1);
    return { status: 204 };
  }

  private storedCommand(command: Payload, guildId: string | null, previous: Payload[]): Payload {
    const type = command.type ?? ApplicationCommandType.ChatInput;
    const existing = previous.find((candidate) => candidate.name === command.name && candidate.type === type);
    return {
      id: existing?.id ?? this.nextId(),
      application_id: this.applicationId,
      version: this.nextId(),
      default_member_permissions: null,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...clone(command),
      type,
      description: command.description ?? "",
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  private checkApplication(applicationId: string, guildId: string | null): void {
    if (applicationId !== this.applicationId) {
      throw discordError(403, RESTJSONErrorCodes.NotAuthorizedToPerformThisActionOnThisApplication, "You are not authorized to perform this action on this application");
    }
    if (guildId && guildId !== this.guildId) throw discordError(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");
  }

  private findCommand(name: string, guildId: string | null): Payload | undefined {
    const isNamed = (command: Payload) => command.name === name && command.type === ApplicationCommandType.ChatInput;
    return (guildId ? this.guildCommands.get(guildId)?.find(isNamed) : undefined) ?? this.globalCommands.find(isNamed);
  }

  /** Turns { question: "..." } into API options, as the Discord client would (it refuses what does not fit). */
  private toCommandOptions(name: string, options: Record<string, unknown>, command: Payload | undefined): Payload[] {
    const declared: Payload[] = command?.options ?? [];
    const given = Object.entries(options).filter(([, value]) => value !== undefined);
    if (command) {
      for (const option of declared) {
        if (option.required && !given.some(([key]) => key === option.name)) {
          throw new Error(`Discord emulator: /${name} requires the option "${option.name}"; the Discord client would not send it without`);
        }
      }
    }
    return given.map(([key, value]) => {
      const declaration = declared.find((option) => option.name === key);
      if (command && !declaration) throw new Error(`Discord emulator: the registered /${name} has no option "${key}"`);
      const type = declaration?.type ?? inferOptionType(value);
      if (!fitsOptionType(type, value)) throw new Error(`Discord emulator: option "${key}" of /${name} cannot hold ${JSON.stringify(value)}`);
      return { name: key, type, value };
    });
  }

  // ----------------------------------------------------------------------------------------- guild & users

  private registerUser(user: Payload): Payload {
    const known = this.users.get(user.id);
    if (known) return known;
    const complete: Payload = {
      username: "member",
      discriminator: "0",
      global_name: null,
      avatar: null,
      bot: false,
      system: false,
      public_flags: 0,
      flags: 0,
      ...user,
    };
    this.users.set(complete.id, complete);
    return complete;
  }

  private knownUser(id: string): Payload {
    const user = this.users.get(id);
    if (!user) throw discordError(404, RESTJSONErrorCodes.UnknownUser, "Unknown User");
    return clone(user);
  }

  private knownChannel(id: string, live = false): Payload {
    const channel = this.channels.get(id);
    if (!channel) throw unknownChannel();
    return live ? channel : clone(channel);
  }

  private knownGuild(id: string): string {
    if (id !== this.guildId) throw discordError(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
    return id;
  }

  private dmChannelFor(user: Payload): Payload {
    const existing = [...this.channels.values()].find(
      (channel) => channel.type === ChannelType.DM && channel.recipients?.[0]?.id === user.id,
    );
    if (existing) return clone(existing);
    const channel = { id: this.nextId(), type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [clone(user)] };
    this.channels.set(channel.id, channel);
    return clone(channel);
  }

  private memberObject(user: Payload, roles: string[]): Payload {
    return {
      user: clone(user),
      nick: null,
      avatar: null,
      banner: null,
      roles,
      joined_at: new Date(0).toISOString(),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  }

  private roleObject(id: string, name: string, rolePermissions: bigint, extra: Payload = {}): Payload {
    return {
      id,
      name,
      permissions: rolePermissions.toString(),
      position: 0,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
      icon: null,
      unicode_emoji: null,
      ...extra,
    };
  }

  private roles(): Payload[] {
    return [
      this.roleObject(this.guildId, "@everyone", MEMBER_PERMISSIONS),
      this.roleObject(this.botRoleId, this.botUser.username, BOT_PERMISSIONS, { position: 1, managed: true, tags: { bot_id: this.botUser.id } }),
      ...this.extraRoles.map(clone),
    ];
  }

  private guildChannels(threads: boolean): Payload[] {
    return [...this.channels.values()]
      .filter((channel) => channel.guild_id === this.guildId && Boolean(channel.thread_metadata) === threads)
      .map(clone);
  }

  private guildObject(id: string, forGateway: boolean): Payload {
    const guild: Payload = {
      id,
      name: "Newsdesk test guild",
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.user.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      preferred_locale: "en-US",
      max_members: 500_000,
      features: [],
      roles: this.roles(),
      emojis: [],
      stickers: [],
      application_id: null,
    };
    if (!forGateway) return guild;
    return {
      ...guild,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: this.users.size,
      members: [this.memberObject(this.botUser, [this.botRoleId])],
      channels: this.guildChannels(false),
      threads: this.guildChannels(true),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private applicationObject(): Payload {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: "",
      summary: "",
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: this.applicationFlags(),
      team: null,
      bot: clone(this.botUser),
      owner: clone(this.user),
      approximate_guild_count: 1,
    };
  }

  private applicationFlags(): number {
    const enabled = this.options.privilegedIntents;
    return (
      (enabled & GatewayIntentBits.GuildPresences ? ApplicationFlags.GatewayPresence : 0) |
      (enabled & GatewayIntentBits.GuildMembers ? ApplicationFlags.GatewayGuildMembers : 0) |
      (enabled & GatewayIntentBits.MessageContent ? ApplicationFlags.GatewayMessageContent : 0)
    );
  }

  // ------------------------------------------------------------------------------------------------ gateway

  /** MESSAGE_CREATE/UPDATE as far as the intents allow, with content hidden without MessageContent. */
  private dispatchMessage(t: string, message: Payload): Omit<SentMessage, "message"> {
    const inGuild = Boolean(message.guild_id);
    if (!this.gateway.hasIntent(inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages)) {
      return { dispatched: false, contentVisible: false };
    }
    const botId = this.botUser.id;
    const contentVisible =
      !inGuild ||
      this.gateway.hasIntent(GatewayIntentBits.MessageContent) ||
      message.author?.id === botId ||
      (message.mentions ?? []).some((user: Payload) => user.id === botId);
    const frame: Payload = contentVisible ? clone(message) : { ...clone(message), content: "", embeds: [], attachments: [], components: [] };
    if (inGuild) {
      // Guild messages carry the author's member object, without its user (that is `author`).
      const { user: _user, ...member } = this.memberObject(message.author, message.author?.id === botId ? [this.botRoleId] : []);
      frame.member = member;
    }
    this.gateway.dispatch(t, frame);
    return { dispatched: true, contentVisible };
  }

  /** Discord echoes the bot's own (non-ephemeral) messages back over the gateway. */
  private echoMessage(t: string, message: Payload): void {
    if (message.flags & MessageFlags.Ephemeral) return;
    this.dispatchMessage(t, message);
  }

  // ---------------------------------------------------------------------------------------------- plumbing

  private describeRecentCalls(): string {
    const recent = this.calls.slice(-8).map((call) => `${call.method} ${call.path} → ${call.status}`);
    return recent.length > 0 ? `Last REST calls: ${recent.join("; ")}` : "No REST calls were made.";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

function splitApiPath(pathname: string): { version: number | null; path: string } {
  const decoded = pathname
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
  const found = /^\/api(?:\/v(\d+))?(\/.*)?$/.exec(decoded);
  if (!found) return { version: null, path: decoded };
  return { version: found[1] ? Number(found[1]) : null, path: found[2] ?? "/" };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseRequestBody(raw: Buffer, contentType: string): Promise<{ body: Payload | undefined; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    const files: RecordedFile[] = [];
    let body: Payload | undefined;
    for (const [field, value] of form) {
      if (typeof value === "string") {
        if (field === "payload_json") body = { ...body, ...parseJson(value) };
        else body = { ...body, [field]: value };
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, name: value.name, contentType: value.type, size: data.length, data });
      }
    }
    return { body, files };
  }
  return { body: parseJson(raw.toString("utf8")), files: [] };
}

function parseJson(text: string): Payload {
  try {
    return JSON.parse(text);
  } catch {
    throw discordError(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, "The request body contains invalid JSON.");
  }
}

function allowedCallbackTypes(interactionType: number): number[] {
  switch (interactionType) {
    case InteractionType.Ping:
      return [InteractionResponseType.Pong];
    case InteractionType.ApplicationCommand:
      return [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.Modal,
        InteractionResponseType.LaunchActivity,
      ];
    case InteractionType.MessageComponent:
      return [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.DeferredMessageUpdate,
        InteractionResponseType.UpdateMessage,
        InteractionResponseType.Modal,
      ];
    case InteractionType.ApplicationCommandAutocomplete:
      return [InteractionResponseType.ApplicationCommandAutocompleteResult];
    case InteractionType.ModalSubmit:
      return [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.DeferredMessageUpdate,
        InteractionResponseType.UpdateMessage,
      ];
    default:
      return [];
  }
}

function findComponent(rows: unknown, customId: string): Payload | undefined {
  if (!Array.isArray(rows)) return undefined;
  for (const component of rows as Payload[]) {
    if (component?.custom_id === customId) return component;
    const nested = findComponent(component?.components, customId) ?? findComponent(component?.accessory ? [component.accessory] : [], customId);
    if (nested) return nested;
  }
  return undefined;
}

function listCustomIds(rows: unknown): string[] {
  if (!Array.isArray(rows)) return [];
  return (rows as Payload[]).flatMap((component) => [
    ...(typeof component?.custom_id === "string" ? [component.custom_id] : []),
    ...listCustomIds(component?.components),
  ]);
}

function inferOptionType(value: unknown): number {
  if (typeof value === "boolean") return ApplicationCommandOptionType.Boolean;
  if (typeof value === "number") return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

function fitsOptionType(type: number, value: unknown): boolean {
  switch (type) {
    case ApplicationCommandOptionType.Boolean:
      return typeof value === "boolean";
    case ApplicationCommandOptionType.Integer:
      return Number.isInteger(value);
    case ApplicationCommandOptionType.Number:
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === "string";
  }
}


