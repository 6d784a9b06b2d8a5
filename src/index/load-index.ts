// Opens the served index generation, checking it before trusting it: a missing, truncated or mismatched
// index is an IndexError that names the file and what to run, never a stack trace from native code.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { TextEmbedder } from "../core/ports.js";
import type { Passage } from "../core/types.js";
import { HNSWLIB_FILES, IndexError, MANIFEST_FILE, readCurrentGeneration } from "./index-layout.js";
import { MANIFEST_VERSION, toPassage, type Manifest, type StoredDocMetadata, type StoredOccurrence } from "./manifest.js";

/** LangChain leaves HNSW's ef at 10, which loses neighbours; this is the measured default (HNSW_EF). */
export const DEFAULT_EF = 128;

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

/** Checks the manifest's recorded sizes, so a truncated file never reaches the native reader. */
async function checkFileSizes(dir: string, manifest: Manifest): Promise<void> {
  for (const name of HNSWLIB_FILES) {
    const file = path.join(dir, name);
    const size = await stat(file).then((s) => s.size, () => -1);
    if (size < 0) throw new IndexError(`The index file ${file} is missing. ${REBUILD_HINT}`);
    if (manifest.fileSizes?.[name] !== undefined && manifest.fileSizes[name] !== size) {
      throw new IndexError(
        `The index file ${file} is damaged (${size} bytes, expected ${manifest.fileSizes[name]}). ${REBUILD_HINT}`,
      );
    }
  }
}

/** Opens the generation CURRENT points to; null when no index has been built in `indexDir`. */
export async function openIndexGeneration(
  indexDir: string,
  embedder: TextEmbedder,
  options: OpenOptions,
): Promise<LoadedIndex | null> {
  const dir = await readCurrentGeneration(indexDir);
  if (!dir) return null;
  const manifest = await readJson<Manifest>(path.join(dir, MANIFEST_FILE));
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
  await checkFileSizes(dir, manifest);
  let store: HNSWLib;
  try {
    store = await HNSWLib.load(dir, embedder as never);
  } catch {
    throw new IndexError(`The index in ${dir} could not be read (hnswlib.index or docstore.json is damaged). ${REBUILD_HINT}`);
  }
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
    const passage = toPassage(doc.pageContent, occurrences);
    passagesByLabel.set(label, passage);
    occurrencesByLabel.set(label, occurrences);
    for (const o of occurrences) passagesById.set(o.id, { ...passage, ...o, text: doc.pageContent });
  }
  const labels = [...passagesByLabel.keys()].sort((a, b) => a - b);
  return { dir, manifest, store, passagesByLabel, occurrencesByLabel, passagesById, labels };
}
