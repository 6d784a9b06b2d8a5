// A BM25 inverted index kept as plain data: built in one pass from all passages of a generation (every build
// builds it anew), stored beside the HNSW index as one binary blob (lexical-codec.ts), and searched without
// any library. Pure: no fs; the only module state is the scoring scratch of score-scratch.ts.
import { contentTokens } from "../text/tokenize.js";
import { borrowScoreScratch, releaseScoreScratch } from "./score-scratch.js";
import { TopKHeap } from "./top-k-heap.js";

export interface Bm25Params {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalization (0 = none, 1 = full). */
  b: number;
  /** How much a title word counts compared with a body word; the title is indexed with every passage. */
  titleWeight: number;
}

/** Fitted on the news-eval dev questions (docs/retrieval.md). */
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75, titleWeight: 1 };

/** Bumped whenever tokenization or the stored layout changes, so that an old index is rebuilt, not misread. */
export const LEXICAL_INDEX_VERSION = 1;

export interface LexicalDoc {
  id: string;
  text: string;
  title?: string;
}

/**
 * The same shape whether just built or loaded from disk: postings as sorted terms and flat typed arrays
 * (term t's postings are offsets[t] up to offsets[t + 1] of `slots` and `weights`, slots ascending),
 * searched by binary search and never changed after building.
 */
export interface LexicalIndex {
  version: number;
  params: Bm25Params;
  /** Slot → passage id. */
  ids: string[];
  /** Slot → weighted token count. */
  lengths: number[];
  /** Number of documents (ids.length). */
  liveCount: number;
  totalLength: number;
  /** In code-unit order (compareCodeUnits), the order the binary search relies on. */
  terms: string[];
  offsets: Uint32Array;
  slots: Int32Array;
  /** Weighted term frequency of each posting. */
  weights: Float32Array;
}

export interface LexicalHit {
  id: string;
  score: number;
}

/** The terms BM25 sees: the shared tokenizer's content words (lowercase, possessives folded, numbers kept). */
export function lexicalTerms(text: string): string[] {
  return contentTokens(text);
}

/** Plain code-unit order: the order binary search over the terms relies on. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Number of indexed documents. */
export function lexicalIndexSize(index: LexicalIndex): number {
  return index.liveCount;
}

/** One term's postings while building: parallel growing arrays, `size` of them used. */
interface PostingList {
  slots: Int32Array;
  weights: Float32Array;
  size: number;
}

function appendPosting(list: PostingList, slot: number, weight: number): void {
  if (list.size === list.slots.length) {
    const capacity = Math.max(4, list.size * 2);
    const slots = new Int32Array(capacity);
    slots.set(list.slots.subarray(0, list.size));
    const weights = new Float32Array(capacity);
    weights.set(list.weights.subarray(0, list.size));
    list.slots = slots;
    list.weights = weights;
  }
  list.slots[list.size] = slot;
  list.weights[list.size] = weight;
  list.size++;
}

/** Indexes documents in the order given (slot = position); of two documents with the same id the first wins. */
export function buildLexicalIndex(docs: Iterable<LexicalDoc>, params: Bm25Params = DEFAULT_BM25): LexicalIndex {
  const { titleWeight } = params;
  const ids: string[] = [];
  const seen = new Set<string>();
  const lengths: number[] = [];
  let totalLength = 0;
  const postings = new Map<string, PostingList>();
  for (const doc of docs) {
    if (seen.has(doc.id)) continue;
    seen.add(doc.id);
    const counts = new Map<string, number>();
    let length = 0;
    for (const term of lexicalTerms(doc.text)) {
      counts.set(term, (counts.get(term) ?? 0) + 1);
      length += 1;
    }
    if (doc.title && titleWeight > 0) {
      for (const term of lexicalTerms(doc.title)) {
        counts.set(term, (counts.get(term) ?? 0) + titleWeight);
        length += titleWeight;
      }
    }
    const slot = ids.length;
    ids.push(doc.id);
    lengths.push(length);
    totalLength += length;
    for (const [term, weight] of counts) {
      let list = postings.get(term);
      if (!list) {
        list = { slots: new Int32Array(2), weights: new Float32Array(2), size: 0 };
        postings.set(term, list);
      }
      appendPosting(list, slot, weight);
    }
  }
  const terms = [...postings.keys()].sort(compareCodeUnits);
  let total = 0;
  for (const term of terms) total += (postings.get(term) as PostingList).size;
  const offsets = new Uint32Array(terms.length + 1);
  const slots = new Int32Array(total);
  const weights = new Float32Array(total);
  let at = 0;
  terms.forEach((term, t) => {
    const list = postings.get(term) as PostingList;
    offsets[t] = at;
    slots.set(list.slots.subarray(0, list.size), at);
    weights.set(list.weights.subarray(0, list.size), at);
    at += list.size;
  });
  offsets[terms.length] = at;
  return {
    version: LEXICAL_INDEX_VERSION,
    params: { ...params },
    ids,
    lengths,
    liveCount: ids.length,
    totalLength,
    terms,
    offsets,
    slots,
    weights,
  };
}

/** The position of a term in `index.terms`, or -1. */
function findTerm(index: LexicalIndex, term: string): number {
  const { terms } = index;
  let lo = 0;
  let hi = terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = terms[mid];
    if (t === term) return mid;
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function documentFrequency(index: LexicalIndex, position: number): number {
  return position < 0 ? 0 : index.offsets[position + 1] - index.offsets[position];
}

/** BM25's idf (the Lucene form, never negative); 0 for an unknown term. */
export function inverseDocumentFrequency(index: LexicalIndex, term: string): number {
  const df = documentFrequency(index, findTerm(index, term));
  if (df === 0) return 0;
  return Math.log(1 + (index.liveCount - df + 0.5) / (df + 0.5));
}

/**
 * The k best documents for a query by BM25 (query terms counted once each), best first. `allow` filters
 * documents (e.g. by source or date) and is asked only about documents that would make the top k.
 */
export function searchLexical(index: LexicalIndex, query: string, k: number, allow?: (id: string) => boolean): LexicalHit[] {
  if (k <= 0 || index.liveCount === 0) return [];
  const { k1, b } = index.params;
  const averageLength = index.totalLength / index.liveCount || 1;
  const { lengths, offsets, slots, weights } = index;
  const scratch = borrowScoreScratch(index, index.ids.length);
  const { scores, touched } = scratch;
  let touchedCount = 0;
  try {
    for (const term of new Set(lexicalTerms(query))) {
      const position = findTerm(index, term);
      if (position < 0) continue;
      const idf = inverseDocumentFrequency(index, term);
      const to = offsets[position + 1];
      for (let i = offsets[position]; i < to; i++) {
        const slot = slots[i];
        const tf = weights[i];
        const norm = k1 * (1 - b + (b * lengths[slot]) / averageLength);
        if (scores[slot] === 0) touched[touchedCount++] = slot;
        scores[slot] += (idf * tf * (k1 + 1)) / (tf + norm);
      }
    }
    const top = new TopKHeap(k);
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i];
      const score = scores[slot];
      if (score <= 0) continue;
      if (top.full && score < top.floor) continue;
      if (allow && !allow(index.ids[slot])) continue;
      top.push(score, slot);
    }
    return top.drain().map(({ score, slot }) => ({ id: index.ids[slot], score }));
  } finally {
    releaseScoreScratch(scratch, touchedCount);
  }
}
