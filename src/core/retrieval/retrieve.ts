// Hybrid retrieval after the two channels have spoken, stage by stage: fuse the lexical (BM25) and dense
// (HNSW) candidate lists (fuse-rankings), profile the question (profile-query), re-rank the pool with the
// features classic QA systems use (extract-features, rerank-candidates), and keep the top diverse
// (diversify-results). One candidate record flows through them: retrieval-candidate.ts.
// Pure: the caller runs the searches and passes their hits, a passage lookup and the corpus idf.
import { analyzeOnce } from "./analyze-passage.js";
import { diversify } from "./diversify-results.js";
import { fuseRankings, type DenseCandidate, type LexicalCandidate } from "./fuse-rankings.js";
import { anyPlaceMatches, hasFilters, matchesFilters, viewThroughFilters } from "./match-filters.js";
import { profileQuery } from "./profile-query.js";
import { rerank } from "./rerank-candidates.js";
import type { RerankCandidate, ScoredCandidate } from "./retrieval-candidate.js";
import { DEFAULT_RETRIEVAL, type RetrievalSettings } from "./retrieval-settings.js";
import type { PassageSearcher } from "../ports.js";
import type { Passage, Query } from "../types.js";

export interface RetrieveInput {
  question: string;
  /** From searchLexical, already restricted to passages that pass the filters. */
  lexical: LexicalCandidate[];
  /** From the HNSW index, already restricted likewise; empty when there is no dense channel. */
  dense: DenseCandidate[];
  getPassage: (id: string) => Passage | undefined;
  /** The lexical index's idf (inverseDocumentFrequency bound to the index). */
  idf: (term: string) => number;
  k: number;
  /** Reference date for time words in the question. */
  asOf?: string;
  settings?: RetrievalSettings;
}

/** Fuse → re-rank the pool → diversify → the k best, each with its re-ranking score. */
export function retrievePassages(input: RetrieveInput): ScoredCandidate[] {
  const settings = input.settings ?? DEFAULT_RETRIEVAL;
  const fused = fuseRankings(input.lexical, input.dense, settings.fusion).slice(0, settings.poolSize);
  const candidates: RerankCandidate[] = [];
  for (const hit of fused) {
    const passage = input.getPassage(hit.id);
    if (!passage) continue;
    candidates.push({ passage, lexicalScore: hit.lexicalScore, denseDistance: hit.denseDistance });
  }
  const query = profileQuery(input.question, input.idf, input.asOf);
  const analyze = analyzeOnce();
  const ranked = rerank(query, candidates, settings.weights, { analyze });
  return diversify(ranked, settings.diversity, input.k, analyze).slice(0, input.k);
}

/**
 * Hybrid retrieval over an index's two channels (same signature as the pipeline's `retrieve`): asks each
 * channel for `channelDepth` candidates that pass the filters, then fuses, re-ranks and diversifies.
 * Passages that pass a filter only through a duplicate occurrence are shown as that occurrence.
 */
export async function retrieveHybrid(
  searcher: PassageSearcher,
  query: Query,
  settings: RetrievalSettings = DEFAULT_RETRIEVAL,
): Promise<ScoredCandidate[]> {
  const filters = query.filters;
  const allow = !hasFilters(filters)
    ? undefined
    : searcher.places
      ? (label: number) => anyPlaceMatches(searcher.places!(label), filters)
      : (label: number) => matchesFilters(searcher.passage(label), filters);
  const depth = Math.max(settings.channelDepth, query.k);
  const [dense, lexical] = await Promise.all([
    settings.weights.dense > 0 || settings.fusion.denseWeight > 0 ? searcher.searchDense(query.text, depth, allow) : [],
    searcher.searchLexical(query.text, depth, allow),
  ]);
  // Passages are looked up only for the fused pool: an index may read each one from disk.
  const passages = new Map<string, Passage>();
  const getPassage = (id: string) => {
    const known = passages.get(id);
    if (known) return known;
    const passage = viewThroughFilters(searcher.passage(Number(id)), filters);
    passages.set(id, passage);
    return passage;
  };
  return retrievePassages({
    question: query.text,
    lexical: lexical.map((c) => ({ id: String(c.label), score: c.score })),
    dense: dense.map((c) => ({ id: String(c.label), distance: 1 - c.score })),
    getPassage,
    idf: searcher.idf ? (term) => searcher.idf!(term) : () => 1,
    k: query.k,
    asOf: query.asOf,
    settings,
  });
}
