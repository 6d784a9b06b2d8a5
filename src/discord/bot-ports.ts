// The bot's ports: what it tells whoever watches it (BotEvents), where 👍/👎 go (FeedbackStore), and what the
// admin commands (/reindex, /stats, /gaps) ask of the operations side (OpsServices), as plain data in and out.
// Discord owns these; the operations side (src/ops, src/serving) implements them, so no arrow runs from
// discord into ops. Every event hook is optional and must not throw: watching never gets in the way of answering.
import type { Citation } from "../core/types.js";
import type { BuildProgress, BuildSummary } from "../index/build-index.js";

export interface ServedIndex {
  /** The generation folder's name (gen-…). */
  generation: string;
  dir: string;
  builtAt: string;
  embedder: string;
  files: number;
  articles: number;
  passages: number;
  /** Epoch milliseconds when this process started serving it. */
  loadedAt: number;
}

export type ReloadOutcome =
  | { status: "reloaded"; served: ServedIndex }
  | { status: "unchanged"; served: ServedIndex }
  | { status: "failed"; message: string; served: ServedIndex | null };

export type ReindexProgress = BuildProgress & { seconds: number; rate: number };

/** The build summary as `npm run index -- --json` prints it. */
export type ReindexSummary = Omit<BuildSummary, "changed">;

export type ReindexOutcome =
  | { status: "built"; summary: ReindexSummary }
  | { status: "failed"; message: string }
  | { status: "busy"; startedAt: number; requestedBy: string };

export interface ActivitySummary {
  answeredLastDay: number;
  answeredLastWeek: number;
  /** Over the last week; null without answers. */
  medianMs: number | null;
  p95Ms: number | null;
  abstainedLastWeek: number;
  /** abstained / answered over the last week; null without answers. */
  abstentionRate: number | null;
  thumbsUpLastWeek: number;
  thumbsDownLastWeek: number;
  /** Over every record still kept (the logs are rotated). */
  thumbsUp: number;
  thumbsDown: number;
}

export interface GapEntry {
  /** The most recent wording of the question. */
  question: string;
  count: number;
  /** Epoch milliseconds of the last time it was asked. */
  lastAsked: number;
}

export interface GapsSummary {
  /** Newest first. */
  recent: GapEntry[];
  /** Questions asked more than once, most often first. */
  frequent: GapEntry[];
  /** Unanswered questions in the window. */
  total: number;
  windowDays: number;
}

export interface FeedbackRecord {
  time: string;
  user_id: string;
  rating: "up" | "down";
  question: string;
  answer: string;
  abstained: boolean;
  citations: Array<Pick<Citation, "n" | "source" | "title" | "lines" | "quote" | "passageId">>;
  guild_id?: string | null;
  channel_id?: string | null;
}

export interface FeedbackStore {
  record(entry: FeedbackRecord): Promise<void>;
  /** Every record still kept (the current file and the rotated one), oldest first. */
  readAll(): Promise<FeedbackRecord[]>;
}

export interface AnsweredEvent {
  answerId: string;
  userId: string;
  guildId: string | null;
  /** As the member asked it. */
  question: string;
  /** The standalone question retrieval used (differs from `question` for a follow-up). */
  standalone: string;
  /** From admission to answer, queueing included: what the member waited. */
  ms: number;
  citations: number;
  abstained: boolean;
  followUp: boolean;
  /** Epoch milliseconds. */
  at: number;
}

export interface BotEvents {
  answered?(event: AnsweredEvent): void;
  rateLimited?(event: { userId: string }): void;
  /** An interaction or a message whose handling failed (the member was told, the log has the detail). */
  failed?(event: { where: "interaction" | "message" }): void;
}

export interface ReindexRequest {
  rebuild: boolean;
  /** Discord user id of the admin who asked. */
  requestedBy: string;
  onProgress?(progress: ReindexProgress): void;
}

/** The build's outcome and, when it built, whether the bot now serves the new index. */
export type ReindexReport = ReindexOutcome & { reload?: ReloadOutcome };

export interface StatsReport {
  /** Null while no index is loaded. */
  index: ServedIndex | null;
  embedder: string | null;
  /** "extractive", or the chat model's provider and name. */
  answering: string;
  activity: ActivitySummary;
  /** Why the last reload failed, when it did and the bot kept the previous index. */
  lastReloadError?: string;
}

export interface OpsServices {
  reindex(request: ReindexRequest): Promise<ReindexReport>;
  /** Activity in one server (null: outside servers). */
  stats(guildId: string | null): Promise<StatsReport>;
  gaps(guildId: string | null): Promise<GapsSummary>;
}
