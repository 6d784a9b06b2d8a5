// The manifest: what an index generation was built from and with, so that a later build can reuse it and a
// load can refuse an index that does not match the configured embedder.
import { createHash } from "node:crypto";
import type { ChunkOptions } from "../core/ingest/chunk-article.js";
import type { Passage, Skipped } from "../core/types.js";

/**
 * 2: passages in passages.bin (was docstore.json), CRC-32 checksums (were sha256).
 * 3: text composed to NFC and split at story boundaries: passages of unchanged files differ, so an index of
 *    version 2 is rebuilt whole instead of reusing them.
 */
export const MANIFEST_VERSION = 3;

export interface HnswParams {
  m: number;
  efConstruction: number;
  /** Graphs the vectors are split into (label mod shards), one per core while building. */
  shards: number;
}

/**
 * HNSW graph parameters, chosen by measurement (docs/performance.md): M 32 with efConstruction 64 reaches
 * recall@10 0.98 at 100k passages of the local embedder's near-orthogonal vectors, where M 16 cannot at a
 * search cost that fits; two shards build on both cores of the reference machine.
 */
export const DEFAULT_HNSW: HnswParams = { m: 32, efConstruction: 64, shards: 2 };

export interface FileEntry {
  /** sha256 of the file's bytes. */
  hash: string;
  articles: number;
  /** Each passage occurrence from this file: its id and the HNSW label holding its text. */
  passages: Array<{ id: string; label: number }>;
  /** What parsing this file skipped (a bad record, a binary file): reported again by builds that reuse it. */
  skipped?: Skipped[];
}

export interface Manifest {
  version: number;
  embedder: { id: string; dimensions: number };
  chunking: ChunkOptions;
  hnsw: HnswParams;
  files: Record<string, FileEntry>;
  /** Vectors in hnswlib.index, deleted ones included: the label the next new passage gets. */
  graphSize: number;
  skipped: Skipped[];
  /** Byte sizes of the generation's other files, to detect truncation before a native read. */
  fileSizes: Record<string, number>;
  /**
   * sha256 (hex) of the generation's other files. Sizes miss a changed byte, and one changed neighbour id in
   * hnswlib.index crashes the process (SIGSEGV) at the first search. Absent in manifests written before.
   */
  checksums?: Record<string, string>;
  builtAt: string;
  /**
   * When the build began (before any file was read). A file modified after it may have changed after it was
   * read, so the stale check compares with this, not with `builtAt`. Absent in manifests written before.
   */
  startedAt?: string;
  /** sha256 of this manifest's JSON without this field, so that a changed byte in the manifest is caught too. */
  checksum?: string;
}

/** The manifest's own checksum: over its JSON without `checksum` (a parse and stringify give the same text). */
export function computeManifestChecksum(manifest: Manifest): string {
  const { checksum: _checksum, ...rest } = manifest;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

/** A passage occurrence as stored in the docstore (the text is the document's pageContent). */
export type StoredOccurrence = Omit<Passage, "text" | "duplicates">;

/** The passage a stored document represents: its first occurrence, with the others as duplicates. */
export function toPassage(text: string, occurrences: StoredOccurrence[]): Passage {
  const [first, ...rest] = occurrences;
  const passage: Passage = { ...first, text };
  if (rest.length > 0) {
    passage.duplicates = rest.map(({ source, title, url, date, lines }) => ({ source, title, url, date, lines }));
  }
  return passage;
}
