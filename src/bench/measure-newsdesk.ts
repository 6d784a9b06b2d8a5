// Newsdesk's side of a benchmark size: the full build by phase, serving (load, search, ask, event loop,
// recall against exact search) and incremental re-indexing. Each runs in a fresh process when isolated.
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { buildConfiguredIndex, createEmbedder, openPipelineWithIndex } from "../app/open-pipeline.js";
import type { BuildProgress } from "../index/build-index.js";
import { readCurrentGeneration } from "../index/index-layout.js";
import { createSilentLogger } from "../base/log.js";
import { configForJob, type SizeJob } from "./bench-job.js";
import { directoryBytes, peakRssMb, roundTo, summarizeLatencies, timeAsync, type LatencySummary } from "./bench-stats.js";
import { originalSourceOf, type QaItem } from "./make-bench-corpus.js";
import { measureRecall } from "./measure-recall.js";

export interface BuildMeasure {
  seconds: number;
  /** Seconds per phase, from the builder's progress callbacks. */
  phases: { readingChunking: number; embedding: number; inserting: number; writing: number };
  files: number;
  articles: number;
  /** Passage occurrences. */
  passages: number;
  /** Distinct passage texts, one vector each. */
  vectors: number;
  skipped: number;
  passagesPerSecond: number;
  indexBytes: number;
  peakRssMb: number;
}

export interface HitRate {
  hits: number;
  total: number;
  rate: number;
}

export interface ServeMeasure {
  /** openPipelineWithIndex: manifest, checksums, HNSW graph, passage store and lexical index, until the first question can run. */
  loadMs: number;
  search: LatencySummary;
  ask: LatencySummary;
  /** The HNSW part of search alone: searchKnn for the dense channel's 50 candidates at the configured ef. */
  denseSearch: LatencySummary;
  /** The five slowest search queries, for whoever tunes retrieval. */
  slowestSearches: Array<{ query: string; ms: number }>;
  failedQueries: number;
  hitAt5: HitRate;
  eventLoop: { concurrentAsks: number; answered: number; p50Ms: number; p99Ms: number; maxMs: number; wallMs: number };
  /** Peak RSS while loading and answering (read before the recall check, which holds every vector twice). */
  peakRssMb: number;
  ef: number;
  recallAt10: number;
  recallAt10ByEf: Record<number, number>;
}

export interface ReindexMeasure {
  noChangeSeconds: number;
  noChangeEmbedded: number;
  oneFileSeconds: number;
  oneFileEmbedded: number;
}

const WARM_UP_QUERIES = 10;
/** How many candidates the dense channel asks HNSW for (DEFAULT_RETRIEVAL.channelDepth in src/core/retrieval/retrieval-settings.ts). */
const DENSE_CANDIDATES = 50;

export async function measureBuild(job: SizeJob): Promise<BuildMeasure> {
  const config = configForJob(job);
  const started = performance.now();
  // Embedding and insertion alternate batch by batch, so each stretch between two progress events counts
  // towards the phase that the first of them announced.
  const spent: Record<BuildProgress["phase"], number> = { reading: 0, embedding: 0, inserting: 0, writing: 0 };
  let phase: BuildProgress["phase"] = "reading";
  let since = started;
  const summary = await buildConfiguredIndex(config, {
    rebuild: true,
    onProgress(progress) {
      const now = performance.now();
      spent[phase] += now - since;
      phase = progress.phase;
      since = now;
    },
  });
  const ended = performance.now();
  spent[phase] += ended - since;
  const seconds = (ms: number) => roundTo(Math.max(0, ms) / 1000, 3);
  const generation = await readCurrentGeneration(config.INDEX_DIR);
  return {
    seconds: seconds(ended - started),
    phases: {
      readingChunking: seconds(spent.reading),
      embedding: seconds(spent.embedding),
      inserting: seconds(spent.inserting),
      writing: seconds(spent.writing),
    },
    files: summary.files,
    articles: summary.articles,
    passages: summary.chunks,
    vectors: summary.embedded,
    skipped: summary.skipped.length,
    passagesPerSecond: Math.round(summary.chunks / Math.max((ended - started) / 1000, 1e-6)),
    indexBytes: generation ? await directoryBytes(generation) : 0,
    peakRssMb: peakRssMb(),
  };
}

/** Article-level hit@5: a gold article (or an edition of it) among the sources of the top five passages. */
export function isHit(item: QaItem, sources: string[]): boolean {
  const found = new Set(sources.map(originalSourceOf));
  return item.gold.some((gold) => found.has(gold));
}

export function rate(hits: number, total: number): HitRate {
  return { hits, total, rate: total ? roundTo(hits / total, 4) : 0 };
}

export async function measureServing(job: SizeJob): Promise<ServeMeasure> {
  const config = configForJob(job);
  const { value: opened, ms: loadMs } = await timeAsync(() => openPipelineWithIndex(config, createSilentLogger(), { buildIfMissing: false }));
  const { pipeline, loaded } = opened;
  const indexed = new Set(Object.keys(loaded.manifest.files));

  for (const query of job.queries.slice(0, WARM_UP_QUERIES)) await pipeline.search(query).catch(() => undefined);
  let failedQueries = 0;
  const timeEach = async (run: (query: string) => Promise<unknown>) => {
    const times: Array<{ query: string; ms: number }> = [];
    for (const query of job.queries) {
      const started = performance.now();
      try {
        await run(query);
        times.push({ query, ms: performance.now() - started });
      } catch {
        failedQueries++;
      }
    }
    return times;
  };
  const searchTimes = await timeEach((query) => pipeline.search(query));
  const search = summarizeLatencies(searchTimes.map((t) => t.ms));
  const slowestSearches = [...searchTimes]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map(({ query, ms }) => ({ query, ms: roundTo(ms, 1) }));
  const ask = summarizeLatencies((await timeEach((query) => pipeline.ask(query))).map((t) => t.ms));

  let hits = 0;
  const answerable = job.qa.filter((item) => item.gold.some((gold) => indexed.has(gold)));
  for (const item of answerable) {
    const { results } = await pipeline.search(item.question, { k: 5, asOf: item.date });
    const sources = results.flatMap(({ passage }) => [passage.source, ...(passage.duplicates ?? []).map((d) => d.source)]);
    if (isHit(item, sources)) hits++;
  }

  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const burst = job.queries.slice(0, job.concurrentAsks);
  histogram.enable();
  // The histogram records nothing until its timer has fired once: a burst started at once would go unseen.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const burstStarted = performance.now();
  const settled = await Promise.allSettled(burst.map((query) => pipeline.ask(query)));
  const wallMs = performance.now() - burstStarted;
  // One more turn of the loop, so that a block at the very end is recorded too.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  const eventLoop = {
    concurrentAsks: burst.length,
    answered: settled.filter((s) => s.status === "fulfilled").length,
    p50Ms: roundTo(histogram.percentile(50) / 1e6, 1),
    p99Ms: roundTo(histogram.percentile(99) / 1e6, 1),
    maxMs: roundTo(histogram.max / 1e6, 1),
    wallMs: roundTo(wallMs, 1),
  };
  const servingPeak = peakRssMb();

  const { embedder } = await createEmbedder(config);
  const distinct = [...new Set(job.queries)];
  const vectors = await Promise.all(distinct.map((query) => embedder.embedQuery(query)));
  const index = loaded.graph;
  const denseTimes = vectors.map((vector) => {
    const started = performance.now();
    index.searchKnn(vector, Math.min(DENSE_CANDIDATES, loaded.passages.size));
    return performance.now() - started;
  });
  const efs = [...new Set([...job.recallEfs, config.HNSW_EF])].sort((a, b) => a - b);
  const recallAt10ByEf = measureRecall(index, loaded.passages.labels, vectors, { k: 10, efs });
  return {
    loadMs: roundTo(loadMs, 1),
    search,
    ask,
    denseSearch: summarizeLatencies(denseTimes),
    slowestSearches,
    failedQueries,
    hitAt5: rate(hits, answerable.length),
    eventLoop,
    peakRssMb: servingPeak,
    ef: config.HNSW_EF,
    recallAt10: recallAt10ByEf[config.HNSW_EF],
    recallAt10ByEf,
  };
}

/** A paragraph added to one article: the re-index should embed only the passages it touches. */
export const PROBE_PARAGRAPH = "\nUpdate: officials revised the figures on Friday, according to a statement seen by reporters.\n";

export async function measureReindex(job: SizeJob): Promise<ReindexMeasure> {
  const config = configForJob(job);
  const noChange = await timeAsync(() => buildConfiguredIndex(config));
  await appendFile(path.join(job.corpusDir, job.probeSource), PROBE_PARAGRAPH);
  const oneFile = await timeAsync(() => buildConfiguredIndex(config));
  return {
    noChangeSeconds: roundTo(noChange.ms / 1000, 3),
    noChangeEmbedded: noChange.value.embedded,
    oneFileSeconds: roundTo(oneFile.ms / 1000, 3),
    oneFileEmbedded: oneFile.value.embedded,
  };
}
