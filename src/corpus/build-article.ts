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
  if (fields.url) article.url = stripTextFragment(fields.url);
  if (fields.date) article.date = fields.date;
  return article;
}

/**
 * An article's link without a browser text fragment: "https://x.org/a#:~:text=Putin" → "https://x.org/a",
 * "…/a#intro:~:text=x" → "…/a#intro". Links copied from a highlighted search result carry one; cited, it
 * would point every reader at someone else's highlight instead of the article.
 */
export function stripTextFragment(url: string): string {
  const hash = url.indexOf("#");
  if (hash < 0) return url;
  const directive = url.indexOf(":~:", hash);
  if (directive < 0) return url;
  return directive === hash + 1 ? url.slice(0, hash) : url.slice(0, directive);
}

/** "news/bbc_business_013.txt" → "bbc business 013": the fallback title when a file has none. */
export function titleFromFileName(source: string): string {
  const name = source.slice(source.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return stem.replace(/[_\-.\s]+/g, " ").trim() || name;
}

/** The opening words of an article (at most `max` characters, cut at a word), as a title of last resort. */
export function titleFromText(text: string, max = 80): string {
  const flat = collapseWhitespace(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max + 1);
  const end = cut.lastIndexOf(" ");
  return `${(end > max / 2 ? cut.slice(0, end) : flat.slice(0, max)).replace(/[,;:\s]+$/, "")}…`;
}

/**
 * The file name as a title when it reads as words ("bbc business 013"); the opening words of the text when
 * the name is only an id ("000_c0af5a29d12023ff"), which tells a reader nothing.
 */
export function fallbackTitle(source: string, text: string): string {
  const fromName = titleFromFileName(source);
  const hasWord = fromName.split(" ").some((w) => /^\p{L}{3,}$/u.test(w) && !/^[a-f]+$/i.test(w));
  return hasWord || !text.trim() ? fromName : titleFromText(text);
}

/** Collapses runs of whitespace (including no-break spaces) into one space. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
