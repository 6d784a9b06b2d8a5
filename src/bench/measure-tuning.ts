// HNSW parameters and embedding batch sizes, measured on an index already built: its vectors are read back
// and re-inserted into fresh graphs, so every choice sees the same data.
import hnswlib from "hnswlib-node";
import { createEmbedder } from "../app/open-pipeline.js";
import { openIndexGeneration } from "../index/load-index.js";
import { configForJob, type SizeJob, type TuningGrid } from "./bench-job.js";
import { roundTo, summarizeLatencies } from "./bench-stats.js";
import { exactNeighbors, recallAgainst } from "./measure-recall.js";

export const DEFAULT_TUNING_GRID: TuningGrid = {
  m: [8, 12, 16, 24, 32],
  efConstruction: [100, 200, 400],
  ef: [10, 32, 64, 128, 256],
  batchSizes: [16, 64, 256, 1024],
};
/** The dense channel asks for this many candidates, so recall at this depth is what fusion sees. */
const DENSE_CANDIDATES = 50;

export interface GraphChoice {
  m: number;
  efConstruction: number;
  insertSeconds: number;
  /** By ef: recall@10, recall@50 (k = 50, as the dense channel searches) and that search's p50/p95 in ms. */
  byEf: Array<{ ef: number; recallAt10: number; recallAt50: number; p50Ms: number; p95Ms: number }>;
}

export interface TuningMeasure {
  vectors: number;
  graphs: GraphChoice[];
  batches: Array<{ batchSize: number; passagesPerSecond: number; msPerBatch: number }>;
}

export async function measureTuning(job: SizeJob, status: (line: string) => void = () => {}): Promise<TuningMeasure> {
  const config = configForJob(job);
  const { embedder, id } = await createEmbedder(config);
  const loaded = await openIndexGeneration(config.INDEX_DIR, { expectedEmbedderId: id });
  if (!loaded) throw new Error(`No index in ${config.INDEX_DIR} to tune on.`);
  const source = loaded.graph;
  const points = loaded.passages.labels.map((label) => source.getPoint(label));
  const grid = job.tuneGrid ?? DEFAULT_TUNING_GRID;
  const queries = await Promise.all([...new Set(job.queries)].map((q) => embedder.embedQuery(q)));

  // Exact neighbours once, for every graph: brute force over 100k vectors is the slow part of tuning.
  const truth = exactNeighbors(
    points.map((point, i) => [i, point] as [number, number[]]),
    source.getNumDimensions(),
    points.length,
    queries,
    DENSE_CANDIDATES,
  );
  const graphs: GraphChoice[] = [];
  for (const m of grid.m) {
    for (const efConstruction of grid.efConstruction) {
      const index = new hnswlib.HierarchicalNSW("cosine", source.getNumDimensions());
      index.initIndex({ maxElements: points.length, m, efConstruction });
      const started = performance.now();
      for (const [label, point] of points.entries()) index.addPoint(point, label);
      const insertSeconds = roundTo((performance.now() - started) / 1000, 3);
      const at10 = recallAgainst(index, truth, queries, 10, grid.ef);
      const at50 = recallAgainst(index, truth, queries, DENSE_CANDIDATES, grid.ef);
      const byEf = grid.ef.map((ef) => {
        index.setEf(ef);
        const times = queries.map((q) => {
          const t = performance.now();
          index.searchKnn(q, Math.min(DENSE_CANDIDATES, points.length));
          return performance.now() - t;
        });
        const latency = summarizeLatencies(times);
        return { ef, recallAt10: at10[ef], recallAt50: at50[ef], p50Ms: latency.p50, p95Ms: latency.p95 };
      });
      graphs.push({ m, efConstruction, insertSeconds, byEf });
      status(
        `  M ${m}, efConstruction ${efConstruction}: inserted in ${insertSeconds}s, recall@10 ${byEf.map((e) => `${e.recallAt10} (ef ${e.ef})`).join(", ")}`,
      );
    }
  }

  const texts = loaded.passages.labels.map((label) => loaded.passages.passage(label).text);
  const batches = [];
  for (const batchSize of grid.batchSizes) {
    const started = performance.now();
    for (let i = 0; i < texts.length; i += batchSize) await embedder.embedDocuments(texts.slice(i, i + batchSize));
    const ms = performance.now() - started;
    batches.push({
      batchSize,
      passagesPerSecond: Math.round(texts.length / (ms / 1000)),
      msPerBatch: roundTo(ms / Math.ceil(texts.length / batchSize), 2),
    });
  }
  return { vectors: points.length, graphs, batches };
}
