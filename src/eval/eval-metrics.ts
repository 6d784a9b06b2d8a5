// Evaluation as pure functions: parse questions in the eval format, judge each question's search results
// and answer against its gold, and summarize. The eval command (src/cli/run-eval.ts) only does the I/O.
import type { LineRange } from "../core/types.js";

export interface GoldRef {
  /** Path relative to the corpus folder. */
  source: string;
  /** 1-based lines; when present the gold is passage-level: a result must overlap one of them. */
  lines?: number[];
}

export interface EvalQuestion {
  id: string;
  question: string;
  gold: GoldRef[];
  answerContains: string[];
  unanswerable: boolean;
  /** The day the question was asked (ISO), the reference for "this week". */
  date?: string;
}

/** Where a result or citation comes from: a source, its lines, and other places the same text occurs. */
export interface Located {
  source: string;
  lines: LineRange;
  duplicates?: Array<{ source: string; lines: LineRange }>;
}

export interface ParsedQuestions {
  questions: EvalQuestion[];
  /** "line N: why", for lines that are not valid questions. */
  errors: string[];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Parses JSON Lines in the eval format; a bad line is reported and skipped, blank lines are ignored. */
export function parseEvalQuestions(text: string): ParsedQuestions {
  const questions: EvalQuestion[] = [];
  const errors: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `line ${i + 1}`;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      errors.push(`${where}: not valid JSON`);
      return;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      errors.push(`${where}: not a JSON object`);
      return;
    }
    if (typeof record.question !== "string" || record.question.trim() === "") {
      errors.push(`${where}: "question" must be a non-empty string`);
      return;
    }
    const rawGold = record.gold ?? [];
    if (!Array.isArray(rawGold)) {
      errors.push(`${where}: "gold" must be a list`);
      return;
    }
    const gold: GoldRef[] = [];
    for (const g of rawGold) {
      const lines = (g as GoldRef)?.lines;
      if (typeof (g as GoldRef)?.source !== "string" || (lines !== undefined && !(Array.isArray(lines) && lines.every(Number.isInteger)))) {
        errors.push(`${where}: each gold entry needs "source" (a path) and optional "lines" (whole numbers)`);
        return;
      }
      gold.push(lines ? { source: (g as GoldRef).source, lines } : { source: (g as GoldRef).source });
    }
    const answerContains = record.answer_contains ?? [];
    if (!isStringArray(answerContains)) {
      errors.push(`${where}: "answer_contains" must be a list of strings`);
      return;
    }
    const unanswerable = record.unanswerable === true;
    if (!unanswerable && gold.length === 0) {
      errors.push(`${where}: an answerable question needs at least one gold entry (or "unanswerable": true)`);
      return;
    }
    const date = typeof record.date === "string" ? record.date : undefined;
    const id = typeof record.id === "string" || typeof record.id === "number" ? String(record.id) : `q${i + 1}`;
    questions.push({ id, question: record.question, gold, answerContains, unanswerable, ...(date ? { date } : {}) });
  });
  return { questions, errors };
}

/** Passage-level when any gold entry names lines, else article-level. */
export function goldLevel(gold: GoldRef[]): "passage" | "article" {
  return gold.some((g) => g.lines && g.lines.length > 0) ? "passage" : "article";
}

function occurrences(item: Located): Array<{ source: string; lines: LineRange }> {
  return [{ source: item.source, lines: item.lines }, ...(item.duplicates ?? [])];
}

/**
 * Whether a result (or a citation) matches the gold: same source and, when the gold names lines, lines
 * that overlap them. Any occurrence of a duplicated text counts. `level: "article"` ignores lines.
 */
export function matchesGold(item: Located, gold: GoldRef[], level: "passage" | "article" = goldLevel(gold)): boolean {
  return occurrences(item).some((o) =>
    gold.some((g) => {
      if (o.source !== g.source) return false;
      if (level === "article" || !g.lines || g.lines.length === 0) return true;
      return g.lines.some((line) => line >= o.lines[0] && line <= o.lines[1]);
    }),
  );
}

/** 0-based rank of the first result that matches the gold; -1 when none does. */
export function firstHitRank(results: Located[], gold: GoldRef[], level: "passage" | "article" = goldLevel(gold)): number {
  return results.findIndex((r) => matchesGold(r, gold, level));
}

function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[‘’‛′]/g, "'")
    .replace(/[“”„″]/g, '"')
    .replace(/[‐‑‒–—]/g, "-")
    .replace(/\s+/g, " ")
    .toLowerCase();
}

/** True when the text contains at least one of the expected strings (case- and quote-style-insensitive). */
export function containsExpected(text: string, expected: string[]): boolean {
  if (expected.length === 0) return false;
  const haystack = normalizeForMatch(text);
  return expected.some((e) => haystack.includes(normalizeForMatch(e)));
}

/** The p-th percentile (0–100) by nearest rank; 0 for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface QuestionOutcome {
  id: string;
  question: string;
  unanswerable: boolean;
  level: "passage" | "article";
  /** 0-based rank of the first gold hit in the search results (as the gold says); -1 for none. */
  rank: number;
  /** The same at article level (source only). */
  articleRank: number;
  abstained: boolean;
  /** null when not applicable (unanswerable, or no expected strings). */
  answerContains: boolean | null;
  citesGold: boolean | null;
  searchMs: number;
  askMs: number;
}

export interface AnswerLike {
  text: string;
  abstained: boolean;
  citations: Located[];
}

/** Judges one question from its search results and its answer. */
export function judgeQuestion(
  question: EvalQuestion,
  results: Located[],
  answer: AnswerLike,
  timings: { searchMs: number; askMs: number },
): QuestionOutcome {
  const level = goldLevel(question.gold);
  const answerable = !question.unanswerable && question.gold.length > 0;
  return {
    id: question.id,
    question: question.question,
    unanswerable: question.unanswerable,
    level,
    rank: answerable ? firstHitRank(results, question.gold, level) : -1,
    articleRank: answerable ? firstHitRank(results, question.gold, "article") : -1,
    abstained: answer.abstained,
    answerContains:
      question.unanswerable || question.answerContains.length === 0
        ? null
        : !answer.abstained && containsExpected(answer.text, question.answerContains),
    citesGold: answerable ? answer.citations.some((c) => matchesGold(c, question.gold, level)) : null,
    searchMs: timings.searchMs,
    askMs: timings.askMs,
  };
}

export interface RetrievalMetrics {
  questions: number;
  hit_at_1: number;
  hit_at_5: number;
  hit_at_10: number;
  mrr_at_10: number;
}

export interface EvalMetrics {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** As the gold says: passage-level where it names lines, article-level elsewhere. */
  retrieval: RetrievalMetrics & { passage_level: number; article_level: number };
  /** Source only, for every answerable question. */
  retrieval_article: RetrievalMetrics;
  /** Share of answers containing an expected string, over answerable questions that list some. */
  answer_contains: number | null;
  /** Share of answers citing the gold, over answerable questions. */
  cites_gold: number | null;
  /** Share of unanswerable questions abstained on (higher is better). */
  abstention_unanswerable: number | null;
  /** Share of answerable questions abstained on (lower is better), and how many. */
  false_abstention: number | null;
  false_abstentions: number;
  latency_ms: {
    search_p50: number;
    search_p95: number;
    ask_p50: number;
    ask_p95: number;
  };
}

function retrievalOf(ranks: number[]): RetrievalMetrics {
  const n = ranks.length;
  const share = (k: number) => (n === 0 ? 0 : ranks.filter((r) => r >= 0 && r < k).length / n);
  const mrr = n === 0 ? 0 : ranks.reduce((sum, r) => sum + (r >= 0 && r < 10 ? 1 / (r + 1) : 0), 0) / n;
  return { questions: n, hit_at_1: share(1), hit_at_5: share(5), hit_at_10: share(10), mrr_at_10: mrr };
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export function summarizeOutcomes(outcomes: QuestionOutcome[]): EvalMetrics {
  const answerable = outcomes.filter((o) => !o.unanswerable);
  const unanswerable = outcomes.filter((o) => o.unanswerable);
  const contains = answerable.filter((o) => o.answerContains !== null);
  const cites = answerable.filter((o) => o.citesGold !== null);
  const falseAbstentions = answerable.filter((o) => o.abstained).length;
  const searchMs = outcomes.map((o) => o.searchMs);
  const askMs = outcomes.map((o) => o.askMs);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    retrieval: {
      ...retrievalOf(answerable.map((o) => o.rank)),
      passage_level: answerable.filter((o) => o.level === "passage").length,
      article_level: answerable.filter((o) => o.level === "article").length,
    },
    retrieval_article: retrievalOf(answerable.map((o) => o.articleRank)),
    answer_contains: ratio(contains.filter((o) => o.answerContains).length, contains.length),
    cites_gold: ratio(cites.filter((o) => o.citesGold).length, cites.length),
    abstention_unanswerable: ratio(unanswerable.filter((o) => o.abstained).length, unanswerable.length),
    false_abstention: ratio(falseAbstentions, answerable.length),
    false_abstentions: falseAbstentions,
    latency_ms: {
      search_p50: percentile(searchMs, 50),
      search_p95: percentile(searchMs, 95),
      ask_p50: percentile(askMs, 50),
      ask_p95: percentile(askMs, 95),
    },
  };
}
