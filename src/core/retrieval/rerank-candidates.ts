// Stage 4 of hybrid retrieval: re-score the fused pool with the weighted features classic QA systems use.
import { analyzePassage, type Analyze } from "./analyze-passage.js";
import { extractPreparedFeatures, type Features } from "./extract-features.js";
import { prepareMatcher } from "./mark-passage.js";
import type { QueryProfile } from "./profile-query.js";
import type { RerankCandidate, ScoredCandidate } from "./retrieval-candidate.js";
import { DEFAULT_RETRIEVAL, type RerankWeights } from "./retrieval-settings.js";

export function scoreFeatures(features: Features, weights: RerankWeights): number {
  let score = 0;
  for (const name of Object.keys(weights) as (keyof RerankWeights)[]) score += weights[name] * (features[name] ?? 0);
  return score;
}

export interface RerankOptions {
  /** Compute every feature, also those with weight 0 (for fitting the weights). */
  allFeatures?: boolean;
  /** How passages are analyzed; retrievePassages shares one analysis per passage with diversity. */
  analyze?: Analyze;
}

/**
 * Re-scores candidates with weighted features (weights fitted on dev questions, see retrieval-settings.ts),
 * best first. Channel scores are normalized within this list, so any mix of lexical-only, dense-only and
 * both-channel candidates is comparable.
 */
export function rerank(
  query: QueryProfile,
  candidates: RerankCandidate[],
  weights: RerankWeights = DEFAULT_RETRIEVAL.weights,
  options: RerankOptions = {},
): ScoredCandidate[] {
  const analyze = options.analyze ?? analyzePassage;
  const only = options.allFeatures ? undefined : new Set((Object.keys(weights) as (keyof RerankWeights)[]).filter((name) => weights[name] !== 0));
  const matcher = prepareMatcher(query);
  const bestLexical = Math.max(0, ...candidates.map((c) => c.lexicalScore ?? 0)) || 1;
  const similarities = candidates.filter((c) => c.denseDistance !== undefined).map((c) => 1 - (c.denseDistance as number));
  const maxSimilarity = similarities.length ? Math.max(...similarities) : 1;
  const minSimilarity = similarities.length ? Math.min(...similarities) : 0;
  const spread = maxSimilarity - minSimilarity || 1;
  const lexicalNorm = (c: RerankCandidate) => (c.lexicalScore ?? 0) / bestLexical;
  // The best other passage of the same article: an article that matches in several places is likelier on topic.
  const bestBySource = new Map<string, number[]>();
  for (const candidate of candidates) {
    const list = bestBySource.get(candidate.passage.source) ?? [];
    list.push(lexicalNorm(candidate));
    bestBySource.set(candidate.passage.source, list);
  }
  const scored = candidates.map((candidate) => {
    const own = lexicalNorm(candidate);
    const others = (bestBySource.get(candidate.passage.source) ?? []).slice().sort((a, b) => b - a);
    const article = others[0] === own ? (others[1] ?? 0) : others[0];
    const dense = candidate.denseDistance === undefined ? 0 : (1 - candidate.denseDistance - minSimilarity) / spread;
    const features = extractPreparedFeatures(matcher, candidate.passage, analyze(candidate.passage), { lexical: own, dense, article }, only);
    return { passage: candidate.passage, score: scoreFeatures(features, weights), features };
  });
  return scored.sort((a, b) => b.score - a.score || a.passage.id.localeCompare(b.passage.id));
}
