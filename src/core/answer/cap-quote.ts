// Quotes of bounded length. A sentence can be a whole 200 kB line (an unpunctuated feed dump, a JSONL record),
// and a quote of it would be the whole line: every quote is a window of whole sentences (or, inside one
// over-long sentence, whole words) around the part that best matches what was asked, "…" where it was cut.
// The article's own reference marks ("said.[3]", "[citation needed]") are left out of what is shown: next to
// our [n] they would read as citations of another source.
//
// A quote stays checkable against its lines: remove the reference marks from the cited lines (with
// `stripReferenceMarks`), and every piece of the quote between "…" marks is a verbatim part of that text
// (whitespace aside). `isQuoteOf` is that check.
import { linesOfSpan } from "../ingest/chunk-article.js";
import { splitSentences, type Span } from "../text/split-sentences.js";
import { stemForRetrieval } from "../text/stem-word.js";
import { contentTokens, tokenize } from "../text/tokenize.js";
import type { LineRange, Passage } from "../types.js";

/** Longest quote of a citation, ellipses included: two or three news sentences. */
export const QUOTE_MAX_CHARS = 400;
/** Longest excerpt of a search result: a whole ordinary passage (the chunker's maxChars) is shown uncut. */
export const EXCERPT_MAX_CHARS = 1000;
export const ELLIPSIS = "…";

/**
 * Reference marks of encyclopedia and wire copy. A numbered mark is attached to the word or the punctuation
 * before it ("said.[3]", "London[12]", "[3–5]", "[1, 2]"): a bracketed number after a space is the article's
 * own text (a tennis seed, "Score line: [8] Madison Keys"). Bracketed letters are editorial changes inside
 * a quotation ("[t]he", "take[s]") and stay; so do "[sic]", "[the minister]" and years ("[2019]").
 */
const NUMBERED_MARK = /(?<=[^\s[])\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\]/g;
/** Bracketed editorial tags and named notes ("[citation needed]", "[who?]", "[note 2]"), with the spaces before them. */
const WORD_MARK = new RegExp(
  String.raw`[ \t]*\[(?:(?:note|nb|fn|ref)\s*\d{1,3}|(?:full |better |non-primary |additional )?citations? needed|` +
    String.raw`clarification needed|verification needed|failed verification|dubious(?:\s*[–-]\s*discuss)?|` +
    String.raw`disputed(?:\s*[–-]\s*discuss)?|original research\??|page needed|year needed|unreliable source\??|` +
    String.raw`not in (?:citation|source) given|needs update|update|edit|who\?|whom\?|when\?|where\?|which\?|why\?|` +
    String.raw`by whom\?|according to whom\?|specify|vague|quantify)\]`,
  "gi",
);

/** `text` without the article's own reference marks (and the spaces before bracketed tags); the rest is untouched. */
export function stripReferenceMarks(text: string): string {
  if (!text.includes("[")) return text;
  return text.replace(WORD_MARK, "").replace(NUMBERED_MARK, "");
}

/**
 * The same, for text that carries our own [n] citations too (a model's verified answer): only the marks
 * that cannot be ours, the bracketed tags, are removed.
 */
export function stripReferenceWords(text: string): string {
  if (!text.includes("[")) return text;
  return text.replace(WORD_MARK, "");
}

export interface CapOptions {
  /** What the quote should show: the question, or the claim it supports. Its content words are sought. */
  focus?: string;
  /** Longest quote, ellipses included. */
  maxChars?: number;
}

/** A capped quote: `start`/`end` bound the verbatim part of `text` it shows. */
export interface QuoteWindow {
  start: number;
  /** Exclusive. */
  end: number;
  quote: string;
}

/**
 * The quote of `text[span]`: the span itself when it fits `maxChars`, else the window of whole sentences (whole
 * words inside one over-long sentence) that holds the most of `focus`'s words, with "…" where it was cut.
 * Reference marks are removed from the quote.
 */
export function capQuote(text: string, span: Span, options: CapOptions = {}): QuoteWindow {
  const max = Math.max(20, options.maxChars ?? QUOTE_MAX_CHARS);
  let { start, end } = trimSpan(text, span);
  if (end - start > max) {
    const focus = focusTerms(options.focus ?? "");
    const room = max - 2 * ELLIPSIS.length;
    ({ start, end } = sentenceWindow(text, { start, end }, focus, room));
  }
  const shown = stripReferenceMarks(text.slice(start, end)).trim() || text.slice(start, end);
  const quote = `${start > span.start && /\S/.test(text.slice(span.start, start)) ? ELLIPSIS : ""}${shown}${
    end < span.end && /\S/.test(text.slice(end, span.end)) ? ELLIPSIS : ""
  }`;
  return { start, end, quote };
}

/** A capped quote of characters [start, end) of a passage, with the file lines its kept text is on. */
export function quotePassage(passage: Pick<Passage, "text" | "lineMap">, span: Span, options: CapOptions = {}): { quote: string; lines: LineRange } {
  const window = capQuote(passage.text, span, options);
  return { quote: window.quote, lines: linesOfSpan(passage, window.start, window.end) };
}

/**
 * True when `quote` is a quote of `source` as `capQuote` makes them: with reference marks removed from the
 * source, each piece between "…" marks occurs in it (whitespace runs compared as one space).
 */
export function isQuoteOf(quote: string, source: string): boolean {
  const flat = (s: string) => s.replace(/\s+/g, " ").trim();
  const haystack = flat(stripReferenceMarks(source));
  const pieces = quote.split(ELLIPSIS).map(flat).filter(Boolean);
  return pieces.length > 0 && pieces.every((piece) => haystack.includes(piece));
}

/**
 * Shortens text to whole sentences within `max` characters, "…" at the cut (a single longer sentence is cut
 * at a word). [n] markers after a full stop belong to their sentence and go with it.
 */
export function capText(text: string, max: number): string {
  const whole = text.trim();
  if (whole.length <= max) return whole;
  const room = Math.max(1, max - ELLIPSIS.length);
  let end = 0;
  for (const span of splitSentences(whole)) {
    if (span.end > room) break;
    end = span.end;
  }
  if (end === 0) {
    const cut = whole.lastIndexOf(" ", room);
    end = cut > 0 ? cut : room;
  }
  return `${whole.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

function trimSpan(text: string, span: Span): Span {
  let start = Math.max(0, Math.min(span.start, text.length));
  let end = Math.max(start, Math.min(span.end, text.length));
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/** The content words of the focus as retrieval stems them ("Russia" meets "Russian"). */
function focusTerms(focus: string): Set<string> {
  const terms = new Set<string>();
  for (const token of contentTokens(focus)) terms.add(stemForRetrieval(token));
  return terms;
}

/** Which focus terms a word of the text matches. */
function termsOfWord(word: string, focus: Set<string>): string[] {
  if (focus.size === 0) return [];
  const found: string[] = [];
  for (const token of tokenize(word)) {
    const key = stemForRetrieval(token);
    if (focus.has(key)) found.push(key);
  }
  return found;
}

function countFocus(text: string, focus: Set<string>): number {
  if (focus.size === 0) return 0;
  const found = new Set<string>();
  for (const token of tokenize(text)) {
    const key = stemForRetrieval(token);
    if (focus.has(key)) found.add(key);
  }
  return found.size;
}

/** Whole sentences around the best one, within `room`; inside a sentence longer than `room`, whole words. */
function sentenceWindow(text: string, span: Span, focus: Set<string>, room: number): Span {
  const sentences = splitSentences(text.slice(span.start, span.end)).map((s) => ({ start: s.start + span.start, end: s.end + span.start }));
  if (sentences.length === 0) return span;
  let best = 0;
  let bestScore = -1;
  sentences.forEach((s, i) => {
    const score = countFocus(text.slice(s.start, s.end), focus);
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  const chosen = sentences[best];
  if (chosen.end - chosen.start > room) return wordWindow(text, chosen, focus, room);
  // Grow by the next sentence, then the one before, while the window fits.
  let first = best;
  let last = best;
  for (let grew = true; grew; ) {
    grew = false;
    if (last + 1 < sentences.length && sentences[last + 1].end - sentences[first].start <= room) [last, grew] = [last + 1, true];
    if (first > 0 && sentences[last].end - sentences[first - 1].start <= room) [first, grew] = [first - 1, true];
  }
  return { start: sentences[first].start, end: sentences[last].end };
}

/**
 * The run of whole words within `room` that holds the most distinct focus terms (then the most matches),
 * re-centred on its matches so that they are read with context on both sides.
 */
function wordWindow(text: string, span: Span, focus: Set<string>, room: number): Span {
  const words: Array<{ start: number; end: number; terms: string[] }> = [];
  const pattern = /\S+/g;
  pattern.lastIndex = span.start;
  for (let m = pattern.exec(text); m && m.index < span.end; m = pattern.exec(text)) {
    const end = Math.min(m.index + m[0].length, span.end);
    words.push({ start: m.index, end, terms: termsOfWord(text.slice(m.index, end), focus) });
  }
  if (words.length === 0) return span;

  const counts = new Map<string, number>();
  let distinct = 0;
  let hits = 0;
  let right = 0; // exclusive
  let bestLeft = 0;
  let bestRight = 0;
  let bestScore = -1;
  for (let left = 0; left < words.length; left++) {
    if (right < left) right = left; // the window is empty here
    while (right < words.length && words[right].end - words[left].start <= room) {
      for (const term of words[right].terms) {
        const n = counts.get(term) ?? 0;
        if (n === 0) distinct++;
        counts.set(term, n + 1);
        hits++;
      }
      right++;
    }
    if (right === left) continue; // this word alone is longer than the room
    const score = distinct * 1e6 + hits;
    if (score > bestScore) [bestScore, bestLeft, bestRight] = [score, left, right];
    for (const term of words[left].terms) {
      const n = counts.get(term) ?? 0;
      if (n === 1) distinct--;
      counts.set(term, n - 1);
      hits--;
    }
  }
  if (bestScore < 1e6) return fitWords(words, words[0].start, room); // nothing matched: the sentence's opening

  let firstHit = bestLeft;
  while (firstHit < bestRight && words[firstHit].terms.length === 0) firstHit++;
  let lastHit = bestRight - 1;
  while (lastHit > firstHit && words[lastHit].terms.length === 0) lastHit--;
  const middle = (words[firstHit].start + words[lastHit].end) / 2;
  const from = Math.max(span.start, Math.min(middle - room / 2, span.end - room));
  let first = 0;
  while (first < words.length - 1 && words[first].start < from) first++;
  // Never lose a match to the re-centring.
  if (words[first].start > words[firstHit].start) first = firstHit;
  return fitWords(words, words[first].start, room);
}

/** Whole words from `start` on, within `room`. */
function fitWords(words: Array<{ start: number; end: number }>, start: number, room: number): Span {
  let end = start;
  for (const word of words) {
    if (word.start < start) continue;
    if (word.end - start > room) break;
    end = word.end;
  }
  return { start, end: end > start ? end : Math.min(start + room, words.at(-1)!.end) };
}

/** A search result's passage as shown: whole when it fits `maxChars`, else capped around the query's words. */
export function excerptPassage(
  passage: Pick<Passage, "text" | "lineMap">,
  query: string,
  maxChars = EXCERPT_MAX_CHARS,
): { text: string; lines: LineRange } {
  const { quote, lines } = quotePassage(passage, { start: 0, end: passage.text.length }, { focus: query, maxChars });
  return { text: quote, lines };
}
