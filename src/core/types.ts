// Plain data that flows through the pipeline. No behaviour lives here.

/** A 1-based, inclusive range of lines in a corpus file. */
export type LineRange = [first: number, last: number];

/**
 * One article as read from the corpus. `body` is the article's text, split into lines by "\n";
 * `lineSpans[i]` is the range of file lines that body line i came from. For .txt/.md a body line is a
 * file line ([n, n]); an HTML block may span several file lines; every line of a JSONL record's text
 * maps to the record's line.
 */
export interface Article {
  /** Path relative to the corpus folder, with forward slashes. */
  source: string;
  title: string;
  url?: string;
  /** ISO date (YYYY-MM-DD or a full timestamp) when the article has one. */
  date?: string;
  body: string;
  lineSpans: LineRange[];
}

/** A file (or a record inside one) that was not indexed, and why. */
export interface Skipped {
  source: string;
  reason: string;
}

/** Where a passage's text occurs; exact duplicates remember every occurrence. */
export interface Occurrence {
  source: string;
  title: string;
  url?: string;
  date?: string;
  lines: LineRange;
}

/** What a search filter looks at: an occurrence's source and date. */
export type Place = Pick<Occurrence, "source" | "date">;

/**
 * A retrievable unit of text. `text` is a verbatim slice of its article's body; `lineMap[i]` is the
 * file line range of the i-th "\n"-separated line of `text`, so any quote inside it can be located.
 */
export interface Passage extends Occurrence {
  id: string;
  text: string;
  lineMap: LineRange[];
  /** Other places the exact same text occurs (news feeds repeat stories). */
  duplicates?: Occurrence[];
}

export interface SearchFilters {
  /** Glob over `source` paths, e.g. "bbc/**" or "*.md". */
  source?: string;
  /** Inclusive ISO dates; articles without a date are excluded when either bound is set. */
  since?: string;
  until?: string;
}

export interface Query {
  text: string;
  k: number;
  filters?: SearchFilters;
  /** Reference date for recency words in the question ("this week"); ISO date. */
  asOf?: string;
}

export interface Ranked {
  passage: Passage;
  /** Higher is better; comparable within one result list only. */
  score: number;
}

export interface Citation {
  n: number;
  source: string;
  title: string;
  url?: string;
  date?: string;
  /** The lines of the quote itself (a sub-range of the passage's lines). */
  lines: LineRange;
  /** Verbatim text from those lines. */
  quote: string;
  score: number;
  passageId: string;
}

export interface Answer {
  question: string;
  /** Text with [n] markers that refer to `citations[n-1]`. */
  text: string;
  abstained: boolean;
  citations: Citation[];
  /** When abstaining: the closest passages, shown as "nearest sources", not as citations. */
  nearest: Ranked[];
  /** Provider and model name when a chat model wrote the answer. */
  model?: string | null;
  /** Why the chat model's answer was not used, when it was not. */
  fallback?: string | null;
}

export interface Timings {
  retrieve: number;
  answer: number;
  total: number;
}
