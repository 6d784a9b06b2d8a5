// Word stems: how two forms of one word ("retirement", "retired"; "Russia", "Russian") are made to meet.
// Three variants, tuned apart and kept apart because the figures measured with them change when they are
// merged (docs in each comment); side by side, so that a change to one is made knowing the others.
import { isNumberToken } from "./parse-numbers.js";

/** Length of a retrieval stem: a word longer than this meets every word with the same first STEM_LENGTH letters. */
export const STEM_LENGTH = 5;

/**
 * The prefix stem of retrieval's "stems" feature (profile-query.ts, mark-passage.ts) and of the words a
 * quote is centred on (cap-quote.ts): cheap enough to mark in every candidate passage. Numbers stay whole:
 * "2019" is no form of "2018".
 */
export function stemForRetrieval(term: string): string {
  return term.length > STEM_LENGTH && !isNumberToken(term) ? term.slice(0, STEM_LENGTH) : term;
}

/**
 * A crude suffix stripper, so that "rates"/"rate" and "rising"/"rise" meet: the citation check's stem
 * (verify-citations.ts), used there beside matchesWordForm. Not replaced by stemForRetrieval: the check's
 * honest keep rate (51/57) and dishonest 0/47 in test/verify-citations-model-answers.test.ts are measured
 * with this one.
 */
export function stemForVerification(word: string): string {
  let w = word;
  for (const suffix of ["ations", "ation", "ments", "ment", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "y", "e"]) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

/**
 * "Russia" matches "Russian", "minister" matches "ministers": a shared stem of five letters or more, either
 * way round. Used by the extractive answerer's coverage (its thresholds were calibrated with it,
 * answer-extractively.ts DEFAULT_EXTRACTIVE) and by the citation check beside stemForVerification.
 */
export function matchesWordForm(term: string, words: Set<string>): boolean {
  if (words.has(term)) return true;
  if (term.length < 5) return false;
  const stem = term.slice(0, Math.max(5, term.length - 2));
  for (const w of words) if (w.length >= 5 && (w.startsWith(stem) || term.startsWith(w.slice(0, Math.max(5, w.length - 2))))) return true;
  return false;
}
