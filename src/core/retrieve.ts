// Hybrid retrieval after the two channels have spoken: fuse the lexical (BM25) and dense (HNSW) candidate
// lists, re-rank the pool with the features classic QA systems use, and keep the top diverse.
// Pure: the caller runs the searches and passes their hits, a passage lookup and the corpus idf.
import { resolveRecency, recencyFit, type DateWindow } from "./resolve-recency.js";
import { DEFAULT_RETRIEVAL, type RetrievalSettings, type RerankWeights } from "./retrieval-settings.js";
import { lexicalTerms } from "./lexical-index.js";
import { anyPlaceMatches, hasFilters, matchesFilters, viewThroughFilters } from "./match-filters.js";
import type { PassageSearcher } from "./ports.js";
import type { Passage, Query, Ranked } from "./types.js";

export { DEFAULT_RETRIEVAL, FEATURE_NAMES } from "./retrieval-settings.js";
export type { FeatureName, RerankWeights, RetrievalSettings, FusionSettings } from "./retrieval-settings.js";

export interface LexicalCandidate {
  id: string;
  /** BM25: higher is better. */
  score: number;
}

export interface DenseCandidate {
  id: string;
  /** Cosine distance from HNSW: lower is closer. */
  distance: number;
}

export interface FusedCandidate {
  id: string;
  score: number;
  lexicalScore?: number;
  lexicalRank?: number;
  denseDistance?: number;
  denseRank?: number;
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
    candidate.score +=
      fusion.method === "rrf"
        ? fusion.lexicalWeight / (fusion.rrfK + rank + 1)
        : (fusion.lexicalWeight * hit.score) / bestLexical;
  });
  dense.forEach((hit, rank) => {
    const candidate = entry(hit.id);
    if (candidate.denseRank !== undefined) return;
    candidate.denseDistance = hit.distance;
    candidate.denseRank = rank;
    candidate.score +=
      fusion.method === "rrf"
        ? fusion.denseWeight / (fusion.rrfK + rank + 1)
        : (fusion.denseWeight * (1 - hit.distance - minSimilarity)) / spread;
  });
  return [...byId.values()].sort(
    (a, b) => b.score - a.score || (a.lexicalRank ?? Infinity) - (b.lexicalRank ?? Infinity) || (a.denseRank ?? Infinity) - (b.denseRank ?? Infinity),
  );
}

/** What the re-ranker knows about the question, computed once. */
export interface QueryProfile {
  /** Content terms with their idf (terms the corpus never saw are left out: they match nothing). */
  terms: Map<string, number>;
  totalWeight: number;
  /** Adjacent content-term pairs, "a b". */
  pairs: Set<string>;
  /** Terms written with a capital inside the question: names of people, places, organizations. */
  names: Set<string>;
  numbers: Set<string>;
  /** Prefixes for soft matching of word forms ("retirement" ~ "retired"). */
  stems: Map<string, number>;
  /** What kind of answer the question asks for, when its wording says so. */
  expects?: "number" | "name";
  window?: DateWindow;
}

const STEM_LENGTH = 5;

function stemOf(term: string): string {
  return term.length > STEM_LENGTH && !/^\d/.test(term) ? term.slice(0, STEM_LENGTH) : term;
}

/** Words that start with a capital letter where a sentence does not begin. */
function capitalizedTerms(text: string): Set<string> {
  const names = new Set<string>();
  const words = text.match(/\S+/g) ?? [];
  words.forEach((word, i) => {
    const startsSentence = i === 0 || /[.!?:"“]$/.test(words[i - 1]);
    const letters = word.replace(/^[^\p{L}\p{N}]+/u, "");
    if (!/^\p{Lu}/u.test(letters)) return;
    const allCaps = /^[\p{Lu}.&-]{2,}$/u.test(letters.replace(/['’]s?$/u, "").replace(/[^\p{L}.&-]+$/u, ""));
    if (startsSentence && !allCaps) return;
    for (const term of lexicalTerms(letters)) names.add(term);
  });
  return names;
}

/** "Which country …", "what company …": the answer is a name. */
const NAMED_THING = new RegExp(
  "\\b(which|what) (\\w+ )?(" +
    "country|countries|state|city|company|team|person|man|woman|president|leader|singer|actor|actress|star|" +
    "player|nation|island|brand|party|organization|agency|group|celebrity|athlete|network|retailer|airline|" +
    "league|film|movie|show|band|artist|author|official|senator|governor|billionaire|ceo|firm|university|" +
    "school|region|province|continent|currency" +
    ")\\b",
);

/** "How many …" wants a number, "Who …" or "Which country …" a name; otherwise undefined. */
export function expectedAnswer(question: string): QueryProfile["expects"] {
  const text = question.toLowerCase();
  if (/\b(how (many|much|old|long|far|big|large|high|tall|fast)|what (percentage|percent|share|number|year|age|amount|price|temperature|magnitude)|in what year|how many)\b/.test(text)) {
    return "number";
  }
  if (/\b(who|whom|whose|where)\b/.test(text) || NAMED_THING.test(text)) {
    return "name";
  }
  return undefined;
}

/** Whether the passage holds something of the expected kind that the question itself does not mention. */
function holdsAnswerType(query: QueryProfile, text: string): number {
  if (!query.expects) return 0;
  if (query.expects === "number") {
    for (const token of lexicalTerms(text)) if (/^\d/.test(token) && !query.numbers.has(token)) return 1;
    return 0;
  }
  for (const match of text.matchAll(/(?<![.!?]\s)\b(\p{Lu}[\p{L}'’-]+)(?:\s+(?:of\s+)?\p{Lu}[\p{L}'’-]+)+/gu)) {
    const words = lexicalTerms(match[0]);
    if (words.some((w) => !query.terms.has(w))) return 1;
  }
  return 0;
}

export function profileQuery(question: string, idf: (term: string) => number, asOf?: string): QueryProfile {
  const tokens = lexicalTerms(question);
  const terms = new Map<string, number>();
  for (const token of tokens) {
    const weight = idf(token);
    if (weight > 0) terms.set(token, weight);
  }
  let totalWeight = 0;
  for (const weight of terms.values()) totalWeight += weight;
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) pairs.add(`${tokens[i]} ${tokens[i + 1]}`);
  const names = new Set([...capitalizedTerms(question)].filter((t) => terms.has(t)));
  const numbers = new Set(tokens.filter((t) => /^\d/.test(t)));
  const stems = new Map<string, number>();
  for (const [term, weight] of terms) stems.set(stemOf(term), Math.max(stems.get(stemOf(term)) ?? 0, weight));
  return { terms, totalWeight, pairs, names, numbers, stems, expects: expectedAnswer(question), window: resolveRecency(question, asOf) };
}

export type Features = Record<keyof RerankWeights, number>;

interface PassageSignals {
  lexical: number;
  dense: number;
  article: number;
}

/** What the features need from a passage, computed once per passage and reused across questions. */
interface PassageAnalysis {
  /** The text analyzed: a cached analysis is used only for the very same text. */
  text: string;
  tokens: string[];
  title: Set<string>;
  /** Body and title terms. */
  everywhere: Set<string>;
  stems: Set<string>;
  /** Terms of each sentence, in order. */
  sentences: Set<string>[];
  /** Word trigrams, for near-duplicate detection (filled on first use). */
  shingles?: Set<string>;
}

// A small memo of passage analyses: re-ranking the same passages for related questions (a conversation,
// an eval run) should not tokenize them again. Bounded, so a long-running bot does not grow without end.
const ANALYSIS_CACHE_SIZE = 4096;
const analysisCache = new Map<string, PassageAnalysis>();

/** Sentence-ish pieces: proximity only needs windows of about a sentence, not exact boundaries. */
const ROUGH_SENTENCE_END = /(?<=[.!?…]["'”’)\]]?)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])|\n+/u;

function analyzePassage(passage: Passage): PassageAnalysis {
  const key = `${passage.id}\u0000${passage.title}`;
  const cached = analysisCache.get(key);
  if (cached && cached.text === passage.text) return cached;
  const sentenceTokens = passage.text.split(ROUGH_SENTENCE_END).map((piece) => lexicalTerms(piece));
  const tokens = sentenceTokens.flat();
  const title = new Set(lexicalTerms(passage.title));
  const everywhere = new Set(tokens);
  for (const term of title) everywhere.add(term);
  const stems = new Set<string>();
  for (const term of everywhere) stems.add(stemOf(term));
  const analysis = { text: passage.text, tokens, title, everywhere, stems, sentences: sentenceTokens.map((t) => new Set(t)) };
  if (analysisCache.size >= ANALYSIS_CACHE_SIZE) analysisCache.delete(analysisCache.keys().next().value as string);
  analysisCache.set(key, analysis);
  return analysis;
}

/** Sum of the weights of the query terms found in any of the sets, over the total weight. */
function weightedShare(weights: Map<string, number>, total: number, ...sets: Set<string>[]): number {
  if (total <= 0) return 0;
  let sum = 0;
  for (const [term, weight] of weights) if (sets.some((set) => set.has(term))) sum += weight;
  return sum / total;
}

function shareFound(wanted: Set<string>, within: Set<string>): number {
  if (wanted.size === 0) return 0;
  let found = 0;
  for (const term of wanted) if (within.has(term)) found++;
  return found / wanted.size;
}

/**
 * The re-ranking features of one passage for one question; every feature lies in [0, 1]. `only` limits
 * the work to the features that carry weight (the others are 0).
 */
export function extractFeatures(
  query: QueryProfile,
  passage: Passage,
  signals: PassageSignals,
  only?: ReadonlySet<keyof RerankWeights>,
): Features {
  const want = (name: keyof RerankWeights) => !only || only.has(name);
  const a = analyzePassage(passage);

  // Proximity: the best window of two consecutive sentences, by the idf share of query terms it holds.
  let proximity = 0;
  if (want("proximity")) {
    for (let i = 0; i < a.sentences.length; i++) {
      const next = a.sentences[i + 1] ?? a.sentences[i];
      proximity = Math.max(proximity, weightedShare(query.terms, query.totalWeight, a.sentences[i], next));
    }
  }

  let phrase = 0;
  if (want("phrase") && query.pairs.size > 0) {
    const found = new Set<string>();
    for (let i = 0; i + 1 < a.tokens.length; i++) {
      const pair = `${a.tokens[i]} ${a.tokens[i + 1]}`;
      if (query.pairs.has(pair)) found.add(pair);
    }
    phrase = found.size / query.pairs.size;
  }

  let stems = 0;
  if (want("stems")) {
    let stemTotal = 0;
    for (const weight of query.stems.values()) stemTotal += weight;
    stems = weightedShare(query.stems, stemTotal, a.stems);
  }

  return {
    lexical: signals.lexical,
    dense: signals.dense,
    coverage: want("coverage") ? weightedShare(query.terms, query.totalWeight, a.everywhere) : 0,
    proximity,
    phrase,
    title: want("title") ? weightedShare(query.terms, query.totalWeight, a.title) : 0,
    names: want("names") ? shareFound(query.names, a.everywhere) : 0,
    numbers: want("numbers") ? shareFound(query.numbers, a.everywhere) : 0,
    stems,
    article: signals.article,
    answerType: want("answerType") ? holdsAnswerType(query, passage.text) : 0,
    recency: want("recency") ? recencyFit(passage.date, query.window) : 0,
  };
}

export interface RerankCandidate {
  passage: Passage;
  lexicalScore?: number;
  denseDistance?: number;
}

export interface ScoredCandidate extends Ranked {
  features: Features;
}

export function scoreFeatures(features: Features, weights: RerankWeights): number {
  let score = 0;
  for (const name of Object.keys(weights) as (keyof RerankWeights)[]) score += weights[name] * (features[name] ?? 0);
  return score;
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
  options: { allFeatures?: boolean } = {},
): ScoredCandidate[] {
  const only = options.allFeatures
    ? undefined
    : new Set((Object.keys(weights) as (keyof RerankWeights)[]).filter((name) => weights[name] !== 0));
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
    const features = extractFeatures(query, candidate.passage, { lexical: own, dense, article }, only);
    return { passage: candidate.passage, score: scoreFeatures(features, weights), features };
  });
  return scored.sort((a, b) => b.score - a.score || a.passage.id.localeCompare(b.passage.id));
}

export interface DiversityOptions {
  /** At most this many passages of one article among the first `window` results. */
  perArticle: number;
  window: number;
  /** Word-shingle overlap at or above which two passages count as the same story. */
  nearDuplicate: number;
}

function normalizedText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

function shinglesOf(passage: Passage): Set<string> {
  const analysis = analyzePassage(passage);
  if (analysis.shingles) return analysis.shingles;
  const tokens = analysis.tokens;
  const set = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) set.add(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`);
  if (set.size === 0 && tokens.length > 0) set.add(tokens.join(" "));
  analysis.shingles = set;
  return set;
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / small.size;
}

/**
 * Drops repeated passages (same text, or the same story copied into another file) and spreads the
 * first results over articles: at most `perArticle` passages of one article in the first `window`,
 * unless there are not enough other articles to fill it. Order is otherwise kept. With `limit`, stops
 * once the first `limit` results are settled (the rest of the list is not examined).
 */
export function diversify<T extends Ranked>(
  ranked: T[],
  options: DiversityOptions = DEFAULT_RETRIEVAL.diversity,
  limit = Infinity,
): T[] {
  const seenTexts = new Set<string>();
  const seenShingles: Set<string>[] = [];
  const isRepeat = (item: T) => {
    const text = normalizedText(item.passage.text);
    if (seenTexts.has(text)) return true;
    const own = shinglesOf(item.passage);
    if (seenShingles.some((other) => overlap(own, other) >= options.nearDuplicate)) return true;
    seenTexts.add(text);
    seenShingles.push(own);
    return false;
  };
  const head: T[] = [];
  const deferred: T[] = [];
  const rest: T[] = [];
  const perSource = new Map<string, number>();
  for (const item of ranked) {
    if (head.length >= options.window && head.length + deferred.length + rest.length >= limit) break;
    if (isRepeat(item)) continue;
    if (head.length >= options.window) {
      rest.push(item);
      continue;
    }
    const source = item.passage.source;
    const count = perSource.get(source) ?? 0;
    if (count >= options.perArticle) {
      deferred.push(item);
      continue;
    }
    perSource.set(source, count + 1);
    head.push(item);
  }
  // Not enough other articles: the deferred passages fill the window after all, in their order.
  while (head.length < options.window && deferred.length > 0) head.push(deferred.shift() as T);
  return [...head, ...deferred, ...rest];
}

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
  const ranked = rerank(query, candidates, settings.weights);
  return diversify(ranked, settings.diversity, input.k).slice(0, input.k);
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
  const passages = new Map<string, Passage>();
  const idOf = (label: number) => {
    const id = String(label);
    if (!passages.has(id)) passages.set(id, viewThroughFilters(searcher.passage(label), filters));
    return id;
  };
  return retrievePassages({
    question: query.text,
    lexical: lexical.map((c) => ({ id: idOf(c.label), score: c.score })),
    dense: dense.map((c) => ({ id: idOf(c.label), distance: 1 - c.score })),
    getPassage: (id) => passages.get(id),
    idf: searcher.idf ? (term) => searcher.idf!(term) : () => 1,
    k: query.k,
    asOf: query.asOf,
    settings,
  });
}
