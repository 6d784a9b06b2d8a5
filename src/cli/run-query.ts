// `npm run ask` and `npm run search`: one question from the arguments, or one per stdin line (batch mode).
import { withPipeline } from "../app/open-pipeline.js";
import { createLogger, secretsIn } from "../base/log.js";
import { QuestionError } from "../core/pipeline/normalize-question.js";
import type { Pipeline } from "../core/ports.js";
import { configFor, parseQueryArgs, readQuestions, runCli, toAskJson, toSearchJson, type CliIo, type QueryCliOptions } from "./cli-io.js";
import { formatAnswer, formatSearch } from "./format-answer.js";

type Mode = "ask" | "search";

async function answerOne(mode: Mode, pipeline: Pipeline, question: string, options: QueryCliOptions, io: CliIo): Promise<string> {
  const query = { k: options.k, filters: options.filters, asOf: options.asOf };
  if (mode === "search") {
    const result = await pipeline.search(question, query);
    return options.json ? JSON.stringify(toSearchJson(result)) : formatSearch(result);
  }
  // A chat model's tokens stream to stderr as they come; stdout gets only the verified answer.
  const onToken = options.json ? undefined : (token: string) => io.stderr.write(token);
  const result = await pipeline.ask(question, { ...query, onToken });
  if (onToken && result.model) io.stderr.write("\n\n");
  return options.json ? JSON.stringify(toAskJson(result)) : formatAnswer(result);
}

export function runQuery(mode: Mode, argv: string[], io: CliIo): Promise<number> {
  return runCli(io, async () => {
    const options = parseQueryArgs(argv);
    const config = configFor(io, options.corpus);
    const log = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, undefined, secretsIn(io.env));
    const questions = readQuestions(io, options.positionals);
    const first = await questions.next();
    if (first.done) return 0;
    const openOptions = { checkStale: true, notice: (message: string) => io.stderr.write(`${message}\n`) };
    return withPipeline(config, log, openOptions, async (pipeline) => {
      const batch = options.positionals.length === 0;
      if (batch) options.json = true; // batch mode is for machines: one JSON object per line, in order
      let failures = 0;
      for (let next: IteratorResult<string> = first; !next.done; next = await questions.next()) {
        try {
          io.stdout.write(`${await answerOne(mode, pipeline, next.value, options, io)}\n`);
        } catch (error) {
          // In batch mode a bad line must not stop the rest: it gets an error object in its place.
          if (!batch || !(error instanceof QuestionError)) throw error;
          failures++;
          io.stdout.write(`${JSON.stringify({ question: next.value, error: error.message })}\n`);
        }
      }
      return failures > 0 ? 1 : 0;
    });
  });
}
