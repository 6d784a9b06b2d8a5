// A Pipeline whose index can be replaced while the bot runs. A new index is opened completely beside the one
// being served and only then swapped in, by one assignment: a question is answered wholly by the index that was
// current when it started, and never by a half-loaded one. A failed open leaves the served index in place.
import path from "node:path";
import type { Pipeline } from "../core/ports.js";
import type { Manifest } from "../index/manifest.js";
import type { Logger } from "../base/log.js";
import type { ReloadOutcome, ServedIndex } from "../discord/bot-ports.js";

/** What `openPipelineWithIndex` returns, narrowed to what the swap needs. */
export interface IndexedPipeline {
  pipeline: Pipeline;
  loaded: { dir: string; manifest: Pick<Manifest, "builtAt" | "embedder" | "files">; close?(): Promise<void> };
}

export interface ReloadablePipeline extends Pipeline {
  /** The index being served, or null before the first successful load. */
  served(): ServedIndex | null;
  /**
   * Opens the generation INDEX_DIR/CURRENT names unless it is the one served, and switches to it once it is
   * fully open. Calls run one after another; each one that finds nothing new costs one small file read.
   */
  reload(reason: string): Promise<ReloadOutcome>;
  /** Why the last reload failed, until one succeeds. */
  lastFailure(): string | undefined;
}

export interface ReloadablePipelineOptions {
  open(): Promise<IndexedPipeline>;
  /** The generation folder CURRENT names now (null: none built). */
  readGeneration(): Promise<string | null>;
  log: Logger;
  now?: () => number;
  onReload?(outcome: ReloadOutcome): void;
}

export const NOT_LOADED_MESSAGE = "The index is not loaded yet. Try again in a moment.";

function describeServed(opened: IndexedPipeline, loadedAt: number): ServedIndex {
  const { dir, manifest } = opened.loaded;
  const files = Object.values(manifest.files);
  return {
    generation: path.basename(dir),
    dir,
    builtAt: manifest.builtAt,
    embedder: manifest.embedder.id,
    files: files.length,
    articles: files.reduce((n, f) => n + f.articles, 0),
    passages: files.reduce((n, f) => n + f.passages.length, 0),
    loadedAt,
  };
}

export function createReloadablePipeline(options: ReloadablePipelineOptions): ReloadablePipeline {
  const { log } = options;
  const now = options.now ?? Date.now;
  let current: { opened: IndexedPipeline; served: ServedIndex } | null = null;
  // Kept for "Show passages" on answers given from the index before: their passage ids may be gone now.
  let previous: IndexedPipeline | null = null;
  let failure: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const serving = (): Pipeline => {
    if (!current) throw new Error(NOT_LOADED_MESSAGE);
    return current.opened.pipeline;
  };

  const reloadNow = async (reason: string): Promise<ReloadOutcome> => {
    try {
      const generation = await options.readGeneration();
      if (current && generation !== null && path.resolve(generation) === path.resolve(current.served.dir)) {
        return { status: "unchanged", served: current.served };
      }
      const opened = await options.open();
      const served = describeServed(opened, now());
      const before = current?.served;
      // The index before the previous one is no longer reachable from any answer: its files are released.
      const dropped = previous;
      previous = current?.opened ?? null;
      await dropped?.loaded.close?.().catch((error: unknown) => log.warn({ err: error }, "closing an old index failed"));
      current = { opened, served };
      failure = undefined;
      log.info(
        { reason, generation: served.generation, previous: before?.generation, articles: served.articles, passages: served.passages },
        "index loaded",
      );
      return { status: "reloaded", served };
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      log.error({ err: error, reason, serving: current?.served.generation ?? null }, "index reload failed; still serving the previous index");
      return { status: "failed", message: failure, served: current?.served ?? null };
    }
  };

  return {
    // Async, so that "not loaded" is a rejected promise like any other failure to answer.
    ask: async (question, askOptions) => serving().ask(question, askOptions),
    search: async (query, searchOptions) => serving().search(query, searchOptions),
    listArticles: (filter) => current?.opened.pipeline.listArticles(filter) ?? [],
    getPassage: (id) => current?.opened.pipeline.getPassage(id) ?? previous?.pipeline.getPassage(id),
    served: () => current?.served ?? null,
    lastFailure: () => failure,
    reload(reason) {
      const result = queue.then(async () => {
        const outcome = await reloadNow(reason);
        if (outcome.status !== "unchanged") options.onReload?.(outcome);
        return outcome;
      });
      queue = result;
      return result;
    },
  };
}
