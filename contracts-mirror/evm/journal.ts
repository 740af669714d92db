/**
 * An undo log over plain state objects, maps and arrays: how the mirror gets the EVM's
 * all-or-nothing call semantics without copying state. Every state write goes through
 * it; a revert replays the log backwards to the checkpoint.
 */
const ABSENT = Symbol('absent');

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

  checkpoint(): number {
    return this.log.length;
  }

  /** Forget undo records up to now (the outermost call succeeded). */
  commit(): void {
    this.log.length = 0;
  }

  set<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
    this.writes++;
    this.log.push(Op.Field, obj, key, obj[key]);
    obj[key] = value;
  }

  mset<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.writes++;
    this.log.push(Op.MapSet, map, key, map.has(key) ? map.get(key) : ABSENT);
    map.set(key, value);
  }

  mdelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    this.writes++;
    this.log.push(Op.MapSet, map, key, map.get(key));
    map.delete(key);
  }

  push<T>(arr: T[], value: T): void {
    this.writes++;
    this.log.push(Op.Push, arr, undefined, undefined);
    arr.push(value);
  }

  pop<T>(arr: T[]): T {
    const v = arr.pop() as T;
    this.writes++;
    this.log.push(Op.Pop, arr, undefined, v);
    return v;
  }

  aset<T>(arr: T[], index: number, value: T): void {
    this.writes++;
    this.log.push(Op.Index, arr, index, arr[index]);
    arr[index] = value;
  }

  revertTo(cp: number): void {
    this.writes++;
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
        case Op.Push:
          target.pop();
          break;
        case Op.Pop:
          target.push(old);
          break;
        case Op.Index:
          target[key as number] = old;
          break;
      }
    }
    log.length = cp;
  }
}

/** A map from K to an inner map, read without creating the inner map. */
export function get2<K1, K2, V>(m: Map<K1, Map<K2, V>>, a: K1, b: K2): V | undefined {
  return m.get(a)?.get(b);
}

/** Journaled write into a two-level map, creating the inner map on first use. */
export function set2<K1, K2, V>(j: Journal, m: Map<K1, Map<K2, V>>, a: K1, b: K2, v: V): void {
  let inner = m.get(a);
  if (!inner) {
    inner = new Map();
    j.mset(m, a, inner);
  }
  j.mset(inner, b, v);
}
