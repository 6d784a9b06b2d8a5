import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../src/cli/cli-io.js";
import { runBench } from "../src/cli/run-bench.js";
import { runEval } from "../src/cli/run-eval.js";
import { runIndex } from "../src/cli/run-index.js";
import { runQuery } from "../src/cli/run-query.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-cli-help-"));
  // Nothing exists here: a command that went past its arguments would fail on the missing corpus.
  env = { CORPUS_DIR: path.join(root, "no-corpus"), INDEX_DIR: path.join(root, "index"), DATA_DIR: path.join(root, "data"), LOG_LEVEL: "silent" };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const COMMANDS: Array<[string, (argv: string[], io: CliIo) => Promise<number>]> = [
  ["ask", (argv, io) => runQuery("ask", argv, io)],
  ["search", (argv, io) => runQuery("search", argv, io)],
  ["index", runIndex],
  ["eval", runEval],
  ["bench", runBench],
];

describe("--help and usage errors on every CLI command", () => {
  for (const [name, run] of COMMANDS) {
    it(`GIVEN npm run ${name} -- --help or -h THEN it prints its usage on stdout and exits 0, doing nothing else`, async () => {
      for (const flag of ["--help", "-h"]) {
        const io = createFakeCliIo(env);
        expect(await run([flag], io.io)).toBe(0);
        expect(io.stdout()).toMatch(new RegExp(`^Usage: npm run ${name}\\b[\\s\\S]*-h, --help`));
        expect(io.stderr()).toBe("");
      }
    });

    it(`GIVEN npm run ${name} with a mistyped option THEN it names it, prints the usage on stderr and exits 2`, async () => {
      const io = createFakeCliIo(env);
      expect(await run(["--jsn"], io.io)).toBe(2);
      expect(io.stderr()).toMatch(new RegExp(`^Unknown option '--jsn'[^]*\\n\\nUsage: npm run ${name}\\b`));
      expect(io.stderr()).not.toContain("Unexpected error");
      expect(io.stdout()).toBe("");
    });
  }

  it("GIVEN npm run search with no query on a terminal THEN it says to give a query to search, not to ask", async () => {
    const io = createFakeCliIo(env);
    expect(await runQuery("search", [], io.io)).toBe(2);
    expect(io.stderr()).toMatch(/^Give a query: npm run search -- "/);
    expect(io.stderr()).not.toContain("npm run ask");
  });

  it("GIVEN npm run deploy-commands -- -h THEN it prints its usage and exits 0 without any Discord setting", () => {
    const child = spawnSync(path.join("node_modules", ".bin", "tsx"), ["scripts/deploy-commands.ts", "-h"], {
      env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir() },
      encoding: "utf8",
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^Usage: npm run deploy-commands[\s\S]*-h, --help/);
  });
});
