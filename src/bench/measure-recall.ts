// HNSW recall@k against exact search over the very vectors the index holds (read back with getPoint), so the
// figure measures the graph alone, whatever the embedder. Labels marked deleted are skipped by hnswlib itself.
import hnswlib from "hnswlib-node";
import { roundTo } from "./bench-stats.js";

/** One HNSW graph, or a sharded one searched as one. */
type HnswIndex = Pick<
  InstanceType<typeof hnswlib.HierarchicalNSW>,
  "searchKnn" | "getCurrentCount" | "getEf" | "setEf" | "getPoint" | "getNumDimensions"
>;

/** The exact nearest labels of each query, closest first (cosine, by brute force). */
export function exactNeighbors(
  points: Iterable<[label: number, vector: number[]]>,
  dimensions: number,
  count: number,
  queries: readonly number[][],
  k: number,
): number[][] {
  const exact = new hnswlib.BruteforceSearch("cosine", dimensions);
  exact.initIndex(Math.max(count, 1));
  for (const [label, vector] of points) exact.addPoint(vector, label);
  const depth = Math.min(k, exact.getCurrentCount());
  if (depth === 0) return queries.map(() => []);
  return queries.map((q) => {
    const { neighbors, distances } = exact.searchKnn(q, depth);
    return neighbors
      .map((label, i) => ({ label, distance: distances[i] }))
      .sort((a, b) => a.distance - b.distance)
      .map((n) => n.label);
  });
}

/** Recall@k for each ef: the share of the exact top k (from `truth`) that the HNSW search returns. */
export function recallAgainst(
  index: HnswIndex,
  truth: readonly number[][],
  queries: readonly number[][],
  k: number,
  efs: readonly number[],
): Record<number, number> {
  const depth = Math.min(k, index.getCurrentCount());
  const expected = truth.map((labels) => new Set(labels.slice(0, depth)));
  const total = expected.reduce((n, set) => n + set.size, 0);
  const restoreEf = index.getEf();
  const recall: Record<number, number> = {};
  try {
    for (const ef of efs) {
      if (total === 0) {
        recall[ef] = 1;
        continue;
      }
      index.setEf(ef);
      let found = 0;
      for (const [i, q] of queries.entries()) {
        for (const label of index.searchKnn(q, depth).neighbors) if (expected[i].has(label)) found++;
      }
      recall[ef] = roundTo(found / total, 4);
    }
  } finally {
    index.setEf(restoreEf);
  }
  return recall;
}

/** Recall@k of `index` at each ef, against brute force over the vectors of `labels` in the same index. */
export function measureRecall(
  index: HnswIndex,
  labels: readonly number[],
  queries: readonly number[][],
  options: { k: number; efs: number[] },
): Record<number, number> {
  const points = (function* () {
    for (const label of labels) yield [label, index.getPoint(label)] as [number, number[]];
  })();
  const truth = exactNeighbors(points, index.getNumDimensions(), labels.length, queries, options.k);
  return recallAgainst(index, truth, queries, options.k, options.efs);
}
