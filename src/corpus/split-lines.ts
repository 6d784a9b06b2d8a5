import { lineIndexAt, lineStartOffsets } from "../core/chunk-article.js";

/**
 * Splits text into file lines the way `sed -n Np` and `wc -l` count them: only "\n" ends a line, and a
 * trailing "\r" (CRLF files) is dropped, so line numbers never shift.
 */
export function splitLines(text: string): string[] {
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** 1-based line number of each character offset. */
export function createLineLocator(text: string): (offset: number) => number {
  const starts = lineStartOffsets(text);
  return (offset) => lineIndexAt(starts, offset) + 1;
}
