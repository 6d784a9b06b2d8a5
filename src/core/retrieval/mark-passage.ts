// The matching behind the features: the question's strings get slots once (prepareMatcher), then each passage
// is scanned once, marking the slots it holds (markPassage), instead of being turned into sets.
import type { PassageAnalysis } from "./analyze-passage.js";
import type { QueryProfile } from "./profile-query.js";
import { isNumberToken } from "../text/parse-numbers.js";
import { STEM_LENGTH } from "../text/stem-word.js";

/** The question's side of feature extraction, prepared once per question. */
export interface QueryMatcher {
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

export function prepareMatcher(query: QueryProfile): QueryMatcher {
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
    if (stem.length === STEM_LENGTH && !isNumberToken(stem)) prefixStems.push([stem, stemWeights.length]);
    stemSlotOf.set(stem, stemWeights.length);
    stemWeights.push(weight);
    stemTotal += weight;
  }
  const pairHeads = new Set<string>();
  for (const pair of query.pairs) pairHeads.add(pair.slice(0, pair.indexOf(" ")));
  return { query, slotOf, termWeights, nameSlots, numberSlots, stemSlotOf, prefixStems, stemWeights, stemTotal, pairHeads };
}

/** What a passage holds of the question, by matcher slot. */
export interface PassageMarks {
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
export function markPassage(matcher: QueryMatcher, a: PassageAnalysis, withStems: boolean): PassageMarks {
  const { slotOf } = matcher;
  const termCount = matcher.termWeights.length;
  const sentenceCount = a.sentenceEnds.length;
  const marks: PassageMarks = {
    anywhere: new Uint8Array(slotOf.size),
    inTitle: new Uint8Array(termCount),
    inSentence: new Uint8Array(sentenceCount * termCount),
    stems: new Uint8Array(matcher.stemWeights.length),
  };
  // The stem of `term` (as stemForRetrieval has it), found without cutting a string out of every word.
  const markStem = (term: string) => {
    if (term.length <= STEM_LENGTH || isNumberToken(term)) {
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
