// The HNSW graph of a generation, split into shards by label (label mod shards), searched as one. Shards
// exist so that a build inserts on every core (hnswlib-node inserts on the calling thread, one graph per
// worker); a search asks each shard for k and keeps the k closest, which also raises recall, because each
// shard's graph is smaller. The object has the methods of hnswlib's HierarchicalNSW that LangChain's HNSWLib
// and Newsdesk's searcher call, so it stands in for one graph.
import type hnswlib from "hnswlib-node";

export type FilterFunction = (label: number) => boolean;

/** The file of shard `shard`: hnswlib.index for the first (LangChain HNSWLib's name), then hnswlib-1.index, …. */
export function graphFileName(shard: number): string {
  return shard === 0 ? "hnswlib.index" : `hnswlib-${shard}.index`;
}

export function shardOf(label: number, shards: number): number {
  return label % shards;
}

export interface ShardedGraph {
  readonly shards: readonly hnswlib.HierarchicalNSW[];
  searchKnn(query: number[], k: number, filter?: FilterFunction): { neighbors: number[]; distances: number[] };
  getPoint(label: number): number[];
  getIdsList(): number[];
  getCurrentCount(): number;
  getNumDimensions(): number;
  getEf(): number;
  setEf(ef: number): void;
}

export function createShardedGraph(shards: readonly hnswlib.HierarchicalNSW[]): ShardedGraph {
  if (shards.length === 0) throw new Error("A graph needs at least one shard.");
  return {
    shards,
    searchKnn(query, k, filter) {
      const hits: Array<{ label: number; distance: number }> = [];
      for (const shard of shards) {
        const depth = Math.min(k, shard.getCurrentCount());
        if (depth === 0) continue;
        const result = shard.searchKnn(query, depth, filter);
        for (const [i, label] of result.neighbors.entries()) hits.push({ label, distance: result.distances[i]! });
      }
      hits.sort((a, b) => a.distance - b.distance || a.label - b.label);
      const best = hits.slice(0, k);
      return { neighbors: best.map((h) => h.label), distances: best.map((h) => h.distance) };
    },
    getPoint: (label) => shards[shardOf(label, shards.length)].getPoint(label),
    getIdsList: () => shards.flatMap((shard) => shard.getIdsList()),
    getCurrentCount: () => shards.reduce((n, shard) => n + shard.getCurrentCount(), 0),
    getNumDimensions: () => shards[0].getNumDimensions(),
    getEf: () => shards[0].getEf(),
    setEf(ef) {
      for (const shard of shards) shard.setEf(ef);
    },
  };
}
