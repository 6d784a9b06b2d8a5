import { lineIndexAt, lineStartOffsets } from "../core/ingest/chunk-article.js";

/**
 * Splits text into file lines the way `sed -n Np` and `wc -l` count them: only "\n" ends a line, and a
 * trailing "\r" (CRLF files) is dropped, so line numbers never shift. A file with no "\n" at all but lone
 * "\r"s (classic Mac OS line endings) has its lines end at each "\r", as editors show them; read the sed
 * way it would be one giant line.
 */
export function splitLines(text: string): string[] {
  if (endsLinesWithCr(text)) return text.split("\r");
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** 1-based line number of each character offset, counting lines as `splitLines` does. */
export function createLineLocator(text: string): (offset: number) => number {
  // Same length, so offsets into `text` stay valid.
  const starts = lineStartOffsets(endsLinesWithCr(text) ? text.replaceAll("\r", "\n") : text);
  return (offset) => lineIndexAt(starts, offset) + 1;
}

function endsLinesWithCr(text: string): boolean {
  return !text.includes("\n") && text.includes("\r");
}
