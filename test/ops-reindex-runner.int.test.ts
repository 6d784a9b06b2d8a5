// The /reindex runner against stand-in child processes (node -e scripts): progress parsing, failures, secrets.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createReindexRunner, resolveIndexCommand } from "../src/serving/reindex-runner.js";
import type { ReindexProgress } from "../src/discord/bot-ports.js";

const silent = pino({ level: "silent" });
const SECRET = "sk-test-0123456789abcdef";

/** A runner whose "build" is this script (it receives the same arguments a real build would). */
const runnerFor = (script: string) =>
  createReindexRunner({
    env: { PATH: process.env.PATH },
    log: silent,
    secrets: [SECRET, undefined, ""],
    indexCommand: { command: process.execPath, args: ["-e", script, "--"] },
  });

describe("resolveIndexCommand", () => {
  it("GIVEN the compiled bot THEN runs dist/scripts/index.js with plain node", () => {
    const { command, args } = resolveIndexCommand("file:///srv/newsdesk/dist/src/serving/reindex-runner.js");
    expect(command).toBe(process.execPath);
    expect(args).toEqual(["/srv/newsdesk/dist/scripts/index.js"]);
  });

  it("GIVEN the TypeScript sources THEN runs scripts/index.ts through tsx's loader", () => {
    const { args } = resolveIndexCommand(new URL("../src/serving/reindex-runner.ts", import.meta.url).href);
    expect(args[0]).toBe("--import");
    expect(args[1]).toMatch(/^file:\/\/.*\/node_modules\/tsx\/.*loader\.mjs$/);
    expect(args[2]).toMatch(/\/scripts\/index\.ts$/);
  });
});

describe("createReindexRunner", () => {
  it("GIVEN a build that reports progress and a summary THEN passes each progress line on, and asks for JSON output", async () => {
    const runner = runnerFor(`
      const args = process.argv.slice(1);
      const p = (phase, n) => process.stderr.write(JSON.stringify({ progress: { phase, files: n, totalFiles: 2, passages: n, embedded: 0, toEmbed: 0, seconds: 0.1, rate: 0 } }) + "\\n");
      p("reading", 1); p("reading", 2);
      process.stderr.write("(node:1) ExperimentalWarning: something\\n");
      console.log(JSON.stringify({ files: 2, articles: 2, chunks: 5, embedded: 5, reused: 0, removed: 0, skipped: [], seconds: 0.2, args }));
    `);
    const seen: ReindexProgress[] = [];
    const outcome = await runner.run({ rebuild: true, requestedBy: "u1", onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.files)).toEqual([1, 2]);
    expect(outcome).toMatchObject({ status: "built", summary: { files: 2, chunks: 5, args: ["--json", "--progress-json", "--rebuild"] } });
    expect(runner.running()).toBeNull();
  });

  it("GIVEN a build that fails with the CLI's message THEN that message, with any secret redacted", async () => {
    const runner = runnerFor(`process.stderr.write("The embeddings server refused the key ${SECRET}. Check OPENAI_API_KEY.\\n"); process.exit(1);`);
    const outcome = await runner.run({ rebuild: false, requestedBy: "u1" });
    expect(outcome).toEqual({ status: "failed", message: "The embeddings server refused the key [redacted]. Check OPENAI_API_KEY." });
  });

  it("GIVEN an unexpected error THEN a generic message: its text is for the log only", async () => {
    const runner = runnerFor(`process.stderr.write("Unexpected error: connect ECONNREFUSED 127.0.0.1:9 at /srv/secret/path\\n"); process.exit(1);`);
    const outcome = await runner.run({ rebuild: false, requestedBy: "u1" });
    expect(outcome).toEqual({ status: "failed", message: "The index build failed (exit code 1). The log has the detail." });
  });

  it("GIVEN a second request during a build THEN busy, naming who started the first; close() stops the build", async () => {
    const runner = runnerFor(`setTimeout(() => {}, 60_000);`);
    const first = runner.run({ rebuild: false, requestedBy: "first-admin" });
    const second = await runner.run({ rebuild: false, requestedBy: "second-admin" });
    expect(second).toMatchObject({ status: "busy", requestedBy: "first-admin" });
    await runner.close();
    expect(await first).toEqual({ status: "failed", message: "The index build was stopped (SIGTERM). The previous index is unchanged." });
    expect(runner.running()).toBeNull();
  });
});
