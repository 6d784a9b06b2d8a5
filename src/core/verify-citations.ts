// Checks a model's [n] citations against the passages it was given, so that no answer cites a source
// that does not say what the sentence claims.
//
// Policy (the lead may copy it into the README):
// - A marker outside 1..n is dropped.
// - A cited sentence is kept only when the passages it cites, together, contain every number and every name
//   in it, deny what it denies ("not", "never", "n't"), and hold all but a fifth of its content words (a
//   clause the passages lack brings words of its own). Otherwise the whole sentence is REMOVED (not
//   flagged): a reader should never see a claim next to a source that does not back it.
// - Of a kept sentence's markers, those whose passage contributes nothing to the claim are dropped.
// - A sentence without any citation is removed (an abstention is checked apart, by the answerer).
// - A link stays only when it is a cited article's own url.
// - Kept markers are renumbered in order of first use; only cited passages become citations, each quoting
//   the passage sentence that best supports the sentences citing it.
import { quotePassage } from "./cap-quote.js";
import { linesOfSpan } from "./chunk-article.js";
import { numberPassages } from "./prompts.js";
import { splitSentences, type Span } from "./split-sentences.js";
import { STOPWORDS } from "./tokenize.js";
import type { Citation, LineRange, Passage, Ranked } from "./types.js";

export interface VerifiedAnswer {
  /** The answer with unsupported sentences removed and markers renumbered 1..citations.length. */
  text: string;
  citations: Citation[];
  /** How many sentences carry at least one citation that held. */
  supportedClaims: number;
  /** Sentences removed because their citations did not hold, or because they made an uncited claim. */
  removed: string[];
  /** Marker numbers that pointed outside the passages given. */
  outOfRange: number[];
}



/** A verbatim quote from a passage and the file lines it covers. */
export interface PassageQuote {
  quote: string;
  lines: LineRange;
}

const LINK = /\bhttps?:\/\/[^\s<>()\[\]]+|\bwww\.[^\s<>()\[\]]+/gi;
const MARKER = /\[(?:(?:passage|source)\s*)?(\d+(?:\s*[,;–-]\s*\d+)*)\]/gi;
/** A bullet or "1." opening a line: list numbering, not a number the claim makes. */
const LIST_ITEM = /^\s*(?:[-*•]|\d+[.)])\s+/;
/** Content words of a claim its passages may lack (rewording: "rose" for "went up"), as a share. */
const MAX_UNSUPPORTED_SHARE = 0.2;
const MIN_CONTRIBUTION = 0.25;

/** Verifies and renumbers the citations in `answerText`, whose [n] refer to `ranked[n-1]`. */
export function verifyCitations(answerText: string, ranked: readonly Ranked[]): VerifiedAnswer {
  const numbered = numberPassages(ranked);
  const passageTerms = numbered.map(({ ranked: r }) => termsOfPassage(r.passage));
  const outOfRange = new Set<number>();
  const removed: string[] = [];
  const newNumber = new Map<number, number>(); // old n → new n, in order of first use
  const claimsByPassage = new Map<number, Terms[]>(); // old n → terms of the sentences citing it
  const lines: string[] = [];
  let supportedClaims = 0;

  for (const line of answerText.replace(/\r\n?/g, "\n").split("\n")) {
    const kept: string[] = [];
    for (const sentence of splitAnswerLine(line)) {
      const cited = markersIn(sentence);
      const inRange = unique(cited.filter((n) => n >= 1 && n <= numbered.length));
      for (const n of cited) if (n < 1 || n > numbered.length) outOfRange.add(n);
      // A link is no claim of its own: it is kept or taken out by whose it is, below.
      const claim = termsOfText(sentence.replace(LIST_ITEM, "").replace(MARKER, " ").replace(LINK, " "));

      if (cited.length === 0) {
        // Nothing uncited reaches a reader under "every citation checked": not a claim, not a link.
        removed.push(sentence);
        continue;
      }
      const holding = citationsThatHold(claim, inRange, passageTerms);
      if (holding.length === 0) {
        removed.push(sentence);
        continue;
      }
      supportedClaims += 1;
      for (const n of holding) {
        if (!newNumber.has(n)) newNumber.set(n, newNumber.size + 1);
        claimsByPassage.set(n, [...(claimsByPassage.get(n) ?? []), claim]);
      }
      const ownLinks = new Set(holding.map((n) => numbered[n - 1].ranked.passage.url).filter((url): url is string => Boolean(url)));
      kept.push(removeForeignLinks(rewriteMarkers(sentence, new Set(holding), newNumber), ownLinks));
    }
    // A line emptied by removals disappears; a line that was blank (a paragraph break) stays.
    if (kept.length > 0 || line.trim() === "") lines.push(kept.join(" "));
  }

  const citations = [...newNumber.entries()].map(([old, n]) =>
    citationFor(n, numbered[old - 1].ranked, claimsByPassage.get(old) ?? []),
  );
  return {
    text: tidy(lines.join("\n")),
    citations,
    supportedClaims,
    removed,
    outOfRange: [...outOfRange].sort((a, b) => a - b),
  };
}

/**
 * The verbatim text of `passage.text` between character offsets `start` and `end` (trimmed of surrounding
 * whitespace), and the file lines it covers: the i-th "\n"-line of the passage spans `passage.lineMap[i]`.
 */
export function quoteFromPassage(passage: Passage, start: number, end: number): PassageQuote {
  const text = passage.text;
  let from = Math.max(0, Math.min(start, text.length));
  let to = Math.max(from, Math.min(end, text.length));
  while (from < to && /\s/.test(text[from])) from += 1;
  while (to > from && /\s/.test(text[to - 1])) to -= 1;
  return { quote: text.slice(from, to), lines: linesOfSpan(passage, from, to) };
}

/** Splits one line of a model's answer into sentences, keeping a list bullet with its sentence. */
function splitAnswerLine(line: string): string[] {
  return splitSentences(line).map(({ start, end }) => line.slice(start, end));
}

function markersIn(sentence: string): number[] {
  const numbers: number[] = [];
  for (const match of sentence.matchAll(MARKER)) {
    for (const part of match[1].split(/\s*[,;]\s*/)) {
      const range = /^(\d+)\s*[–-]\s*(\d+)$/.exec(part);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        for (let n = from; n <= to && n - from < 20; n += 1) numbers.push(n);
      } else numbers.push(Number(part));
    }
  }
  return numbers;
}

interface Terms {
  /** Stemmed content words. */
  words: Set<string>;
  /** Capitalised words not opening a sentence, lower-cased. */
  names: Set<string>;
  numbers: Set<string>;
  /** Every word, lower-cased: a claim's name may open a sentence in the passage. */
  tokens: Set<string>;
  /** Says "not", "no", "never", "n't", "without"…: a claim that denies needs a source that denies. */
  negated: boolean;
}

const NEGATION = /\b(?:not|no|never|none|neither|nor|without|cannot)\b|n['’]t\b/i;

/** Which of the cited passages hold up the claim; empty when the claim is not supported. */
function citationsThatHold(claim: Terms, cited: number[], passageTerms: Terms[]): number[] {
  if (cited.length === 0) return [];
  const sources = cited.map((n) => passageTerms[n - 1]);
  const union = mergeTerms(sources);
  if (!supports(union, claim)) return [];
  const contributing = cited.filter((n) => contributes(passageTerms[n - 1], claim));
  return contributing.length > 0 ? contributing : cited;
}

/**
 * Whether the cited passages back the whole claim, as a reader checking it would: every number and name in
 * them, a denial only where they deny, and nearly every content word (a clause the passages lack, such as an
 * invented "and would send troops", brings words of its own).
 */
function supports(source: Terms, claim: Terms): boolean {
  for (const number of claim.numbers) if (!source.numbers.has(number)) return false;
  for (const name of claim.names) if (!source.tokens.has(name)) return false;
  if (claim.negated && !source.negated) return false;
  if (claim.words.size === 0) return claim.numbers.size > 0 || claim.names.size > 0;
  let unsupported = 0;
  for (const word of claim.words) if (!source.words.has(word)) unsupported += 1;
  return unsupported <= Math.max(1, Math.round(MAX_UNSUPPORTED_SHARE * claim.words.size));
}

function contributes(source: Terms, claim: Terms): boolean {
  for (const number of claim.numbers) if (source.numbers.has(number)) return true;
  for (const name of claim.names) if (source.tokens.has(name)) return true;
  return claim.words.size > 0 && share(claim.words, source.words) >= MIN_CONTRIBUTION;
}

function share(wanted: Set<string>, available: Set<string>): number {
  if (wanted.size === 0) return 1;
  let found = 0;
  for (const term of wanted) if (available.has(term)) found += 1;
  return found / wanted.size;
}

/** Links other than the cited articles' own are taken out: a model (or an injected article) can write any. */
function removeForeignLinks(sentence: string, ownLinks: Set<string>): string {
  return sentence.replace(LINK, (link) => (ownLinks.has(link.replace(/[.,;:!?]+$/, "")) ? link : "")).replace(/\s{2,}/g, " ");
}

function rewriteMarkers(sentence: string, holding: Set<number>, newNumber: Map<number, number>): string {
  return sentence.replace(MARKER, (marker: string) => {
    const kept = unique(markersIn(marker).filter((n) => holding.has(n)))
      .map((n) => newNumber.get(n) as number)
      .sort((a, b) => a - b);
    return kept.map((n) => `[${n}]`).join("");
  });
}

function citationFor(n: number, ranked: Ranked, claims: Terms[]): Citation {
  const passage = ranked.passage;
  const claim = mergeTerms(claims);
  let best: Span = { start: 0, end: passage.text.length };
  let bestScore = -1;
  for (const span of splitSentences(passage.text)) {
    const terms = termsOfText(passage.text.slice(span.start, span.end));
    const score =
      2 * countShared(claim.numbers, terms.numbers) + 2 * countShared(claim.names, terms.tokens) + countShared(claim.words, terms.words);
    if (score > bestScore) {
      best = span;
      bestScore = score;
    }
  }
  const { quote, lines } = quotePassage(passage, best, { focus: [...claim.tokens, ...claim.numbers].join(" ") });
  return {
    n,
    source: passage.source,
    title: passage.title,
    ...(passage.url !== undefined ? { url: passage.url } : {}),
    ...(passage.date !== undefined ? { date: passage.date } : {}),
    lines,
    quote,
    score: ranked.score,
    passageId: passage.id,
  };
}

function mergeTerms(all: Terms[]): Terms {
  const merged: Terms = { words: new Set(), names: new Set(), numbers: new Set(), tokens: new Set(), negated: all.some((t) => t.negated) };
  for (const terms of all) {
    for (const key of ["words", "names", "numbers", "tokens"] as const) for (const term of terms[key]) merged[key].add(term);
  }
  return merged;
}

function countShared(a: Set<string>, b: Set<string>): number {
  let count = 0;
  for (const term of a) if (b.has(term)) count += 1;
  return count;
}

/** The shared stopwords, plus words that say where a claim comes from rather than what it claims. */
const CITATION_STOPWORDS = new Set([
  ...STOPWORDS,
  ..."above herself himself myself themselves article articles passage passages report reports reported source sources however meanwhile".split(" "),
]);

const NUMBER_WORDS: Record<string, string> = {
  one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9", ten: "10",
  eleven: "11", twelve: "12", first: "1", second: "2", third: "3", fourth: "4", fifth: "5", dozen: "12",
};

function termsOfPassage(passage: Passage): Terms {
  const terms = termsOfText(`${passage.title}\n${passage.text}`);
  // Articles often write small numbers as words and carry the year only in their date.
  for (const word of passage.text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    const digit = NUMBER_WORDS[word];
    if (digit) terms.numbers.add(digit);
  }
  for (const number of passage.date?.match(/\d+/g) ?? []) terms.numbers.add(String(Number(number)));
  return terms;
}

function termsOfText(text: string): Terms {
  const numbers = new Set<string>();
  for (const raw of text.match(/\d[\d,]*(?:\.\d+)?/g) ?? []) {
    const plain = raw.replace(/,(?=\d{3}\b)/g, "").replace(/[,.]+$/, "");
    numbers.add(plain.includes(".") ? String(Number(plain)) : plain.replace(/^0+(?=\d)/, ""));
  }
  const words = new Set<string>();
  const names = new Set<string>();
  const all = new Set<string>();
  const tokens = [...text.matchAll(/[\p{L}][\p{L}\p{M}'’-]*/gu)];
  tokens.forEach((match, index) => {
    const token = match[0].replace(/['’]s$/u, "");
    const lower = token.toLowerCase();
    all.add(lower);
    if (CITATION_STOPWORDS.has(lower) || NUMBER_WORDS[lower]) return;
    const startsSentence = index === 0 || /[.!?:]\s*["'“‘]?\s*$/.test(text.slice(Math.max(0, (match.index ?? 0) - 4), match.index));
    if (/^\p{Lu}/u.test(token) && !startsSentence) names.add(lower);
    if (lower.length >= 3) words.add(stem(lower));
  });
  return { words, names, numbers, tokens: all, negated: NEGATION.test(text) };
}

/** A crude suffix stripper: enough for "rates"/"rate" and "rising"/"rise" to meet. */
function stem(word: string): string {
  let w = word.replace(/['’]/g, "");
  for (const suffix of ["ations", "ation", "ments", "ment", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "y", "e"]) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}


function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function tidy(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").replace(/ +([.,;:!?])/g, "$1").trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
