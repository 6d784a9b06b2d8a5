// A full disk during a build: the build removes what it wrote, the previous index keeps serving, and the
// message names the disk and its free space. Faults are injected through the build's own writers (no small
// tmpfs on the test machine).
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { corpusReader } from "../src/corpus/corpus-reader.js";
import { buildIndex } from "../src/index/build-index.js";
import { IndexError } from "../src/index/index-layout.js";
import { writeLexicalIndex } from "../src/index/lexical-file.js";
import { LocalHashEmbeddings } from "../src/providers/local-embeddings.js";
import { servedPassages } from "./support/index-processes.js";

const embedder = new LocalHashEmbeddings();
const diskFull = (file: string) => Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: "ENOSPC", path: file });
const MADRID = "Madrid\n\nSpain's prime minister hosted a news conference in Madrid.\n";

let root: string;
let corpusDir: string;
let indexDir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-storage-"));
  corpusDir = path.join(root, "corpus");
  indexDir = path.join(root, "index");
  await mkdir(corpusDir);
  await writeFile(
    path.join(corpusDir, "moscow.txt"),
    "Moscow\n\nRussia's Foreign Ministry said Moscow would adhere to the approach agreed upon in London.\n",
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

const build = (extra: Partial<Parameters<typeof buildIndex>[0]> = {}) =>
  buildIndex({ corpusDir, indexDir, corpus: corpusReader, embedder, embedderId: embedder.id, writeExtras: writeLexicalIndex, ...extra });

describe("a full disk during a build", () => {
  it("removes the partial generation, keeps serving the old index, names the disk's free space, and lets the next build succeed", async () => {
    await build();
    const before = await servedPassages(indexDir);
    const entriesBefore = (await readdir(indexDir)).sort();
    await writeFile(path.join(corpusDir, "madrid.txt"), MADRID);
    const failing = build({
      writeExtras: async (dir, passages) => {
        await writeLexicalIndex(dir, passages);
        throw diskFull(path.join(dir, "lexical.bin"));
      },
    });
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    const message = (error as Error).message;
    expect(message).toContain(indexDir);
    expect(message).toMatch(/the disk mounted at \/\S* has [\d.]+ MB free/);
    expect(message).toContain("npm run index");
    expect((await readdir(indexDir)).sort()).toEqual(entriesBefore);
    expect(await servedPassages(indexDir)).toEqual(before);
    await build();
    expect((await servedPassages(indexDir)).some((p) => p.startsWith("madrid.txt"))).toBe(true);
  });

  it("leaves no build.lock temporary when the lock itself cannot be written", async () => {
    await expect(build({ writeFile: async (file) => Promise.reject(diskFull(file)) })).rejects.toThrow(/disk is full/);
    expect(await readdir(indexDir)).toEqual([]);
    await build();
    expect((await readdir(indexDir)).filter((n) => n.startsWith("build.lock"))).toEqual([]);
  });

  it("leaves nothing of a first build whose manifest cannot be written", async () => {
    const failing = build({
      writeFile: async (file, data) => (file.endsWith("manifest.json") ? Promise.reject(diskFull(file)) : writeFile(file, data)),
    });
    await expect(failing).rejects.toThrow(/disk is full/);
    expect(await readdir(indexDir)).toEqual([]);
  });

  it("removes a generation left by a build that died before writing its own", async () => {
    await build();
    await mkdir(path.join(indexDir, "gen-left-by-a-dead-build"));
    await writeFile(path.join(indexDir, "gen-left-by-a-dead-build", "lexical.bin"), "x");
    await writeFile(path.join(corpusDir, "madrid.txt"), MADRID);
    const seen: string[][] = [];
    await build({ onPhase: async (phase) => void (phase === "passages-written" && seen.push(await readdir(indexDir))) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain("gen-left-by-a-dead-build");
  });

  it("removes lock temporaries of dead processes", async () => {
    await mkdir(indexDir);
    const dead = path.join(indexDir, "build.lock.999999999-0f0e.tmp");
    await writeFile(dead, "999999999 x\n");
    await build();
    expect(await readdir(indexDir)).not.toContain(path.basename(dead));
  });
});
