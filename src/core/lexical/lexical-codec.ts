// The binary layout of lexical.bin. Layout: "NDLX", u32 version, u32 header bytes, header JSON
// { params, ids, terms }, padding to 4 bytes, then Float32 lengths[ids], Uint32 offsets[terms + 1],
// Int32 slots[postings], Float32 weights[postings]. Typed arrays are views into the loaded buffer, so
// loading is one JSON.parse and no per-posting work.
import { LEXICAL_INDEX_VERSION, type Bm25Params, type LexicalIndex } from "./lexical-index.js";

const MAGIC = 0x584c444e; // "NDLX" little-endian

export class LexicalIndexFormatError extends Error {
  override name = "LexicalIndexFormatError";
}

/** Writes the index as bytes (the layout above). */
export function serializeLexicalIndex(index: LexicalIndex): Uint8Array {
  const { ids, terms } = index;
  const total = index.slots.length;
  const header = new TextEncoder().encode(JSON.stringify({ params: index.params, ids, terms }));
  const dataStart = (12 + header.length + 3) & ~3;
  const bytes = new Uint8Array(dataStart + 4 * (ids.length + terms.length + 1 + 2 * total));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, index.version, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  let at = dataStart;
  new Float32Array(bytes.buffer, at, ids.length).set(index.lengths);
  at += 4 * ids.length;
  new Uint32Array(bytes.buffer, at, terms.length + 1).set(index.offsets);
  at += 4 * (terms.length + 1);
  new Int32Array(bytes.buffer, at, total).set(index.slots);
  at += 4 * total;
  new Float32Array(bytes.buffer, at, total).set(index.weights);
  return bytes;
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
  const slots = new Int32Array(bytes.buffer, at, total);
  at += 4 * total;
  const weights = new Float32Array(bytes.buffer, at, total);
  for (let t = 1; t < terms.length; t++) {
    if (!(terms[t - 1] < terms[t])) throw new LexicalIndexFormatError("lexical index terms are not sorted");
  }
  let totalLength = 0;
  for (const length of lengths) totalLength += length;
  return { version, params, ids, lengths, liveCount: ids.length, totalLength, terms, offsets, slots, weights };
}
