// The plain LangChain recipe a user would write, on the same corpus and embedder: DirectoryLoader with
// TextLoader, RecursiveCharacterTextSplitter at its defaults (1000/200), HNSWLib.fromDocuments, save, and
// similaritySearch(q, 10) with the library's defaults (HNSW ef stays at 10).
import path from "node:path";
import { DirectoryLoader } from "@langchain/classic/document_loaders/fs/directory";
import { TextLoader } from "@langchain/classic/document_loaders/fs/text";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { createEmbedder } from "../app/open-pipeline.js";
import type { TextEmbedder } from "../core/ports.js";
import { configForJob, type SizeJob } from "./bench-job.js";
import { directoryBytes, peakRssMb, roundTo, summarizeLatencies, type LatencySummary } from "./bench-stats.js";
import { isHit, rate, type HitRate } from "./measure-newsdesk.js";
import { measureRecall } from "./measure-recall.js";

export const RECIPE_SPLITTER = { chunkSize: 1000, chunkOverlap: 200 };

export interface RecipeMeasure {
  seconds: number;
  phases: { loadingSplitting: number; embedding: number; inserting: number; writing: number };
  chunks: number;
  chunksPerSecond: number;
  indexBytes: number;
  peakRssMb: number;
  search: LatencySummary;
  hitAt5: HitRate;
  /** The library's default ef. */
  ef: number;
  recallAt10: number;
  recallAt10ByEf: Record<number, number>;
}

/** The same embedder, with the time spent inside embedDocuments counted. */
function timedEmbedder(inner: TextEmbedder): { embedder: TextEmbedder; embeddingMs: () => number } {
  let ms = 0;
  return {
    embedder: {
      async embedDocuments(texts) {
        const started = performance.now();
        try {
          return await inner.embedDocuments(texts);
        } finally {
          ms += performance.now() - started;
        }
      },
      embedQuery: (text) => inner.embedQuery(text),
    },
    embeddingMs: () => ms,
  };
}

export async function measureRecipe(job: SizeJob): Promise<RecipeMeasure> {
  const config = configForJob(job);
  const timed = timedEmbedder((await createEmbedder(config)).embedder);
  const started = performance.now();
  const loader = new DirectoryLoader(job.corpusDir, {
    ".txt": (file) => new TextLoader(file),
    ".md": (file) => new TextLoader(file),
  });
  const docs = await loader.load();
  const chunks = await new RecursiveCharacterTextSplitter(RECIPE_SPLITTER).splitDocuments(docs);
  const splitEnd = performance.now();
  const store = await HNSWLib.fromDocuments(chunks, timed.embedder as never);
  const builtEnd = performance.now();
  await store.save(job.recipeDir);
  const ended = performance.now();
  const peak = peakRssMb();

  const seconds = (ms: number) => roundTo(Math.max(0, ms) / 1000, 3);
  const k = Math.min(10, chunks.length);
  for (const query of job.queries.slice(0, 10)) await store.similaritySearch(query, k);
  const times: number[] = [];
  for (const query of job.queries) {
    const t = performance.now();
    await store.similaritySearch(query, k);
    times.push(performance.now() - t);
  }

  const indexed = new Set(docs.map((d) => toSource(job.corpusDir, d.metadata.source)));
  const answerable = job.qa.filter((item) => item.gold.some((gold) => indexed.has(gold)));
  let hits = 0;
  for (const item of answerable) {
    const found = await store.similaritySearch(item.question, Math.min(5, chunks.length));
    if (
      isHit(
        item,
        found.map((d) => toSource(job.corpusDir, d.metadata.source)),
      )
    )
      hits++;
  }

  const index = store.index;
  const defaultEf = index.getEf();
  const vectors = await Promise.all([...new Set(job.queries)].map((query) => timed.embedder.embedQuery(query)));
  const labels = Array.from({ length: index.getCurrentCount() }, (_, i) => i);
  const efs = [...new Set([defaultEf, ...job.recallEfs, config.HNSW_EF])].sort((a, b) => a - b);
  const recallAt10ByEf = measureRecall(index, labels, vectors, { k: 10, efs });

  const embeddingMs = timed.embeddingMs();
  return {
    seconds: seconds(ended - started),
    phases: {
      loadingSplitting: seconds(splitEnd - started),
      embedding: seconds(embeddingMs),
      inserting: seconds(builtEnd - splitEnd - embeddingMs),
      writing: seconds(ended - builtEnd),
    },
    chunks: chunks.length,
    chunksPerSecond: Math.round(chunks.length / Math.max((ended - started) / 1000, 1e-6)),
    indexBytes: await directoryBytes(job.recipeDir),
    peakRssMb: peak,
    search: summarizeLatencies(times),
    hitAt5: rate(hits, answerable.length),
    ef: defaultEf,
    recallAt10: recallAt10ByEf[defaultEf],
    recallAt10ByEf,
  };
}

function toSource(corpusDir: string, file: unknown): string {
  return path.relative(corpusDir, String(file)).split(path.sep).join("/");
}
