// What one benchmark size hands to each measured phase (plain data: it crosses a process boundary).
import { loadConfig, type Config } from "../base/config.js";
import type { QaItem } from "./make-bench-corpus.js";

export interface TuningGrid {
  m: number[];
  efConstruction: number[];
  ef: number[];
  batchSizes: number[];
}

export interface SizeJob {
  corpusDir: string;
  indexDir: string;
  /** Where the plain LangChain recipe saves its store. */
  recipeDir: string;
  /** Search and ask questions, in order. */
  queries: string[];
  qa: QaItem[];
  /** A corpus source to modify for the one-file-change re-index. */
  probeSource: string;
  /** Concurrent asks while the event-loop delay is recorded. */
  concurrentAsks: number;
  /** HNSW ef values at which recall@10 is reported (the configured HNSW_EF is always added). */
  recallEfs: number[];
  /** HNSW choices and batch sizes the tuning phase measures (its defaults when absent). */
  tuneGrid?: TuningGrid;
  /** Settings on top of the process environment (CORPUS_DIR and INDEX_DIR are always this size's). */
  envOverrides: Record<string, string>;
}

/** The default configuration (as the environment sets it) pointed at this size's corpus and index. */
export function configForJob(job: SizeJob): Config {
  return loadConfig({ ...process.env, ...job.envOverrides, CORPUS_DIR: job.corpusDir, INDEX_DIR: job.indexDir, LOG_LEVEL: "silent" });
}
