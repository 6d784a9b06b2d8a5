// The composition root of the pipeline: config → adapters (corpus files, index, embedder, chat model) →
// the core's pipeline. The CLI, the bot and the eval all start here.
import { stat } from "node:fs/promises";
import path from "node:path";
import { createLlmAnswerer } from "../providers/create-llm-answerer.js";
import type { Config } from "../base/config.js";
import { condenseQuestion } from "../core/pipeline/condense-question.js";
import { answerExtractively, DEFAULT_EXTRACTIVE, type CorpusStatistics } from "../core/answer/answer-extractively.js";
import { createPipeline } from "../core/pipeline/create-pipeline.js";
import type { Answerer, AskOptions, Pipeline, TextEmbedder } from "../core/ports.js";
import { retrieveHybrid } from "../core/retrieval/retrieve.js";
import { createConfiguredCorpusReader } from "../corpus/corpus-reader.js";
import { buildIndex, type BuildOptions, type BuildProgress, type BuildSummary } from "../index/build-index.js";
import { createIndexSearcher, summarizeArticles, type IndexSearcher } from "../index/create-index-searcher.js";
import { writeLexicalIndex } from "../index/lexical-file.js";
import {
  IndexError,
  LockHeldError,
  OtherEmbedderIndexError,
  OutdatedIndexError,
  readCurrentGeneration,
  waitForBuildLock,
} from "../index/index-layout.js";
import { openIndexGeneration, type LoadedIndex } from "../index/load-index.js";
import type { Logger } from "../base/log.js";
import { LocalHashEmbeddings } from "../providers/local-embeddings.js";

export interface EmbedderChoice {
  embedder: TextEmbedder;
  /** Recorded in the manifest; a different id means the index must be rebuilt. */
  id: string;
}

// Provider SDKs load only when configured: importing them costs seconds at every start.
export async function createEmbedder(config: Config): Promise<EmbedderChoice> {
  if (config.EMBEDDINGS_PROVIDER === "openai") {
    const { createOpenAIEmbeddings } = await import("../providers/openai-embeddings.js");
    return { embedder: createOpenAIEmbeddings(config), id: `openai:${config.EMBEDDINGS_MODEL}` };
  }
  if (config.EMBEDDINGS_PROVIDER === "sentence") {
    const { SentenceEncoderEmbeddings } = await import("../providers/sentence-encoder-embeddings.js");
    const sentence = new SentenceEncoderEmbeddings();
    return { embedder: sentence, id: sentence.id };
  }
  const local = new LocalHashEmbeddings();
  return { embedder: local, id: local.id };
}

export type IndexBuildOptions = Pick<BuildOptions<never>, "rebuild" | "onProgress" | "onPhase">;

/** Builds or refreshes the index in INDEX_DIR from CORPUS_DIR. */
export async function buildConfiguredIndex(config: Config, options: IndexBuildOptions = {}): Promise<BuildSummary> {
  const { embedder, id } = await createEmbedder(config);
  return buildIndex({
    corpusDir: config.CORPUS_DIR,
    indexDir: config.INDEX_DIR,
    corpus: createConfiguredCorpusReader(config),
    embedder,
    embedderId: id,
    batchSize: config.EMBEDDINGS_BATCH_SIZE,
    writeExtras: writeLexicalIndex,
    ...options,
  });
}

/** True when corpus files were added, removed or modified since the index was built. */
export async function isIndexStale(config: Config, loaded: LoadedIndex): Promise<boolean> {
  const { files } = await createConfiguredCorpusReader(config).listFiles(config.CORPUS_DIR);
  const indexed = loaded.manifest.files;
  if (files.length !== Object.keys(indexed).length) return true;
  // From the build's start: a file edited while the build ran may have been read before the edit.
  const builtAt = Date.parse(loaded.manifest.startedAt ?? loaded.manifest.builtAt);
  for (const file of files) {
    if (!indexed[file.source]) return true;
    const { mtimeMs } = await stat(path.join(config.CORPUS_DIR, file.source)).catch(() => ({ mtimeMs: Infinity }));
    if (mtimeMs > builtAt) return true;
  }
  return false;
}

export interface OpenPipelineOptions {
  /** Build the index when there is none (saying so through `notice`). Default true. */
  buildIfMissing?: boolean;
  /** Warn when the corpus changed since the index was built. Default false (it reads the corpus folder). */
  checkStale?: boolean;
  notice?: (message: string) => void;
  /** Progress of a first-use build (the CLI draws it on a terminal, as `npm run index` does). Default: none. */
  onBuildProgress?: (progress: BuildProgress) => void;
  answerer?: Answerer;
  /** How long a first use waits for another process's build of the missing index. Default 10 minutes. */
  lockWaitMs?: number;
}

const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

/**
 * Builds the missing index, or, when another process is already building it (parallel first `ask`s), waits
 * for that build and opens what it published; builds itself once more if that build left nothing.
 */
async function buildOrWaitForBuild<T>(
  config: Config,
  log: Logger,
  options: { notice: (message: string) => void; waitMs: number; onProgress?: (progress: BuildProgress) => void },
  open: () => Promise<T | null>,
): Promise<T | null> {
  const { notice, waitMs } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      const summary = await buildConfiguredIndex(config, { onProgress: options.onProgress });
      log.info({ ...summary, skipped: summary.skipped.length }, "index built");
      return await open();
    } catch (error) {
      if (!(error instanceof LockHeldError) || attempt > 0) throw error;
      const seconds = Math.round(waitMs / 1000);
      notice(`Another process (${error.holder}) is building the index in ${config.INDEX_DIR}: waiting for it (at most ${seconds} s).`);
      if (!(await waitForBuildLock(config.INDEX_DIR, waitMs))) {
        throw new IndexError(
          `The index build of process ${error.holder} in ${config.INDEX_DIR} did not finish in ${seconds} s. Try again when it has, or run \`npm run index\`.`,
        );
      }
      const opened = await open().catch(() => null);
      if (opened) return opened;
    }
  }
}

/** The extractive answerer, or a configured chat model with the extractive answer as its fallback. */
async function createAnswering(config: Config, log: Logger, stats: CorpusStatistics, override?: Answerer) {
  const extractive: Answerer = async (question, ranked) => answerExtractively(question, ranked, DEFAULT_EXTRACTIVE, stats);
  if (override || config.LLM_PROVIDER === "none") return { answer: override ?? extractive };
  const { createChatModel } = await import("../providers/chat-model.js");
  const model = await createChatModel(config);
  if (!model) return { answer: extractive };
  const answer = createLlmAnswerer({ chat: model.chat, modelName: model.modelName, fallback: extractive, timeoutMs: config.LLM_TIMEOUT_MS, log });
  const condense = (question: string, options: AskOptions) =>
    condenseQuestion({
      chat: model.chat,
      history: options.history ?? [],
      question,
      onError: (error) => log.warn({ err: error }, "condensing the follow-up failed"),
    });
  return { answer, condense };
}

export interface OpenedPipeline {
  pipeline: Pipeline;
  loaded: LoadedIndex;
  /** The index's two channels (for the LangChain VectorStore over the same graph). */
  searcher: IndexSearcher;
  embedder: TextEmbedder;
}

/** Why a first use builds the index, for the person waiting. */
function describeRebuild(config: Config, outdated: OutdatedIndexError | undefined): string {
  const again = `building it again from ${config.CORPUS_DIR} first.`;
  if (outdated instanceof OtherEmbedderIndexError) {
    return `The index in ${config.INDEX_DIR} was embedded by "${outdated.builtWith}" and the configuration asks for "${outdated.wanted}": ${again}`;
  }
  if (outdated) return `The index in ${config.INDEX_DIR} was written by an older version of Newsdesk: ${again}`;
  return `No index in ${config.INDEX_DIR} yet: building it from ${config.CORPUS_DIR} first.`;
}

export async function openPipelineWithIndex(config: Config, log: Logger, options: OpenPipelineOptions = {}): Promise<OpenedPipeline> {
  const notice = options.notice ?? ((message: string) => log.warn(message));
  const { embedder, id } = await createEmbedder(config);
  const open = () => openIndexGeneration(config.INDEX_DIR, { expectedEmbedderId: id, ef: config.HNSW_EF });
  const mayBuild = options.buildIfMissing !== false;
  let outdated: OutdatedIndexError | undefined;
  let opened = await openConsistently(config.INDEX_DIR, open, embedder).catch((error: unknown) => {
    // An index from an older Newsdesk, or embedded by another embedder, cannot be searched, only rebuilt: do
    // that, as for a missing one.
    if (!(error instanceof OutdatedIndexError && mayBuild)) throw error;
    outdated = error;
    return null;
  });
  if (!opened && mayBuild) {
    notice(describeRebuild(config, outdated));
    const waitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    const building = { notice, waitMs, onProgress: options.onBuildProgress };
    opened = await buildOrWaitForBuild(config, log, building, () => openConsistently(config.INDEX_DIR, open, embedder));
  }
  if (!opened) throw new IndexError(`No index in ${config.INDEX_DIR}. Run \`npm run index\` first.`);
  const { loaded, searcher } = opened;
  if (options.checkStale && (await isIndexStale(config, loaded))) {
    notice(
      `The corpus in ${config.CORPUS_DIR} changed since the index was built; answering from the index as it is. Run \`npm run index\` to update it.`,
    );
  }
  const { answer, condense } = await createAnswering(config, log, { idf: searcher.idf }, options.answerer);
  const articles = summarizeArticles(loaded);
  const pipeline = createPipeline({
    retrieve: (query) => retrieveHybrid(searcher, query),
    answer,
    condense,
    articles: () => articles,
    getPassage: (passageId) => loaded.passages.passageById(passageId),
  });
  return { pipeline, loaded, searcher, embedder };
}

/** Opens the pipeline, runs `use` with it, and releases the index's files afterwards. */
export async function withPipeline<T>(
  config: Config,
  log: Logger,
  options: OpenPipelineOptions,
  use: (pipeline: Pipeline) => Promise<T>,
): Promise<T> {
  const { pipeline, loaded } = await openPipelineWithIndex(config, log, options);
  try {
    return await use(pipeline);
  } finally {
    await loaded.close();
  }
}

/**
 * Opens the served generation and its searcher. A build that swaps CURRENT meanwhile deletes the old
 * generation under the reader's feet; the error that follows is not damage, so the new one is opened instead.
 */
async function openConsistently(
  indexDir: string,
  open: () => Promise<LoadedIndex | null>,
  embedder: TextEmbedder,
): Promise<{ loaded: LoadedIndex; searcher: IndexSearcher } | null> {
  for (let attempt = 1; ; attempt++) {
    const before = await readCurrentGeneration(indexDir).catch(() => null);
    try {
      const loaded = await open();
      return loaded && { loaded, searcher: createIndexSearcher(loaded, embedder) };
    } catch (error) {
      const after = await readCurrentGeneration(indexDir).catch(() => null);
      if (!(error instanceof IndexError) || before === after || attempt >= 3) throw error;
    }
  }
}
