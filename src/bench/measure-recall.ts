// HNSW recall@k against exact search over the very vectors the index holds (read back with getPoint), so the
// figure measures the graph alone, whatever the embedder. Labels marked deleted are skipped by hnswlib itself.
import hnswlib from "hnswlib-node";
import { roundTo } from "./bench-stats.js";

type HnswIndex = InstanceType<typeof hnswlib.HierarchicalNSW>;

export interface RecallOptions {
  k: number;
  /** ef values to measure; the index's own ef is restored afterwards. */
  efs: number[];
}

/** Recall@k for each ef: the share of the exact top k that the HNSW search returns. */
export function measureRecall(index: HnswIndex, labels: readonly number[], queries: readonly number[][], options: RecallOptions): Record<number, number> {
  const k = Math.min(options.k, labels.length);
  if (k === 0 || queries.length === 0) return Object.fromEntries(options.efs.map((ef) => [ef, 1]));
  const exact = new hnswlib.BruteforceSearch("cosine", index.getNumDimensions());
  exact.initIndex(labels.length);
  for (const label of labels) exact.addPoint(index.getPoint(label), label);
  const truth = queries.map((q) => new Set(exact.searchKnn(q, k).neighbors));

  const restoreEf = index.getEf();
  const recall: Record<number, number> = {};
  try {
    for (const ef of options.efs) {
      index.setEf(ef);
      let found = 0;
      for (const [i, q] of queries.entries()) {
        const { neighbors } = index.searchKnn(q, k);
        for (const label of neighbors) if (truth[i].has(label)) found++;
      }
      recall[ef] = roundTo(found / (k * queries.length), 4);
    }
  } finally {
    index.setEf(restoreEf);
  }
  return recall;
}
