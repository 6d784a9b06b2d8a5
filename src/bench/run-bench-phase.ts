// One measured phase of a benchmark size, run here or in a fresh Node process (clean peak RSS, no warm
// caches or JIT state carried over from the previous phase or size).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SizeJob } from "./bench-job.js";
import { measureBuild, measureReindex, measureServing, type BuildMeasure, type ReindexMeasure, type ServeMeasure } from "./measure-newsdesk.js";
import { measureRecipe, type RecipeMeasure } from "./measure-recipe.js";
import { measureTuning, type TuningMeasure } from "./measure-tuning.js";

export interface PhaseResults {
  build: BuildMeasure;
  serve: ServeMeasure;
  reindex: ReindexMeasure;
  recipe: RecipeMeasure;
  tune: TuningMeasure;
}
export type BenchPhase = keyof PhaseResults;

export type Isolation = "process" | "inline";

/** Progress lines from inside a phase (forwarded from a child process when isolated). */
export type PhaseStatus = (line: string) => void;

const PHASES: { [P in BenchPhase]: (job: SizeJob, status: PhaseStatus) => Promise<PhaseResults[P]> } = {
  build: measureBuild,
  serve: measureServing,
  reindex: measureReindex,
  recipe: measureRecipe,
  tune: measureTuning,
};

export function runPhaseHere<P extends BenchPhase>(phase: P, job: SizeJob, status: PhaseStatus = () => {}): Promise<PhaseResults[P]> {
  return PHASES[phase](job, status);
}

/** The child's entry file, next to this one (.ts under tsx, .js once compiled). */
const CHILD_ENTRY = fileURLToPath(new URL(`./bench-child${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));

export type ChildMessage = { status: string } | { ok: true; result: unknown } | { ok: false; error: string };

/** Runs a phase in a fresh Node process (with this process's loader flags, so tsx works too). */
export function runPhaseInChild<P extends BenchPhase>(phase: P, job: SizeJob, status: PhaseStatus = () => {}): Promise<PhaseResults[P]> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD_ENTRY, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "advanced" });
    let answered = false;
    child.on("message", (message: ChildMessage) => {
      if ("status" in message) return status(message.status);
      answered = true;
      if (message.ok) resolve(message.result as PhaseResults[P]);
      else reject(new Error(`The ${phase} phase failed: ${message.error}`));
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (!answered) reject(new Error(`The ${phase} phase's process ended (${signal ?? `exit code ${code}`}) without a result.`));
    });
    child.send({ phase, job });
  });
}

export function runPhase<P extends BenchPhase>(phase: P, job: SizeJob, isolation: Isolation, status?: PhaseStatus): Promise<PhaseResults[P]> {
  return isolation === "process" ? runPhaseInChild(phase, job, status) : runPhaseHere(phase, job, status);
}
