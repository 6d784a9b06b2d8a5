// Sentence boundaries as character offsets, so that passages and quotes stay verbatim slices of the text.

export interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

// Words that end with a period without ending a sentence ("Mr. Putin", "U.S. officials", "Jan. 25").
const ABBREVIATIONS = new Set(
  [
    "mr", "mrs", "ms", "dr", "st", "sr", "jr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
    "rev", "hon", "pres", "inc", "ltd", "co", "corp", "vs", "etc", "no", "nos", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
    "approx", "dept", "est", "fig", "mt", "ft",
  ],
);

const TERMINAL = /[.!?…]/;
const CLOSERS = /["'”’)\]]/;
const OPENERS = /["'“‘(\[]/;
const CITATION_MARKERS = /^(?:[ \t]*\[\d+(?:\s*[,;–-]\s*\d+)*\])+/;
/** A line that ends without terminal punctuation and is this short reads as a heading, not a wrapped line. */
const HEADING_MAX_CHARS = 60;

function isUpperStart(ch: string | undefined): boolean {
  if (!ch) return false;
  return /[\p{Lu}\p{N}]/u.test(ch) || OPENERS.test(ch);
}

function wordBefore(text: string, dotIndex: number): string {
  let i = dotIndex - 1;
  while (i >= 0 && /[\p{L}.]/u.test(text[i])) i--;
  return text.slice(i + 1, dotIndex).toLowerCase();
}

/** True when the newline at `nl` ends a sentence: after terminal punctuation, or after a heading-like line. */
function newlineEndsSentence(text: string, nl: number): boolean {
  const lineStart = text.lastIndexOf("\n", nl - 1) + 1;
  const line = text.slice(lineStart, nl).trimEnd();
  if (line === "") return true;
  const last = line[line.length - 1];
  if (TERMINAL.test(last) || CLOSERS.test(last) || last === ":") return true;
  const next = text.slice(nl + 1).trimStart();
  if (next === "" || next.startsWith("\n")) return true;
  return line.trim().length <= HEADING_MAX_CHARS;
}

/**
 * Splits text into sentences. Paragraph breaks (blank lines) always end a sentence; a single newline ends
 * one after terminal punctuation or a short heading-like line, and otherwise is treated as hard wrapping.
 * Returned spans exclude surrounding whitespace and cover every non-blank character exactly once.
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
    if (ch === "\n") {
      if (newlineEndsSentence(text, i)) close(i);
      continue;
    }
    if (!TERMINAL.test(ch)) continue;
    let j = i + 1;
    while (j < text.length && (TERMINAL.test(text[j]) || CLOSERS.test(text[j]))) j++;
    // Citation markers after the full stop belong to the sentence they cite: "... in London. [1][2] Later ..."
    const markers = CITATION_MARKERS.exec(text.slice(j))?.[0] ?? "";
    j += markers.length;
    if (j < text.length && !/\s/.test(text[j])) continue; // "3.5", "U.S.", "e.g.x"
    let k = j;
    while (k < text.length && text[k] === " ") k++;
    if (k < text.length && text[k] !== "\n" && !isUpperStart(text[k])) continue;
    if (ch === ".") {
      const word = wordBefore(text, i);
      if (ABBREVIATIONS.has(word)) continue;
      if (/^\d{1,3}$/.test(text.slice(start, i).trim())) continue; // "1. " opens a list item
      if (/^\p{Lu}$/u.test(text[i - 1] ?? "") && word.length === 1 && text[k] !== "\n") continue; // "J. Smith"
    }
    close(j);
    i = j - 1;
  }
  close(text.length);
  return spans;
}
