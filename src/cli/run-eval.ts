// `npm run eval`: every question of an eval file through search and ask, judged against its gold.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { openPipelineWithIndex, type OpenPipelineOptions } from "../app/open-pipeline.js";
import type { Config } from "../base/config.js";
import {
  judgeQuestion,
  parseEvalQuestions,
  summarizeOutcomes,
  type EvalMetrics,
  type EvalQuestion,
  type QuestionOutcome,
} from "../eval/eval-metrics.js";
import { checkFilters, isoDay } from "../core/retrieval/match-filters.js";
import type { Pipeline } from "../core/ports.js";
import type { SearchFilters } from "../core/types.js";
import { createLogger, secretsIn, type Logger } from "../base/log.js";
import { configFor, runCli, UsageError, type CliIo } from "./cli-io.js";

export const EVAL_USAGE = `Usage: npm run eval -- --qa FILE [options]

Runs every question of FILE (JSON lines with the question and its gold sources and lines, see
docs/retrieval.md) through search and ask and prints retrieval and answer metrics. The corpus is indexed
first, under DATA_DIR.

  --qa FILE         the questions (required)
  --corpus DIR      the articles (default CORPUS_DIR)
  --k N             passages to retrieve, 1 to 100 (default 10)
  --json            print the metrics as JSON
  --source GLOB     only articles whose source matches
  --since DATE      only articles dated DATE (YYYY-MM-DD) or later
  --until DATE      only articles dated DATE or earlier
  --as-of DATE      one reference date for every question, instead of each question's own date
  --no-dates        no reference date at all: the question text alone
  --misses          list the questions whose gold was not ranked first, or whose answer missed
  -h, --help        show this help`;

export interface EvalCliOptions {
  qa: string;
  corpus?: string;
  k: number;
  json: boolean;
  filters?: SearchFilters;
  /** One reference date for every question, instead of each question's own `date`. */
  asOf?: string;
  /** Question text only: no reference date at all. */
  noDates: boolean;
  /** List the questions whose gold was not retrieved first, or whose answer missed. */
  misses: boolean;
}

export function parseEvalArgs(argv: string[]): EvalCliOptions {
  const values = (() => {
    try {
      return parseArgs({
        args: argv,
        allowPositionals: false,
        options: {
          qa: { type: "string" },
          corpus: { type: "string" },
          k: { type: "string", default: "10" },
          json: { type: "boolean", default: false },
          source: { type: "string" },
          since: { type: "string" },
          until: { type: "string" },
          "as-of": { type: "string" },
          "no-dates": { type: "boolean", default: false },
          misses: { type: "boolean", default: false },
        },
      }).values;
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  })();
  if (!values.qa) throw new UsageError("--qa FILE is required.");
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError(`--k takes a whole number from 1 to 100, got "${values.k}".`);
  const filters: SearchFilters = {};
  if (values.source) filters.source = values.source;
  if (values.since) filters.since = values.since;
  if (values.until) filters.until = values.until;
  const problem = checkFilters(filters);
  if (problem) throw new UsageError(problem);
  if (values["as-of"] !== undefined && !isoDay(values["as-of"])) {
    throw new UsageError(`--as-of must be a date like 2022-06-16 (got "${values["as-of"]}")`);
  }
  if (values["as-of"] && values["no-dates"]) throw new UsageError("--as-of and --no-dates contradict each other: pick one.");
  return {
    qa: values.qa,
    corpus: values.corpus,
    k,
    json: values.json ?? false,
    filters: Object.keys(filters).length ? filters : undefined,
    asOf: values["as-of"],
    noDates: values["no-dates"] ?? false,
    misses: values.misses ?? false,
  };
}

/** The reference date a question is asked with: --as-of, else its own date, unless --no-dates. */
function referenceDate(question: EvalQuestion, options: EvalCliOptions): string | undefined {
  if (options.noDates) return undefined;
  return options.asOf ?? question.date;
}

export async function evaluatePipeline(
  pipeline: Pipeline,
  questions: EvalQuestion[],
  options: EvalCliOptions,
  log: Logger,
): Promise<QuestionOutcome[]> {
  // One warm-up query, so that lazy loading does not count as the first question's latency.
  if (questions.length > 0) await pipeline.search(questions[0].question, { k: options.k, filters: options.filters });
  const outcomes: QuestionOutcome[] = [];
  for (const question of questions) {
    const asOf = referenceDate(question, options);
    const common = { filters: options.filters, ...(asOf ? { asOf } : {}) };
    let started = performance.now();
    const search = await pipeline.search(question.question, { ...common, k: Math.max(options.k, 10) });
    const searchMs = performance.now() - started;
    started = performance.now();
    const answer = await pipeline.ask(question.question, common);
    const askMs = performance.now() - started;
    const outcome = judgeQuestion(
      question,
      search.results.slice(0, options.k).map((r) => r.passage),
      answer,
      { searchMs, askMs },
    );
    log.debug({ id: question.id, rank: outcome.rank, abstained: outcome.abstained, searchMs, askMs }, "question judged");
    outcomes.push(outcome);
  }
  return outcomes;
}

const fixed = (value: number | null, digits = 3) => (value === null ? "n/a" : value.toFixed(digits));

export function formatMetrics(metrics: EvalMetrics, label: string): string {
  const r = metrics.retrieval;
  const a = metrics.retrieval_article;
  const levels = [r.passage_level ? `${r.passage_level} passage-level` : "", r.article_level ? `${r.article_level} article-level` : ""]
    .filter(Boolean)
    .join(", ");
  const lines = [
    `${label}: ${metrics.questions} questions (${metrics.answerable} answerable, ${metrics.unanswerable} unanswerable)`,
    `retrieval (${levels || "no gold"}): hit@1 ${fixed(r.hit_at_1)}  hit@5 ${fixed(r.hit_at_5)}  hit@10 ${fixed(r.hit_at_10)}  MRR@10 ${fixed(r.mrr_at_10)}`,
  ];
  if (r.passage_level > 0) {
    lines.push(`  article level: hit@1 ${fixed(a.hit_at_1)}  hit@5 ${fixed(a.hit_at_5)}  hit@10 ${fixed(a.hit_at_10)}  MRR@10 ${fixed(a.mrr_at_10)}`);
  }
  lines.push(
    `answers: contain expected ${fixed(metrics.answer_contains)}  cite gold ${fixed(metrics.cites_gold)}  ` +
      `false abstentions ${metrics.false_abstentions}/${metrics.answerable}  abstained on unanswerable ${fixed(metrics.abstention_unanswerable)}`,
    `latency ms: search p50 ${fixed(metrics.latency_ms.search_p50, 1)} p95 ${fixed(metrics.latency_ms.search_p95, 1)}  ` +
      `ask p50 ${fixed(metrics.latency_ms.ask_p50, 1)} p95 ${fixed(metrics.latency_ms.ask_p95, 1)}`,
  );
  return lines.join("\n");
}

export function formatMisses(outcomes: QuestionOutcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes) {
    const problems: string[] = [];
    if (!o.unanswerable && o.rank !== 0) problems.push(o.rank < 0 ? "gold not retrieved" : `gold at rank ${o.rank + 1}`);
    if (o.unanswerable && !o.abstained) problems.push("answered an unanswerable question");
    if (!o.unanswerable && o.abstained) problems.push("abstained");
    else if (o.answerContains === false) problems.push("answer lacks the expected string");
    if (problems.length) lines.push(`- [${o.id}] ${o.question}\n    ${problems.join("; ")}`);
  }
  return lines.length ? `misses:\n${lines.join("\n")}` : "misses: none";
}

export interface EvalDeps {
  open?: (config: Config, log: Logger, options: OpenPipelineOptions) => Promise<{ pipeline: Pipeline }>;
  readText?: (path: string) => Promise<string>;
}

export function runEval(argv: string[], io: CliIo, deps: EvalDeps = {}): Promise<number> {
  return runCli(
    io,
    async () => {
      const options = parseEvalArgs(argv);
      const readText = deps.readText ?? ((path: string) => readFile(path, "utf8"));
      let text: string;
      try {
        text = await readText(options.qa);
      } catch {
        throw new UsageError(`Cannot read the questions file ${options.qa}.`);
      }
      const { questions, errors } = parseEvalQuestions(text);
      for (const error of errors) io.stderr.write(`${options.qa} ${error} (skipped)\n`);
      if (questions.length === 0) throw new UsageError(`${options.qa} holds no valid question.`);
      const config = configFor(io, options.corpus);
      const log = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, undefined, secretsIn(io.env));
      const open = deps.open ?? openPipelineWithIndex;
      const { pipeline } = await open(config, log, { notice: (message) => io.stderr.write(`${message}\n`) });
      const outcomes = await evaluatePipeline(pipeline, questions, options, log);
      const metrics = summarizeOutcomes(outcomes);
      if (options.json) {
        const settings = {
          qa: options.qa,
          corpus: config.CORPUS_DIR,
          k: options.k,
          dates: options.noDates ? "none" : options.asOf ? `as of ${options.asOf}` : "each question's date",
          filters: options.filters ?? null,
        };
        io.stdout.write(`${JSON.stringify({ ...settings, ...metrics, ...(options.misses ? { outcomes } : {}) })}\n`);
      } else {
        io.stdout.write(`${formatMetrics(metrics, `${options.qa} over ${config.CORPUS_DIR}`)}\n`);
        if (options.misses) io.stdout.write(`${formatMisses(outcomes)}\n`);
      }
      return 0;
    },
    { argv, usage: EVAL_USAGE },
  );
}
