/**
 * Running sums kept by the mirror's storage itself, so the daily invariant check need not rescan
 * every holder and delegator (docs/architecture.md#incremental-checks). A sum lives in the map (or list)
 * whose values it adds up and is updated on every write to it: the journal's writes, its reverts
 * and any direct write, so a test that breaks a ledger by writing a balance behind the contracts'
 * back still moves the sum and the check still fires. (ERC-20 transfers, mints and burns, the
 * hottest writes, store with `Journal.msetQuiet` and move `SumMap.total` themselves: evm/erc20.ts.)
 *
 * What a sum cannot see is a field written inside a value already stored (a record mutated in
 * place). The maps and lists that carry sums store fresh values on every write (the contracts write
 * `{ ...old, field }` records), and the full rescan every 7 simulated days compares each sum with
 * its recomputation (`checkInvariants` in ../invariants.ts, `bookkeeping:<sum>`) and fails loudly if one drifted.
 */

/** A Map of bigint amounts that keeps Σ values and how many are negative (which no uint256 is). */
export class SumMap<K> extends Map<K, bigint> {
  total = 0n;
  negatives = 0;

  override set(k: K, v: bigint): this {
    const old = super.get(k);
    if (old !== undefined) {
      this.total -= old;
      if (old < 0n) this.negatives--;
    }
    this.total += v;
    if (v < 0n) this.negatives++;
    return super.set(k, v);
  }

  override delete(k: K): boolean {
    const old = super.get(k);
    if (old === undefined) return super.delete(k);
    this.total -= old;
    if (old < 0n) this.negatives--;
    return super.delete(k);
  }

  override clear(): void {
    this.total = 0n;
    this.negatives = 0;
    super.clear();
  }
}

/** A map from K1 to SumMaps (a two-level mapping such as stakes per task and user); `set2` creates its inner maps. */
export class NestedSumMap<K1, K2> extends Map<K1, SumMap<K2>> {
  newInner(): SumMap<K2> {
    return new SumMap<K2>();
  }
  /** Σ over every inner map: one addition per outer key (per task), not per entry. */
  total(): bigint {
    let s = 0n;
    for (const m of this.values()) s += m.total;
    return s;
  }
  negatives(): number {
    let n = 0;
    for (const m of this.values()) n += m.negatives;
    return n;
  }
}

/**
 * A Map of records with, for each projection `fields[i]`, Σ fields[i](value) over the stored
 * values (`totals[i]`), a running maximum (`maxes[i]`, never lowered: an upper bound of the
 * current maximum, which is what a sufficient check needs) and how many stored records have a
 * negative projection.
 */
export class FieldSumMap<K, V> extends Map<K, V> {
  readonly totals: bigint[];
  readonly maxes: bigint[];
  negatives = 0;
  private readonly fields: readonly ((v: V) => bigint)[];

  constructor(fields: readonly ((v: V) => bigint)[]) {
    super();
    this.fields = fields;
    this.totals = fields.map(() => 0n);
    this.maxes = fields.map(() => 0n);
  }

  // On the write path (every delegate, undelegate and claim), so no bigint is made but the
  // projections and the new totals.
  private add(v: V): void {
    let negative = false;
    const { fields, totals, maxes } = this;
    for (let i = 0; i < fields.length; i++) {
      const x = fields[i](v);
      totals[i] += x;
      if (x < 0n) negative = true;
      if (x > maxes[i]) maxes[i] = x;
    }
    if (negative) this.negatives++;
  }

  private remove(v: V): void {
    let negative = false;
    const { fields, totals } = this;
    for (let i = 0; i < fields.length; i++) {
      const x = fields[i](v);
      totals[i] -= x;
      if (x < 0n) negative = true;
    }
    if (negative) this.negatives--;
  }

  override set(k: K, v: V): this {
    const old = super.get(k);
    if (old !== undefined) this.remove(old);
    this.add(v);
    return super.set(k, v);
  }

  override delete(k: K): boolean {
    if (!super.has(k)) return false;
    this.remove(super.get(k) as V);
    return super.delete(k);
  }

  override clear(): void {
    this.totals.fill(0n);
    this.maxes.fill(0n);
    this.negatives = 0;
    super.clear();
  }
}

/**
 * A running sum over lists (arrays) written through the journal (`push`, `pop`, `aset` and their
 * reverts, evm/journal.ts): Σ project(element) over every list made by `trackedList` with it.
 */
export interface ListSum<T> {
  total: bigint;
  readonly project: (v: T) => bigint;
}

/** Where a tracked list keeps its ListSum (a symbol, so it is not an array element or an enumerable key). */
export const LIST_SUM = Symbol('listSum');

export type Tracked<T> = T[] & { [LIST_SUM]?: ListSum<T> };

export function listSum<T>(project: (v: T) => bigint): ListSum<T> {
  return { total: 0n, project };
}

/** An empty list whose elements count in `sum`; write it only through the journal. */
export function trackedList<T>(sum: ListSum<T>): T[] {
  const a: Tracked<T> = [];
  Object.defineProperty(a, LIST_SUM, { value: sum, enumerable: false });
  return a;
}
