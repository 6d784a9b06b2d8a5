import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPerformanceDoc, NOTES_END, NOTES_START } from "../src/bench/format-bench-report.js";
import { percentile } from "../src/bench/bench-stats.js";
import { makeBenchCorpus, originalSourceOf } from "../src/bench/make-bench-corpus.js";
import { runBenchmark, type BenchReport } from "../src/bench/run-benchmark.js";
import { findProjectRoot, resolveDatasetDir, runBench } from "../src/cli/run-bench.js";
import { chunkArticle } from "../src/core/ingest/chunk-article.js";
import { parseCorpusFile } from "../src/corpus/parse-corpus-file.js";
import { listCorpusFiles } from "../src/corpus/list-corpus-files.js";

const DATASET = resolveDatasetDir(findProjectRoot());

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "newsdesk-bench-test-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      stdin: (async function* () {})(),
      env: process.env,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

const inUnitInterval = (x: unknown) => typeof x === "number" && x >= 0 && x <= 1;

describe("the benchmark at a tiny size", () => {
  it.skipIf(!existsSync(DATASET))(
    "GIVEN 200 passages of news-eval THEN prints a JSON report with every measure, recall within [0, 1] for Newsdesk and the recipe",
    async () => {
      const cli = captureIo();
      const code = await runBench(
        ["--sizes", "200", "--queries", "12", "--repeat", "2", "--json", "--no-doc", "--no-cold-start", "--isolation", "inline"],
        cli.io,
      );
      expect(cli.stderr()).not.toContain("Unexpected error");
      expect(code).toBe(0);
      const report = JSON.parse(cli.stdout()) as BenchReport;
      expect(report.machine.cpus).toBeGreaterThan(0);
      expect(report.sizes).toHaveLength(1);
      const [size] = report.sizes;
      expect(size.target).toBe(200);
      expect(size.corpus.passages).toBeGreaterThanOrEqual(200);
      expect(size.build.passages).toBe(size.corpus.passages);
      expect(size.build.vectors).toBeGreaterThan(0);
      const phases = Object.values(size.build.phases);
      expect(phases.every((s) => s >= 0)).toBe(true);
      expect(phases.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(size.build.seconds + 0.01);
      expect(size.build.indexBytes).toBeGreaterThan(0);
      expect(size.build.peakRssMb).toBeGreaterThan(0);
      expect(size.serve.search.n).toBe(12);
      expect(size.serve.ask.n).toBe(12);
      expect(size.serve.search.p50).toBeLessThanOrEqual(size.serve.search.p95);
      expect(size.serve.search.p95).toBeLessThanOrEqual(size.serve.search.p99);
      expect(inUnitInterval(size.serve.recallAt10)).toBe(true);
      expect(Object.values(size.serve.recallAt10ByEf).every(inUnitInterval)).toBe(true);
      expect(inUnitInterval(size.recipe.recallAt10)).toBe(true);
      expect(size.recipe.ef).toBe(10);
      expect(inUnitInterval(size.serve.hitAt5.rate)).toBe(true);
      expect(size.serve.hitAt5.total).toBeGreaterThan(0);
      expect(size.serve.eventLoop.answered).toBe(size.serve.eventLoop.concurrentAsks);
      expect(size.reindex.noChangeEmbedded).toBe(0);
      expect(size.reindex.oneFileEmbedded).toBeGreaterThan(0);
      expect(size.reindex.oneFileEmbedded).toBeLessThanOrEqual(size.corpus.probePassages + 1);
      expect(size.recipe.chunks).toBeGreaterThan(0);
      for (const value of Object.values(size.ratios)) expect(Number.isFinite(value)).toBe(true);
      expect(size.buildRuns.newsdesk).toHaveLength(2);
      expect(size.buildRuns.recipe).toHaveLength(2);
      expect(size.buildRuns.newsdesk).toContain(size.build.seconds);
    },
    180_000,
  );
});

describe("the tuning measurement", () => {
  it.skipIf(!existsSync(DATASET))(
    "GIVEN a tiny grid THEN reports every HNSW choice with recall@10 and recall@50 within [0, 1], and every batch size",
    async () => {
      const report = await runBenchmark({
        sizes: [],
        queries: 8,
        datasetDir: DATASET,
        isolation: "inline",
        tuneAt: 150,
        tuneGrid: { m: [8, 16], efConstruction: [50], ef: [10, 64], batchSizes: [32, 128] },
      });
      expect(report.sizes).toEqual([]);
      const tuning = report.tuning!;
      expect(tuning.passages).toBeGreaterThanOrEqual(150);
      expect(tuning.graphs.map((g) => g.m)).toEqual([8, 16]);
      for (const graph of tuning.graphs) {
        expect(graph.byEf.map((e) => e.ef)).toEqual([10, 64]);
        for (const e of graph.byEf) {
          expect(inUnitInterval(e.recallAt10)).toBe(true);
          expect(inUnitInterval(e.recallAt50)).toBe(true);
        }
      }
      expect(tuning.batches.map((b) => b.batchSize)).toEqual([32, 128]);
      expect(tuning.batches.every((b) => b.passagesPerSecond > 0)).toBe(true);
    },
    120_000,
  );
});

describe("benchmark corpora beyond the dataset", () => {
  it("GIVEN a two-article dataset and a larger target THEN adds editions until the target, every passage distinct and traced to its original", async () => {
    const dataset = path.join(tmp, "dataset");
    await mkdir(path.join(dataset, "bbc"), { recursive: true });
    const paragraph = (topic: string, n: number) =>
      `${topic} officials met on day ${n} to discuss the budget. They said the talks went well and would continue. ` +
      `Analysts expect a decision on ${topic.toLowerCase()} spending before the end of the month.`;
    for (const topic of ["Harbour", "Railway"]) {
      const body = Array.from({ length: 6 }, (_, i) => paragraph(topic, i + 1)).join("\n\n");
      await writeFile(path.join(dataset, "bbc", `${topic.toLowerCase()}.txt`), `${topic} talks continue\n\n${body}\n`);
    }
    await writeFile(
      path.join(dataset, "qa-dev.jsonl"),
      `${JSON.stringify({ id: "q1", question: "When did harbour officials meet?", gold: [{ source: "bbc/harbour.txt" }] })}\n`,
    );

    const dir = path.join(tmp, "corpus");
    const corpus = await makeBenchCorpus({ datasetDir: dataset, dir, targetPassages: 20 });
    expect(corpus.originalFiles).toBe(2);
    expect(corpus.editionFiles).toBeGreaterThan(0);
    expect(corpus.passages).toBeGreaterThanOrEqual(20);
    expect(corpus.probeSource).toBe("bbc/harbour.txt");

    const { files } = await listCorpusFiles(dir);
    expect(files).toHaveLength(corpus.files);
    const texts: string[] = [];
    for (const file of files) {
      expect(["bbc/harbour.txt", "bbc/railway.txt"]).toContain(originalSourceOf(file.source));
      const parsed = parseCorpusFile(file.source, new Uint8Array(await readFile(file.path)));
      texts.push(...parsed.articles.flatMap((a) => chunkArticle(a)).map((p) => p.text));
    }
    expect(texts).toHaveLength(corpus.passages);
    expect(new Set(texts).size).toBe(texts.length);

    const again = await makeBenchCorpus({ datasetDir: dataset, dir: path.join(tmp, "corpus-again"), targetPassages: 20 });
    const edition = files.find((f) => f.source.startsWith("editions/"))!;
    expect(await readFile(path.join(again.dir, edition.source), "utf8")).toBe(await readFile(edition.path, "utf8"));
  });
});

describe("finding the dataset", () => {
  it("GIVEN ../shared as a symbolic link to the data THEN the bench and its test resolve the same real folder, and its gold articles are listed", async () => {
    const data = path.join(tmp, "data", "shared");
    await mkdir(path.join(data, "datasets", "news-eval", "articles"), { recursive: true });
    await writeFile(path.join(data, "datasets", "news-eval", "articles", "a.md"), "---\ntitle: A\n---\nThe harbour reopened on Monday.\n");
    await writeFile(
      path.join(data, "datasets", "news-eval", "qa-dev.jsonl"),
      `${JSON.stringify({ id: "q", question: "When did the harbour reopen?", gold: [{ source: "articles/a.md" }] })}\n`,
    );
    const project = path.join(tmp, "work", "newsdesk");
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, "package.json"), "{}");
    await symlink(data, path.join(tmp, "work", "shared"), "dir");
    const datasetDir = resolveDatasetDir(findProjectRoot(path.join(project, "src", "cli", "run-bench.ts")));
    expect(datasetDir).toBe(await realpath(path.join(data, "datasets", "news-eval")));
    const corpus = await makeBenchCorpus({ datasetDir, dir: path.join(tmp, "linked-corpus"), targetPassages: 1 });
    expect(corpus.probeSource).toBe("articles/a.md");
  });
});

describe("report helpers", () => {
  it("GIVEN latencies 1..100 THEN nearest-rank percentiles are values that occurred", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it("GIVEN a performance doc with hand-written notes THEN a regenerated doc keeps them", () => {
    const report: BenchReport = {
      date: "2026-01-01T00:00:00.000Z",
      machine: { cpus: 2, cpuModel: "test", memoryGb: 1, node: "v20", platform: "linux" },
      settings: {
        embedder: "local",
        embeddingBatchSize: 256,
        hnsw: { m: 16, efConstruction: 200, ef: 128 },
        chunking: { targetChars: 700, maxChars: 1000, overlapSentences: 1 },
        recipe: { splitter: { chunkSize: 1000, chunkOverlap: 200 }, hnsw: "defaults" },
        queries: 1,
        repeat: 1,
        isolation: "inline",
      },
      sizes: [],
    };
    const previous = `# old\n\n${NOTES_START}\nThe 100k run was done on a quiet machine.\n${NOTES_END}\n\nold table`;
    const doc = formatPerformanceDoc(report, previous);
    expect(doc).toContain("The 100k run was done on a quiet machine.");
    expect(doc).not.toContain("old table");
    expect(doc).toContain("2 × test");
  });
});
