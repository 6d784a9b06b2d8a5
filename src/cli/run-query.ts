// `npm run ask` and `npm run search`: one question from the arguments, or one per stdin line (batch mode).
import { withPipeline } from "../app/open-pipeline.js";
import { createLogger, secretsIn } from "../base/log.js";
import { QuestionError } from "../core/pipeline/normalize-question.js";
import type { Pipeline, Turn } from "../core/ports.js";
import { configFor, parseQueryArgs, readQuestions, runCli, toAskJson, toSearchJson, UsageError, type CliIo, type QueryCliOptions } from "./cli-io.js";
import { formatAnswer, formatSearch } from "./format-answer.js";
import { createTerminalProgress } from "./run-index.js";

type Mode = "ask" | "search";

const QUERY_OPTIONS = `  --json          print JSON (see README.md, "JSON output")
  --k N           passages to retrieve, 1 to 100 (default 8)
  --source GLOB   only articles whose source matches, e.g. "bbc/**"
  --since DATE    only articles dated DATE (YYYY-MM-DD) or later
  --until DATE    only articles dated DATE or earlier
  --as-of DATE    the reference date for words like "this week" (default: none, such words are not dated)
  --corpus DIR    another folder of articles, indexed in its own folder under DATA_DIR/indexes/
  --conversation  (ask, piped input) each line follows up on the ones before, like messages in a thread
  -h, --help      show this help`;

export const QUERY_USAGE: Record<Mode, string> = {
  ask: `Usage: npm run ask -- "question" [options]
       command | npm run ask [-- options]   one question per input line, one JSON answer per output line

Answers from the articles in CORPUS_DIR (default corpus/) with numbered, line-exact citations, or says the
articles don't say. Builds the index first if there is none.

${QUERY_OPTIONS}`,
  search: `Usage: npm run search -- "query" [options]
       command | npm run search [-- options]   one query per input line, one JSON result per output line

Lists the passages that best match, with their scores and lines; no answer is written.

${QUERY_OPTIONS}`,
};

/** Earlier turns a `--conversation` follow-up is read with: as many as a Discord thread remembers. */
const CONVERSATION_TURNS = 6;

async function answerOne(mode: Mode, pipeline: Pipeline, question: string, options: QueryCliOptions, io: CliIo, history: Turn[]): Promise<string> {
  const query = { k: options.k, filters: options.filters, asOf: options.asOf };
  if (mode === "search") {
    const result = await pipeline.search(question, query);
    return options.json ? JSON.stringify(toSearchJson(result)) : formatSearch(result);
  }
  // A chat model's tokens stream to stderr as they come; stdout gets only the verified answer.
  const onToken = options.json ? undefined : (token: string) => io.stderr.write(token);
  const result = await pipeline.ask(question, { ...query, onToken, ...(history.length ? { history: history.slice(-CONVERSATION_TURNS) } : {}) });
  if (options.conversation) history.push({ question: result.standalone ?? result.question, answer: result });
  if (onToken && result.model) io.stderr.write("\n\n");
  return options.json ? JSON.stringify(toAskJson(result)) : formatAnswer(result);
}

export function runQuery(mode: Mode, argv: string[], io: CliIo): Promise<number> {
  return runCli(
    io,
    async () => {
      const options = parseQueryArgs(argv);
      if (options.conversation && mode !== "ask") throw new UsageError("--conversation is for npm run ask: a search has no answers to follow up on.");
      const config = configFor(io, options.corpus);
      const log = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, undefined, secretsIn(io.env));
      const questions = readQuestions(io, options.positionals, mode);
      const first = await questions.next();
      if (first.done) return 0;
      // A first use over a large corpus builds the index for minutes: show it as `npm run index` does.
      const terminal = createTerminalProgress(io);
      const openOptions = {
        checkStale: true,
        notice: (message: string) => io.stderr.write(`${message}\n`),
        onBuildProgress: io.stderr.isTTY ? terminal.draw : undefined,
      };
      try {
        return await withPipeline(config, log, openOptions, async (pipeline) => {
          terminal.clear();
          const batch = options.positionals.length === 0;
          if (batch) options.json = true; // batch mode is for machines: one JSON object per line, in order
          const history: Turn[] = [];
          let failures = 0;
          for (let next: IteratorResult<string> = first; !next.done; next = await questions.next()) {
            try {
              io.stdout.write(`${await answerOne(mode, pipeline, next.value, options, io, history)}\n`);
            } catch (error) {
              // In batch mode a bad line must not stop the rest: it gets an error object in its place.
              if (!batch || !(error instanceof QuestionError)) throw error;
              failures++;
              io.stdout.write(`${JSON.stringify({ question: next.value, error: error.message })}\n`);
            }
          }
          return failures > 0 ? 1 : 0;
        });
      } finally {
        terminal.clear(); // a failed build leaves no half-drawn line before its message
      }
    },
    { argv, usage: QUERY_USAGE[mode] },
  );
}
