/**
 * DiscordEmulator: one HTTP server on 127.0.0.1 carrying the REST API and the gateway, and the methods a test
 * drives the bot with. It wires the parts together and keeps no rules of its own; how to use it is in
 * ../discord-emulator.ts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, MessageFlags } from "discord.js";
import { Channels } from "./channels.js";
import { Commands } from "./commands.js";
import { EmulatedGateway, PRIVILEGED_INTENTS } from "./gateway.js";
import { newBotToken } from "./ids.js";
import { InteractionPayloads } from "./interaction-payloads.js";
import { Interactions } from "./interactions.js";
import { Messages } from "./messages.js";
import { clone, DiscordModel } from "./model.js";
import { RestApi } from "./rest.js";
import { buildRoutes } from "./routes.js";
import type {
  ChatInputOptions,
  DiscordEmulatorOptions,
  FaultRule,
  GatewayLogEntry,
  GatewayState,
  InteractionContext,
  InteractionState,
  Payload,
  RecordedCall,
  SendMessageOptions,
  SentInteraction,
  SentMessage,
} from "./types.js";
import { Waiters } from "./waiting.js";

const DEFAULT_TIMEOUT_MS = 5_000;

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
  readonly calls: RecordedCall[];
  /** Every gateway frame in and out (IDENTIFY/RESUME tokens redacted). */
  readonly gatewayLog: GatewayLogEntry[];

  private readonly server: Server;
  private readonly model: DiscordModel;
  private readonly gateway: EmulatedGateway;
  private readonly rest: RestApi;
  private readonly messages: Messages;
  private readonly channels: Channels;
  private readonly commandRegistry: Commands;
  private readonly interactions: Interactions;
  private readonly payloads: InteractionPayloads;
  private readonly waiters = new Waiters(() => this.describeRecentCalls());
  private port = 0;
  private closed = false;

  constructor(options: DiscordEmulatorOptions = {}) {
    const privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;
    const model = new DiscordModel(privilegedIntents);
    this.model = model;
    this.applicationId = model.applicationId;
    this.guildId = model.guildId;
    this.channelId = model.channelId;
    this.botUser = model.botUser;
    this.user = model.user;
    this.token = options.token ?? newBotToken(this.applicationId);

    const notify = () => this.waiters.notify();
    this.server = createServer((request, response) => void this.rest.handle(request, response));
    this.gateway = new EmulatedGateway(this.server, {
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents,
      url: () => this.gatewayUrl,
      ready: () => ({
        user: clone(model.botUser),
        guilds: [{ id: model.guildId, unavailable: true }],
        application: { id: model.applicationId, flags: model.applicationFlags() },
      }),
      guildCreate: () => model.guildObject(true),
      notify,
    });
    this.gatewayLog = this.gateway.log;
    this.messages = new Messages(model, this.gateway, () => this.apiUrl.replace(/\/api$/, ""));
    this.channels = new Channels(model, this.gateway, this.messages);
    this.commandRegistry = new Commands(model);
    this.interactions = new Interactions(model, this.gateway, this.messages, {
      ackTimeoutMs: options.interactionAckTimeoutMs ?? null,
      tokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
    });
    this.payloads = new InteractionPayloads(model, this.commandRegistry, (id) => this.interactions.findMessage(id));
    const routes = buildRoutes({
      model,
      gateway: this.gateway,
      gatewayUrl: () => this.gatewayUrl,
      messages: this.messages,
      channels: this.channels,
      interactions: this.interactions,
      commands: this.commandRegistry,
    });
    this.rest = new RestApi(routes, this.token, notify);
    this.calls = this.rest.calls;
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

  // ----------------------------------------------------------------------------------------- reading state

  /** Commands registered with PUT/POST, global ones when no guild id is given. */
  commands(guildId?: string): Payload[] {
    return this.commandRegistry.registered(guildId);
  }

  channel(id: string): Payload | undefined {
    const channel = this.model.channels.get(id);
    return channel && clone(channel);
  }

  /** A stored message by id (channel messages, and ephemeral interaction responses). */
  message(id: string): Payload | undefined {
    const message = this.interactions.findMessage(id);
    return message && clone(message);
  }

  /** Channel messages, oldest first. */
  channelMessages(channelId: string = this.channelId): Payload[] {
    return this.model.channelMessages(channelId);
  }

  interactionState(interaction: SentInteraction | string): InteractionState {
    return this.interactions.state(interaction);
  }

  gatewayState(): GatewayState {
    return this.gateway.state();
  }

  // ------------------------------------------------------------------------------------------ driving the bot

  createUser(username: string, fields: Payload = {}): Payload {
    return this.model.createUser(username, fields);
  }

  /** A role in the default guild (sent as GUILD_ROLE_CREATE when the bot is connected); give its id in `roles`. */
  createRole(name: string, rolePermissions: bigint = 0n): Payload {
    const role = this.model.createRole(name, rolePermissions);
    this.gateway.dispatchIf(GatewayIntentBits.Guilds, GatewayDispatchEvents.GuildRoleCreate, { guild_id: this.guildId, role });
    return role;
  }

  /** A slash command payload; option types come from the registered command when there is one. */
  chatInput(name: string, options: ChatInputOptions = {}, context: InteractionContext = {}): Payload {
    return this.payloads.chatInput(name, options, context);
  }

  /** A click on a button of a stored (or given) message; throws if the message has no such enabled button. */
  buttonClick(customId: string, message: Payload | string, user?: Payload, context: InteractionContext = {}): Payload {
    return this.payloads.buttonClick(customId, message, user, context);
  }

  /** Dispatches INTERACTION_CREATE (interactions need no intent) and tracks its responses. */
  sendInteraction(payload: Payload): SentInteraction {
    return this.interactions.send(payload);
  }

  /** A member's message: stored, then dispatched as MESSAGE_CREATE as far as the bot's intents allow. */
  sendMessage(options: SendMessageOptions): SentMessage {
    this.gateway.requireSession();
    const channel = this.model.channels.get(options.channelId ?? this.channelId);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${options.channelId}`);
    const author = this.model.registerUser(options.author ?? this.user);
    options.mentions?.forEach((mentioned) => this.model.registerUser(mentioned));
    const message = this.model.newMessage(channel, { author, content: options.content, ...options.extra });
    if (options.mentions) message.mentions = clone(options.mentions);
    message.mention_everyone = options.mentionEveryone ?? false;
    this.model.storeMessage(message);
    const delivery = this.messages.dispatchMessage(GatewayDispatchEvents.MessageCreate, message);
    this.waiters.notify();
    return { message: clone(message), ...delivery };
  }

  /** Expires an interaction now: its callback answers 404 (10062), its webhook 401 (50027). */
  expireInteraction(interaction: SentInteraction | string): void {
    this.interactions.expire(interaction);
  }

  /** Removes a channel or thread, tells the bot (CHANNEL_DELETE / THREAD_DELETE); later calls to it get 404. */
  deleteChannel(id: string): void {
    this.channels.deleteChannel(id);
  }

  // ------------------------------------------------------------------------------------------------- waiting

  /** The first recorded call (already made or yet to come) that matches. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RecordedCall> {
    return this.waitUntil(() => this.calls.find(predicate), timeoutMs, "a matching REST call");
  }

  waitForGateway(predicate: (entry: GatewayLogEntry) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GatewayLogEntry> {
    return this.waitUntil(() => this.gatewayLog.find(predicate), timeoutMs, "a matching gateway frame");
  }

  /** The original response once `until` holds; by default once it is no longer the "thinking..." message. */
  waitForOriginal(
    interaction: SentInteraction | string,
    until: (message: Payload) => boolean = (message) => !(message.flags & MessageFlags.Loading),
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Payload> {
    return this.waitUntil(
      () => {
        const original = this.interactions.original(interaction);
        return original && until(original) ? clone(original) : undefined;
      },
      timeoutMs,
      "the interaction's original response",
    );
  }

  /** Resolves with the first truthy value of `check`, re-evaluated after every REST call and gateway frame. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs = DEFAULT_TIMEOUT_MS, description = "a condition"): Promise<T> {
    return this.waiters.waitUntil(check, timeoutMs, description);
  }

  // ------------------------------------------------------------------------------------------------- faults

  /** Answers the next matching REST calls with an error instead of handling them. */
  failNext(rule: FaultRule): void {
    this.rest.failNext(rule);
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

  private describeRecentCalls(): string {
    const recent = this.calls.slice(-8).map((call) => `${call.method} ${call.path} → ${call.status}`);
    return recent.length > 0 ? `Last REST calls: ${recent.join("; ")}` : "No REST calls were made.";
  }
}
