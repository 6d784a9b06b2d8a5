// Opens the served index generation, checking it before trusting it: a missing, truncated or mismatched
// index is an IndexError that names the file and what to run, never a stack trace from native code.
// Loading is on the bot's start-up path, so the slow part (hnswlib reading its graph, on libuv's thread
// pool) runs while the main thread opens the passages and the lexical index.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import hnswlib from "hnswlib-node";
import type { LexicalIndex } from "../core/lexical/lexical-index.js";
import { checksumFile, IndexError, MANIFEST_FILE, OtherEmbedderIndexError, OutdatedIndexError, readCurrentGeneration } from "./index-layout.js";
import { LEXICAL_FILE, readLexicalIndex } from "./lexical-file.js";
import { computeManifestChecksum, MANIFEST_VERSION, type Manifest } from "./manifest.js";
import { openPassageStore, PASSAGES_FILE, PassageStoreError, type PassageStore } from "./passage-store.js";
import { createShardedGraph, graphFileName, type ShardedGraph } from "./sharded-graph.js";
import { DEFAULT_HNSW_EF } from "../base/config.js";

export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  /** The generation's HNSW graph: its shards, searched as one. */
  graph: ShardedGraph;
  passages: PassageStore;
  lexical: LexicalIndex;
  /** Releases the passage file; the index must not be searched afterwards. */
  close(): Promise<void>;
}

export interface OpenOptions {
  expectedEmbedderId: string;
  ef?: number;
}

const REBUILD_HINT = "Run `npm run index -- --rebuild` to build it again.";

/** Every file a generation must hold besides its manifest. */
function generationFiles(manifest: Manifest): string[] {
  return [...Array.from({ length: manifest.hnsw.shards }, (_, shard) => graphFileName(shard)), "args.json", PASSAGES_FILE, LEXICAL_FILE];
}

async function readJson<T>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new IndexError(`The index file ${file} is missing. ${REBUILD_HINT}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new IndexError(`The index file ${file} is damaged (not valid JSON). ${REBUILD_HINT}`);
  }
}

const damaged = (file: string, why: string) => new IndexError(`The index file ${file} is damaged (${why}). ${REBUILD_HINT}`);

/**
 * Checks the manifest's recorded sizes and checksums, so that a truncated or changed file never reaches
 * the native reader (which can crash the process on a changed byte instead of throwing).
 */
async function checkFiles(dir: string, manifest: Manifest): Promise<void> {
  const names = new Set<string>([...generationFiles(manifest), ...Object.keys(manifest.fileSizes ?? {}), ...Object.keys(manifest.checksums ?? {})]);
  for (const name of names) {
    if (path.basename(name) !== name) throw damaged(path.join(dir, MANIFEST_FILE), `it lists the file "${name}"`);
    const file = path.join(dir, name);
    const size = await stat(file).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) throw new IndexError(`The index file ${file} is missing. ${REBUILD_HINT}`);
    const expected = manifest.fileSizes?.[name];
    if (expected !== undefined && expected !== size) throw damaged(file, `${size} bytes, expected ${expected}`);
  }
  for (const [name, expected] of Object.entries(manifest.checksums ?? {})) {
    const file = path.join(dir, name);
    if ((await checksumFile(file).catch(() => null)) !== expected) throw damaged(file, "its checksum does not match the manifest");
  }
}

/** Reads and checks a generation's manifest alone (cheap: no vectors, no documents). */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  const manifest = await readJson<Manifest>(file);
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) throw damaged(file, "not a manifest");
  if (manifest.checksum !== undefined && manifest.checksum !== computeManifestChecksum(manifest)) {
    throw damaged(file, "its checksum does not match its content");
  }
  return manifest;
}

/** Reads the graph's shards side by side (hnswlib reads each on a thread of libuv's pool). */
async function readGraph(dir: string, manifest: Manifest): Promise<{ graph: ShardedGraph }> {
  const argsFile = path.join(dir, "args.json");
  const args = await readJson<{ space?: unknown; numDimensions?: unknown; shards?: unknown }>(argsFile);
  const space = args?.space;
  if (
    (space !== "cosine" && space !== "l2" && space !== "ip") ||
    args.numDimensions !== manifest.embedder.dimensions ||
    args.shards !== manifest.hnsw.shards
  ) {
    throw damaged(argsFile, "unexpected space, dimensions or shards");
  }
  const shards = await Promise.all(
    Array.from({ length: manifest.hnsw.shards }, async (_, shard) => {
      const file = path.join(dir, graphFileName(shard));
      const index = new hnswlib.HierarchicalNSW(space, manifest.embedder.dimensions);
      try {
        await index.readIndex(file);
      } catch {
        throw damaged(file, "hnswlib could not read it");
      }
      return index;
    }),
  );
  return { graph: createShardedGraph(shards) };
}

/** Every passage occurrence id of the manifest with its label (for look-ups by id). */
function* occurrenceLabels(manifest: Manifest): Iterable<[string, number]> {
  for (const file of Object.values(manifest.files)) for (const { id, label } of file.passages) yield [id, label];
}

export async function openPassages(dir: string, manifest: Manifest): Promise<PassageStore> {
  const file = path.join(dir, PASSAGES_FILE);
  try {
    return await openPassageStore(file, () => occurrenceLabels(manifest));
  } catch (error) {
    if (error instanceof PassageStoreError) throw damaged(file, error.message);
    throw new IndexError(`The index file ${file} is missing. ${REBUILD_HINT}`);
  }
}

/**
 * The generation CURRENT points to, its manifest and every file checked (sizes, checksums, version and
 * embedder); null when no index has been built in `indexDir`.
 */
export async function verifyCurrentGeneration(indexDir: string, expectedEmbedderId: string): Promise<{ dir: string; manifest: Manifest } | null> {
  const dir = await readCurrentGeneration(indexDir);
  if (!dir) return null;
  const manifest = await readManifest(dir);
  const shaped = Number.isInteger(manifest.hnsw?.shards) && manifest.hnsw.shards > 0 && Number.isInteger(manifest.graphSize);
  if (manifest.version !== MANIFEST_VERSION || !manifest.embedder || !manifest.files || !shaped) {
    throw new OutdatedIndexError(`The index manifest ${path.join(dir, MANIFEST_FILE)} is from another version. ${REBUILD_HINT}`);
  }
  if (manifest.embedder.id !== expectedEmbedderId) {
    throw new OtherEmbedderIndexError(
      `The index in ${indexDir} was built with the embedder "${manifest.embedder.id}" (${manifest.embedder.dimensions} dimensions), ` +
        `but the configuration asks for "${expectedEmbedderId}". Run \`npm run index -- --rebuild\` to re-embed the corpus, ` +
        "or set EMBEDDINGS_PROVIDER/EMBEDDINGS_MODEL back to what built it.",
      manifest.embedder.id,
      expectedEmbedderId,
    );
  }
  await checkFiles(dir, manifest);
  return { dir, manifest };
}

/** Opens the generation CURRENT points to; null when no index has been built in `indexDir`. */
export async function openIndexGeneration(indexDir: string, options: OpenOptions): Promise<LoadedIndex | null> {
  const verified = await verifyCurrentGeneration(indexDir, options.expectedEmbedderId);
  if (!verified) return null;
  const { dir, manifest } = verified;
  const [graph, opened, read] = await Promise.allSettled([readGraph(dir, manifest), openPassages(dir, manifest), readLexicalIndex(dir)]);
  if (graph.status === "rejected" || opened.status === "rejected" || read.status === "rejected") {
    if (opened.status === "fulfilled") await opened.value.close();
    throw [graph, opened, read].find((outcome) => outcome.status === "rejected")!.reason;
  }
  const { graph: sharded } = graph.value;
  const passages = opened.value;
  const lexical = read.value;
  if (passages.size !== lexical.liveCount) {
    await passages.close();
    throw damaged(path.join(dir, PASSAGES_FILE), `${passages.size} passages, but the lexical index has ${lexical.liveCount}`);
  }
  sharded.setEf(options.ef ?? DEFAULT_HNSW_EF);
  return { dir, manifest, graph: sharded, passages, lexical, close: () => passages.close() };
}
