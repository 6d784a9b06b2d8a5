import { mkdtemp, readdir, readFile, rm, unlink, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TextEmbedder } from "../src/core/ports.js";
import type { Article } from "../src/core/types.js";
import { buildIndex, type BuildProgress, type CorpusReader } from "../src/index/build-index.js";
import { NewsdeskVectorStore } from "../src/langchain/newsdesk-vector-store.js";
import { createIndexSearcher } from "../src/index/create-index-searcher.js";
import { writeLexicalIndex } from "../src/index/lexical-file.js";
import { isIndexStale, withPipeline } from "../src/app/open-pipeline.js";
import { loadConfig } from "../src/base/config.js";
import { acquireBuildLock, IndexError, OutdatedIndexError, readCurrentGeneration } from "../src/index/index-layout.js";
import { computeManifestChecksum, MANIFEST_VERSION } from "../src/index/manifest.js";
import { createSilentLogger } from "../src/base/log.js";
import { openIndexGeneration } from "../src/index/load-index.js";
import { LocalHashEmbeddings } from "../src/providers/local-embeddings.js";

/** The corpus port with the simplest real behaviour: each .txt file is one article, one body line per file line. */
const txtReader: CorpusReader<{ source: string; path: string }> = {
  async listFiles(dir) {
    const names = (await readdir(dir)).filter((n) => n.endsWith(".txt")).sort();
    return { files: names.map((n) => ({ source: n, path: path.join(dir, n) })), skipped: [] };
  },
  async readFile(file) {
    try {
      return { bytes: new Uint8Array(await readFile(file.path)) };
    } catch {
      return { skipped: { source: file.source, reason: "vanished" } };
    }
  },
  parseFile(source, bytes) {
    const lines = new TextDecoder().decode(bytes).replace(/\n$/, "").split("\n");
    const article: Article = { source, title: source, body: lines.join("\n"), lineSpans: lines.map((_, i) => [i + 1, i + 1]) };
    return { articles: [article], skipped: [] };
  },
};

/** The real local embedder, counting the texts it is asked to embed. */
function countingEmbedder() {
  const inner = new LocalHashEmbeddings();
  const counter = { texts: 0, calls: 0 };
  const embedder: TextEmbedder = {
    async embedDocuments(texts) {
      counter.calls++;
      counter.texts += texts.length;
      return inner.embedDocuments(texts);
    },
    embedQuery: (text) => inner.embedQuery(text),
  };
  return { embedder, counter };
}

const ARTICLES: Record<string, string> = {
  "moscow.txt":
    "Russia's Foreign Ministry said Moscow would adhere to the approach agreed upon in London.\nThe spokesman, Mikhail Kamynin, spoke on Thursday.\n",
  "madrid.txt": "Spain's prime minister hosted a news conference in Madrid.\nHe discussed trade with Portugal.\n",
  "gaza.txt": "Israeli soldiers killed two armed men who attacked the Erez crossing.\nWorkers commute through Erez each day.\n",
};

let corpusDir: string;
let indexDir: string;

beforeEach(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-build-"));
  corpusDir = path.join(root, "corpus");
  indexDir = path.join(root, "index");
  await mkdir(corpusDir);
  for (const [name, text] of Object.entries(ARTICLES)) await writeFile(path.join(corpusDir, name), text);
});

afterEach(async () => {
  await rm(path.dirname(corpusDir), { recursive: true, force: true });
});

function build(embedder: TextEmbedder, extra: { rebuild?: boolean; workerThreshold?: number; indexDir?: string } = {}) {
  return buildIndex({
    corpusDir,
    indexDir,
    corpus: txtReader,
    embedder,
    embedderId: "test-embedder",
    writeExtras: writeLexicalIndex,
    ...extra,
  });
}

async function sourcesFound(query: string): Promise<string[]> {
  const loaded = await openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
  const searcher = await createIndexSearcher(loaded!, new LocalHashEmbeddings());
  const hits = searcher.searchLexical(query, 5);
  return hits.map((h) => searcher.passage(h.label).source);
}

describe("incremental index build", () => {
  it("GIVEN a file edited while the build runs, after it was read THEN the index counts as stale", async () => {
    const editing: CorpusReader<{ source: string; path: string }> = {
      ...txtReader,
      async readFile(file) {
        const read = await txtReader.readFile(file);
        if (file.source === "moscow.txt") await writeFile(file.path, "Kamynin spoke again on Friday.\n");
        return read;
      },
    };
    await buildIndex({
      corpusDir,
      indexDir,
      corpus: editing,
      embedder: new LocalHashEmbeddings(),
      embedderId: "test-embedder",
      writeExtras: writeLexicalIndex,
    });
    const loaded = await openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
    const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
    expect(await isIndexStale(config, loaded!)).toBe(true);
    await loaded!.close();
  });

  it("GIVEN a file that grew past the size limit THEN its old passages leave the index, while a file unreadable for a moment keeps them", async () => {
    await build(countingEmbedder().embedder);
    expect(await sourcesFound("Kamynin adhere")).toContain("moscow.txt");
    const failingOnce = (lasting: boolean): CorpusReader<{ source: string; path: string }> => ({
      ...txtReader,
      readFile: async (file) =>
        file.source === "moscow.txt" ? { skipped: { source: file.source, reason: "unreadable" }, lasting } : txtReader.readFile(file),
    });
    await buildIndex({
      corpusDir,
      indexDir,
      corpus: failingOnce(false),
      embedder: new LocalHashEmbeddings(),
      embedderId: "test-embedder",
      writeExtras: writeLexicalIndex,
    });
    expect(await sourcesFound("Kamynin adhere")).toContain("moscow.txt");
    await buildIndex({
      corpusDir,
      indexDir,
      corpus: failingOnce(true),
      embedder: new LocalHashEmbeddings(),
      embedderId: "test-embedder",
      writeExtras: writeLexicalIndex,
    });
    expect(await sourcesFound("Kamynin adhere")).not.toContain("moscow.txt");
  });

  it("GIVEN no changes THEN a second build embeds nothing and keeps the same generation", async () => {
    const { embedder, counter } = countingEmbedder();
    const first = await build(embedder);
    expect(first.embedded).toBe(3);
    const generation = await readCurrentGeneration(indexDir);
    counter.texts = 0;
    counter.calls = 0;
    const second = await build(embedder);
    expect(counter.calls).toBe(0);
    expect(second).toMatchObject({ embedded: 0, reused: 3, removed: 0, changed: false });
    expect(await readCurrentGeneration(indexDir)).toBe(generation);
  });

  it("GIVEN one changed file THEN only its passages are re-embedded and the new text is searchable", async () => {
    const { embedder, counter } = countingEmbedder();
    await build(embedder);
    counter.texts = 0;
    await writeFile(path.join(corpusDir, "madrid.txt"), "Spain's prime minister met farmers in Seville about olive harvests.\n");
    const summary = await build(embedder);
    expect(counter.texts).toBe(1);
    expect(summary).toMatchObject({ embedded: 1, reused: 2, removed: 1, chunks: 3 });
    expect(await sourcesFound("olive harvests Seville")).toEqual(["madrid.txt"]);
    expect(await sourcesFound("news conference Madrid Portugal")).not.toContain("madrid.txt");
  });

  it("GIVEN a deleted file THEN its passages leave the index", async () => {
    const { embedder } = countingEmbedder();
    await build(embedder);
    await unlink(path.join(corpusDir, "gaza.txt"));
    const summary = await build(embedder);
    expect(summary).toMatchObject({ files: 2, chunks: 2, removed: 1, embedded: 0 });
    expect(await sourcesFound("Erez crossing soldiers")).toEqual([]);
    const loaded = await openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
    expect(loaded!.passages.labels.map((label) => loaded!.passages.passage(label).source).sort()).toEqual(["madrid.txt", "moscow.txt"]);
    await loaded!.close();
  });

  it("GIVEN two files with the same story THEN it is indexed once and remembers both sources", async () => {
    const { embedder, counter } = countingEmbedder();
    await writeFile(path.join(corpusDir, "moscow-copy.txt"), ARTICLES["moscow.txt"]);
    await build(embedder);
    expect(counter.texts).toBe(3);
    const loaded = await openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
    const moscow = loaded!.passages.labels.map((label) => loaded!.passages.passage(label)).find((p) => p.text.includes("Kamynin"))!;
    await loaded!.close();
    expect([moscow.source, ...(moscow.duplicates ?? []).map((d) => d.source)].sort()).toEqual(["moscow-copy.txt", "moscow.txt"]);

    // Deleting the first copy keeps the story, now cited from the other file, without re-embedding it.
    counter.texts = 0;
    await unlink(path.join(corpusDir, "moscow-copy.txt"));
    await unlink(path.join(corpusDir, "moscow.txt"));
    await writeFile(path.join(corpusDir, "moscow-copy.txt"), ARTICLES["moscow.txt"]);
    await build(embedder);
    expect(counter.texts).toBe(0);
    expect(await sourcesFound("Kamynin adhere")).toEqual(["moscow-copy.txt"]);
  });

  it("GIVEN a built index THEN a LangChain VectorStore over its graph finds passages as Documents with their provenance, and filters them", async () => {
    await build(countingEmbedder().embedder);
    const embedder = new LocalHashEmbeddings();
    const loaded = await openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
    const store = new NewsdeskVectorStore(embedder, createIndexSearcher(loaded!, embedder));
    const [best] = await store.similaritySearch("Kamynin the spokesman spoke on Thursday", 1);
    expect(best.pageContent).toContain("Mikhail Kamynin");
    expect(best.metadata).toMatchObject({ source: "moscow.txt", loc: { lines: { from: 1, to: 2 } } });
    const elsewhere = await store.similaritySearch("Kamynin the spokesman spoke on Thursday", 3, { source: "gaza.txt" });
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.every((doc) => doc.metadata.source === "gaza.txt")).toBe(true);
    await loaded!.close();
  });

  it("GIVEN the graph built in a worker thread THEN dense search finds exactly what an in-thread graph finds, before and after an update", async () => {
    const inWorker = path.join(path.dirname(indexDir), "index-worker");
    const denseHits = async (dir: string) => {
      const embedder = new LocalHashEmbeddings();
      const loaded = await openIndexGeneration(dir, { expectedEmbedderId: "test-embedder" });
      const searcher = createIndexSearcher(loaded!, embedder);
      const hits = [];
      for (const query of ["Kamynin Foreign Ministry", "Erez crossing", "olive harvests in Seville"]) {
        hits.push((await searcher.searchDense(query, 3)).map((c) => `${searcher.passage(c.label).source}:${c.score.toFixed(6)}`));
      }
      await loaded!.close();
      return hits;
    };
    const { embedder } = countingEmbedder();
    await build(embedder);
    const built = await build(embedder, { workerThreshold: 0, indexDir: inWorker });
    expect(built).toMatchObject({ embedded: 3, chunks: 3 });
    expect(await denseHits(inWorker)).toEqual(await denseHits(indexDir));

    await writeFile(path.join(corpusDir, "madrid.txt"), "Spain's olive harvests in Seville broke records.\n");
    await unlink(path.join(corpusDir, "gaza.txt"));
    await build(embedder);
    const updated = await build(embedder, { workerThreshold: 0, indexDir: inWorker });
    expect(updated).toMatchObject({ embedded: 1, removed: 2, chunks: 2 });
    expect(await denseHits(inWorker)).toEqual(await denseHits(indexDir));
    expect((await denseHits(inWorker))[2][0]).toMatch(/^madrid\.txt:/);
  });

  it("GIVEN a fresh build's progress THEN reading keeps the running embedded count and writing names the new passages", async () => {
    const reports: BuildProgress[] = [];
    const { embedder } = countingEmbedder();
    const summary = await buildIndex({
      corpusDir,
      indexDir,
      corpus: txtReader,
      embedder,
      embedderId: "test-embedder",
      batchSize: 1,
      onProgress: (p) => reports.push({ ...p }),
    });
    // Each file's passages are embedded while the next is read: a later "reading" report never shows fewer.
    let most = 0;
    for (const p of reports) {
      expect(p.embedded).toBeGreaterThanOrEqual(most);
      most = p.embedded;
    }
    expect(reports.filter((p) => p.phase === "reading").at(-1)!.embedded).toBeGreaterThan(0);
    const writing = reports.find((p) => p.phase === "writing")!;
    expect(writing).toMatchObject({ embedded: summary.embedded, toEmbed: summary.embedded, files: 3, passages: summary.chunks });
    expect(summary.embedded).toBeGreaterThan(0);
  });

  it("GIVEN --rebuild THEN every passage is embedded again", async () => {
    const { embedder, counter } = countingEmbedder();
    await build(embedder);
    counter.texts = 0;
    const summary = await build(embedder, { rebuild: true });
    expect(counter.texts).toBe(3);
    expect(summary.embedded).toBe(3);
  });
});

describe("index safety", () => {
  it("GIVEN a build that fails while embedding THEN the previous index still loads and answers", async () => {
    await build(countingEmbedder().embedder);
    await writeFile(path.join(corpusDir, "new.txt"), "A brand new article about volcanoes in Iceland.\n");
    const failing: TextEmbedder = {
      embedDocuments: async () => {
        throw new Error("embedding service fell over");
      },
      embedQuery: (t) => new LocalHashEmbeddings().embedQuery(t),
    };
    await expect(build(failing)).rejects.toThrow("fell over");
    expect(await sourcesFound("Kamynin adhere")).toEqual(["moscow.txt"]);
    // The lock was released: the next build completes and sees the new file.
    const summary = await build(countingEmbedder().embedder);
    expect(summary.embedded).toBe(1);
  });

  it("GIVEN an embedder whose vectors change size while the graph builds in workers THEN the build fails saying so, and the previous index still answers", async () => {
    await build(countingEmbedder().embedder);
    for (let i = 0; i < 3; i++) await writeFile(path.join(corpusDir, `extra-${i}.txt`), `Article ${i} about harbour cranes in Rotterdam.\n`);
    const inner = new LocalHashEmbeddings();
    let calls = 0;
    const shrinking: TextEmbedder = {
      // The first batch is whole; later ones come back with half the dimensions.
      embedDocuments: async (texts) => (await inner.embedDocuments(texts)).map((v) => (calls++ < 1 ? v : v.slice(0, v.length / 2))),
      embedQuery: (t) => inner.embedQuery(t),
    };
    await expect(
      buildIndex({
        corpusDir,
        indexDir,
        corpus: txtReader,
        embedder: shrinking,
        embedderId: "test-embedder",
        writeExtras: writeLexicalIndex,
        workerThreshold: 0,
        batchSize: 1,
      }),
    ).rejects.toThrow(/vector of \d+ dimensions, expected \d+/);
    expect(await sourcesFound("Kamynin adhere")).toEqual(["moscow.txt"]);
  });

  it("GIVEN a build already running THEN a second one refuses with a clear message", async () => {
    await mkdir(indexDir, { recursive: true });
    const release = await acquireBuildLock(indexDir);
    // The lock file names this (live) process, as a concurrent build in another process would.
    await expect(build(countingEmbedder().embedder)).rejects.toThrow(/Another index build \(process \d+\) is running/);
    await release();
  });

  it("GIVEN an index built with another embedder THEN loading names both and the fix", async () => {
    await build(countingEmbedder().embedder);
    const attempt = openIndexGeneration(indexDir, { expectedEmbedderId: "other-embedder" });
    await expect(attempt).rejects.toThrow(IndexError);
    await expect(attempt).rejects.toThrow(/"test-embedder".*"other-embedder".*--rebuild/s);
  });

  it("GIVEN an index written by an older version THEN loading says to rebuild, and opening the pipeline rebuilds it", async () => {
    await build(countingEmbedder().embedder);
    const file = path.join((await readCurrentGeneration(indexDir))!, "manifest.json");
    const manifest = JSON.parse(await readFile(file, "utf8"));
    manifest.version = MANIFEST_VERSION - 1;
    manifest.checksum = computeManifestChecksum(manifest);
    await writeFile(file, JSON.stringify(manifest));
    const attempt = openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
    await expect(attempt).rejects.toThrow(OutdatedIndexError);
    await expect(attempt).rejects.toThrow(/another version.*--rebuild/);

    const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent" });
    const notices: string[] = [];
    const answer = await withPipeline(config, createSilentLogger(), { notice: (m) => notices.push(m) }, (pipeline) =>
      pipeline.ask("What did Kamynin say?"),
    );
    expect(notices).toEqual([expect.stringMatching(/older version of Newsdesk: building it again/)]);
    expect(answer.citations[0]).toMatchObject({ source: "moscow.txt" });
  });

  it("GIVEN an index embedded by another embedder than the configuration's THEN opening the pipeline says so and rebuilds it", async () => {
    const local = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent" });
    await withPipeline(local, createSilentLogger(), { notice: () => {} }, async () => {});
    const sentence = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent", EMBEDDINGS_PROVIDER: "sentence" });
    const notices: string[] = [];
    const answer = await withPipeline(sentence, createSilentLogger(), { notice: (m) => notices.push(m) }, (pipeline) =>
      pipeline.ask("What did Kamynin say?"),
    );
    expect(notices).toEqual([
      expect.stringMatching(/embedded by "local-hash[^"]*" and the configuration asks for "sentence-[^"]*": building it again/),
    ]);
    expect(answer.citations[0]).toMatchObject({ source: "moscow.txt" });
    const manifest = JSON.parse(await readFile(path.join((await readCurrentGeneration(indexDir))!, "manifest.json"), "utf8"));
    expect(manifest.embedder.id).toMatch(/^sentence-/);
  });

  it("GIVEN a truncated index file THEN loading says which file and what to run", async () => {
    await build(countingEmbedder().embedder);
    const dir = (await readCurrentGeneration(indexDir))!;
    for (const name of ["hnswlib.index", "passages.bin", "lexical.bin", "manifest.json"]) {
      const file = path.join(dir, name);
      const original = await readFile(file);
      await writeFile(file, original.subarray(0, Math.floor(original.length / 2)));
      const attempt = openIndexGeneration(indexDir, { expectedEmbedderId: "test-embedder" });
      await expect(attempt).rejects.toThrow(new RegExp(`${name}.*npm run index -- --rebuild`));
      await writeFile(file, original);
    }
  });
});
