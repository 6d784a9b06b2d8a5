// The bot: a discord.js client wired to the pipeline. Everything it needs comes in as a parameter.
import { randomBytes } from "node:crypto";
import { Client, Events, GatewayIntentBits, Status } from "discord.js";
import type { Config } from "../base/config.js";
import type { Pipeline } from "../core/ports.js";
import type { Logger } from "../base/log.js";
import { NO_PINGS } from "./answer-question.js";
import { createBoundedCache } from "./bounded-cache.js";
import type { BotContext, Command, StoredAnswer } from "./command.js";
import { createConcurrencyLimit } from "./concurrency-limit.js";
import { createConversationMemory, type ConversationMemory } from "./conversation-memory.js";
import { describeGatewayClose } from "./describe-gateway-close.js";
import { routeInteraction } from "./interaction-router.js";
import { routeMessage } from "./message-router.js";
import { createRateLimiter } from "./rate-limiter.js";
import type { BotEvents, FeedbackStore, OpsServices } from "./bot-ports.js";

/** Answers stay clickable this long (buttons on older answers say so). */
const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;
const ANSWERS_KEPT = 2000;

export type BotConfig = Pick<
  Config,
  "DISCORD_API_URL" | "MESSAGE_CONTENT_INTENT" | "RATE_LIMIT_PER_MINUTE" | "MAX_CONCURRENT_ANSWERS" | "LOG_QUESTIONS"
> &
  Partial<Pick<Config, "ADMIN_ROLE_IDS">>;

export interface BotDeps {
  pipeline: Pipeline;
  log: Logger;
  config: BotConfig;
  commands: ReadonlyMap<string, Command>;
  /** Where 👍/👎 go (the composition root passes `${DATA_DIR}/feedback.jsonl`). */
  feedback: FeedbackStore;
  conversations?: ConversationMemory;
  now?: () => number;
  /** Metrics and the answers log (src/create-operations.ts). */
  events?: BotEvents;
  /** What /reindex, /stats and /gaps need; without it they say they are not enabled. */
  ops?: OpsServices;
  /**
   * Called if Discord ends the session for good after the bot was ready (a token reset or revoked
   * while running): discord.js will not reconnect, so the process should exit rather than sit deaf.
   */
  onFatalDisconnect?: (message: string) => void;
}

export interface Bot {
  client: Client;
  context: BotContext;
  /** Logs in and resolves once the gateway is ready. */
  start(token: string): Promise<void>;
  /** Disconnects; safe to call more than once. */
  stop(): Promise<void>;
  /** True while the gateway connection is up and ready (false while it reconnects or resumes). */
  isConnected(): boolean;
}

/**
 * Guilds: slash commands, channels and threads. GuildMessages: mentions and thread follow-ups arrive as
 * messages (not privileged; a mention carries its text without Message Content). MessageContent only when
 * configured, to read every message in the bot's threads.
 */
export function chooseIntents(messageContentIntent: boolean): GatewayIntentBits[] {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
  if (messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

export function createBot(deps: BotDeps): Bot {
  const { pipeline, log, config, commands } = deps;
  const now = deps.now ?? Date.now;
  const context: BotContext = {
    pipeline,
    log,
    commands,
    settings: {
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      messageContentIntent: config.MESSAGE_CONTENT_INTENT,
      logQuestions: config.LOG_QUESTIONS,
      adminRoleIds: config.ADMIN_ROLE_IDS ?? [],
    },
    rateLimiter: createRateLimiter({ perMinute: config.RATE_LIMIT_PER_MINUTE, now }),
    answering: createConcurrencyLimit(config.MAX_CONCURRENT_ANSWERS),
    answers: createBoundedCache<StoredAnswer>({ maxEntries: ANSWERS_KEPT, ttlMs: ANSWER_TTL_MS, now }),
    conversations: deps.conversations ?? createConversationMemory({ now }),
    feedback: deps.feedback,
    now,
    newId: () => randomBytes(6).toString("base64url"),
    ...(deps.events ? { events: deps.events } : {}),
    ...(deps.ops ? { ops: deps.ops } : {}),
  };

  const client = new Client({
    intents: chooseIntents(config.MESSAGE_CONTENT_INTENT),
    allowedMentions: NO_PINGS,
    ...(config.DISCORD_API_URL ? { rest: { api: config.DISCORD_API_URL } } : {}),
  });

  client.on(Events.InteractionCreate, (interaction) => {
    void routeInteraction(interaction, context);
  });
  client.on(Events.MessageCreate, (message) => {
    void routeMessage(message, context);
  });
  client.on(Events.Error, (error) => log.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (warning) => log.warn({ warning }, "discord client warning"));
  let started = false;
  let stopped = false;
  // discord.js emits this only for close codes it will not recover from; before ready, login() rejects instead.
  client.on(Events.ShardDisconnect, (event, shardId) => {
    log.error({ code: event.code, shard_id: shardId }, "gateway closed for good");
    if (started && !stopped) deps.onFatalDisconnect?.(describeGatewayClose(event.code));
  });
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shard_id: shardId, replayed }, "gateway resumed"));

  return {
    client,
    context,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      started = true;
      log.info({ user: client.user?.tag, commands: [...commands.keys()] }, "bot ready");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await client.destroy();
      log.info({}, "bot stopped");
    },
    isConnected() {
      const shards = [...client.ws.shards.values()];
      return !stopped && shards.length > 0 && shards.every((shard) => shard.status === Status.Ready);
    },
  };
}
