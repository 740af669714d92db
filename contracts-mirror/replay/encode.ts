/** Value encoding and canonical JSON of docs/traces.md#value-encoding and docs/traces.md#canonical-json: integers as decimal strings, sorted keys, 2-space indent. */
import type { Encoded } from './types.js';

export function encodeValue(v: unknown): Encoded {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, Encoded> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x);
    return out;
  }
  throw new Error(`cannot encode ${String(v)}`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Object keys sorted at every level (arrays keep their order), two-space indentation, one final newline. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2) + '\n';
}
