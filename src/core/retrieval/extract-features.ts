// Stage 3 of hybrid retrieval: the re-ranking features of one passage for one question, each in [0, 1].
import { analyzePassage, type PassageAnalysis } from "./analyze-passage.js";
import { markPassage, prepareMatcher, type QueryMatcher } from "./mark-passage.js";
import type { QueryProfile } from "./profile-query.js";
import { recencyFit } from "./resolve-recency.js";
import type { RerankWeights } from "./retrieval-settings.js";
import { lexicalTerms } from "../lexical/lexical-index.js";
import { detectMultiWordNames } from "../text/detect-names.js";
import { isNumberToken } from "../text/parse-numbers.js";
import type { Passage } from "../types.js";

export type Features = Record<keyof RerankWeights, number>;

/** The features that come from the candidate list rather than the passage, already normalized. */
export interface PassageSignals {
  lexical: number;
  dense: number;
  article: number;
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

/** Whether the passage holds something of the expected kind that the question itself does not mention. */
function holdsAnswerType(query: QueryProfile, text: string): number {
  if (!query.expects) return 0;
  if (query.expects === "number") {
    for (const token of lexicalTerms(text)) if (isNumberToken(token) && !query.numbers.has(token)) return 1;
    return 0;
  }
  for (const name of detectMultiWordNames(text)) {
    const words = lexicalTerms(name);
    if (words.some((w) => !query.terms.has(w))) return 1;
  }
  return 0;
}

/** The features of one passage for one question. `only` limits the work to the features that carry weight (the others are 0). */
export function extractFeatures(query: QueryProfile, passage: Passage, signals: PassageSignals, only?: ReadonlySet<keyof RerankWeights>): Features {
  return extractPreparedFeatures(prepareMatcher(query), passage, analyzePassage(passage), signals, only);
}

/** extractFeatures with the question's matcher and the passage's analysis already made, for a whole candidate list. */
export function extractPreparedFeatures(
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
