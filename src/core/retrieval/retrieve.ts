// Hybrid retrieval after the two channels have spoken: fuse the lexical (BM25) and dense (HNSW) candidate
// lists, re-rank the pool with the features classic QA systems use, and keep the top diverse.
// Pure: the caller runs the searches and passes their hits, a passage lookup and the corpus idf.
import { resolveRecency, recencyFit, type DateWindow } from "./resolve-recency.js";
import { DEFAULT_RETRIEVAL, type RetrievalSettings, type RerankWeights } from "./retrieval-settings.js";
import { lexicalTerms } from "../lexical/lexical-index.js";
import { anyPlaceMatches, hasFilters, matchesFilters, viewThroughFilters } from "./match-filters.js";
import type { PassageSearcher } from "../ports.js";
import type { Passage, Query, Ranked } from "../types.js";

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

function startsWithDigit(term: string): boolean {
  const code = term.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function stemOf(term: string): string {
  return term.length > STEM_LENGTH && !startsWithDigit(term) ? term.slice(0, STEM_LENGTH) : term;
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

/** What the features need from a passage. */
interface PassageAnalysis {
  /** Body terms in order. */
  tokens: string[];
  /** Where each rough sentence ends in `tokens` (exclusive), in order; an empty sentence ends where it starts. */
  sentenceEnds: number[];
  /** Title terms. */
  title: string[];
}

/** Sentence-ish pieces: proximity only needs windows of about a sentence, not exact boundaries. */
const ROUGH_SENTENCE_END = /(?<=[.!?…]["'”’)\]]?)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])|\n+/u;

// Not memoized across searches: a memo of analyses kept them alive through garbage collections, and at
// 100k passages the young-generation pauses that cost were several times the tokenizing they saved.
// Within one retrieval, re-ranking and diversity share them (analyzeOnce).
function analyzePassage(passage: Passage): PassageAnalysis {
  const tokens: string[] = [];
  const sentenceEnds: number[] = [];
  for (const piece of passage.text.split(ROUGH_SENTENCE_END)) {
    for (const term of lexicalTerms(piece)) tokens.push(term);
    sentenceEnds.push(tokens.length);
  }
  return { tokens, sentenceEnds, title: lexicalTerms(passage.title) };
}

type Analyze = (passage: Passage) => PassageAnalysis;

/** An analyzer that analyzes each passage (object) once, for the length of one retrieval. */
function analyzeOnce(): Analyze {
  const analyses = new Map<Passage, PassageAnalysis>();
  return (passage) => {
    let analysis = analyses.get(passage);
    if (!analysis) {
      analysis = analyzePassage(passage);
      analyses.set(passage, analysis);
    }
    return analysis;
  };
}

/**
 * The question's side of feature extraction, prepared once per question: every string a feature looks up
 * in a passage gets a slot, so that a passage is scanned once, marking slots, instead of being turned
 * into sets.
 */
interface QueryMatcher {
  query: QueryProfile;
  /** Slot of every looked-up string: the query terms first (slot = position in `query.terms`), then names and numbers. */
  slotOf: Map<string, number>;
  termWeights: number[];
  nameSlots: number[];
  numberSlots: number[];
  /** Slot of each stem (position in `query.stems`), with its weight and their total. */
  stemSlotOf: Map<string, number>;
  /** The stems a longer word can have (STEM_LENGTH long, no leading digit), with their slots. */
  prefixStems: Array<[string, number]>;
  stemWeights: number[];
  stemTotal: number;
  /** First words of the question's word pairs: only there can a phrase start. */
  pairHeads: Set<string>;
}

function prepareMatcher(query: QueryProfile): QueryMatcher {
  const slotOf = new Map<string, number>();
  const slot = (term: string) => {
    let at = slotOf.get(term);
    if (at === undefined) {
      at = slotOf.size;
      slotOf.set(term, at);
    }
    return at;
  };
  const termWeights: number[] = [];
  for (const [term, weight] of query.terms) {
    slot(term);
    termWeights.push(weight);
  }
  const nameSlots = [...query.names].map(slot);
  const numberSlots = [...query.numbers].map(slot);
  const stemSlotOf = new Map<string, number>();
  const stemWeights: number[] = [];
  let stemTotal = 0;
  const prefixStems: Array<[string, number]> = [];
  for (const [stem, weight] of query.stems) {
    if (stem.length === STEM_LENGTH && !startsWithDigit(stem)) prefixStems.push([stem, stemWeights.length]);
    stemSlotOf.set(stem, stemWeights.length);
    stemWeights.push(weight);
    stemTotal += weight;
  }
  const pairHeads = new Set<string>();
  for (const pair of query.pairs) pairHeads.add(pair.slice(0, pair.indexOf(" ")));
  return { query, slotOf, termWeights, nameSlots, numberSlots, stemSlotOf, prefixStems, stemWeights, stemTotal, pairHeads };
}

/**
 * The share of `weights` whose slot is marked in `marks` at `offset` (or, when given, at `alsoOffset`).
 * Summed in the weights' order, so that the result rounds exactly as a sum over the query's terms does.
 */
function markedShare(weights: number[], total: number, marks: Uint8Array, offset = 0, alsoOffset = -1): number {
  if (total <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    if (marks[offset + i] || (alsoOffset >= 0 && marks[alsoOffset + i])) sum += weights[i];
  }
  return sum / total;
}

function markedCount(slots: number[], marks: Uint8Array): number {
  if (slots.length === 0) return 0;
  let found = 0;
  for (const slot of slots) if (marks[slot]) found++;
  return found / slots.length;
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
  return featuresFor(prepareMatcher(query), passage, analyzePassage(passage), signals, only);
}

/** What a passage holds of the question, by matcher slot. */
interface PassageMarks {
  /** Looked-up strings found in the body or the title. */
  anywhere: Uint8Array;
  /** Query terms found in the title. */
  inTitle: Uint8Array;
  /** Query terms found in each sentence: sentence s at s × (number of terms). */
  inSentence: Uint8Array;
  /** Query stems that some body or title term has. */
  stems: Uint8Array;
}

/** One pass over the passage's terms, marking what it holds of the question. */
function markPassage(matcher: QueryMatcher, a: PassageAnalysis, withStems: boolean): PassageMarks {
  const { slotOf } = matcher;
  const termCount = matcher.termWeights.length;
  const sentenceCount = a.sentenceEnds.length;
  const marks: PassageMarks = {
    anywhere: new Uint8Array(slotOf.size),
    inTitle: new Uint8Array(termCount),
    inSentence: new Uint8Array(sentenceCount * termCount),
    stems: new Uint8Array(matcher.stemWeights.length),
  };
  // The stem of `term` (as stemOf has it), found without cutting a string out of every word.
  const markStem = (term: string) => {
    if (term.length <= STEM_LENGTH || startsWithDigit(term)) {
      const at = matcher.stemSlotOf.get(term);
      if (at !== undefined) marks.stems[at] = 1;
      return;
    }
    for (const [stem, at] of matcher.prefixStems) {
      if (term.startsWith(stem)) {
        marks.stems[at] = 1;
        return;
      }
    }
  };
  let from = 0;
  for (let s = 0; s < sentenceCount; s++) {
    const to = a.sentenceEnds[s];
    for (let i = from; i < to; i++) {
      const term = a.tokens[i];
      const at = slotOf.get(term);
      if (at !== undefined) {
        marks.anywhere[at] = 1;
        if (at < termCount) marks.inSentence[s * termCount + at] = 1;
      }
      if (withStems) markStem(term);
    }
    from = to;
  }
  for (const term of a.title) {
    const at = slotOf.get(term);
    if (at !== undefined) {
      marks.anywhere[at] = 1;
      if (at < termCount) marks.inTitle[at] = 1;
    }
    if (withStems) markStem(term);
  }
  return marks;
}

function featuresFor(
  matcher: QueryMatcher,
  passage: Passage,
  a: PassageAnalysis,
  signals: PassageSignals,
  only?: ReadonlySet<keyof RerankWeights>,
): Features {
  const want = (name: keyof RerankWeights) => !only || only.has(name);
  const { query, termWeights } = matcher;
  const termCount = termWeights.length;
  const sentenceCount = a.sentenceEnds.length;
  const marks = markPassage(matcher, a, want("stems"));

  // Proximity: the best window of two consecutive sentences, by the idf share of query terms it holds.
  let proximity = 0;
  if (want("proximity")) {
    for (let s = 0; s < sentenceCount; s++) {
      const next = s + 1 < sentenceCount ? s + 1 : s;
      proximity = Math.max(proximity, markedShare(termWeights, query.totalWeight, marks.inSentence, s * termCount, next * termCount));
    }
  }

  let phrase = 0;
  if (want("phrase") && query.pairs.size > 0) {
    const found = new Set<string>();
    for (let i = 0; i + 1 < a.tokens.length; i++) {
      if (!matcher.pairHeads.has(a.tokens[i])) continue;
      const pair = `${a.tokens[i]} ${a.tokens[i + 1]}`;
      if (query.pairs.has(pair)) found.add(pair);
    }
    phrase = found.size / query.pairs.size;
  }

  return {
    lexical: signals.lexical,
    dense: signals.dense,
    coverage: want("coverage") ? markedShare(termWeights, query.totalWeight, marks.anywhere) : 0,
    proximity,
    phrase,
    title: want("title") ? markedShare(termWeights, query.totalWeight, marks.inTitle) : 0,
    names: want("names") ? markedCount(matcher.nameSlots, marks.anywhere) : 0,
    numbers: want("numbers") ? markedCount(matcher.numberSlots, marks.anywhere) : 0,
    stems: want("stems") ? markedShare(matcher.stemWeights, matcher.stemTotal, marks.stems) : 0,
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
  return rerankWith(analyzePassage, query, candidates, weights, options);
}

function rerankWith(
  analyze: Analyze,
  query: QueryProfile,
  candidates: RerankCandidate[],
  weights: RerankWeights,
  options: { allFeatures?: boolean },
): ScoredCandidate[] {
  const only = options.allFeatures
    ? undefined
    : new Set((Object.keys(weights) as (keyof RerankWeights)[]).filter((name) => weights[name] !== 0));
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
    const features = featuresFor(matcher, candidate.passage, analyze(candidate.passage), { lexical: own, dense, article }, only);
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

function shinglesOf(tokens: string[]): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) set.add(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`);
  if (set.size === 0 && tokens.length > 0) set.add(tokens.join(" "));
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
  return diversifyWith(analyzePassage, ranked, options, limit);
}

function diversifyWith<T extends Ranked>(analyze: Analyze, ranked: T[], options: DiversityOptions, limit: number): T[] {
  const seenTexts = new Set<string>();
  const seenShingles: Set<string>[] = [];
  const isRepeat = (item: T) => {
    const text = normalizedText(item.passage.text);
    if (seenTexts.has(text)) return true;
    const own = shinglesOf(analyze(item.passage).tokens);
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
  const analyze = analyzeOnce();
  const ranked = rerankWith(analyze, query, candidates, settings.weights, {});
  return diversifyWith(analyze, ranked, settings.diversity, input.k).slice(0, input.k);
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
    let passage = passages.get(id);
    if (!passage) passages.set(id, (passage = viewThroughFilters(searcher.passage(Number(id)), filters)));
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
