import type { Article, LineRange, Skipped } from "../core/types.js";
import { buildArticle, collapseWhitespace, titleFromFileName, type ParsedFile } from "./build-article.js";
import { normalizeDate } from "./normalize-date.js";
import { locateObjectFields, sliceTopLevelRecords } from "./scan-json.js";
import { createLineLocator, splitLines } from "./split-lines.js";

export const TEXT_FIELDS = ["text", "content", "body"] as const;
export const DATE_FIELDS = ["date", "published_at", "publishedAt", "published"] as const;

const TEXT_FIELD_NAMES = "text, content or body";
const NO_TEXT = `no ${TEXT_FIELD_NAMES} field with text`;

/** .jsonl: one article per line; a malformed line or a record without text skips that line only. */
export function parseJsonLines(source: string, text: string): ParsedFile {
  const articles: Article[] = [];
  const skipped: Skipped[] = [];
  let records = 0;
  let withoutText = 0;
  splitLines(text).forEach((line, index) => {
    if (line.trim() === "") return;
    records++;
    const n = index + 1;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      skipped.push({ source, reason: `line ${n}: malformed JSON record` });
      return;
    }
    const result = articleFromRecord(source, record, [n, n], `line ${n}`);
    if ("reason" in result) {
      if (result.reason === NO_TEXT) withoutText++;
      skipped.push({ source, reason: `line ${n}: ${result.reason}` });
    } else articles.push(result);
  });
  return { articles, skipped: summarizeIfNoRecordHasText(source, articles, skipped, records, withoutText) };
}

/**
 * .json: an object, an array of objects, or concatenated objects. Each record cites the file lines of its
 * text field's value (one line, since JSON strings cannot hold raw line breaks); a malformed record is
 * skipped and the others are read.
 */
export function parseJsonDocument(source: string, text: string): ParsedFile {
  const lineOf = createLineLocator(text);
  const articles: Article[] = [];
  const skipped: Skipped[] = [];
  let withoutText = 0;
  const slices = sliceTopLevelRecords(text);
  for (const slice of slices) {
    const at = `record at line ${lineOf(slice.start)}`;
    if (slice.end === -1) {
      skipped.push({ source, reason: `${at}: malformed JSON (never closes)` });
      continue;
    }
    let record: unknown;
    try {
      record = JSON.parse(text.slice(slice.start, slice.end));
    } catch {
      skipped.push({ source, reason: `${at}: malformed JSON record` });
      continue;
    }
    let span: LineRange = [lineOf(slice.start), lineOf(slice.end - 1)];
    if (isObject(record)) {
      const fields = locateObjectFields(text, slice);
      const textKey = TEXT_FIELDS.find((key) => typeof record[key] === "string" && record[key].trim() !== "");
      const value = textKey && fields.get(textKey);
      if (value) span = [lineOf(value.start), lineOf(value.end - 1)];
    }
    const result = articleFromRecord(source, record, span, `line ${lineOf(slice.start)}`);
    if ("reason" in result) {
      if (result.reason === NO_TEXT) withoutText++;
      skipped.push({ source, reason: `${at}: ${result.reason}` });
    } else articles.push(result);
  }
  if (slices.length === 0) skipped.push({ source, reason: "no JSON records" });
  return { articles, skipped: summarizeIfNoRecordHasText(source, articles, skipped, slices.length, withoutText) };
}

function articleFromRecord(source: string, record: unknown, span: LineRange, label: string): Article | { reason: string } {
  if (!isObject(record)) return { reason: "not a JSON object" };
  const textKey = TEXT_FIELDS.find((key) => typeof record[key] === "string" && (record[key] as string).trim() !== "");
  if (!textKey) return { reason: NO_TEXT };
  const title = typeof record.title === "string" ? collapseWhitespace(record.title) : "";
  const dateKey = DATE_FIELDS.find((key) => record[key] !== undefined && record[key] !== null);
  const article = buildArticle(
    {
      source,
      title: title || `${titleFromFileName(source)} (${label})`,
      url: typeof record.url === "string" ? record.url.trim() || undefined : undefined,
      date: dateKey ? normalizeDate(record[dateKey]) : undefined,
    },
    (record[textKey] as string).split(/\r\n|\r|\n/).map((line) => ({ text: line, span })),
  );
  return article ?? { reason: NO_TEXT };
}

/** A file of other JSON (eval questions, settings) is one skip with a count, not one per record. */
function summarizeIfNoRecordHasText(source: string, articles: Article[], skipped: Skipped[], records: number, withoutText: number): Skipped[] {
  if (articles.length > 0 || records === 0 || withoutText !== records) return skipped;
  return [{ source, reason: `no record has a ${TEXT_FIELD_NAMES} field with text (${records} records)` }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
