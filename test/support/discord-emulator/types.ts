/** The emulator's public types: what tests pass in, and what they read back. */

/** A Discord JSON object (message, interaction, channel...). Loose on purpose: tests read nested fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = Record<string, any>;

export interface DiscordEmulatorOptions {
  /** The bot token the emulator accepts. Default: a generated token, read it from `emulator.token`. */
  token?: string;
  /** heartbeat_interval sent in HELLO. Default 41,250 ms, as Discord. */
  heartbeatIntervalMs?: number;
  /**
   * Privileged intents switched on for the application in the Developer Portal (GuildMembers, GuildPresences,
   * MessageContent bits). IDENTIFY asking for any other privileged intent is closed with 4014. Default: all three.
   */
  privilegedIntents?: number;
  /** Discord refuses a first response later than 3 s (10062). Off by default so a busy CI machine cannot flake. */
  interactionAckTimeoutMs?: number;
  /** Interaction tokens (edits, follow-ups) live 15 minutes on Discord; after that the webhook answers 401 (50027). */
  interactionTokenLifetimeMs?: number;
}

export interface RecordedFile {
  field: string;
  name: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface RecordedCall {
  /** Position in `emulator.calls`. */
  seq: number;
  method: string;
  /** Path without the `/api/v10` prefix, each segment percent-decoded: `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** API version from the URL (10 for discord.js 14), or null when the path had none. */
  version: number | null;
  /** The matched route template, or null for an unknown route. */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart bodies the parsed `payload_json` part. */
  body: Payload | undefined;
  files: RecordedFile[];
  headers: Record<string, string>;
  /** The status the emulator answered with, its body and its headers (rate-limit headers on a 429). */
  status: number;
  response: unknown;
  responseHeaders: Record<string, string>;
}

export interface FaultRule {
  method?: string;
  /** Matched against `RecordedCall.path`; a string must match exactly. */
  path: RegExp | string;
  status: number;
  /** Seconds, as Discord's `retry_after` (429 only). Default 0.05 so tests stay fast. */
  retryAfter?: number;
  /** Marks the 429 as global (sends `x-ratelimit-global`). Default false. */
  global?: boolean;
  /** How many matching calls to fail. Default 1. */
  times?: number;
  /** Discord error code and message for statuses other than 429/5xx (for example 403 / 50013). */
  code?: number;
  message?: string;
}

export interface GatewayLogEntry {
  direction: "in" | "out";
  op: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
  /** Close frames the emulator sent or received. */
  close?: number;
}

export interface SentInteraction {
  id: string;
  token: string;
  payload: Payload;
}

export interface InteractionState {
  id: string;
  token: string;
  acknowledged: boolean;
  /** The interaction callback type used (4, 5, 6, 7, 8, 9), or null before any. */
  callbackType: number | null;
  deferred: boolean;
  ephemeral: boolean;
  /** The original response as it stands now (after the defer, edits, or a component update), or null. */
  original: Payload | null;
  followUps: Payload[];
  modal: Payload | null;
  choices: Payload[] | null;
  expired: boolean;
}

export interface SentMessage {
  message: Payload;
  /** False when the bot lacks the intent to receive it (GuildMessages / DirectMessages). */
  dispatched: boolean;
  /** False when the content was blanked because the bot lacks MessageContent and was not mentioned. */
  contentVisible: boolean;
}

export interface InteractionContext {
  user?: Payload;
  /** Null for a DM interaction. Default: `emulator.guildId`. */
  guildId?: string | null;
  channelId?: string;
  /** The member's permissions (bigint or decimal string). Default: an ordinary member's. */
  permissions?: bigint | string;
  roles?: string[];
  member?: Payload;
  locale?: string;
}

export type ChatInputOptions = Record<string, string | number | boolean | undefined> | Payload[];

export interface SendMessageOptions {
  content: string;
  channelId?: string;
  author?: Payload;
  /** Users mentioned; default: the users whose `<@id>` appears in the content. */
  mentions?: Payload[];
  mentionEveryone?: boolean;
  /** Any other message fields (message_reference, embeds, attachments...). */
  extra?: Payload;
}

export interface GatewayState {
  connected: boolean;
  sessionId: string | null;
  sequence: number;
  intents: number;
  identifyCount: number;
  resumeCount: number;
}

export interface Pings {
  everyone: boolean;
  users: string[];
  roles: string[];
  repliedUser: boolean;
}

/** One thing Discord refuses in a form body, before nesting into its `errors` object. */
export interface FormIssue {
  path: Array<string | number>;
  code: string;
  message: string;
}
