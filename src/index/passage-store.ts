// The passages of an index generation in one binary file, read lazily. Loading reads only a small header
// (the article table and, per HNSW label, which articles its text occurs in); a passage's text and line
// provenance are read from disk when a search first needs them. A JSON docstore of 100k passages took
// about 3 s to read and parse and held every passage in memory; this opens in tens of milliseconds.
//
// Layout, little-endian:
//   "NDPS" · u32 version · u32 labelSpace L · u32 occurrences O · u32 header bytes H
//   header: UTF-8 JSON { articles: [source, title, url | null, date | null][] }
//   zero padding to a multiple of 8
//   recordStart: f64[L + 1]  byte offsets of each label's record within the records region
//   occurrenceStart: u32[L + 1]  each label's slice of articleRefs
//   articleRefs: u32[O]  the article of each occurrence, in the record's occurrence order
//   records: per label, UTF-8 JSON { text, occurrences: [{ id, lines, lineMap }] }; empty for a deleted label
import { open, type FileHandle } from "node:fs/promises";
import { readSync } from "node:fs";
import type { LineRange, Passage } from "../core/types.js";
import type { StoredOccurrence } from "./manifest.js";
import { toPassage } from "./manifest.js";

export const PASSAGES_FILE = "passages.bin";
const MAGIC = "NDPS";
const VERSION = 1;
const FIXED_HEADER_BYTES = 20;
/** Decoded passages kept in memory: a search touches about a hundred, so this holds dozens of searches. */
const CACHE_SIZE = 4096;

/** A stored document: one distinct passage text and every place it occurs. */
export interface StoredPassage {
  label: number;
  text: string;
  occurrences: StoredOccurrence[];
}

/** Where an article of the store came from (what filters and article listings need, without any text). */
export interface StoredArticle {
  source: string;
  title: string;
  url?: string;
  date?: string;
}

export class PassageStoreError extends Error {
  override name = "PassageStoreError";
}

interface RecordOccurrence {
  id: string;
  lines: LineRange;
  lineMap: LineRange[];
}

/** Serializes passages (any label order) into the store's bytes, as consecutive pieces. */
export function encodePassageStore(passages: Iterable<StoredPassage>): Buffer[] {
  const sorted = [...passages].sort((a, b) => a.label - b.label);
  const labelSpace = sorted.length === 0 ? 0 : sorted[sorted.length - 1].label + 1;
  const articles: StoredArticle[] = [];
  const articleIndex = new Map<string, number>();
  const articleOf = (o: StoredOccurrence): number => {
    const key = JSON.stringify([o.source, o.title, o.url ?? null, o.date ?? null]);
    let index = articleIndex.get(key);
    if (index === undefined) {
      index = articles.length;
      articleIndex.set(key, index);
      articles.push({ source: o.source, title: o.title, url: o.url, date: o.date });
    }
    return index;
  };

  const recordStart = new Float64Array(labelSpace + 1);
  const occurrenceStart = new Uint32Array(labelSpace + 1);
  const refs: number[] = [];
  const records: Buffer[] = [];
  let recordBytes = 0;
  let next = 0;
  for (let label = 0; label < labelSpace; label++) {
    recordStart[label] = recordBytes;
    occurrenceStart[label] = refs.length;
    const passage = sorted[next]?.label === label ? sorted[next++] : undefined;
    if (!passage) continue;
    const occurrences: RecordOccurrence[] = passage.occurrences.map((o) => {
      refs.push(articleOf(o));
      return { id: o.id, lines: o.lines, lineMap: o.lineMap };
    });
    const record = Buffer.from(JSON.stringify({ text: passage.text, occurrences }), "utf8");
    records.push(record);
    recordBytes += record.length;
  }
  recordStart[labelSpace] = recordBytes;
  occurrenceStart[labelSpace] = refs.length;

  const header = Buffer.from(JSON.stringify({ articles: articles.map((a) => [a.source, a.title, a.url ?? null, a.date ?? null]) }), "utf8");
  const fixed = Buffer.alloc(FIXED_HEADER_BYTES);
  fixed.write(MAGIC, 0, "latin1");
  fixed.writeUInt32LE(VERSION, 4);
  fixed.writeUInt32LE(labelSpace, 8);
  fixed.writeUInt32LE(refs.length, 12);
  fixed.writeUInt32LE(header.length, 16);
  const padding = Buffer.alloc((8 - ((FIXED_HEADER_BYTES + header.length) % 8)) % 8);
  return [
    fixed,
    header,
    padding,
    Buffer.from(recordStart.buffer),
    Buffer.from(occurrenceStart.buffer),
    Buffer.from(Uint32Array.from(refs).buffer),
    ...records,
  ];
}

export async function writePassageStore(file: string, passages: Iterable<StoredPassage>): Promise<void> {
  const pieces = encodePassageStore(passages);
  const handle = await open(file, "w");
  try {
    // In slices: one writev of 100k buffers exceeds the system's limit on buffers per call.
    for (let i = 0; i < pieces.length; i += 1024) {
      const slice = pieces.slice(i, i + 1024);
      const { bytesWritten } = await handle.writev(slice);
      const expected = slice.reduce((n, b) => n + b.length, 0);
      if (bytesWritten !== expected) throw new PassageStoreError(`Writing ${file} stopped after ${bytesWritten} of ${expected} bytes.`);
    }
  } finally {
    await handle.close();
  }
}

/** An opened store. Reads after `close()` throw rather than read whatever file reused the descriptor. */
export interface PassageStore {
  /** Live passages (labels with a record). */
  readonly size: number;
  /** Live labels, ascending. */
  readonly labels: readonly number[];
  readonly articles: readonly StoredArticle[];
  has(label: number): boolean;
  /** The articles a label's text occurs in, primary occurrence first (no disk read). */
  articlesOf(label: number): StoredArticle[];
  /** The passage a label holds (its first occurrence, the others as duplicates); read from disk once, then cached. */
  passage(label: number): Passage;
  occurrences(label: number): StoredOccurrence[];
  /** Looks a passage occurrence up by its id; undefined when no live passage has it. */
  passageById(id: string): Passage | undefined;
  close(): Promise<void>;
}

/**
 * Opens a store written by `writePassageStore`. `idsOf` lists each label's occurrence ids (the manifest has
 * them), so that look-ups by id need no scan of the records; it is called on the first such look-up.
 */
export async function openPassageStore(file: string, idsOf: () => Iterable<[id: string, label: number]>): Promise<PassageStore> {
  const handle = await open(file, "r");
  try {
    return await readStore(handle, file, idsOf);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readExactly(handle: FileHandle, length: number, position: number, file: string): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) throw new PassageStoreError(`${file} ends early (${position + bytesRead} bytes).`);
  return buffer;
}

async function readStore(handle: FileHandle, file: string, idsOf: () => Iterable<[string, number]>): Promise<PassageStore> {
  const fixed = await readExactly(handle, FIXED_HEADER_BYTES, 0, file);
  if (fixed.toString("latin1", 0, 4) !== MAGIC || fixed.readUInt32LE(4) !== VERSION) {
    throw new PassageStoreError(`${file} is not a passage store of version ${VERSION}.`);
  }
  const labelSpace = fixed.readUInt32LE(8);
  const occurrenceCount = fixed.readUInt32LE(12);
  const headerBytes = fixed.readUInt32LE(16);
  const header = JSON.parse((await readExactly(handle, headerBytes, FIXED_HEADER_BYTES, file)).toString("utf8")) as {
    articles: Array<[string, string, string | null, string | null]>;
  };
  const articles: StoredArticle[] = header.articles.map(([source, title, url, date]) => ({
    source,
    title,
    ...(url !== null && { url }),
    ...(date !== null && { date }),
  }));
  const tablesAt = FIXED_HEADER_BYTES + headerBytes + ((8 - ((FIXED_HEADER_BYTES + headerBytes) % 8)) % 8);
  const tableBytes = 8 * (labelSpace + 1) + 4 * (labelSpace + 1) + 4 * occurrenceCount;
  // Buffer.alloc of this size owns its ArrayBuffer from offset 0, so the typed views below are aligned.
  const tables = await readExactly(handle, tableBytes, tablesAt, file);
  const recordStart = new Float64Array(tables.buffer, tables.byteOffset, labelSpace + 1);
  const occurrenceStart = new Uint32Array(tables.buffer, tables.byteOffset + 8 * (labelSpace + 1), labelSpace + 1);
  const articleRefs = new Uint32Array(tables.buffer, tables.byteOffset + 12 * (labelSpace + 1), occurrenceCount);
  const recordsAt = tablesAt + tableBytes;
  const fileBytes = (await handle.stat()).size;
  if (recordsAt + recordStart[labelSpace] !== fileBytes)
    throw new PassageStoreError(`${file} is ${fileBytes} bytes, its tables say ${recordsAt + recordStart[labelSpace]}.`);
  if (articleRefs.some((ref) => ref >= articles.length)) throw new PassageStoreError(`${file} refers to an article it does not list.`);

  const labels: number[] = [];
  for (let label = 0; label < labelSpace; label++) if (recordStart[label + 1] > recordStart[label]) labels.push(label);
  const has = (label: number) => label >= 0 && label < labelSpace && recordStart[label + 1] > recordStart[label];
  const fd = handle.fd;
  let closed = false;
  let scratch = Buffer.alloc(64 * 1024);
  const cache = new Map<number, { passage: Passage; occurrences: StoredOccurrence[] }>();

  const readRecord = (label: number) => {
    if (closed) throw new PassageStoreError(`${file} was closed.`);
    const start = recordStart[label];
    const length = recordStart[label + 1] - start;
    if (scratch.length < length) scratch = Buffer.alloc(length);
    if (readSync(fd, scratch, 0, length, recordsAt + start) !== length) throw new PassageStoreError(`${file} ends early.`);
    let record: { text: string; occurrences: RecordOccurrence[] };
    try {
      record = JSON.parse(scratch.toString("utf8", 0, length));
    } catch {
      throw new PassageStoreError(`${file} has a damaged record (label ${label}).`);
    }
    const refs = articleRefs.subarray(occurrenceStart[label], occurrenceStart[label + 1]);
    if (!Array.isArray(record.occurrences) || record.occurrences.length !== refs.length || refs.length === 0) {
      throw new PassageStoreError(`${file} has a damaged record (label ${label}).`);
    }
    const occurrences: StoredOccurrence[] = record.occurrences.map((o, i) => ({
      id: o.id,
      ...articles[refs[i]],
      lines: o.lines,
      lineMap: o.lineMap,
    }));
    return { passage: toPassage(record.text, occurrences), occurrences };
  };
  const decoded = (label: number) => {
    if (!has(label)) throw new PassageStoreError(`${file} has no passage with label ${label}.`);
    let entry = cache.get(label);
    if (entry) {
      // Re-inserting keeps the map in least-recently-used order.
      cache.delete(label);
    } else {
      entry = readRecord(label);
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(label, entry);
    return entry;
  };

  let labelById: Map<string, number> | undefined;
  return {
    size: labels.length,
    labels,
    articles,
    has,
    articlesOf: (label) =>
      has(label) ? Array.from(articleRefs.subarray(occurrenceStart[label], occurrenceStart[label + 1]), (ref) => articles[ref]) : [],
    passage: (label) => decoded(label).passage,
    occurrences: (label) => decoded(label).occurrences,
    passageById(id) {
      labelById ??= new Map(idsOf());
      const label = labelById.get(id);
      if (label === undefined || !has(label)) return undefined;
      const { passage, occurrences } = decoded(label);
      const occurrence = occurrences.find((o) => o.id === id);
      return occurrence && { ...passage, ...occurrence, text: passage.text };
    },
    async close() {
      if (closed) return;
      closed = true;
      cache.clear();
      await handle.close();
    },
  };
}
