// The one record of a passage on its way through hybrid retrieval. Each stage reads and fills part of it,
// and its type says which part (a Pick of RetrievalCandidate), so every field is defined once, here:
//   fuse-rankings      channel hits (ids)         → FusedCandidate   (id, fused score, channel evidence)
//   retrieve           FusedCandidate + lookup    → RerankCandidate  (passage, channel evidence)
//   rerank-candidates  RerankCandidate            → ScoredCandidate  (passage, re-ranking score, features)
//   diversify-results  ScoredCandidate (any Ranked) → the same, filtered and reordered
// Fusion works on ids because passages are looked up only for the fused pool (an index may read each from disk).
import type { Features } from "./extract-features.js";
import type { Passage, Ranked } from "../types.js";

export interface RetrievalCandidate extends Ranked {
  /** The passage's id in the index (its label, as a string). */
  id: string;
  passage: Passage;
  /** Higher is better, comparable within one list: the fused score after fusion, the re-ranking score after it. */
  score: number;
  /** BM25 from the lexical channel (higher is better), when that channel found the passage. */
  lexicalScore?: number;
  /** Position in the lexical channel's list, from 0. */
  lexicalRank?: number;
  /** Cosine distance from the dense channel (lower is closer), when that channel found the passage. */
  denseDistance?: number;
  /** Position in the dense channel's list, from 0. */
  denseRank?: number;
  /** The re-ranking features, each in [0, 1]. */
  features: Features;
}

/** Fusion's output: before the passage is looked up. */
export type FusedCandidate = Pick<RetrievalCandidate, "id" | "score"> &
  Partial<Pick<RetrievalCandidate, "lexicalScore" | "lexicalRank" | "denseDistance" | "denseRank">>;

/** Re-ranking's input: the passage and what the channels said about it. */
export type RerankCandidate = Pick<RetrievalCandidate, "passage"> & Partial<Pick<RetrievalCandidate, "lexicalScore" | "denseDistance">>;

/** Re-ranking's output, and what retrieval returns. */
export type ScoredCandidate = Pick<RetrievalCandidate, "passage" | "score" | "features">;
