// The k best (score, slot) pairs of a search, kept without sorting every candidate.

/** A bounded min-heap of (score, slot) keeping the k best; ties go to the earlier slot. */
export class TopKHeap {
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
    return this.scores.map((score, i) => ({ score, slot: this.slots[i] })).sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}
