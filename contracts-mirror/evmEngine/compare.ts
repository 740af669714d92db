/**
 * Parity (docs/traces.md#parity): two results are in parity when their canonical JSON is byte-identical
 * after removing `engine` and `gas`. The first differing path is searched in `steps` first (in
 * step order), then `views`, `state` and the rest, each in canonical order (sorted keys, arrays by
 * index), so a diverging step is reported rather than the `ok` flag it flips. A field present on
 * one side only is a difference.
 */
import { canonicalJson } from '../replay/encode.js';
import type { TraceResult } from '../replay/types.js';

export interface Difference {
  /** e.g. `steps[12].events[3].args.amount` */
  path: string;
  /** The trace step index (`i`) when the path is inside `steps[k]`. */
  step?: number;
  mirror: unknown;
  evm: unknown;
}

/** The result without `engine` and `gas`, as canonical JSON. */
export function parityText(r: TraceResult): string {
  const { engine: _e, gas: _g, ...rest } = r;
  return canonicalJson(rest);
}

const MISSING = Symbol('missing');

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(a: unknown, b: unknown, path: string): { path: string; a: unknown; b: unknown } | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let k = 0; k < n; k++) {
      const d = walk(k < a.length ? a[k] : MISSING, k < b.length ? b[k] : MISSING, `${path}[${k}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = walk(k in a ? a[k] : MISSING, k in b ? b[k] : MISSING, path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  if (a === b) return null;
  if (JSON.stringify(a) === JSON.stringify(b) && a !== MISSING && b !== MISSING) return null;
  return { path, a, b };
}

/** The first difference between a mirror and an EVM result, or null when they are in parity. */
export function firstDifference(mirror: TraceResult, evm: TraceResult): Difference | null {
  if (parityText(mirror) === parityText(evm)) return null;
  const a = JSON.parse(parityText(mirror)) as Record<string, unknown>;
  const b = JSON.parse(parityText(evm)) as Record<string, unknown>;
  let d: ReturnType<typeof walk> = null;
  const first = ['steps', 'views', 'state'];
  const rest = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !first.includes(k)).sort();
  for (const k of [...first, ...rest]) {
    d = walk(k in a ? a[k] : MISSING, k in b ? b[k] : MISSING, k);
    if (d) break;
  }
  if (!d) return { path: '(formatting)', mirror: null, evm: null };
  const m = /^steps\[(\d+)\]/.exec(d.path);
  let step: number | undefined;
  if (m) {
    const k = Number(m[1]);
    const s = ((a.steps as { i: number }[])[k] ?? (b.steps as { i: number }[])[k]) as { i: number } | undefined;
    step = s?.i;
  }
  const show = (v: unknown) => (v === MISSING ? '(absent)' : v);
  return { path: d.path, step, mirror: show(d.a), evm: show(d.b) };
}
