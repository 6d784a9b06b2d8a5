// One index build in a process of its own, so that a test can kill it (SIGKILL) or hold it at an exact point.
// Run with `node --import tsx test/support/build-index-child.ts`, the configuration (CORPUS_DIR, INDEX_DIR, ...)
// in the environment, and optionally:
//   BUILD_KILL_AT=<point>[@n]  the process SIGKILLs itself the n-th time (default: first) it reaches <point>;
//   BUILD_HOLD_AT=<phase>      at that BuildPhase it prints "held <phase>" and waits for a line on stdin.
// A point is a progress phase (reading, embedding, inserting, writing) or a BuildPhase (passages-written,
// vectors-written, before-swap, after-swap). It builds through buildConfiguredIndex with the hooks; the summary
// goes to stdout as JSON, an error through the CLI's error boundary (a message on stderr, exit code 1).
import { createInterface } from "node:readline";
import { buildConfiguredIndex } from "../../src/app/open-pipeline.js";
import { runCli } from "../../src/cli/cli-io.js";
import { loadConfig } from "../../src/base/config.js";

const [killPoint, killCount] = (process.env.BUILD_KILL_AT ?? "").split("@");
const killAfter = Number(killCount ?? 1);
const holdPhase = process.env.BUILD_HOLD_AT;
let reached = 0;

function killIfAt(point: string): void {
  if (point === killPoint && ++reached === killAfter) process.kill(process.pid, "SIGKILL");
}

async function holdIfAt(phase: string): Promise<void> {
  if (phase !== holdPhase) return;
  process.stdout.write(`held ${phase}\n`);
  const lines = createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once("line", resolve));
  lines.close();
}

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

process.exitCode = await runCli(io, async () => {
  const config = loadConfig(process.env);
  const summary = await buildConfiguredIndex(config, {
    onProgress: (progress) => killIfAt(progress.phase),
    onPhase: async (phase) => {
      killIfAt(phase);
      await holdIfAt(phase);
    },
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
});
