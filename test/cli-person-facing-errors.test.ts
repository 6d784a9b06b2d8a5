import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/base/config.js";
import { DatasetMissingError } from "../src/bench/make-bench-corpus.js";
import { runCli, UsageError } from "../src/cli/cli-io.js";
import { PersonFacingError } from "../src/core/person-facing-error.js";
import { QuestionError } from "../src/core/pipeline/normalize-question.js";
import { CorpusFolderError } from "../src/corpus/list-corpus-files.js";
import { IndexError, LockHeldError, OutdatedIndexError } from "../src/index/index-layout.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

async function runThrowing(error: unknown, env: Record<string, string> = {}) {
  const run = createFakeCliIo(env);
  const code = await runCli(run.io, async () => {
    throw error;
  });
  return { code, stderr: run.stderr() };
}

describe("runCli, the CLI's one error boundary", () => {
  it("GIVEN any error meant for people THEN it prints the message alone, no 'Unexpected error', no stack, exit 1", async () => {
    const errors = [
      new ConfigError("CORPUS_DIR: set it."),
      new IndexError("Run `npm run index -- --rebuild`."),
      new LockHeldError("Another build holds the lock.", 1234),
      new OutdatedIndexError("Built by another version: rebuild it."),
      new QuestionError("Ask a question."),
      new CorpusFolderError("The corpus folder x does not exist."),
      new DatasetMissingError("No news-eval articles in x."),
      new (class extends PersonFacingError {})("A new kind of refusal."),
    ];
    for (const error of errors) {
      const { code, stderr } = await runThrowing(error, { DEBUG: "1" });
      expect(error).toBeInstanceOf(PersonFacingError);
      expect(stderr).toBe(`${error.message}\n`);
      expect(code).toBe(1);
    }
  });

  it("GIVEN a usage error THEN it exits 2 with the message", async () => {
    expect(await runThrowing(new UsageError("--k takes a whole number."))).toEqual({ code: 2, stderr: "--k takes a whole number.\n" });
  });

  it("GIVEN a bug (a plain Error) THEN it says 'Unexpected error', and shows the stack only under DEBUG", async () => {
    const plain = await runThrowing(new TypeError("x is undefined"));
    expect(plain).toEqual({ code: 1, stderr: "Unexpected error: x is undefined\n" });
    const debug = await runThrowing(new TypeError("x is undefined"), { DEBUG: "1" });
    expect(debug.stderr).toMatch(/^Unexpected error: x is undefined\nTypeError: x is undefined\n\s+at /);
  });
});
