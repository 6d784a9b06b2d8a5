// Corpus → passages → vectors → a new index generation, incrementally and atomically.
import { createHash } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { chunkArticle, DEFAULT_CHUNKING, type ChunkOptions } from "../core/chunk-article.js";
import type { TextEmbedder } from "../core/ports.js";
import type { Article, Passage, Skipped } from "../core/types.js";
import {
  acquireBuildLock,
  checksumFile,
  IndexError,
  MANIFEST_FILE,
  newGenerationName,
  publishGeneration,
  readCurrentGeneration,
  removeStaleGenerations,
  VECTOR_FILES,
  writeJsonFile,
  type PublishPhase,
} from "./index-layout.js";
import { openIndexGeneration, readManifest, type LoadedIndex } from "./load-index.js";
import {
  computeManifestChecksum,
  DEFAULT_HNSW,
  MANIFEST_VERSION,
  type FileEntry,
  type HnswParams,
  type Manifest,
  type StoredOccurrence,
} from "./manifest.js";
import { PASSAGES_FILE, writePassageStore } from "./passage-store.js";

/** How the builder reaches the corpus; the composition root passes the real readers. */
export interface CorpusReader<File extends { source: string }> {
  listFiles(dir: string): Promise<{ files: File[]; skipped: Skipped[] }>;
  readFile(file: File): Promise<{ bytes: Uint8Array } | { skipped: Skipped }>;
  parseFile(source: string, bytes: Uint8Array): { articles: Article[]; skipped: Skipped[] };
}

/** Files written next to the HNSWLib files of a generation (e.g. the lexical index), built from all passages. */
export type ExtraWriter = (generationDir: string, passages: Array<{ label: number; text: string; title: string }>) => Promise<string[]>;

export interface BuildProgress {
  phase: "reading" | "embedding" | "inserting" | "writing";
  files: number;
  totalFiles: number;
  passages: number;
  embedded: number;
  toEmbed: number;
}

/** Points after the writing starts, in order: the HNSWLib files saved, the extras saved, then the publish. */
export type BuildPhase = "vectors-written" | "extras-written" | PublishPhase;

export interface BuildOptions<File extends { source: string }> {
  corpusDir: string;
  indexDir: string;
  corpus: CorpusReader<File>;
  embedder: TextEmbedder;
  embedderId: string;
  batchSize?: number;
  chunking?: ChunkOptions;
  hnsw?: HnswParams;
  rebuild?: boolean;
  writeExtras?: ExtraWriter;
  onProgress?: (progress: BuildProgress) => void;
  /** Awaited at each BuildPhase; tests use it to kill or hold a build at an exact point. Default: nothing. */
  onPhase?: (phase: BuildPhase) => void | Promise<void>;
}

export interface BuildSummary {
  files: number;
  articles: number;
  chunks: number;
  embedded: number;
  reused: number;
  removed: number;
  skipped: Skipped[];
  seconds: number;
  /** False when nothing changed and the current generation was kept as it is. */
  changed: boolean;
}

interface DocEntry {
  text: string;
  occurrences: StoredOccurrence[];
}

const textKey = (text: string) => createHash("sha256").update(text).digest("base64url");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Brings the index in `indexDir` up to date with the corpus: unchanged files keep their vectors, changed
 * files are re-chunked and only passages whose text is new are embedded, deleted files' passages leave the
 * index. A run that changes nothing writes nothing.
 */
export async function buildIndex<File extends { source: string }>(options: BuildOptions<File>): Promise<BuildSummary> {
  const started = performance.now();
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  await mkdir(options.indexDir, { recursive: true });
  const release = await acquireBuildLock(options.indexDir);
  try {
    return await buildLocked(options, chunking, hnsw, started);
  } finally {
    await release();
  }
}

async function buildLocked<File extends { source: string }>(
  options: BuildOptions<File>,
  chunking: ChunkOptions,
  hnsw: HnswParams,
  started: number,
): Promise<BuildSummary> {
  // The manifest alone decides what changed; the previous vectors are loaded only when something did, so
  // a run with no change costs reading and hashing the corpus, not loading the index.
  const prior = options.rebuild ? null : await readPriorManifest(options, chunking, hnsw);
  const listing = await options.corpus.listFiles(options.corpusDir);
  const skipped = [...listing.skipped];
  const files: Record<string, FileEntry> = {};
  const fresh: Array<{ source: string; passages: Passage[] }> = [];
  let articles = 0;
  let reused = 0;
  const progress = (p: Partial<BuildProgress> & Pick<BuildProgress, "phase">) =>
    options.onProgress?.({ files: 0, totalFiles: listing.files.length, passages: 0, embedded: 0, toEmbed: 0, ...p });

  for (const [i, file] of listing.files.entries()) {
    const before = prior?.manifest.files[file.source];
    const read = await options.corpus.readFile(file);
    if ("skipped" in read) {
      skipped.push(read.skipped);
      // A file that could not be read this time keeps what it had: nothing is lost to a transient error.
      if (before) files[file.source] = before;
      continue;
    }
    const hash = sha256(read.bytes);
    if (before && before.hash === hash) {
      files[file.source] = before;
      articles += before.articles;
      reused += before.passages.length;
      // An unchanged file is not parsed again, so what its parse skipped is reported from the manifest.
      skipped.push(...(before.skipped ?? []));
    } else {
      const parsed = options.corpus.parseFile(file.source, read.bytes);
      skipped.push(...parsed.skipped);
      const passages = parsed.articles.flatMap((a) => chunkArticle(a, chunking));
      articles += parsed.articles.length;
      files[file.source] = { hash, articles: parsed.articles.length, passages: [] };
      if (parsed.skipped.length > 0) files[file.source].skipped = parsed.skipped;
      fresh.push({ source: file.source, passages });
    }
    progress({ phase: "reading", files: i + 1, passages: reused + fresh.reduce((n, f) => n + f.passages.length, 0) });
  }

  const removedSources = Object.keys(prior?.manifest.files ?? {}).filter(
    (source) => files[source]?.hash !== prior!.manifest.files[source].hash,
  );
  if (prior && fresh.length === 0 && removedSources.length === 0) {
    // Generations left by a killed build are cleared even when there is nothing new to publish.
    await removeStaleGenerations(options.indexDir, path.basename(prior.dir));
    return summarize({ files, articles, reused, embedded: 0, removed: 0, skipped, started, changed: false });
  }
  const previous = prior ? await openPreviousForUpdate(options) : null;
  try {
    // A generation whose vectors cannot be read (or that a concurrent swap replaced) is rebuilt from scratch.
    if (prior && previous?.dir !== prior.dir) return await buildLocked({ ...options, rebuild: true }, chunking, hnsw, started);
    const changes = { files, fresh, removedSources, skipped, articles, reused, started };
    return await writeGeneration(options, chunking, hnsw, previous, changes, progress);
  } finally {
    await previous?.close();
  }
}

interface CorpusChanges {
  files: Record<string, FileEntry>;
  fresh: Array<{ source: string; passages: Passage[] }>;
  removedSources: string[];
  skipped: Skipped[];
  articles: number;
  reused: number;
  started: number;
}

/** Applies the corpus changes to the previous generation's passages and vectors and publishes the result. */
async function writeGeneration<File extends { source: string }>(
  options: BuildOptions<File>,
  chunking: ChunkOptions,
  hnsw: HnswParams,
  previous: LoadedIndex | null,
  { files, fresh, removedSources, skipped, articles, reused, started }: CorpusChanges,
  progress: (p: Partial<BuildProgress> & Pick<BuildProgress, "phase">) => void,
): Promise<BuildSummary> {
  // Documents by label, and labels by text, from the previous generation (or empty).
  const docs = new Map<number, DocEntry>();
  const labelByText = new Map<string, number>();
  if (previous) {
    for (const label of previous.passages.labels) {
      const text = previous.passages.passage(label).text;
      docs.set(label, { text, occurrences: previous.passages.occurrences(label) });
      labelByText.set(textKey(text), label);
    }
  }

  // Remove the occurrences of deleted and changed files; a label left with none is an orphan.
  let removed = 0;
  const orphans = new Set<number>();
  for (const source of removedSources) {
    for (const { id, label } of previous!.manifest.files[source].passages) {
      const doc = docs.get(label);
      if (!doc) continue;
      doc.occurrences = doc.occurrences.filter((o) => o.id !== id);
      removed++;
      if (doc.occurrences.length === 0) orphans.add(label);
    }
  }

  // New occurrences join an existing (or orphaned) document with the same text, else need a vector.
  const toEmbed: string[] = [];
  const pendingByText = new Map<string, StoredOccurrence[]>();
  for (const { source, passages } of fresh) {
    for (const passage of passages) {
      const { text, duplicates: _duplicates, ...occurrence } = passage;
      const key = textKey(text);
      const label = labelByText.get(key);
      if (label !== undefined) {
        docs.get(label)!.occurrences.push(occurrence);
        orphans.delete(label);
        files[source].passages.push({ id: passage.id, label });
        continue;
      }
      const pending = pendingByText.get(key);
      if (pending) pending.push(occurrence);
      else {
        const occurrences = [occurrence];
        pendingByText.set(key, occurrences);
        toEmbed.push(text);
      }
    }
  }
  for (const label of orphans) {
    labelByText.delete(textKey(docs.get(label)!.text));
    docs.delete(label);
  }

  // Each batch is inserted as soon as it is embedded, so that no more than one batch of vectors is held.
  let index = previous?.store.index;
  for (const label of orphans) index!.markDelete(label);
  const firstLabel = index?.getCurrentCount() ?? 0;
  if (index && firstLabel + toEmbed.length > index.getMaxElements()) index.resizeIndex(firstLabel + toEmbed.length);
  const batchSize = options.batchSize ?? 256;
  for (let start = 0; start < toEmbed.length; start += batchSize) {
    const texts = toEmbed.slice(start, start + batchSize);
    progress({ phase: "embedding", embedded: start, toEmbed: toEmbed.length });
    const vectors = await options.embedder.embedDocuments(texts);
    if (vectors.length !== texts.length) throw new IndexError(`The embedder returned ${vectors.length} vectors for ${texts.length} texts.`);
    progress({ phase: "inserting", embedded: start + texts.length, toEmbed: toEmbed.length });
    index ??= createGraph(vectors[0].length, hnsw, toEmbed.length);
    for (const [i, vector] of vectors.entries()) {
      if (vector.length !== index.getNumDimensions()) {
        throw new IndexError(`The embedder returned a vector of ${vector.length} dimensions, expected ${index.getNumDimensions()}.`);
      }
      const label = firstLabel + start + i;
      index.addPoint(vector, label);
      const occurrences = pendingByText.get(textKey(texts[i]))!;
      docs.set(label, { text: texts[i], occurrences });
      for (const o of occurrences) files[o.source].passages.push({ id: o.id, label });
    }
  }
  // An empty corpus still gets a (empty) graph of the embedder's dimensions.
  index ??= createGraph((await options.embedder.embedQuery("dimension probe")).length, hnsw, 0);

  progress({ phase: "writing", embedded: toEmbed.length, toEmbed: toEmbed.length });
  const generationDir = path.join(options.indexDir, newGenerationName());
  await mkdir(generationDir, { recursive: true });
  const dimensions = index.getNumDimensions();
  // LangChain HNSWLib's own vector files (its args.json holds the space and dimensions).
  await index.writeIndex(path.join(generationDir, "hnswlib.index"));
  await writeFile(path.join(generationDir, "args.json"), JSON.stringify({ space: "cosine", numDimensions: dimensions }));
  const stored = [...docs.entries()].map(([label, d]) => ({ label, text: d.text, occurrences: d.occurrences }));
  await writePassageStore(path.join(generationDir, PASSAGES_FILE), stored);
  await options.onPhase?.("vectors-written");
  const passages = stored.map((d) => ({ label: d.label, text: d.text, title: d.occurrences[0].title }));
  const extras = (await options.writeExtras?.(generationDir, passages)) ?? [];
  await options.onPhase?.("extras-written");
  const fileSizes: Record<string, number> = {};
  const checksums: Record<string, string> = {};
  for (const name of [...VECTOR_FILES, PASSAGES_FILE, ...extras]) {
    fileSizes[name] = (await stat(path.join(generationDir, name))).size;
    checksums[name] = await checksumFile(path.join(generationDir, name));
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    embedder: { id: options.embedderId, dimensions },
    chunking,
    hnsw,
    files,
    skipped,
    fileSizes,
    checksums,
    builtAt: new Date().toISOString(),
  };
  manifest.checksum = computeManifestChecksum(manifest);
  await writeJsonFile(path.join(generationDir, MANIFEST_FILE), manifest);
  await publishGeneration(options.indexDir, generationDir, options.onPhase);
  return summarize({ files, articles, reused, embedded: toEmbed.length, removed, skipped, started, changed: true });
}

function createGraph(dimensions: number, hnsw: HnswParams, capacity: number): hnswlib.HierarchicalNSW {
  const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
  index.initIndex({ maxElements: Math.max(capacity, 1), m: hnsw.m, efConstruction: hnsw.efConstruction });
  return index;
}

/** The served generation's manifest when it can be updated in place: same version, embedder and settings. */
async function readPriorManifest<File extends { source: string }>(
  options: BuildOptions<File>,
  chunking: ChunkOptions,
  hnsw: HnswParams,
): Promise<{ dir: string; manifest: Manifest } | null> {
  try {
    const dir = await readCurrentGeneration(options.indexDir);
    if (!dir) return null;
    const manifest = await readManifest(dir);
    const updatable =
      manifest.version === MANIFEST_VERSION &&
      manifest.embedder?.id === options.embedderId &&
      typeof manifest.files === "object" &&
      JSON.stringify(manifest.chunking) === JSON.stringify(chunking) &&
      JSON.stringify(manifest.hnsw) === JSON.stringify(hnsw);
    return updatable ? { dir, manifest } : null;
  } catch (error) {
    // A damaged index is rebuilt from scratch rather than patched.
    if (error instanceof IndexError) return null;
    throw error;
  }
}

async function openPreviousForUpdate<File extends { source: string }>(options: BuildOptions<File>): Promise<LoadedIndex | null> {
  try {
    return await openIndexGeneration(options.indexDir, options.embedder, { expectedEmbedderId: options.embedderId });
  } catch (error) {
    if (error instanceof IndexError) return null;
    throw error;
  }
}

function summarize(s: {
  files: Record<string, FileEntry>;
  articles: number;
  reused: number;
  embedded: number;
  removed: number;
  skipped: Skipped[];
  started: number;
  changed: boolean;
}): BuildSummary {
  const chunks = Object.values(s.files).reduce((n, f) => n + f.passages.length, 0);
  return {
    files: Object.keys(s.files).length,
    articles: s.articles,
    chunks,
    embedded: s.embedded,
    reused: s.reused,
    removed: s.removed,
    skipped: s.skipped,
    seconds: Math.round((performance.now() - s.started) / 10) / 100,
    changed: s.changed,
  };
}
