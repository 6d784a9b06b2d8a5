// Runs `npm run index`'s entry in a child process for /reindex: the bot's event loop never embeds or writes an
// index itself, so it keeps answering while a build runs. One build at a time here; the index's build lock
// also keeps a build from a shell and this one apart.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Logger } from "../base/log.js";
import { redactSecrets } from "../base/redact-secrets.js";
import type { ReindexOutcome, ReindexProgress, ReindexSummary } from "../discord/bot-ports.js";

export interface ReindexRun {
  rebuild: boolean;
  requestedBy: string;
  onProgress?(progress: ReindexProgress): void;
}

export interface ReindexRunner {
  run(request: ReindexRun): Promise<ReindexOutcome>;
  /** The build running now, if any. */
  running(): { startedAt: number; requestedBy: string } | null;
  /** Stops a running build (the previous index stays served; the next build takes over its lock). */
  close(): Promise<void>;
}

export interface IndexCommand {
  command: string;
  args: string[];
}

/**
 * `node dist/scripts/index.js` once compiled; under tsx or vitest, where this file is TypeScript,
 * `node --import tsx scripts/index.ts`. The same relative place in both trees, as the commands folder.
 */
export function resolveIndexCommand(moduleUrl: string = import.meta.url): IndexCommand {
  const typescript = moduleUrl.endsWith(".ts");
  const entry = fileURLToPath(new URL(`../../scripts/index.${typescript ? "ts" : "js"}`, moduleUrl));
  if (!typescript) return { command: process.execPath, args: [entry] };
  const tsx = pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href;
  return { command: process.execPath, args: ["--import", tsx, entry] };
}

export interface ReindexRunnerOptions {
  /** The variables the child reads its configuration from (CORPUS_DIR, INDEX_DIR, EMBEDDINGS_*...). */
  env: Record<string, string | undefined>;
  cwd?: string;
  log: Logger;
  /** Values that must never reach a member even if an error message carries them (token, API keys). */
  secrets?: readonly (string | undefined)[];
  indexCommand?: IndexCommand;
  now?: () => number;
}

/** Most of the child's own words are for the log; a member sees at most this much. */
const MESSAGE_MAX = 400;

export function createReindexRunner(options: ReindexRunnerOptions): ReindexRunner {
  const { log } = options;
  const now = options.now ?? Date.now;
  const indexCommand = options.indexCommand ?? resolveIndexCommand();
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 4);
  let active: { startedAt: number; requestedBy: string; child: ChildProcess; done: Promise<unknown> } | null = null;

  const redact = (text: string) => redactSecrets(text, secrets);

  const run = (request: ReindexRun): Promise<ReindexOutcome> => {
    if (active) return Promise.resolve({ status: "busy", startedAt: active.startedAt, requestedBy: active.requestedBy });
    const args = [...indexCommand.args, "--json", "--progress-json", ...(request.rebuild ? ["--rebuild"] : [])];
    const startedAt = now();
    const child = spawn(indexCommand.command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    log.info({ pid: child.pid, rebuild: request.rebuild, requested_by: request.requestedBy }, "index build started");
    let stdout = "";
    let stderrRest = "";
    const said: string[] = [];

    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (stderrRest + chunk).split("\n");
      stderrRest = lines.pop() ?? "";
      for (const line of lines) readStderrLine(line);
    });
    const readStderrLine = (line: string) => {
      if (!line.trim()) return;
      if (line.startsWith('{"progress"')) {
        try {
          request.onProgress?.((JSON.parse(line) as { progress: ReindexProgress }).progress);
          return;
        } catch {
          // Not a progress line after all: keep it with the rest.
        }
      }
      // Node's own warnings are not the build's words.
      if (/^\(node:\d+\)|^\(Use `node --trace/.test(line)) return;
      said.push(line);
      if (said.length > 50) said.shift();
    };

    const outcome = new Promise<ReindexOutcome>((resolve) => {
      child.once("error", (error) => {
        log.error({ err: error }, "index build could not start");
        resolve({ status: "failed", message: "The index build could not be started. The log has the detail." });
      });
      // "close", not "exit": every line the child wrote has been read by then.
      child.once("close", (code, signal) => {
        if (stderrRest) readStderrLine(stderrRest);
        const seconds = Math.round((now() - startedAt) / 100) / 10;
        if (code === 0) {
          try {
            const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as ReindexSummary;
            log.info({ ...summary, skipped: summary.skipped.length, ms: now() - startedAt }, "index build finished");
            resolve({ status: "built", summary });
            return;
          } catch {
            // Falls through: a build that exits 0 without its summary is reported as a failure.
          }
        }
        log.error({ code, signal, seconds, output: said.map(redact) }, "index build failed");
        resolve({ status: "failed", message: describeFailure(said.map(redact), code, signal) });
      });
    });
    const current = { startedAt, requestedBy: request.requestedBy, child, done: outcome };
    active = current;
    return outcome.finally(() => {
      if (active === current) active = null;
    });
  };

  return {
    run,
    running: () => (active ? { startedAt: active.startedAt, requestedBy: active.requestedBy } : null),
    async close() {
      const building = active;
      if (!building) return;
      building.child.kill("SIGTERM");
      await building.done;
    },
  };
}

/** What an admin is told: the CLI's own message for an expected error, never an unexpected error's text. */
function describeFailure(said: string[], code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `The index build was stopped (${signal}). The previous index is unchanged.`;
  const message = said.join("\n").trim();
  if (!message || /^Unexpected error:/m.test(message)) return `The index build failed (exit code ${code}). The log has the detail.`;
  return message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message;
}
