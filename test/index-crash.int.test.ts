import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, type expect, it } from "vitest";
import { buildConfiguredIndex, withPipeline } from "../src/app/open-pipeline.js";
import { loadConfig, type Config } from "../src/base/config.js";
import { LOCK_FILE } from "../src/index/index-layout.js";
import { createSilentLogger } from "../src/base/log.js";
import { REPO_ROOT, servedPassages, startBuild } from "./support/index-processes.js";

// An index build killed with SIGKILL at each point of its work, in a real process: the index it was replacing
// still loads and answers, and the next build takes the dead build's lock over and completes.

const STARTING_FILE = "000_c0af5a29d12023ff.txt";
const KNOWN_QUESTION = "What did Russia's Foreign Ministry say?";
const NEW_QUESTION = "What happened near Grindavik?";
/** Two new files, so that with one passage per embedding batch the build is killed between batches. */
const NEW_FILES: Record<string, string> = {
  "volcano.txt":
    "Volcano erupts in Iceland\n\nA volcano erupted near Grindavik in Iceland on Monday, and the fishing town was evacuated overnight.\n",
  "harbour.txt": "Harbour reopens\n\nThe harbour of Valletta reopened on Tuesday after a three-day storm closed it to ferries.\n",
};

let root: string;
let previousCorpus: string;
let updatedCorpus: string;
let previousIndex: string;
/** What the build after a crash must produce: an incremental build from the previous index, uninterrupted. */
let expected: { embedded: number; passages: string[] };

function configFor(corpusDir: string, indexDir: string): Config {
  return loadConfig({
    CORPUS_DIR: corpusDir,
    INDEX_DIR: indexDir,
    DATA_DIR: path.join(root, "data"),
    LOG_LEVEL: "silent",
    EMBEDDINGS_BATCH_SIZE: "1",
  });
}

const childEnv = (indexDir: string, killAt: string) => ({
  CORPUS_DIR: updatedCorpus,
  INDEX_DIR: indexDir,
  DATA_DIR: path.join(root, "data"),
  EMBEDDINGS_BATCH_SIZE: "1",
  BUILD_KILL_AT: killAt,
});

function ask(config: Config, question: string) {
  return withPipeline(config, createSilentLogger(), { buildIfMissing: false }, (pipeline) => pipeline.ask(question));
}

async function copyOfPreviousIndex(name: string): Promise<string> {
  const dir = path.join(root, "indexes", name);
  await cp(previousIndex, dir, { recursive: true });
  return dir;
}

const generations = async (indexDir: string) => (await readdir(indexDir)).filter((n) => n.startsWith("gen-"));

/** The pid written in the build lock, or null when there is no lock. */
async function lockHolder(indexDir: string): Promise<number | null> {
  const text = await readFile(path.join(indexDir, LOCK_FILE), "utf8").catch(() => null);
  return text === null ? null : Number(text.trim().split(/\s+/)[0]);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-crash-"));
  previousCorpus = path.join(root, "corpus-before");
  updatedCorpus = path.join(root, "corpus-after");
  await cp(path.join(REPO_ROOT, "corpus"), previousCorpus, { recursive: true });
  await cp(previousCorpus, updatedCorpus, { recursive: true });
  for (const [name, text] of Object.entries(NEW_FILES)) await writeFile(path.join(updatedCorpus, name), text);
  await mkdir(path.join(root, "indexes"));

  previousIndex = path.join(root, "indexes", "previous");
  await buildConfiguredIndex(configFor(previousCorpus, previousIndex));
  const reference = await copyOfPreviousIndex("reference");
  const summary = await buildConfiguredIndex(configFor(updatedCorpus, reference));
  expected = { embedded: summary.embedded, passages: await servedPassages(reference) };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The previous index answers the known question from line 12 of the starting file, and knows nothing new. */
async function expectPreviousIndexAnswers(config: Config, check: typeof expect) {
  const known = await ask(config, KNOWN_QUESTION);
  check(known.abstained).toBe(false);
  check(known.citations[0]).toMatchObject({ n: 1, source: STARTING_FILE, lines: [12, 12] });
  check(known.citations[0].quote).toContain("Kamynin");
}

/** Set RELIABILITY_FULL=1 for every kill point; by default each distinct state left on disk is tried once. */
const FULL = Boolean(process.env.RELIABILITY_FULL);

// Each kill costs a Node process (seconds of CPU on two cores). Killed while reading, embedding, inserting or
// as writing starts, a build leaves the same disk (its lock, nothing else); with the passages or with
// everything but the manifest written, the same kind of partial generation. The default run tries one of each.
const KILL_POINTS = [
  { point: "reading", when: "while reading the corpus", full: true },
  { point: "embedding", when: "while embedding, between batches", full: false },
  { point: "inserting", when: "while inserting vectors", full: true },
  { point: "writing", when: "as it starts writing", full: true },
  { point: "passages-written", when: "with args.json, passages.bin and lexical.bin written, the graph still inserting", full: false },
  { point: "vectors-written", when: "with everything but the manifest written", full: true },
  { point: "before-swap", when: "with the new generation complete and CURRENT.tmp written, before the swap", full: false },
].filter((k) => FULL || !k.full);

describe.concurrent("an index build killed with SIGKILL", { timeout: 90_000 }, () => {
  it.for(KILL_POINTS)(
    "GIVEN a build killed $when THEN the previous index answers, and the next build takes the lock over and adds the new files",
    async ({ point }, { expect }) => {
      const indexDir = await copyOfPreviousIndex(point);
      const config = configFor(updatedCorpus, indexDir);

      const killed = await startBuild(childEnv(indexDir, point)).finished;
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
      expect(await lockHolder(indexDir)).toBe(killed.pid);

      await expectPreviousIndexAnswers(config, expect);
      expect((await ask(config, NEW_QUESTION)).citations.map((c) => c.source)).not.toContain("volcano.txt");

      // Incremental: only the new files' passages are embedded, so the previous generation was read whole.
      const next = await buildConfiguredIndex(config);
      expect(next).toMatchObject({ changed: true, files: 3, embedded: expected.embedded });
      expect(await lockHolder(indexDir)).toBeNull();
      expect(await servedPassages(indexDir)).toEqual(expected.passages);
      expect((await ask(config, NEW_QUESTION)).citations[0]).toMatchObject({ source: "volcano.txt" });
      await expectPreviousIndexAnswers(config, expect);
      // What the killed build left (a partial generation, CURRENT.tmp) is gone.
      expect((await readdir(indexDir)).sort()).toEqual(["CURRENT", ...(await generations(indexDir))]);
      expect(await generations(indexDir)).toHaveLength(1);
    },
  );

  it("GIVEN a build killed just after the swap THEN the new index is served, and the next build clears the old generation", async ({ expect }) => {
    const indexDir = await copyOfPreviousIndex("after-swap");
    const config = configFor(updatedCorpus, indexDir);

    const killed = await startBuild(childEnv(indexDir, "after-swap")).finished;
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(await generations(indexDir)).toHaveLength(2);
    expect(await servedPassages(indexDir)).toEqual(expected.passages);
    expect((await ask(config, NEW_QUESTION)).citations[0]).toMatchObject({ source: "volcano.txt" });

    const next = await buildConfiguredIndex(config);
    expect(next).toMatchObject({ changed: false, embedded: 0 });
    expect(await lockHolder(indexDir)).toBeNull();
    expect(await generations(indexDir)).toHaveLength(1);
    expect(await servedPassages(indexDir)).toEqual(expected.passages);
  });

  it("GIVEN the very first build killed while embedding THEN no half-built index is served, and the next build completes", async ({ expect }) => {
    const indexDir = path.join(root, "indexes", "first");
    const config = configFor(updatedCorpus, indexDir);

    const killed = await startBuild(childEnv(indexDir, "embedding@3")).finished;
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(await servedPassages(indexDir)).toEqual([]);
    await expect(ask(config, KNOWN_QUESTION)).rejects.toThrow(/No index .* Run `npm run index` first/);

    const next = await buildConfiguredIndex(config);
    expect(next).toMatchObject({ changed: true, files: 3, reused: 0 });
    expect(await servedPassages(indexDir)).toEqual(expected.passages);
    await expectPreviousIndexAnswers(config, expect);
    expect(await generations(indexDir)).toHaveLength(1);
  });
});
