/**
 * An undo log over plain state objects, maps and arrays: how the mirror gets the EVM's
 * all-or-nothing call semantics without copying state. Every state write goes through
 * it; a revert replays the log backwards to the checkpoint.
 */
import { LIST_SUM, NestedSumMap, type Tracked } from './runningSums.js';

const ABSENT = Symbol('absent');

/** A counter the journal bumps on each write to the objects watched with it (`Journal.watch`). */
export interface WatchCell {
  writes: number;
  /**
   * When a list: each such write's target is appended too, so a reader learns which of its objects
   * moved; past TOUCHED_MAX entries the journal sets it to null (too many to list: look at them all).
   */
  touched?: object[] | null;
}

/** The most targets a watch cell lists before it gives up listing (`WatchCell.touched`). */
export const TOUCHED_MAX = 256;

const enum Op {
  Field,
  MapSet,
  Push,
  Pop,
  Index,
}

export class Journal {
  /** Flat records of [op, target, key, old] to keep the write path allocation-light. */
  private log: unknown[] = [];
  private writes = 0;

  /**
   * Changes on every write and every revert: a reader may keep what it derived from state while
   * the version stays the same (the simulation's per-task stake maps, read at every lookup).
   */
  get version(): number {
    return this.writes;
  }

  /**
   * Watched objects and the cells their writes bump (null: none, and the write path pays one
   * compare). A plain Map, not a WeakMap: the watched objects are the mirror's own state, alive as
   * long as the journal, and a WeakMap looked up on every write cost a full run ~20 % more peak
   * memory (paper-scale, 8 days: 1.48 GB against 1.22 GB) and time.
   */
  private watched: Map<object, WatchCell[]> | null = null;
  private reverts = 0;

  /**
   * Has every later write to `target` (a state object, map or array) bump `cell.writes`: a
   * narrower key than `version` for a reader that derived something from a few objects only (the
   * simulation's per-task validator stakes, read at every lookup: docs/architecture.md#paper-scale-performance).
   * A revert bumps no cell: a reader checks `revertCount` too. Watching changes no state.
   */
  watch(target: object, cell: WatchCell): void {
    const m = (this.watched ??= new Map());
    const cells = m.get(target);
    if (cells === undefined) m.set(target, [cell]);
    else if (!cells.includes(cell)) cells.push(cell);
  }

  /** Changes on every revert (see `watch`). */
  get revertCount(): number {
    return this.reverts;
  }

  /** Every write to `target` passes here: the version, and the cells watching it. */
  private wrote(target: object): void {
    this.writes++;
    if (this.watched !== null) this.touch(target);
  }

  private touch(target: object): void {
    const cells = this.watched!.get(target);
    if (cells === undefined) return;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      c.writes++;
      const t = c.touched;
      if (t != null) {
        if (t.length < TOUCHED_MAX) t.push(target);
        else c.touched = null;
      }
    }
  }

  checkpoint(): number {
    return this.log.length;
  }

  /** Forget undo records up to now (the outermost call succeeded). */
  commit(): void {
    this.log.length = 0;
  }

  set<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
    this.wrote(obj);
    this.log.push(Op.Field, obj, key, obj[key]);
    obj[key] = value;
  }

  mset<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.wrote(map);
    this.log.push(Op.MapSet, map, key, map.has(key) ? map.get(key) : ABSENT);
    map.set(key, value);
  }

  /**
   * `mset` for a writer that keeps the map's running sum itself (evm/runningSums.ts): the value is
   * stored past the map's own bookkeeping (`Map.prototype.set`), so a sum-neutral write such as
   * the two halves of an ERC-20 transfer costs nothing extra. The undo goes through the map's own
   * `set`/`delete`, which does account, so a revert restores the sum with the value.
   */
  msetQuiet<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.wrote(map);
    this.log.push(Op.MapSet, map, key, map.has(key) ? map.get(key) : ABSENT);
    Map.prototype.set.call(map, key, value);
  }

  mdelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    this.wrote(map);
    this.log.push(Op.MapSet, map, key, map.get(key));
    map.delete(key);
  }

  // A list made by trackedList (evm/runningSums.ts) keeps its running sum in step here: these three
  // and their reverts below are the only writes to such a list.
  push<T>(arr: T[], value: T): void {
    this.wrote(arr);
    this.log.push(Op.Push, arr, undefined, undefined);
    arr.push(value);
    const s = (arr as Tracked<T>)[LIST_SUM];
    if (s) s.total += s.project(value);
  }

  pop<T>(arr: T[]): T {
    const v = arr.pop() as T;
    this.wrote(arr);
    this.log.push(Op.Pop, arr, undefined, v);
    const s = (arr as Tracked<T>)[LIST_SUM];
    if (s && v !== undefined) s.total -= s.project(v);
    return v;
  }

  aset<T>(arr: T[], index: number, value: T): void {
    this.wrote(arr);
    const old = arr[index];
    this.log.push(Op.Index, arr, index, old);
    const s = (arr as Tracked<T>)[LIST_SUM];
    if (s) listReplace(s, arr, index, value);
    arr[index] = value;
  }

  revertTo(cp: number): void {
    this.writes++;
    this.reverts++;
    const log = this.log;
    for (let i = log.length - 4; i >= cp; i -= 4) {
      const target = log[i + 1] as any;
      const key = log[i + 2];
      const old = log[i + 3];
      switch (log[i] as Op) {
        case Op.Field:
          target[key as string] = old;
          break;
        case Op.MapSet:
          if (old === ABSENT) target.delete(key);
          else target.set(key, old);
          break;
        case Op.Push: {
          const v = target.pop();
          const s = target[LIST_SUM];
          if (s && v !== undefined) s.total -= s.project(v);
          break;
        }
        case Op.Pop: {
          target.push(old);
          const s = target[LIST_SUM];
          if (s && old !== undefined) s.total += s.project(old);
          break;
        }
        case Op.Index: {
          const s = target[LIST_SUM];
          if (s) listReplace(s, target, key as number, old);
          target[key as number] = old;
          break;
        }
      }
    }
    log.length = cp;
  }
}

/** The running sum's change when `arr[index]` becomes `value`; an empty slot (past the end) counts as nothing. */
function listReplace<T>(s: { total: bigint; project: (v: T) => bigint }, arr: T[], index: number, value: T): void {
  const old = arr[index];
  if (old !== undefined) s.total -= s.project(old);
  if (value !== undefined) s.total += s.project(value);
}

/** A map from K to an inner map, read without creating the inner map. */
export function get2<K1, K2, V>(m: Map<K1, Map<K2, V>>, a: K1, b: K2): V | undefined {
  return m.get(a)?.get(b);
}

/** Journaled write into a two-level map, creating the inner map on first use. */
export function set2<K1, K2, V>(j: Journal, m: Map<K1, Map<K2, V>>, a: K1, b: K2, v: V): void {
  let inner = m.get(a);
  if (!inner) {
    // Stakes per task and user keep a running sum per task (evm/runningSums.ts).
    inner = m instanceof NestedSumMap ? (m.newInner() as unknown as Map<K2, V>) : new Map();
    j.mset(m, a, inner);
  }
  j.mset(inner, b, v);
}
