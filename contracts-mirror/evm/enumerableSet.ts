/** OpenZeppelin EnumerableSet semantics (insertion order, swap-and-pop removal), journaled. */
import type { Journal } from './journal.js';

export class EnumerableSet<T> {
  readonly values: T[] = [];
  /** value → 1-based position, as OZ stores it. */
  private readonly index = new Map<T, number>();

  has(v: T): boolean {
    return this.index.has(v);
  }

  get size(): number {
    return this.values.length;
  }

  add(j: Journal, v: T): boolean {
    if (this.index.has(v)) return false;
    j.push(this.values, v);
    j.mset(this.index, v, this.values.length);
    return true;
  }

  remove(j: Journal, v: T): boolean {
    const pos = this.index.get(v);
    if (pos === undefined) return false;
    const last = this.values[this.values.length - 1];
    if (pos !== this.values.length) {
      j.aset(this.values, pos - 1, last);
      j.mset(this.index, last, pos);
    }
    j.pop(this.values);
    j.mdelete(this.index, v);
    return true;
  }
}
