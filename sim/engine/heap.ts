/**
 * The event queue of the kernel: a binary min-heap keyed by (time, seq), where seq is an
 * insertion counter, so events at the same time pop in the order they were pushed (FIFO).
 *
 * Allocation-light: keys live in parallel typed arrays, payloads in two parallel plain arrays,
 * and nodes are moved by copying fields (no entry objects). `pop()` returns the item and leaves
 * its time and value in `poppedTime` / `poppedValue`, so nothing is allocated per pop. The arrays
 * double when full and never shrink.
 */
export class EventHeap<T> {
  /** Number of queued events. */
  size = 0;
  /** Time of the event returned by the last `pop()`. */
  poppedTime = 0;
  /** Value pushed with the event returned by the last `pop()`. */
  poppedValue: unknown = undefined;

  private times: Float64Array;
  private seqs: Float64Array;
  private items: (T | undefined)[];
  private values: unknown[];
  private counter = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(n);
    this.seqs = new Float64Array(n);
    this.items = new Array<T | undefined>(n).fill(undefined);
    this.values = new Array<unknown>(n).fill(undefined);
  }

  /** Time of the earliest event, or Infinity when the heap is empty. */
  peekTime(): number {
    return this.size > 0 ? this.times[0] : Infinity;
  }

  /** Queues `item` (with an optional `value`) at `time`. */
  push(time: number, item: T, value?: unknown): void {
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const values = this.values;
    const seq = this.counter++;
    // Sift up: move parents down into the hole until the new key fits.
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      items[i] = items[p];
      values[i] = values[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    values[i] = value;
  }

  /**
   * Removes and returns the earliest item (FIFO among equal times); its time and value are left
   * in `poppedTime` and `poppedValue`. Call only when `size > 0`.
   */
  pop(): T {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const values = this.values;
    const top = items[0] as T;
    this.poppedTime = times[0];
    this.poppedValue = values[0];
    const n = --this.size;
    if (n > 0) {
      // Sift the last node down from the root.
      const time = times[n];
      const seq = seqs[n];
      const item = items[n];
      const value = values[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
        const ct = times[c];
        if (time < ct || (time === ct && seq < seqs[c])) break;
        times[i] = ct;
        seqs[i] = seqs[c];
        items[i] = items[c];
        values[i] = values[c];
        i = c;
      }
      times[i] = time;
      seqs[i] = seq;
      items[i] = item;
      values[i] = value;
    }
    // Drop references from the vacated slot so popped payloads can be collected.
    items[n] = undefined;
    values[n] = undefined;
    return top;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    times.set(this.times);
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    for (let i = this.items.length; i < n; i++) {
      this.items.push(undefined);
      this.values.push(undefined);
    }
  }
}
