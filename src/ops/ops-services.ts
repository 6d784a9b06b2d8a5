// What the admin commands (/reindex, /stats, /gaps) ask of the operations side: plain data in and out.
import type { ReloadOutcome, ServedIndex } from "./reloadable-pipeline.js";
import type { ReindexOutcome, ReindexProgress } from "./reindex-runner.js";
import type { ActivitySummary, GapsSummary } from "./summarize-activity.js";

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
