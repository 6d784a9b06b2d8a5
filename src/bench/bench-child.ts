// Entry of a benchmark child process: receives one phase and its job, answers with the result, and exits.
import { runPhaseHere, type BenchPhase, type ChildMessage } from "./run-bench-phase.js";
import type { SizeJob } from "./bench-job.js";

process.once("message", async ({ phase, job }: { phase: BenchPhase; job: SizeJob }) => {
  let message: ChildMessage;
  try {
    const status = (line: string) => process.send!({ status: line } satisfies ChildMessage);
    message = { ok: true, result: await runPhaseHere(phase, job, status) };
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  process.send!(message, undefined, {}, () => process.exit(message.ok ? 0 : 1));
});
