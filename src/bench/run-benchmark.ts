// The benchmark: for each size, a corpus in a temporary folder, then Newsdesk's build, serving and
// re-indexing, and the plain LangChain recipe on the same corpus, each phase in its own process.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createEmbedder } from "../app/open-pipeline.js";
import { loadConfig } from "../base/config.js";
import { DEFAULT_CHUNKING } from "../core/ingest/chunk-article.js";
import { DEFAULT_HNSW } from "../index/manifest.js";
import type { SizeJob, TuningGrid } from "./bench-job.js";
import { roundTo } from "./bench-stats.js";
import { chooseQueries, loadQaDev, makeBenchCorpus } from "./make-bench-corpus.js";
import { measureColdStart, type ColdStartMeasure } from "./measure-cold-start.js";
import type { BuildMeasure, ReindexMeasure, ServeMeasure } from "./measure-newsdesk.js";
import { RECIPE_SPLITTER, type RecipeMeasure } from "./measure-recipe.js";
import { DEFAULT_TUNING_GRID, type TuningMeasure } from "./measure-tuning.js";
import { runPhase, type Isolation } from "./run-bench-phase.js";

export const DEFAULT_SIZES = [1_000, 10_000, 100_000];
export const DEFAULT_QUERIES = 200;
export const CONCURRENT_ASKS = 50;
/** ef values at which recall@10 is also reported, beside the configured one. */
export const RECALL_EFS = [10, 256, 512];

export interface BenchOptions {
  sizes: number[];
  queries: number;
  datasetDir: string;
  isolation: Isolation;
  /** Size (in passages) at which HNSW parameters and batch sizes are measured; none when undefined. */
  tuneAt?: number;
  /** Overrides of the tuning grid's lists (e.g. fewer choices at 100k). */
  tuneGrid?: Partial<TuningGrid>;
  /** Project root, for the cold-start measurement of the compiled CLI; skipped when undefined. */
  coldStartRoot?: string;
  keepTemp?: boolean;
  /** Full builds of Newsdesk and of the recipe, alternated, per size; the median run is reported. Default 1. */
  repeat?: number;
  concurrentAsks?: number;
  envOverrides?: Record<string, string>;
  onStatus?: (line: string) => void;
}

export interface SizeReport {
  target: number;
  corpus: {
    files: number;
    originalFiles: number;
    editionFiles: number;
    articles: number;
    passages: number;
    megabytes: number;
    queries: number;
    probePassages: number;
  };
  build: BuildMeasure;
  serve: ServeMeasure;
  reindex: ReindexMeasure & { noChangeFraction: number; oneFileFraction: number };
  recipe: RecipeMeasure;
  /** Newsdesk ÷ recipe, except buildThroughput (recipe seconds ÷ Newsdesk seconds on the same corpus: × faster). */
  ratios: { buildSeconds: number; buildThroughput: number; searchP50: number; searchP95: number; recallAt10: number };
  /** Seconds of every full build when repeated (Newsdesk and recipe alternated); the median run is reported. */
  buildRuns: { newsdesk: number[]; recipe: number[] };
  tempDir?: string;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  settings: {
    embedder: string;
    embeddingBatchSize: number;
    hnsw: { m: number; efConstruction: number; ef: number };
    chunking: typeof DEFAULT_CHUNKING;
    recipe: { splitter: typeof RECIPE_SPLITTER; hnsw: string };
    queries: number;
    repeat: number;
    isolation: Isolation;
  };
  sizes: SizeReport[];
  coldStart?: ColdStartMeasure | { skipped: string };
  tuning?: TuningMeasure & { target: number; passages: number };
}

const ratio = (a: number, b: number) => (b > 0 ? roundTo(a / b, 3) : Number.NaN);

export function describeMachine(): BenchReport["machine"] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGb: roundTo(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
  };
}

interface PreparedSize {
  job: SizeJob;
  corpus: Awaited<ReturnType<typeof makeBenchCorpus>>;
  root: string;
}

async function prepareSize(target: number, options: BenchOptions, status: (line: string) => void): Promise<PreparedSize> {
  const root = await mkdtemp(path.join(os.tmpdir(), `newsdesk-bench-${target}-`));
  const qa = await loadQaDev(options.datasetDir);
  status(`[${target}] writing the corpus in ${root}`);
  const corpus = await makeBenchCorpus({ datasetDir: options.datasetDir, dir: path.join(root, "corpus"), targetPassages: target });
  const job: SizeJob = {
    corpusDir: corpus.dir,
    indexDir: path.join(root, "index"),
    recipeDir: path.join(root, "recipe"),
    queries: chooseQueries(qa, corpus, options.queries),
    qa,
    probeSource: corpus.probeSource,
    concurrentAsks: options.concurrentAsks ?? CONCURRENT_ASKS,
    recallEfs: RECALL_EFS,
    tuneGrid: { ...DEFAULT_TUNING_GRID, ...options.tuneGrid },
    envOverrides: options.envOverrides ?? {},
  };
  return { job, corpus, root };
}

/** The run with the median time (the upper median for an even count). */
export function medianRun<T extends { seconds: number }>(runs: T[]): T {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
}

async function measureSize(
  target: number,
  { job, corpus }: PreparedSize,
  firstBuild: BuildMeasure,
  options: BenchOptions,
  status: (line: string) => void,
): Promise<SizeReport> {
  const runs = Math.max(1, options.repeat ?? 1);
  const builds = [firstBuild];
  const recipes: RecipeMeasure[] = [];
  for (let run = 1; run <= runs; run++) {
    if (run > 1) {
      status(`[${target}] building the index again (run ${run} of ${runs})`);
      builds.push(await runPhase("build", job, options.isolation));
    }
    status(`[${target}] the plain LangChain recipe${runs > 1 ? ` (run ${run} of ${runs})` : ""}`);
    recipes.push(await runPhase("recipe", job, options.isolation));
  }
  const build = medianRun(builds);
  const recipe = medianRun(recipes);
  status(`[${target}] built in ${build.seconds}s (median): loading, searching, asking`);
  const serve = await runPhase("serve", job, options.isolation);
  status(`[${target}] re-indexing (no change, then one changed file)`);
  const reindex = await runPhase("reindex", job, options.isolation);
  return {
    target,
    corpus: {
      files: corpus.files,
      originalFiles: corpus.originalFiles,
      editionFiles: corpus.editionFiles,
      articles: corpus.articles,
      passages: corpus.passages,
      megabytes: roundTo(corpus.bytes / 1024 ** 2, 1),
      queries: job.queries.length,
      probePassages: corpus.probePassages,
    },
    build,
    serve,
    reindex: {
      ...reindex,
      noChangeFraction: ratio(reindex.noChangeSeconds, build.seconds),
      oneFileFraction: ratio(reindex.oneFileSeconds, build.seconds),
    },
    recipe,
    ratios: {
      buildSeconds: ratio(build.seconds, recipe.seconds),
      buildThroughput: ratio(recipe.seconds, build.seconds),
      searchP50: ratio(serve.search.p50, recipe.search.p50),
      searchP95: ratio(serve.search.p95, recipe.search.p95),
      recallAt10: ratio(serve.recallAt10, recipe.recallAt10),
    },
    buildRuns: { newsdesk: builds.map((b) => b.seconds), recipe: recipes.map((r) => r.seconds) },
  };
}

export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const status = options.onStatus ?? (() => {});
  const config = loadConfig({ ...process.env, ...options.envOverrides });
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    settings: {
      embedder: (await createEmbedder(config)).id,
      embeddingBatchSize: config.EMBEDDINGS_BATCH_SIZE,
      hnsw: { ...DEFAULT_HNSW, ef: config.HNSW_EF },
      chunking: DEFAULT_CHUNKING,
      recipe: { splitter: RECIPE_SPLITTER, hnsw: "HNSWLib.fromDocuments defaults (M 16, efConstruction 200, ef 10)" },
      queries: options.queries,
      repeat: Math.max(1, options.repeat ?? 1),
      isolation: options.isolation,
    },
    sizes: [],
  };
  const sizes = [...new Set([...options.sizes, ...(options.tuneAt ? [options.tuneAt] : [])])].sort((a, b) => a - b);
  for (const target of sizes) {
    const prepared = await prepareSize(target, options, status);
    try {
      status(`[${target}] ${prepared.corpus.files} files, ${prepared.corpus.passages} passages: building the index`);
      const build = await runPhase("build", prepared.job, options.isolation);
      if (options.sizes.includes(target)) {
        const size = await measureSize(target, prepared, build, options, status);
        if (options.keepTemp) size.tempDir = prepared.root;
        report.sizes.push(size);
      }
      if (target === options.tuneAt) {
        status(`[${target}] tuning HNSW parameters and batch sizes`);
        const tuning = await runPhase("tune", prepared.job, options.isolation, status);
        report.tuning = { target, passages: build.passages, ...tuning };
      }
    } finally {
      if (!options.keepTemp) await rm(prepared.root, { recursive: true, force: true });
    }
  }
  if (options.coldStartRoot) {
    status("cold start of the compiled `npm run ask` on the starting corpus");
    report.coldStart = await measureColdStart(options.coldStartRoot);
  }
  return report;
}
