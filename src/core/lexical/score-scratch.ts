// Score accumulators reused between searches of one index. A search touches a small share of the slots;
// allocating and zeroing an accumulator per slot for every query cost as much as the scoring, and each such
// buffer left garbage for the collector to chase. The only module state of the lexical code; it never shows
// in a result, because a scratch is all zeros whenever it is not borrowed.

/** Accumulators for `size` slots, borrowed for one search. */
export interface ScoreScratch {
  /** Slot → score so far; all zero between searches. */
  scores: Float64Array;
  /** The slots with a nonzero score, in the order they were first touched. */
  touched: Int32Array;
  inUse: boolean;
}

const scratchByOwner = new WeakMap<object, ScoreScratch>();

/** The owner's shared scratch if it is free and large enough, else a fresh one. Give it back with releaseScoreScratch. */
export function borrowScoreScratch(owner: object, size: number): ScoreScratch {
  let scratch = scratchByOwner.get(owner);
  if (scratch && !scratch.inUse && scratch.scores.length >= size) {
    scratch.inUse = true;
    return scratch;
  }
  scratch = { scores: new Float64Array(size), touched: new Int32Array(size), inUse: true };
  // A nested search (from inside a search's filter) gets its own scratch and leaves the shared one alone.
  if (!scratchByOwner.get(owner)?.inUse) scratchByOwner.set(owner, scratch);
  return scratch;
}

/** Zeroes the first `touchedCount` touched slots and frees the scratch for the next search. */
export function releaseScoreScratch(scratch: ScoreScratch, touchedCount: number): void {
  const { scores, touched } = scratch;
  for (let i = 0; i < touchedCount; i++) scores[touched[i]] = 0;
  scratch.inUse = false;
}
