import type { Article, LineRange, Skipped } from "../core/types.js";

/** What each format reader returns: the articles it found and what it had to leave out. */
export interface ParsedFile {
  articles: Article[];
  skipped: Skipped[];
}

export interface BodyLine {
  text: string;
  span: LineRange;
}

export interface ArticleFields {
  source: string;
  title: string;
  url?: string;
  date?: string;
}

/**
 * Assembles an Article from body lines, dropping leading and trailing blank lines (blank lines inside stay:
 * they mark paragraphs). Returns undefined when no line has text.
 */
export function buildArticle(fields: ArticleFields, lines: BodyLine[]): Article | undefined {
  const isText = (line: BodyLine) => line.text.trim() !== "";
  const first = lines.findIndex(isText);
  if (first === -1) return undefined;
  const last = lines.length - 1 - [...lines].reverse().findIndex(isText);
  const kept = lines.slice(first, last + 1).map((line) => ({ ...line, text: isText(line) ? line.text.trimEnd() : "" }));
  const article: Article = {
    source: fields.source,
    title: fields.title,
    body: kept.map((line) => line.text).join("\n"),
    lineSpans: kept.map((line) => [line.span[0], line.span[1]] as LineRange),
  };
  if (fields.url) article.url = fields.url;
  if (fields.date) article.date = fields.date;
  return article;
}

/** "news/bbc_business_013.txt" → "bbc business 013": the fallback title when a file has none. */
export function titleFromFileName(source: string): string {
  const name = source.slice(source.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return stem.replace(/[_\-.\s]+/g, " ").trim() || name;
}

/** Collapses runs of whitespace (including no-break spaces) into one space. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
