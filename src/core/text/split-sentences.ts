// Sentence boundaries as character offsets, so that passages and quotes stay verbatim slices of the text.
import { PRINTED_CITATION_MARKERS } from "./citation-markers.js";

export interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

// Words that end with a period without ending a sentence ("Mr. Putin", "U.S. officials", "Jan. 25").
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "st",
  "sr",
  "jr",
  "prof",
  "gen",
  "sen",
  "rep",
  "gov",
  "lt",
  "col",
  "capt",
  "sgt",
  "rev",
  "hon",
  "pres",
  "inc",
  "ltd",
  "co",
  "corp",
  "vs",
  "etc",
  "no",
  "nos",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "u.s",
  "u.k",
  "u.n",
  "e.g",
  "i.e",
  "a.m",
  "p.m",
  "approx",
  "dept",
  "est",
  "fig",
  "mt",
  "ft",
]);

const TERMINAL = /[.!?…。！？｡]/;
/** Chinese and Japanese full stops end a sentence with no space after them. */
const CJK_TERMINAL = /[。！？｡]/;
const CLOSERS = /["'”’)\]」』）】〉》]/;
const OPENERS = /["'“‘([]/;
/** "- item", "* item", "• item", "1. item", "2) item": each item is a sentence of its own. */
const LIST_ITEM = /^[ \t]*(?:[-*+–—][ \t]+|[•·◦▪‣][ \t]*|\d{1,3}[.)][ \t]+)\S/;
/** A line this short that ends without punctuation reads as a heading, even before a lower-case line. */
const HEADING_MAX_CHARS = 60;

function isUpperStart(ch: string | undefined): boolean {
  if (!ch) return false;
  return /[\p{Lu}\p{N}]/u.test(ch) || OPENERS.test(ch);
}

/** "\n", a lone "\r" (classic Mac line endings) or the "\n" of "\r\n"; not the "\r" before a "\n". */
function isLineBreakAt(text: string, i: number): boolean {
  return text[i] === "\n" || (text[i] === "\r" && text[i + 1] !== "\n");
}

function wordBefore(text: string, dotIndex: number): string {
  let i = dotIndex - 1;
  while (i >= 0 && /[\p{L}.]/u.test(text[i])) i--;
  return text.slice(i + 1, dotIndex).toLowerCase();
}

/**
 * True when the line break at `nl` ends a sentence. News files put one paragraph, one list item or one whole
 * story on a line, and a feed item may stop mid-sentence right before the next story. So a line break ends a
 * sentence unless the next line plainly continues it: it starts with a lower-case letter, is not a list
 * item, and the line before it is longer than a heading. Hard-wrapped text is cut where a wrapped line starts
 * with a capital or a digit: telling such a wrap from separate lines takes the whole paragraph, and the
 * answerer splits each passage on its own, which may hold only part of one (docs/reliability.md).
 */
function lineBreakEndsSentence(text: string, nl: number): boolean {
  const lineEnd = text[nl] === "\n" && text[nl - 1] === "\r" ? nl - 1 : nl;
  let lineStart = lineEnd;
  while (lineStart > 0 && text[lineStart - 1] !== "\n" && text[lineStart - 1] !== "\r") lineStart--;
  const line = text.slice(lineStart, lineEnd).trim();
  if (line === "") return true;
  const last = line[line.length - 1];
  if (TERMINAL.test(last) || CLOSERS.test(last) || last === ":") return true;
  let nextEnd = nl + 1;
  while (nextEnd < text.length && text[nextEnd] !== "\n" && text[nextEnd] !== "\r") nextEnd++;
  const next = text.slice(nl + 1, nextEnd);
  if (next.trim() === "" || LIST_ITEM.test(next)) return true;
  return !/^\p{Ll}/u.test(next.trimStart()) || line.length <= HEADING_MAX_CHARS;
}

/**
 * Splits text into sentences. A sentence never crosses a blank line, a list item or a line that ends with
 * terminal punctuation; an unpunctuated line break ends one too unless the next line starts in lower case
 * (hard wrapping). Chinese and Japanese full stops end sentences without a following space. Returned spans
 * exclude surrounding whitespace and cover every non-blank character exactly once.
 */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = -1;
  const close = (end: number) => {
    if (start < 0) return;
    let e = end;
    while (e > start && /\s/.test(text[e - 1])) e--;
    if (e > start) spans.push({ start, end: e });
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (start < 0) {
      if (!/\s/.test(ch)) start = i;
      else continue;
    }
    if (isLineBreakAt(text, i)) {
      if (lineBreakEndsSentence(text, i)) close(i);
      continue;
    }
    if (!TERMINAL.test(ch)) continue;
    let j = i + 1;
    while (j < text.length && (TERMINAL.test(text[j]) || CLOSERS.test(text[j]))) j++;
    const cjk = CJK_TERMINAL.test(text.slice(i, j));
    // Citation markers after the full stop belong to the sentence they cite: "... in London. [1][2] Later ..."
    const markers = PRINTED_CITATION_MARKERS.exec(text.slice(j))?.[0] ?? "";
    j += markers.length;
    if (!cjk) {
      if (j < text.length && !/\s/.test(text[j])) continue; // "3.5", "U.S.", "e.g.x"
      let k = j;
      while (k < text.length && text[k] === " ") k++;
      const atLineEnd = k < text.length && /[\r\n]/.test(text[k]);
      if (k < text.length && !atLineEnd && !isUpperStart(text[k])) continue;
      if (ch === ".") {
        const word = wordBefore(text, i);
        if (ABBREVIATIONS.has(word)) continue;
        if (/^\d{1,3}$/.test(text.slice(start, i).trim())) continue; // "1. " opens a list item
        if (/^\p{Lu}$/u.test(text[i - 1] ?? "") && word.length === 1 && !atLineEnd) continue; // "J. Smith"
      }
    }
    close(j);
    i = j - 1;
  }
  close(text.length);
  return spans;
}

/** Sentence-ish pieces: retrieval's proximity only needs windows of about a sentence, not exact boundaries. */
const ROUGH_SENTENCE_END = /(?<=[.!?…]["'”’)\]]?)\s+(?=["'“‘([]?[\p{Lu}\p{N}])|\n+/u;

/**
 * Splits text into rough sentences, fast: at terminal punctuation before a capital or digit, and at line
 * breaks. Retrieval's proximity feature (analyze-passage.ts) runs it over every candidate passage, where
 * splitSentences' exactness would cost more than it changes; its weight was fitted with this splitting.
 */
export function splitRoughSentences(text: string): string[] {
  return text.split(ROUGH_SENTENCE_END);
}
