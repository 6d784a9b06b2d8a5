import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex } from "../src/app/open-pipeline.js";
import { runIndex } from "../src/cli/run-index.js";
import { loadConfig } from "../src/base/config.js";
import { acquireBuildLock, IndexError, LOCK_FILE } from "../src/index/index-layout.js";
import { REPO_ROOT, servedPassages, STACK_LINE, startBuild, type Finished } from "./support/index-processes.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

// Two index builds on one INDEX_DIR, in two processes, from two different corpora: one refuses with a
// message naming the other, and the served index is always exactly one corpus's passages, never a mix.

const LOCK_REFUSAL =
  /^Another index build \(process (\d+)\) is (running|starting) on .+ Wait for it to finish; if no build is running, delete .+build\.lock\.\n$/;

let root: string;
let corpusA: string;
let corpusB: string;
/** Each corpus's passages as an uninterrupted build serves them. */
let expectedA: string[];
let expectedB: string[];

const envFor = (corpusDir: string, indexDir: string) => ({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, DATA_DIR: path.join(root, "data") });

async function referenceBuild(corpusDir: string, name: string): Promise<string[]> {
  const indexDir = path.join(root, name);
  await buildConfiguredIndex(loadConfig({ ...envFor(corpusDir, indexDir), LOG_LEVEL: "silent" }));
  return servedPassages(indexDir);
}

/** `npm run index` in this process, with its output captured. */
async function runIndexCli(env: Record<string, string>) {
  const run = createFakeCliIo({ ...env, LOG_LEVEL: "silent" });
  const code = await runIndex([], run.io);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** After any number of builds: CURRENT and one generation, no lock, no temporary files. */
async function expectTidy(indexDir: string, check: typeof expect) {
  const entries = (await readdir(indexDir)).sort();
  check(entries).toHaveLength(2);
  check(entries[0]).toBe("CURRENT");
  check(entries[1]).toMatch(/^gen-/);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-concurrency-"));
  corpusA = path.join(root, "corpus-a");
  corpusB = path.join(root, "corpus-b");
  await cp(path.join(REPO_ROOT, "corpus"), corpusA, { recursive: true });
  await writeFile(
    path.join(corpusA, "volcano.txt"),
    "Volcano erupts in Iceland\n\nA volcano erupted near Grindavik in Iceland on Monday, and the fishing town was evacuated overnight.\n",
  );
  await mkdir(corpusB);
  await writeFile(path.join(corpusB, "harbour.txt"), "Harbour reopens\n\nThe harbour of Valletta reopened on Tuesday after a storm.\n");
  await writeFile(path.join(corpusB, "budget.txt"), "Budget passes\n\nParliament passed the budget on Friday by four votes.\n");
  [expectedA, expectedB] = await Promise.all([referenceBuild(corpusA, "reference-a"), referenceBuild(corpusB, "reference-b")]);
  expect(expectedA).not.toEqual(expectedB);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.concurrent("two index builds at once, in two processes", { timeout: 90_000 }, () => {
  it("GIVEN a build about to swap in its generation THEN a second build refuses, naming it, and each result is one corpus whole", async ({
    expect,
  }) => {
    const indexDir = path.join(root, "held");
    const first = startBuild({ ...envFor(corpusA, indexDir), BUILD_HOLD_AT: "before-swap" });
    await first.lineStartingWith("held before-swap");

    // The second build is `npm run index` in this process (the first one runs in its own).
    const second = await runIndexCli(envFor(corpusB, indexDir));
    expect(second.code).toBe(1);
    expect(second.stdout).toBe("");
    expect(second.stderr).toMatch(LOCK_REFUSAL);
    expect(Number(LOCK_REFUSAL.exec(second.stderr)![1])).toBe(first.pid);
    expect(second.stderr).not.toMatch(STACK_LINE);
    // The held build has written its whole generation, but nothing is served until it swaps.
    expect(await servedPassages(indexDir)).toEqual([]);

    first.child.stdin!.end("go\n");
    const done = await first.finished;
    expect(done.code, done.stderr).toBe(0);
    expect(await servedPassages(indexDir)).toEqual(expectedA);

    // Once the first build is done, the second one runs, and replaces A's passages with B's entirely.
    const retried = await runIndexCli(envFor(corpusB, indexDir));
    expect(retried.code, retried.stderr).toBe(0);
    expect(await servedPassages(indexDir)).toEqual(expectedB);
    await expectTidy(indexDir, expect);
  });

  // Which build wins is up to the scheduler, and it costs two processes: part of the full run (RELIABILITY_FULL=1).
  it.runIf(process.env.RELIABILITY_FULL)(
    "GIVEN two builds started at the same moment THEN each completes or refuses clearly, and the index is one corpus whole",
    async ({ expect }) => {
      const indexDir = path.join(root, "simultaneous");
      const [a, b] = await Promise.all([startBuild(envFor(corpusA, indexDir)).finished, startBuild(envFor(corpusB, indexDir)).finished]);

      const outcome = (run: Finished) => (run.code === 0 ? "built" : LOCK_REFUSAL.test(run.stderr) ? "refused" : `failed: ${run.stderr}`);
      expect([outcome(a), outcome(b)]).toContain("built");
      for (const run of [a, b]) expect(["built", "refused"]).toContain(outcome(run));
      // Whichever finished last is served; either way it is exactly the passages of a corpus that was built.
      const served = await servedPassages(indexDir);
      const builtCorpora = [a.code === 0 && expectedA, b.code === 0 && expectedB].filter((p): p is string[] => Boolean(p));
      expect(builtCorpora).toContainEqual(served);
      await expectTidy(indexDir, expect);
    },
  );
});

describe("the build lock", () => {
  /** The pid of a process that has exited, as a killed build leaves in its lock. */
  let deadPid: number;
  beforeAll(() => {
    deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
  });

  async function contend(withStaleLock: boolean, contenders: number) {
    const dir = await mkdtemp(path.join(root, "lock-"));
    if (withStaleLock) await writeFile(path.join(dir, LOCK_FILE), `${deadPid}\n`);
    const results = await Promise.allSettled(Array.from({ length: contenders }, () => acquireBuildLock(dir)));
    const taken = results.filter((r): r is PromiseFulfilledResult<() => Promise<void>> => r.status === "fulfilled");
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    for (const { value: release } of taken) await release();
    return { taken: taken.length, refusals, left: await readdir(dir) };
  }

  it("GIVEN a lock left by a killed build AND many builds taking it over at once THEN exactly one gets it, every time", async () => {
    for (let round = 0; round < 100; round++) {
      const { taken, refusals, left } = await contend(true, 16);
      expect(taken).toBe(1);
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(IndexError);
        expect(refusal.message).toMatch(/^Another index build \(process \d+\) is (running|starting)/);
      }
      expect(left).toEqual([]);
    }
  });

  it("GIVEN no lock AND many builds starting at once THEN exactly one gets it, every time", async () => {
    for (let round = 0; round < 30; round++) {
      const { taken, left } = await contend(false, 16);
      expect(taken).toBe(1);
      expect(left).toEqual([]);
    }
  });
});

describe("a build lock whose pid now belongs to another process", () => {
  it("GIVEN a lock recording a live pid but another process's start THEN it is taken over as stale; the true holder's is refused", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "newsdesk-pid-reuse-"));
    try {
      // This test's own pid is alive: the lock of an earlier process that had this pid before a reboot.
      await writeFile(path.join(dir, LOCK_FILE), `${process.pid} 0b1f2c3d-old-build 00000000-0000-0000-0000-000000000000:1\n`);
      const release = await acquireBuildLock(dir);
      await expect(acquireBuildLock(dir)).rejects.toThrow(IndexError);
      await release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
