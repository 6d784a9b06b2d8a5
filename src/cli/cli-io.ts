// What the command-line front ends share: options, the JSON contract, and the one error boundary.
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "../base/config.js";
import { redactSecrets, secretsIn } from "../base/redact-secrets.js";
import { excerptPassage } from "../core/answer/cap-quote.js";
import { PersonFacingError } from "../core/person-facing-error.js";
import type { AskResult, SearchResult } from "../core/ports.js";
import { checkFilters } from "../core/retrieval/match-filters.js";
import type { SearchFilters } from "../core/types.js";

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: AsyncIterable<string | Buffer> & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export interface QueryCliOptions {
  json: boolean;
  k?: number;
  filters?: SearchFilters;
  asOf?: string;
  corpus?: string;
  /** Batch ask: each line follows up on the lines before it, as messages in a Discord thread do. */
  conversation: boolean;
  positionals: string[];
}

export class UsageError extends PersonFacingError {
  override name = "UsageError";
}

/** "1 file", "2 files": counts in CLI text read as sentences. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function checkDate(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`--${name} takes a date as YYYY-MM-DD, got "${value}".`);
  }
  return value;
}

/** Options shared by ask and search: --json, --k, --source, --since, --until, --as-of, --corpus. */
export function parseQueryArgs(argv: string[]): QueryCliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      k: { type: "string" },
      source: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      "as-of": { type: "string" },
      corpus: { type: "string" },
      conversation: { type: "boolean", default: false },
    },
  });
  let k: number | undefined;
  if (values.k !== undefined) {
    k = Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError(`--k takes a whole number from 1 to 100, got "${values.k}".`);
  }
  const filters: SearchFilters = {};
  if (values.source) filters.source = values.source;
  if (values.since) filters.since = values.since;
  if (values.until) filters.until = values.until;
  const problem = checkFilters(filters);
  if (problem) throw new UsageError(`${problem}.`);
  return {
    json: values.json ?? false,
    k,
    filters: Object.keys(filters).length ? filters : undefined,
    asOf: checkDate("as-of", values["as-of"]),
    corpus: values.corpus,
    conversation: values.conversation ?? false,
    positionals,
  };
}

/**
 * The index folder of a `--corpus DIR`: readable (the folder name's ASCII letters and digits) and unique (a hash of
 * the real path), so `新闻` and `ニュース`, or two folders that differ only in accents, never share an index,
 * while `./news` and `news/` do.
 */
export function indexFolderName(corpus: string): string {
  let real = path.resolve(corpus);
  try {
    real = realpathSync(real);
  } catch {
    // Not there (yet): the build says so; the name only needs to be stable.
  }
  const readable =
    path
      .basename(real)
      .replace(/[^\w]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(-60) || "corpus";
  return `${readable}-${createHash("sha256").update(real).digest("hex").slice(0, 10)}`;
}

/** The config for a front end; `--corpus DIR` indexes DIR into its own folder under DATA_DIR. */
export function configFor(io: CliIo, corpus?: string): Config {
  const config = loadConfig(io.env);
  if (!corpus) return config;
  return { ...config, CORPUS_DIR: corpus, INDEX_DIR: path.join(config.DATA_DIR, "indexes", indexFolderName(corpus)) };
}

/** Where a citation or a result comes from, as the JSON contracts spell it (absent url and date are null). */
const placeJson = (place: { source: string; title: string; url?: string; date?: string }) => ({
  source: place.source,
  title: place.title,
  url: place.url ?? null,
  date: place.date ?? null,
});

export function toAskJson(result: AskResult) {
  return {
    question: result.question,
    standalone: result.standalone ?? null,
    answer: result.text,
    abstained: result.abstained,
    citations: result.citations.map((c) => ({
      n: c.n,
      ...placeJson(c),
      lines: c.lines,
      quote: c.quote,
      score: c.score,
    })),
    nearest: result.nearest.map((r) => ({ source: r.passage.source, title: r.passage.title, lines: r.passage.lines, score: r.score })),
    model: result.model ?? null,
    fallback: result.fallback ?? null,
    timings_ms: result.timings_ms,
  };
}

export function toSearchJson(result: SearchResult) {
  return {
    query: result.query,
    results: result.results.map(({ passage, score }) => {
      // A passage can be one whole 5 MB line: the text shown is capped around the query (cap-quote.ts).
      const excerpt = excerptPassage(passage, result.query);
      return {
        ...placeJson(passage),
        lines: excerpt.lines,
        text: excerpt.text,
        score,
      };
    }),
    timings_ms: result.timings_ms,
  };
}

/**
 * Questions from the arguments, or one per line from stdin when there are none and stdin is piped. Every
 * line is yielded, a blank one too (it gets an error object), so output line n answers input line n; bytes
 * are decoded as a stream, so a character split across two chunks stays whole.
 */
export async function* readQuestions(io: CliIo, positionals: string[], command: "ask" | "search" = "ask"): AsyncGenerator<string> {
  if (positionals.length > 0) {
    yield positionals.join(" ");
    return;
  }
  if (io.stdin.isTTY) {
    throw new UsageError(
      command === "ask"
        ? 'Give a question: npm run ask -- "What did Russia\'s Foreign Ministry say?"'
        : 'Give a query: npm run search -- "Foreign Ministry"',
    );
  }
  const decoder = new StringDecoder("utf8");
  let buffered = "";
  for await (const chunk of io.stdin) {
    buffered += typeof chunk === "string" ? chunk : decoder.write(chunk);
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      yield line;
    }
  }
  buffered += decoder.end();
  if (buffered.trim()) yield buffered.trim();
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`): the command prints its usage, exit 0. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/** node:util parseArgs refuses an unknown option or a missing value with a TypeError coded ERR_PARSE_ARGS_*. */
function isArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS");
}

/**
 * The one error boundary of a CLI run: a PersonFacingError becomes its message and exit code 1, a usage
 * error (ours or parseArgs') its message, the command's usage and exit code 2, anything else "Unexpected
 * error: …", never a stack unless DEBUG is set. Given the command's arguments and usage, `--help` prints that.
 */
export async function runCli(io: CliIo, main: () => Promise<number>, command?: { argv: readonly string[]; usage: string }): Promise<number> {
  const usage = command?.usage;
  try {
    if (command && wantsHelp(command.argv)) {
      io.stdout.write(`${usage}\n`);
      return 0;
    }
    return await main();
  } catch (error) {
    const usageError = error instanceof UsageError || isArgsError(error);
    const known = usageError || error instanceof PersonFacingError;
    const secrets = secretsIn(io.env);
    const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    io.stderr.write(known ? `${message}\n` : `Unexpected error: ${message}\n`);
    if (usageError && usage !== undefined) io.stderr.write(`\n${usage}\n`);
    if (!known && io.env.DEBUG && error instanceof Error) io.stderr.write(`${redactSecrets(error.stack ?? "", secrets)}\n`);
    return usageError ? 2 : 1;
  }
}
