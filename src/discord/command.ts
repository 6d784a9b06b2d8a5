// What a slash command module exports, and the context every handler receives instead of globals.
import type { ButtonInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { Pipeline, Turn } from "../core/ports.js";
import type { Answer } from "../core/types.js";
import type { Logger } from "../base/log.js";
import type { BoundedCache } from "./bounded-cache.js";
import type { ConcurrencyLimit } from "./concurrency-limit.js";
import type { ConversationMemory } from "./conversation-memory.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { BotEvents, FeedbackStore, OpsServices } from "./bot-ports.js";

/** `export default { data, execute } satisfies Command` in each file of commands/. */
export interface Command {
  /** A SlashCommandBuilder (or anything with the same name and JSON). */
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  /** Handles buttons whose custom_id starts with "<command name>:". */
  handleButton?(interaction: ButtonInteraction, context: BotContext): Promise<void>;
  /**
   * Only for members with Manage Server (or an ADMIN_ROLE_IDS role): the router checks at run time. Declare
   * `setDefaultMemberPermissions(ADMIN_PERMISSION)` in `data` too, so that Discord hides it from the others.
   */
  adminOnly?: boolean;
}

export interface BotSettings {
  rateLimitPerMinute: number;
  /** Answer every message in bot threads (needs the privileged Message Content intent), not only mentions. */
  messageContentIntent: boolean;
  /** Put question text in logs (off by default: members' questions are theirs). */
  logQuestions: boolean;
  /** Roles whose members may run admin commands, besides members with Manage Server. */
  adminRoleIds?: readonly string[];
}

/** An answer the bot sent, kept for a while so that its buttons work. */
export interface StoredAnswer {
  id: string;
  /** As the member asked it. */
  asked: string;
  answer: Answer;
  askerId: string;
  /** The conversation before this answer (empty outside threads). */
  history: Turn[];
  guildId: string | null;
  channelId: string | null;
}

export interface BotContext {
  pipeline: Pipeline;
  log: Logger;
  settings: BotSettings;
  commands: ReadonlyMap<string, Command>;
  rateLimiter: RateLimiter;
  answering: ConcurrencyLimit;
  answers: BoundedCache<StoredAnswer>;
  conversations: ConversationMemory;
  feedback: FeedbackStore;
  now: () => number;
  newId: () => string;
  /** Metrics and the answers log listen here; absent in tests that do not watch. */
  events?: BotEvents;
  /** Re-index, statistics and gaps for the admin commands; absent when the bot runs without them. */
  ops?: OpsServices;
}
