// Stage 1 of hybrid retrieval: merge the lexical (BM25) and dense (HNSW) candidate lists into one.
import { DEFAULT_RETRIEVAL, type RetrievalSettings } from "./retrieval-settings.js";
import type { FusedCandidate } from "./retrieval-candidate.js";

/** A hit of the lexical channel. */
export interface LexicalCandidate {
  id: string;
  /** BM25: higher is better. */
  score: number;
}

/** A hit of the dense channel. */
export interface DenseCandidate {
  id: string;
  /** Cosine distance from HNSW: lower is closer. */
  distance: number;
}

/**
 * Merges the two channels into one list, best first. "rrf" adds weight/(rrfK + rank) per channel;
 * "weighted" adds weight × score normalized within its list (BM25 / best BM25; dense similarity min-max).
 */
export function fuseRankings(
  lexical: LexicalCandidate[],
  dense: DenseCandidate[],
  fusion: RetrievalSettings["fusion"] = DEFAULT_RETRIEVAL.fusion,
): FusedCandidate[] {
  const byId = new Map<string, FusedCandidate>();
  const entry = (id: string) => {
    let candidate = byId.get(id);
    if (!candidate) {
      candidate = { id, score: 0 };
      byId.set(id, candidate);
    }
    return candidate;
  };
  const bestLexical = Math.max(0, ...lexical.map((h) => h.score)) || 1;
  const similarities = dense.map((h) => 1 - h.distance);
  const maxSimilarity = Math.max(...similarities);
  const minSimilarity = Math.min(...similarities);
  const spread = maxSimilarity - minSimilarity || 1;
  lexical.forEach((hit, rank) => {
    const candidate = entry(hit.id);
    if (candidate.lexicalRank !== undefined) return;
    candidate.lexicalScore = hit.score;
    candidate.lexicalRank = rank;
    candidate.score += fusion.method === "rrf" ? fusion.lexicalWeight / (fusion.rrfK + rank + 1) : (fusion.lexicalWeight * hit.score) / bestLexical;
  });
  dense.forEach((hit, rank) => {
    const candidate = entry(hit.id);
    if (candidate.denseRank !== undefined) return;
    candidate.denseDistance = hit.distance;
    candidate.denseRank = rank;
    candidate.score +=
      fusion.method === "rrf" ? fusion.denseWeight / (fusion.rrfK + rank + 1) : (fusion.denseWeight * (1 - hit.distance - minSimilarity)) / spread;
  });
  return [...byId.values()].sort(
    (a, b) => b.score - a.score || (a.lexicalRank ?? Infinity) - (b.lexicalRank ?? Infinity) || (a.denseRank ?? Infinity) - (b.denseRank ?? Infinity),
  );
}
