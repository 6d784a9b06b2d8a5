// Retrieval: both channels, fused, filtered and diversified into the ranked passages an answer draws on.
import type { PassageSearcher } from "./ports.js";
import type { Query, Ranked } from "./types.js";

/** Candidates each channel contributes before fusion. */
export const CANDIDATES_PER_CHANNEL = 50;
/** Weight of the dense channel's cosine similarity against the max-normalized BM25 score. */
export const DENSE_WEIGHT = 0.3;

export async function retrievePassages(searcher: PassageSearcher, query: Query): Promise<Ranked[]> {
  const dense = await searcher.searchDense(query.text, CANDIDATES_PER_CHANNEL);
  const lexical = searcher.searchLexical(query.text, CANDIDATES_PER_CHANNEL);
  const maxLexical = lexical[0]?.score || 1;
  const scores = new Map<number, number>();
  for (const c of lexical) scores.set(c.label, c.score / maxLexical);
  for (const c of dense) scores.set(c.label, (scores.get(c.label) ?? 0) + DENSE_WEIGHT * c.score);
  const seen = new Set<string>();
  const ranked: Ranked[] = [];
  for (const [label, score] of [...scores].sort((a, b) => b[1] - a[1])) {
    const passage = searcher.passage(label);
    if (seen.has(passage.text)) continue;
    seen.add(passage.text);
    ranked.push({ passage, score: Math.round(score * 1000) / 1000 });
    if (ranked.length >= query.k) break;
  }
  return ranked;
}
