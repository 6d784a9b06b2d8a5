// Opens the served index generation, checking it before trusting it: a missing, truncated or mismatched
// index is an IndexError that names the file and what to run, never a stack trace from native code.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Document } from "@langchain/core/documents";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import hnswlib from "hnswlib-node";
import type { TextEmbedder } from "../core/ports.js";
import type { Passage } from "../core/types.js";
import { hashFile, HNSWLIB_FILES, IndexError, MANIFEST_FILE, readCurrentGeneration } from "./index-layout.js";
import {
  computeManifestChecksum,
  MANIFEST_VERSION,
  toPassage,
  type Manifest,
  type StoredDocMetadata,
  type StoredOccurrence,
} from "./manifest.js";

/** LangChain leaves HNSW's ef at 10, which loses neighbours; this is the measured default (HNSW_EF). */
export const DEFAULT_EF = 256;

export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  store: HNSWLib;
  passagesByLabel: Map<number, Passage>;
  occurrencesByLabel: Map<number, StoredOccurrence[]>;
  passagesById: Map<string, Passage>;
  /** Live passage labels in label order (for lexical ids and brute-force checks). */
  labels: number[];
}

export interface OpenOptions {
  expectedEmbedderId: string;
  ef?: number;
}

const REBUILD_HINT = "Run `npm run index -- --rebuild` to build it again.";

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
  const names = new Set<string>([...HNSWLIB_FILES, ...Object.keys(manifest.fileSizes ?? {}), ...Object.keys(manifest.checksums ?? {})]);
  for (const name of names) {
    if (path.basename(name) !== name) throw damaged(path.join(dir, MANIFEST_FILE), `it lists the file "${name}"`);
    const file = path.join(dir, name);
    const size = await stat(file).then((s) => s.size, () => -1);
    if (size < 0) throw new IndexError(`The index file ${file} is missing. ${REBUILD_HINT}`);
    const expected = manifest.fileSizes?.[name];
    if (expected !== undefined && expected !== size) throw damaged(file, `${size} bytes, expected ${expected}`);
  }
  for (const [name, expected] of Object.entries(manifest.checksums ?? {})) {
    const file = path.join(dir, name);
    if ((await hashFile(file).catch(() => null)) !== expected) throw damaged(file, "its checksum does not match the manifest");
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

/** Reads HNSWLib's three files one by one, so that an error names the file at fault. */
async function loadStore(dir: string, manifest: Manifest, embedder: TextEmbedder): Promise<HNSWLib> {
  const argsFile = path.join(dir, "args.json");
  const args = await readJson<{ space?: unknown; numDimensions?: unknown }>(argsFile);
  const space = args?.space;
  if ((space !== "cosine" && space !== "l2" && space !== "ip") || args.numDimensions !== manifest.embedder.dimensions) {
    throw damaged(argsFile, "unexpected space or dimensions");
  }
  const docstoreFile = path.join(dir, "docstore.json");
  const entries = await readJson<unknown>(docstoreFile);
  const isEntry = (e: unknown): e is [string, Document] =>
    Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1]?.pageContent === "string";
  if (!Array.isArray(entries) || !entries.every(isEntry)) throw damaged(docstoreFile, "not a list of documents");
  const indexFile = path.join(dir, "hnswlib.index");
  const index = new hnswlib.HierarchicalNSW(space, manifest.embedder.dimensions);
  try {
    await index.readIndex(indexFile);
  } catch {
    throw damaged(indexFile, "hnswlib could not read it");
  }
  const store = new HNSWLib(embedder as never, { space, numDimensions: manifest.embedder.dimensions, index });
  for (const [key, doc] of entries) store.docstore._docs.set(key, doc);
  return store;
}

/** Opens the generation CURRENT points to; null when no index has been built in `indexDir`. */
export async function openIndexGeneration(
  indexDir: string,
  embedder: TextEmbedder,
  options: OpenOptions,
): Promise<LoadedIndex | null> {
  const dir = await readCurrentGeneration(indexDir);
  if (!dir) return null;
  const manifest = await readManifest(dir);
  if (manifest.version !== MANIFEST_VERSION || !manifest.embedder || !manifest.files) {
    throw new IndexError(`The index manifest ${path.join(dir, MANIFEST_FILE)} is from another version. ${REBUILD_HINT}`);
  }
  if (manifest.embedder.id !== options.expectedEmbedderId) {
    throw new IndexError(
      `The index in ${indexDir} was built with the embedder "${manifest.embedder.id}" (${manifest.embedder.dimensions} dimensions), ` +
        `but the configuration asks for "${options.expectedEmbedderId}". Run \`npm run index -- --rebuild\` to re-embed the corpus, ` +
        `or set EMBEDDINGS_PROVIDER/EMBEDDINGS_MODEL back to what built it.`,
    );
  }
  await checkFiles(dir, manifest);
  const store = await loadStore(dir, manifest, embedder);
  store.index.setEf(options.ef ?? DEFAULT_EF);

  const passagesByLabel = new Map<number, Passage>();
  const occurrencesByLabel = new Map<number, StoredOccurrence[]>();
  const passagesById = new Map<string, Passage>();
  for (const [key, doc] of store.docstore._docs) {
    const { occurrences } = doc.metadata as StoredDocMetadata;
    if (!Array.isArray(occurrences) || occurrences.length === 0) {
      throw new IndexError(`The index file ${path.join(dir, "docstore.json")} is damaged (entry ${key}). ${REBUILD_HINT}`);
    }
    const label = Number(key);
    if (!Number.isInteger(label) || label < 0) throw damaged(path.join(dir, "docstore.json"), `entry ${key}`);
    const passage = toPassage(doc.pageContent, occurrences);
    passagesByLabel.set(label, passage);
    occurrencesByLabel.set(label, occurrences);
    for (const o of occurrences) passagesById.set(o.id, { ...passage, ...o, text: doc.pageContent });
  }
  const labels = [...passagesByLabel.keys()].sort((a, b) => a - b);
  return { dir, manifest, store, passagesByLabel, occurrencesByLabel, passagesById, labels };
}
