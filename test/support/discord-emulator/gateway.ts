/**
 * The gateway (websocket, v10, JSON, optional zlib-stream): HELLO and heartbeats, IDENTIFY (token and intent
 * checks, READY then GUILD_CREATE), RESUME with replay of what the bot missed, Discord's close codes, and
 * dispatching events to the current session. What the events say is up to the caller; this module only knows
 * sessions and frames.
 */
import type { IncomingMessage, Server } from "node:http";
import { constants as zlibConstants, createDeflate, type Deflate } from "node:zlib";
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from "discord.js";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { newSessionId } from "./ids.js";
import type { GatewayLogEntry, GatewayState, Payload } from "./types.js";

export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Close codes after which Discord will not accept a RESUME of the session. */
const SESSION_ENDING_CLOSE_CODES = new Set<number>([
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidSeq,
  GatewayCloseCodes.SessionTimedOut,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

/** Sessions keep this many dispatches for replay on RESUME. */
const REPLAY_LIMIT = 5_000;
const ZLIB_SUFFIX = Buffer.from([0x00, 0x00, 0xff, 0xff]);

export interface GatewayConfig {
  token: string;
  heartbeatIntervalMs: number;
  /** The privileged intents the application may ask for; IDENTIFY asking for another is closed with 4014. */
  privilegedIntents: number;
  url: () => string;
  /** What READY says about the bot: its user, its guilds (as unavailable) and its application. */
  ready: () => { user: Payload; guilds: Payload[]; application: Payload };
  /** The GUILD_CREATE that follows READY when the bot asked for the Guilds intent. */
  guildCreate: () => Payload;
  /** Called after every frame in or out, and every close. */
  notify: () => void;
}

interface GatewaySession {
  id: string;
  sequence: number;
  intents: number;
  connection: GatewayConnection | null;
  /** Every dispatch of the session (up to REPLAY_LIMIT), kept for replay on RESUME. */
  dispatched: Payload[];
  valid: boolean;
}

interface GatewayConnection {
  socket: WebSocket;
  session: GatewaySession | null;
  deflate: Deflate | null;
  closedByEmulator: boolean;
}

export class EmulatedGateway {
  /** Every gateway frame in and out (IDENTIFY/RESUME tokens redacted), and every close. */
  readonly log: GatewayLogEntry[] = [];

  private readonly server: WebSocketServer;
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly connections = new Set<GatewayConnection>();
  private currentSession: GatewaySession | null = null;
  private identifyCount = 0;
  private resumeCount = 0;

  constructor(
    httpServer: Server,
    private readonly config: GatewayConfig,
  ) {
    this.server = new WebSocketServer({ server: httpServer });
    this.server.on("connection", (socket, request) => this.accept(socket, request));
  }

  state(): GatewayState {
    const session = this.currentSession;
    return {
      connected: Boolean(session?.connection && session.connection.socket.readyState === WebSocket.OPEN),
      sessionId: session?.id ?? null,
      sequence: session?.sequence ?? 0,
      intents: session?.intents ?? 0,
      identifyCount: this.identifyCount,
      resumeCount: this.resumeCount,
    };
  }

  requireSession(): void {
    if (!this.currentSession?.valid) {
      throw new Error("Discord emulator: no bot session; log the client in and await clientReady before sending events");
    }
  }

  hasIntent(intent: number): boolean {
    return Boolean(this.currentSession?.valid && this.currentSession.intents & intent);
  }

  /** Sends a dispatch to the current session, or keeps it for replay while the bot is reconnecting. */
  dispatch(t: string, d: unknown): boolean {
    const session = this.currentSession;
    if (!session?.valid) return false;
    const frame = { op: GatewayOpcodes.Dispatch, t, s: ++session.sequence, d: structuredClone(d) };
    session.dispatched.push(frame);
    if (session.dispatched.length > REPLAY_LIMIT) session.dispatched.shift();
    if (session.connection) this.send(session.connection, frame);
    return true;
  }

  /** Dispatches only when the bot asked for `intent`, as Discord does. */
  dispatchIf(intent: number, t: string, d: unknown): void {
    if (this.hasIntent(intent)) this.dispatch(t, d);
  }

  /** Closes the bot's connection with a close code (4000 resumable; 4004 and the like end the session). */
  closeCurrent(code: number, reason: string): void {
    const session = this.currentSession;
    const connection = session?.connection;
    if (!session || !connection) throw new Error("Discord emulator: no gateway connection to close");
    if (SESSION_ENDING_CLOSE_CODES.has(code)) session.valid = false;
    this.closeConnection(connection, code, reason);
  }

  /** Cuts the bot's socket without a close frame, as a network failure would; the session can resume. */
  dropCurrent(): void {
    const connection = this.currentSession?.connection;
    if (!connection) throw new Error("Discord emulator: no gateway connection to drop");
    connection.closedByEmulator = true;
    this.log.push({ direction: "out", op: -1, close: 1006 });
    connection.socket.terminate();
    this.config.notify();
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? "/", "http://127.0.0.1").searchParams;
    const connection: GatewayConnection = { socket, session: null, deflate: null, closedByEmulator: false };
    this.connections.add(connection);
    socket.on("close", (code) => this.onClose(connection, code));
    socket.on("error", () => undefined);
    socket.on("message", (data) => this.onMessage(connection, data));
    if (query.get("v") !== "10") {
      this.closeConnection(connection, GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
      return;
    }
    if ((query.get("encoding") ?? "json") !== "json") {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, "The Discord emulator speaks JSON only");
      return;
    }
    const compress = query.get("compress");
    if (compress === "zlib-stream") connection.deflate = this.createZlibStream(connection);
    else if (compress) {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, `Unsupported compression ${compress}`);
      return;
    }
    this.send(connection, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.config.heartbeatIntervalMs, _trace: ["emulator"] } });
  }

  private onMessage(connection: GatewayConnection, data: RawData): void {
    let payload: Payload;
    try {
      payload = JSON.parse(data.toString());
    } catch {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
      return;
    }
    this.log.push({ direction: "in", op: payload.op, d: redactToken(payload.d) });
    this.config.notify();
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.send(connection, { op: GatewayOpcodes.HeartbeatAck });
        return;
      case GatewayOpcodes.Identify:
        this.identify(connection, payload.d ?? {});
        return;
      case GatewayOpcodes.Resume:
        this.resume(connection, payload.d ?? {});
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!connection.session) this.closeConnection(connection, GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
        return;
      default:
        this.closeConnection(connection, GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
    }
  }

  /** The checks IDENTIFY and RESUME share; false when the connection was closed for failing one. */
  private authenticates(connection: GatewayConnection, d: Payload): boolean {
    if (connection.session) this.closeConnection(connection, GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
    else if (d.token !== this.config.token) this.closeConnection(connection, GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
    else return true;
    return false;
  }

  private identify(connection: GatewayConnection, d: Payload): void {
    if (!this.authenticates(connection, d)) return;
    const intents = Number(d.intents);
    if (!Number.isInteger(intents) || intents < 0) {
      this.closeConnection(connection, GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
      return;
    }
    if (intents & PRIVILEGED_INTENTS & ~this.config.privilegedIntents) {
      this.closeConnection(connection, GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    const session: GatewaySession = { id: newSessionId(), sequence: 0, intents, connection, dispatched: [], valid: true };
    this.sessions.set(session.id, session);
    this.currentSession = session;
    connection.session = session;
    this.identifyCount++;
    const { user, guilds, application } = this.config.ready();
    this.dispatch(GatewayDispatchEvents.Ready, {
      v: 10,
      user,
      guilds,
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.config.url(),
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application,
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
      _trace: ["emulator"],
    });
    // Sent at once (READY lists the guild as unavailable), so clientReady fires without discord.js's 15 s wait.
    if (intents & GatewayIntentBits.Guilds) this.dispatch(GatewayDispatchEvents.GuildCreate, this.config.guildCreate());
  }

  private resume(connection: GatewayConnection, d: Payload): void {
    if (!this.authenticates(connection, d)) return;
    const session = this.sessions.get(String(d.session_id));
    if (!session?.valid) {
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    const lastSeen = Number(d.seq ?? 0);
    if (lastSeen > session.sequence) {
      this.closeConnection(connection, GatewayCloseCodes.InvalidSeq, "Invalid seq.");
      return;
    }
    const previous = session.connection;
    if (previous && previous !== connection) {
      previous.session = null;
      this.closeConnection(previous, GatewayCloseCodes.SessionTimedOut, "Session resumed elsewhere.");
    }
    session.connection = connection;
    connection.session = session;
    this.currentSession = session;
    this.resumeCount++;
    for (const missed of session.dispatched.filter((frame) => frame.s > lastSeen)) this.send(connection, missed);
    this.dispatch(GatewayDispatchEvents.Resumed, { _trace: ["emulator"] });
  }

  private onClose(connection: GatewayConnection, code: number): void {
    this.connections.delete(connection);
    connection.deflate?.close();
    const session = connection.session;
    if (session?.connection === connection) {
      session.connection = null;
      // Discord ends a session the client closed normally; other closes leave it resumable.
      if (!connection.closedByEmulator && (code === 1000 || code === 1001)) session.valid = false;
    }
    if (!connection.closedByEmulator) this.log.push({ direction: "in", op: -1, close: code });
    this.config.notify();
  }

  private closeConnection(connection: GatewayConnection, code: number, reason: string): void {
    connection.closedByEmulator = true;
    this.log.push({ direction: "out", op: -1, close: code });
    connection.socket.close(code, reason);
    this.config.notify();
  }

  private send(connection: GatewayConnection, frame: Payload): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    this.log.push({ direction: "out", op: frame.op, t: frame.t ?? null, s: frame.s ?? null, d: frame.d });
    const text = JSON.stringify(frame);
    if (connection.deflate) {
      // Write and flush in order, so each frame is exactly one flushed block.
      connection.deflate.write(text);
      connection.deflate.flush(zlibConstants.Z_SYNC_FLUSH);
    } else connection.socket.send(text);
    this.config.notify();
  }

  /** zlib-stream: one deflate context per connection, each frame ending in a sync flush (00 00 ff ff). */
  private createZlibStream(connection: GatewayConnection): Deflate {
    const deflate = createDeflate();
    let pending: Buffer[] = [];
    deflate.on("data", (chunk: Buffer) => {
      pending.push(chunk);
      if (chunk.length >= 4 && chunk.subarray(chunk.length - 4).equals(ZLIB_SUFFIX)) {
        const frame = Buffer.concat(pending);
        pending = [];
        if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(frame, { binary: true });
      }
    });
    return deflate;
  }
}

function redactToken(d: unknown): unknown {
  if (d && typeof d === "object" && "token" in d) return { ...(d as Payload), token: "[redacted]" };
  return d;
}
