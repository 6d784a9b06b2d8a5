// Names in text, told by capital letters: a word written with a capital where no sentence starts.
// Retrieval and the citation check share one reading (isWrittenAsName); the extractive answerer keeps its
// own reading of names and numbers (see detectNamesAndNumbers).
import { contentTokens, tokenize } from "./tokenize.js";

/** A whitespace-separated word that ends like this opens a sentence after it ("said:", "“no.”"). */
const CLOSES_SENTENCE = /[.!?:"“”]$/;

/**
 * Whether the i-th whitespace-separated word is written as a name: it starts with a capital where no
 * sentence starts, or is in capitals anywhere ("NATO", "U.S."). Retrieval's names and the citation check's
 * both read words so.
 */
export function isWrittenAsName(words: readonly string[], i: number): boolean {
  const letters = words[i].replace(/^[^\p{L}\p{N}]+/u, "");
  if (!/^\p{Lu}/u.test(letters)) return false;
  const startsSentence = i === 0 || CLOSES_SENTENCE.test(words[i - 1]);
  return !startsSentence || /^[\p{Lu}.&-]{2,}$/u.test(letters.replace(/['’]s?$/u, "").replace(/[^\p{L}.&-]+$/u, ""));
}

/** The content terms of a question written as names (isWrittenAsName): retrieval's "names" feature (profile-query.ts). */
export function detectNamesForRetrieval(text: string): Set<string> {
  const names = new Set<string>();
  const words = text.match(/\S+/g) ?? [];
  words.forEach((word, i) => {
    if (!isWrittenAsName(words, i)) return;
    for (const term of contentTokens(word.replace(/^[^\p{L}\p{N}]+/u, ""))) names.add(term);
  });
  return names;
}

/** Capitalized words after the first word of a sentence, and numbers: the names and figures a text states. */
const NAMED = /(?<=[^.!?\s"“]\s+)\p{Lu}[\p{L}'’-]*|\d[\d.,]*/gu;

/**
 * Tokens of the names and numbers in a text, for the extractive answerer: its name weight, novelty bonus
 * and abstention rule (answer-extractively.ts) were calibrated with this reading. Not isWrittenAsName: that
 * reads "[31m" as the number "31m" where this finds "31", and test/reliability-input.int.test.ts (a question
 * with terminal escapes) then abstains, since a "name" no article contains makes the answerer abstain.
 */
export function detectNamesAndNumbers(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(NAMED)) for (const t of tokenize(m[0])) names.add(t);
  return names;
}

/** Runs of two or more capitalized words ("Vladimir Putin", "Bank of England") not at a sentence start. */
const MULTI_WORD_NAME = /(?<![.!?]\s)\b(\p{Lu}[\p{L}'’-]+)(?:\s+(?:of\s+)?\p{Lu}[\p{L}'’-]+)+/gu;

/** The multi-word names of a text, as retrieval's "answerType" feature looks for them (extract-features.ts). */
export function* detectMultiWordNames(text: string): Generator<string> {
  for (const m of text.matchAll(MULTI_WORD_NAME)) yield m[0];
}
