// Real processes for the index reliability tests: an index build that can be killed or held
// (build-index-child.ts), and the CLI entry points, each run with TypeScript through tsx.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openIndexGeneration } from "../../src/index/load-index.js";
import { LocalHashEmbeddings } from "../../src/providers/local-embeddings.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUILD_CHILD = path.join(REPO_ROOT, "test/support/build-index-child.ts");
export const ASK_SCRIPT = path.join(REPO_ROOT, "scripts/ask.ts");

export interface Finished {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  pid: number;
  finished: Promise<Finished>;
  /** Resolves with the first stdout line starting with `prefix` (rejects if the process ends first). */
  lineStartingWith(prefix: string): Promise<string>;
}

/**
 * Runs a TypeScript entry in a new Node process with only the given configuration in its environment
 * (plus PATH), so nothing from the test runner's environment leaks in.
 */
export function startTypeScript(script: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", EMBEDDINGS_PROVIDER: "local", LLM_PROVIDER: "none", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiting: Array<{ prefix: string; resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  const checkLines = () => {
    for (const w of [...waiting]) {
      const line = stdout.split("\n").find((l) => l.startsWith(w.prefix));
      if (line !== undefined) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    checkLines();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`process ended before "${w.prefix}": ${stderr}`));
      resolve({ pid: child.pid!, code, signal, stdout, stderr });
    });
  });
  return {
    child,
    pid: child.pid!,
    finished,
    lineStartingWith(prefix) {
      return new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve, reject });
        checkLines();
      });
    },
  };
}

/** An index build in its own process (see build-index-child.ts for BUILD_KILL_AT and BUILD_HOLD_AT). */
export function startBuild(env: Record<string, string>): Started {
  return startTypeScript(BUILD_CHILD, [], env);
}

/** A stack trace line, which a user must never see. */
export const STACK_LINE = /^\s+at .+[(:]\d+/m;

/** Every passage of the served index as "source lines: text", sorted: equal lists mean equal indexes. */
export async function servedPassages(indexDir: string): Promise<string[]> {
  const embedder = new LocalHashEmbeddings();
  const loaded = await openIndexGeneration(indexDir, { expectedEmbedderId: embedder.id });
  if (!loaded) return [];
  const { passages } = loaded;
  const lines = passages.labels.flatMap((label) =>
    passages.occurrences(label).map((o) => `${o.source} ${o.lines.join("-")}: ${passages.passage(label).text}`),
  );
  await loaded.close();
  return lines.sort();
}
