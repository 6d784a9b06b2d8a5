// The offline default embedder: signed feature hashing of words and word pairs. Nothing to download,
// deterministic, and fast; the lexical channel and the re-ranker carry most of retrieval quality.
import { Embeddings } from "@langchain/core/embeddings";
import { contentTokens } from "../core/text/tokenize.js";

export const LOCAL_EMBEDDER_DIMENSIONS = 512;

/** FNV-1a: cheap, well spread, and stable across runs and machines. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Embeds one text: sublinear term frequency, a sign bit against collision bias, unit length. */
export function embedHashed(text: string, dimensions: number = LOCAL_EMBEDDER_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  const counts = new Map<string, number>();
  const tokens = contentTokens(text);
  for (let i = 0; i < tokens.length; i++) {
    counts.set(tokens[i], (counts.get(tokens[i]) ?? 0) + 1);
    if (i + 1 < tokens.length) {
      const pair = `${tokens[i]} ${tokens[i + 1]}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 0.5);
    }
  }
  for (const [feature, count] of counts) {
    const h = hash32(feature);
    vector[h % dimensions] += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(count));
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return Array.from(vector, (x) => x / norm);
}

export class LocalHashEmbeddings extends Embeddings {
  readonly id = `local-hash-v1-${LOCAL_EMBEDDER_DIMENSIONS}`;
  readonly dimensions = LOCAL_EMBEDDER_DIMENSIONS;

  constructor() {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => embedHashed(t, this.dimensions));
  }

  async embedQuery(text: string): Promise<number[]> {
    return embedHashed(text, this.dimensions);
  }
}
