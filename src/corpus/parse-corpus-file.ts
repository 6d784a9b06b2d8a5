import type { Skipped } from "../core/types.js";
import type { ParsedFile } from "./build-article.js";
import { decodeText } from "./decode-text.js";
import { parseHtml } from "./parse-html.js";
import { parseJsonDocument, parseJsonLines } from "./parse-json-records.js";
import { parsePlainText } from "./parse-plain-text.js";

export type CorpusFormat = "text" | "markdown" | "html" | "json" | "jsonl";

export const FORMAT_BY_EXTENSION: Readonly<Record<string, CorpusFormat>> = {
  ".txt": "text",
  ".text": "text",
  ".md": "markdown",
  ".markdown": "markdown",
  ".html": "html",
  ".htm": "html",
  ".json": "json",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

/** ".MD" → ".md"; "" when the file name has no extension (a leading dot alone does not count). */
export function extensionOf(source: string): string {
  const name = source.slice(source.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

export function formatOf(source: string): CorpusFormat | undefined {
  return FORMAT_BY_EXTENSION[extensionOf(source)];
}

/**
 * Reads one corpus file's bytes into articles, pure. `source` is the path relative to the corpus folder with
 * forward slashes; it picks the format by extension and becomes each article's `source`. Whatever cannot be
 * read (the whole file, a record, a line) is returned in `skipped` with a reason, never thrown.
 */
export function parseCorpusFile(source: string, bytes: Uint8Array): ParsedFile {
  const format = formatOf(source);
  if (!format) return skip(source, unsupportedReason(source));
  const decoded = decodeText(bytes);
  if ("reason" in decoded) return skip(source, decoded.reason);

  const lineSkips: Skipped[] = decoded.badLines.map((n) => ({ source, reason: `line ${n}: not valid UTF-8, left out` }));
  const parsed = parseDecoded(source, decoded.text, format);
  return { articles: parsed.articles, skipped: [...lineSkips, ...parsed.skipped] };
}

export function unsupportedReason(source: string): string {
  const extension = extensionOf(source);
  return extension ? `unsupported extension ${extension}` : `no file extension (supported: ${SUPPORTED_EXTENSIONS.join(", ")})`;
}

function parseDecoded(source: string, text: string, format: CorpusFormat): ParsedFile {
  switch (format) {
    case "text":
      return parsePlainText(source, text, { markdown: false });
    case "markdown":
      return parsePlainText(source, text, { markdown: true });
    case "html":
      return parseHtml(source, text);
    case "json":
      return parseJsonDocument(source, text);
    case "jsonl":
      return parseJsonLines(source, text);
  }
}

function skip(source: string, reason: string): ParsedFile {
  return { articles: [], skipped: [{ source, reason }] };
}
