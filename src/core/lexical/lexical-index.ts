// A BM25 inverted index kept as plain data: built incrementally with the HNSW index, stored beside it as
// one binary blob, and searched without any library. Pure: no fs; the only module state is scoring scratch
// memory reused between searches, which never shows in a result.
import { contentTokens } from "../text/tokenize.js";

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

/** One term's postings: parallel arrays of document slots and weighted term frequencies, `size` used. */
export interface PostingList {
  slots: Int32Array;
  weights: Float32Array;
  size: number;
}

/** Postings as loaded from disk: sorted terms and flat arrays, searched by binary search, never mutated. */
export interface FrozenPostings {
  terms: string[];
  offsets: Uint32Array;
  slots: Int32Array;
  weights: Float32Array;
}

export interface LexicalIndex {
  version: number;
  params: Bm25Params;
  /** Slot → passage id; undefined for a removed document (slots are compacted on serialization). */
  ids: (string | undefined)[];
  /** Id → slot; built on the first change after loading (loading stays fast without it). */
  slotOf?: Map<string, number>;
  /** Slot → weighted token count. */
  lengths: number[];
  liveCount: number;
  totalLength: number;
  /** Mutable postings; while `frozen` is set (just loaded, unchanged) they live there instead. */
  terms: Map<string, PostingList>;
  frozen?: FrozenPostings;
}

export interface LexicalHit {
  id: string;
  score: number;
}

/** The terms BM25 sees: the shared tokenizer's content words (lowercase, possessives folded, numbers kept). */
export function lexicalTerms(text: string): string[] {
  return contentTokens(text);
}

/** Turns loaded (frozen) postings into mutable ones: done once, on the first change after loading. */
function thaw(index: LexicalIndex): Map<string, number> {
  if (index.frozen) {
    const { terms, offsets, slots, weights } = index.frozen;
    for (let t = 0; t < terms.length; t++) {
      const from = offsets[t];
      const to = offsets[t + 1];
      // Copies, so that changes never write into the loaded bytes.
      index.terms.set(terms[t], { slots: slots.slice(from, to), weights: weights.slice(from, to), size: to - from });
    }
    index.frozen = undefined;
  }
  return slotMap(index);
}

function slotMap(index: LexicalIndex): Map<string, number> {
  if (!index.slotOf) {
    const slotOf = new Map<string, number>();
    index.ids.forEach((id, slot) => {
      if (id !== undefined) slotOf.set(id, slot);
    });
    index.slotOf = slotOf;
  }
  return index.slotOf;
}

function postingsOf(index: LexicalIndex, term: string): PostingList | undefined {
  const frozen = index.frozen;
  if (!frozen) return index.terms.get(term);
  let lo = 0;
  let hi = frozen.terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = frozen.terms[mid];
    if (t === term) {
      const from = frozen.offsets[mid];
      const to = frozen.offsets[mid + 1];
      return { slots: frozen.slots.subarray(from, to), weights: frozen.weights.subarray(from, to), size: to - from };
    }
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Number of indexed documents. */
export function lexicalIndexSize(index: LexicalIndex): number {
  return index.liveCount;
}

/** Whether a passage id is indexed. */
export function hasLexicalDoc(index: LexicalIndex, id: string): boolean {
  return slotMap(index).has(id);
}

export function createLexicalIndex(params: Bm25Params = DEFAULT_BM25): LexicalIndex {
  return {
    version: LEXICAL_INDEX_VERSION,
    params: { ...params },
    ids: [],
    lengths: [],
    liveCount: 0,
    totalLength: 0,
    terms: new Map(),
  };
}

export function buildLexicalIndex(docs: Iterable<LexicalDoc>, params: Bm25Params = DEFAULT_BM25): LexicalIndex {
  return addToLexicalIndex(createLexicalIndex(params), docs);
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

/**
 * Adds documents (mutating and returning `index`). A document whose id is already indexed replaces the
 * old one, so a changed passage can simply be added again.
 */
export function addToLexicalIndex(index: LexicalIndex, docs: Iterable<LexicalDoc>): LexicalIndex {
  const list = [...docs];
  const slotOf = thaw(index);
  const replaced = list.filter((d) => slotOf.has(d.id)).map((d) => d.id);
  if (replaced.length > 0) removeFromLexicalIndex(index, replaced);
  const { titleWeight } = index.params;
  for (const doc of list) {
    if (slotOf.has(doc.id)) continue; // the same id twice in one batch: first wins
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
    const slot = index.ids.length;
    index.ids.push(doc.id);
    slotOf.set(doc.id, slot);
    index.lengths.push(length);
    index.liveCount++;
    index.totalLength += length;
    for (const [term, weight] of counts) {
      let postings = index.terms.get(term);
      if (!postings) {
        postings = { slots: new Int32Array(2), weights: new Float32Array(2), size: 0 };
        index.terms.set(term, postings);
      }
      appendPosting(postings, slot, weight);
    }
  }
  return index;
}

/**
 * Removes documents by id (mutating and returning `index`). One sweep over all postings per call, so
 * pass every id of a build at once rather than one call per id.
 */
export function removeFromLexicalIndex(index: LexicalIndex, ids: Iterable<string>): LexicalIndex {
  let removed = 0;
  const slotOf = thaw(index);
  for (const id of ids) {
    const slot = slotOf.get(id);
    if (slot === undefined) continue;
    slotOf.delete(id);
    index.ids[slot] = undefined;
    index.totalLength -= index.lengths[slot];
    index.lengths[slot] = 0;
    index.liveCount--;
    removed++;
  }
  if (removed === 0) return index;
  for (const [term, list] of index.terms) {
    let kept = 0;
    for (let i = 0; i < list.size; i++) {
      if (index.ids[list.slots[i]] === undefined) continue;
      list.slots[kept] = list.slots[i];
      list.weights[kept] = list.weights[i];
      kept++;
    }
    list.size = kept;
    if (kept === 0) index.terms.delete(term);
  }
  return index;
}

/** BM25's idf (the Lucene form, never negative); 0 for an unknown term. */
export function inverseDocumentFrequency(index: LexicalIndex, term: string): number {
  const df = postingsOf(index, term)?.size ?? 0;
  if (df === 0) return 0;
  return Math.log(1 + (index.liveCount - df + 0.5) / (df + 0.5));
}

/** The idf a term would have if it occurred once: the weight of a word the corpus has never seen. */
export function maxInverseDocumentFrequency(index: LexicalIndex): number {
  return Math.log(1 + (index.liveCount - 0.5) / 1.5);
}

/** A bounded min-heap of (score, slot) keeping the k best; ties go to the earlier slot. */
class TopK {
  private scores: number[] = [];
  private slots: number[] = [];
  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.scores.length >= this.k;
  }

  /** The score to beat once full. */
  get floor(): number {
    return this.scores.length < this.k ? -Infinity : this.scores[0];
  }

  private less(a: number, b: number): boolean {
    // "Worse" sits at the root: lower score, or the same score and a later slot.
    return this.scores[a] < this.scores[b] || (this.scores[a] === this.scores[b] && this.slots[a] > this.slots[b]);
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b], this.scores[a]];
    [this.slots[a], this.slots[b]] = [this.slots[b], this.slots[a]];
  }

  push(score: number, slot: number): void {
    if (this.k <= 0) return;
    if (this.scores.length < this.k) {
      this.scores.push(score);
      this.slots.push(slot);
      let i = this.scores.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.less(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (score < this.scores[0] || (score === this.scores[0] && slot > this.slots[0])) return;
    this.scores[0] = score;
    this.slots[0] = slot;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.scores.length && this.less(l, m)) m = l;
      if (r < this.scores.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  /** Best first. */
  drain(): Array<{ score: number; slot: number }> {
    return this.scores
      .map((score, i) => ({ score, slot: this.slots[i] }))
      .sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}

/** Score accumulators for one index, reused across searches (zeroed again after each one). */
interface ScoreScratch {
  /** Slot → BM25 score so far; all zero between searches. */
  scores: Float64Array;
  /** The slots with a nonzero score, `touched` of them used. */
  touched: Int32Array;
  inUse: boolean;
}

// A search touches a small share of the slots; allocating and zeroing an accumulator per slot for every
// query cost as much as the scoring, and each such buffer left garbage for the collector to chase.
const scratchByIndex = new WeakMap<LexicalIndex, ScoreScratch>();

function borrowScratch(index: LexicalIndex): ScoreScratch {
  const size = index.ids.length;
  let scratch = scratchByIndex.get(index);
  if (scratch && !scratch.inUse && scratch.scores.length >= size) {
    scratch.inUse = true;
    return scratch;
  }
  scratch = { scores: new Float64Array(size), touched: new Int32Array(size), inUse: true };
  // A nested search (from inside `allow`) gets its own scratch and leaves the shared one alone.
  if (!scratchByIndex.get(index)?.inUse) scratchByIndex.set(index, scratch);
  return scratch;
}

/**
 * The k best documents for a query by BM25 (query terms counted once each), best first. `allow` filters
 * documents (e.g. by source or date) and is asked only about documents that would make the top k.
 */
export function searchLexical(
  index: LexicalIndex,
  query: string,
  k: number,
  allow?: (id: string) => boolean,
): LexicalHit[] {
  if (k <= 0 || index.liveCount === 0) return [];
  const { k1, b } = index.params;
  const averageLength = index.totalLength / index.liveCount || 1;
  const lengths = index.lengths;
  const scratch = borrowScratch(index);
  const { scores, touched } = scratch;
  let touchedCount = 0;
  try {
    for (const term of new Set(lexicalTerms(query))) {
      const list = postingsOf(index, term);
      if (!list) continue;
      const idf = inverseDocumentFrequency(index, term);
      const { slots, weights, size } = list;
      for (let i = 0; i < size; i++) {
        const slot = slots[i];
        const tf = weights[i];
        const norm = k1 * (1 - b + (b * lengths[slot]) / averageLength);
        if (scores[slot] === 0) touched[touchedCount++] = slot;
        scores[slot] += (idf * tf * (k1 + 1)) / (tf + norm);
      }
    }
    const top = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i];
      const score = scores[slot];
      if (score <= 0) continue;
      if (top.full && score < top.floor) continue;
      const id = index.ids[slot];
      if (id === undefined) continue;
      if (allow && !allow(id)) continue;
      top.push(score, slot);
    }
    return top.drain().map(({ score, slot }) => ({ id: index.ids[slot] as string, score }));
  } finally {
    for (let i = 0; i < touchedCount; i++) scores[touched[i]] = 0;
    scratch.inUse = false;
  }
}

// Layout: "NDLX", u32 version, u32 header bytes, header JSON { params, ids, terms }, padding to 4 bytes,
// then Float32 lengths[ids], Uint32 offsets[terms + 1], Int32 slots[postings], Float32 weights[postings].
// Typed arrays are views into the loaded buffer, so loading is one JSON.parse and no per-posting work.
const MAGIC = 0x584c444e; // "NDLX" little-endian

/** Plain code-unit order: the order binary search over the loaded terms relies on. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compacts removed slots away and writes the index as bytes. */
export function serializeLexicalIndex(index: LexicalIndex): Uint8Array {
  const newSlot = new Int32Array(index.ids.length).fill(-1);
  const ids: string[] = [];
  const lengths: number[] = [];
  index.ids.forEach((id, slot) => {
    if (id === undefined) return;
    newSlot[slot] = ids.length;
    ids.push(id);
    lengths.push(index.lengths[slot]);
  });
  const terms: string[] = [];
  let total = 0;
  const termList = index.frozen ? index.frozen.terms : [...index.terms.keys()].sort(compareCodeUnits);
  for (const term of termList) {
    const size = postingsOf(index, term)?.size ?? 0;
    if (size === 0) continue;
    terms.push(term);
    total += size;
  }
  const header = new TextEncoder().encode(JSON.stringify({ params: index.params, ids, terms }));
  const headerEnd = 12 + header.length;
  const dataStart = (headerEnd + 3) & ~3;
  const byteLength = dataStart + 4 * (ids.length + terms.length + 1 + 2 * total);
  const bytes = new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, index.version, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  let at = dataStart;
  const lengthArray = new Float32Array(bytes.buffer, at, ids.length);
  lengthArray.set(lengths);
  at += 4 * ids.length;
  const offsets = new Uint32Array(bytes.buffer, at, terms.length + 1);
  at += 4 * (terms.length + 1);
  const slots = new Int32Array(bytes.buffer, at, total);
  at += 4 * total;
  const weights = new Float32Array(bytes.buffer, at, total);
  let p = 0;
  terms.forEach((term, t) => {
    const list = postingsOf(index, term) as PostingList;
    offsets[t] = p;
    for (let i = 0; i < list.size; i++) {
      slots[p] = newSlot[list.slots[i]];
      weights[p] = list.weights[i];
      p++;
    }
  });
  offsets[terms.length] = p;
  return bytes;
}

export class LexicalIndexFormatError extends Error {
  override name = "LexicalIndexFormatError";
}

/** Reads bytes written by serializeLexicalIndex; throws LexicalIndexFormatError on anything else. */
export function deserializeLexicalIndex(input: Uint8Array): LexicalIndex {
  // Copy into a 4-byte-aligned buffer of our own when the input (e.g. a Node Buffer slice) is not.
  const bytes = input.byteOffset % 4 === 0 ? input : new Uint8Array(input);
  if (bytes.byteLength < 12) throw new LexicalIndexFormatError("lexical index is truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new LexicalIndexFormatError("not a lexical index file");
  const version = view.getUint32(4, true);
  if (version !== LEXICAL_INDEX_VERSION) {
    throw new LexicalIndexFormatError(`lexical index version ${version}, expected ${LEXICAL_INDEX_VERSION}`);
  }
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.byteLength) throw new LexicalIndexFormatError("lexical index is truncated");
  let header: { params: Bm25Params; ids: string[]; terms: string[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new LexicalIndexFormatError("lexical index header is damaged");
  }
  const { params, ids, terms } = header;
  let at = bytes.byteOffset + ((12 + headerLength + 3) & ~3);
  const end = bytes.byteOffset + bytes.byteLength;
  const need = (count: number) => {
    if (at + 4 * count > end) throw new LexicalIndexFormatError("lexical index is truncated");
  };
  need(ids.length + terms.length + 1);
  const lengths = Array.from(new Float32Array(bytes.buffer, at, ids.length));
  at += 4 * ids.length;
  const offsets = new Uint32Array(bytes.buffer, at, terms.length + 1);
  at += 4 * (terms.length + 1);
  const total = offsets[terms.length];
  need(2 * total);
  const allSlots = new Int32Array(bytes.buffer, at, total);
  at += 4 * total;
  const allWeights = new Float32Array(bytes.buffer, at, total);
  for (let t = 1; t < terms.length; t++) {
    if (!(terms[t - 1] < terms[t])) throw new LexicalIndexFormatError("lexical index terms are not sorted");
  }
  let totalLength = 0;
  for (const length of lengths) totalLength += length;
  return {
    version,
    params,
    ids,
    lengths,
    liveCount: ids.length,
    totalLength,
    terms: new Map(),
    frozen: { terms, offsets, slots: allSlots, weights: allWeights },
  };
}
