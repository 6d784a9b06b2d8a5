// Articles → passages that remember exactly where they came from.
import { createHash } from "node:crypto";
import { splitSentences, type Span } from "../text/split-sentences.js";
import type { Article, LineRange, Passage } from "../types.js";

export interface ChunkOptions {
  /** A passage closes at the first paragraph end once it is at least this long. */
  targetChars: number;
  /** A passage never grows past this by adding a sentence (a single longer sentence stands alone). */
  maxChars: number;
  /** Sentences repeated at the start of the next passage, so that context across the cut survives. */
  overlapSentences: number;
}

/** Chosen by measurement on the news-eval questions (see docs/retrieval.md). */
export const DEFAULT_CHUNKING: ChunkOptions = { targetChars: 700, maxChars: 1000, overlapSentences: 1 };

/** Offsets at which each "\n"-separated line of `text` starts. */
export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the line (in `starts`) that contains character `offset`. */
export function lineIndexAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function hashPassageId(source: string, lines: LineRange, text: string): string {
  return createHash("sha256").update(`${source}\n${lines[0]}-${lines[1]}\n${text}`).digest("hex").slice(0, 16);
}

function isParagraphEnd(body: string, end: number): boolean {
  // A sentence that ends its line ends a paragraph in one-paragraph-per-line text, the common news layout.
  return /^[ \t]*(\r|\n|$)/.test(body.slice(end, end + 200));
}

/** Groups sentence indexes into passages: [first, last] inclusive, with overlap. */
function packSentences(body: string, sentences: Span[], options: ChunkOptions): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    while (last + 1 < sentences.length) {
      const length = sentences[last].end - sentences[first].start;
      if (length >= options.targetChars && isParagraphEnd(body, sentences[last].end)) break;
      if (sentences[last + 1].end - sentences[first].start > options.maxChars) break;
      last++;
    }
    groups.push([first, last]);
    if (last + 1 >= sentences.length) break;
    const overlap = Math.min(options.overlapSentences, last - first);
    let next = last + 1 - overlap;
    // An overlap sentence that is itself half a passage would mostly repeat the previous passage.
    if (overlap > 0 && sentences[last].end - sentences[next].start > options.maxChars / 2) next = last + 1;
    first = next;
  }
  // A short tail reads better as part of the passage before it, when that still fits.
  if (groups.length >= 2) {
    const [tailFirst, tailLast] = groups[groups.length - 1];
    const [prevFirst] = groups[groups.length - 2];
    const tailLength = sentences[tailLast].end - sentences[tailFirst].start;
    const merged = sentences[tailLast].end - sentences[prevFirst].start;
    if (tailLength < options.targetChars / 3 && merged <= options.maxChars) {
      groups.splice(groups.length - 2, 2, [prevFirst, tailLast]);
    }
  }
  return groups;
}

/**
 * Splits an article into passages of whole sentences (about targetChars, at most maxChars unless one
 * sentence is longer), preferring paragraph ends, with `overlapSentences` of overlap. Each passage's text
 * is a verbatim slice of the body, and its lines are the file lines that slice came from.
 */
export function chunkArticle(article: Article, options: ChunkOptions = DEFAULT_CHUNKING): Passage[] {
  const { body } = article;
  const sentences = splitSentences(body);
  if (sentences.length === 0) return [];
  const starts = lineStartOffsets(body);
  return packSentences(body, sentences, options).map(([first, last]) => {
    const start = sentences[first].start;
    const end = sentences[last].end;
    const text = body.slice(start, end);
    const firstLine = lineIndexAt(starts, start);
    const lastLine = lineIndexAt(starts, end - 1);
    const lineMap = article.lineSpans.slice(firstLine, lastLine + 1);
    const lines: LineRange = [lineMap[0][0], lineMap[lineMap.length - 1][1]];
    const passage: Passage = {
      id: hashPassageId(article.source, lines, text),
      source: article.source,
      title: article.title,
      lines,
      text,
      lineMap,
    };
    if (article.url) passage.url = article.url;
    if (article.date) passage.date = article.date;
    return passage;
  });
}

/** The file lines covered by characters [start, end) of a passage's text. */
export function linesOfSpan(passage: Pick<Passage, "text" | "lineMap">, start: number, end: number): LineRange {
  const starts = lineStartOffsets(passage.text);
  const a = lineIndexAt(starts, start);
  const b = lineIndexAt(starts, Math.max(start, end - 1));
  return [passage.lineMap[a][0], passage.lineMap[b][1]];
}
