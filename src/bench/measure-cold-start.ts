// Cold start of the compiled CLI: `node dist/scripts/ask.js "…"` on a copy of the starting corpus with its
// index built, timed from spawn to exit, as a user at a terminal would see it.
import { execFile } from "node:child_process";
import { access, cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { percentile, roundTo } from "./bench-stats.js";

const run = promisify(execFile);

export const COLD_START_QUESTION = "What did Russia's Foreign Ministry say?";
const RUNS = 5;

export interface ColdStartMeasure {
  question: string;
  runs: number;
  medianMs: number;
  maxMs: number;
  /** The index build before it, for scale (not part of the cold start). */
  indexSeconds: number;
}

export async function measureColdStart(projectRoot: string): Promise<ColdStartMeasure | { skipped: string }> {
  const ask = path.join(projectRoot, "dist", "scripts", "ask.js");
  const index = path.join(projectRoot, "dist", "scripts", "index.js");
  const ready = await Promise.all([access(ask), access(index)]).then(
    () => true,
    () => false,
  );
  if (!ready) return { skipped: "no compiled CLI in dist/ (run `npm run build` first)" };

  const root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-cold-start-"));
  try {
    await cp(path.join(projectRoot, "corpus"), path.join(root, "corpus"), { recursive: true });
    // cwd is the temporary folder, so no .env of the project applies: the default configuration.
    const options = {
      cwd: root,
      env: { ...process.env, CORPUS_DIR: path.join(root, "corpus"), INDEX_DIR: path.join(root, "index"), DATA_DIR: root, LOG_LEVEL: "warn" },
    };
    const indexStarted = performance.now();
    await run(process.execPath, [index], options);
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run(process.execPath, [ask, COLD_START_QUESTION], options);
      times.push(performance.now() - started);
    }
    return {
      question: COLD_START_QUESTION,
      runs: RUNS,
      medianMs: roundTo(percentile(times, 50), 0),
      maxMs: roundTo(Math.max(...times), 0),
      indexSeconds: roundTo(indexSeconds, 2),
    };
  } catch (error) {
    return { skipped: `the compiled CLI failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
