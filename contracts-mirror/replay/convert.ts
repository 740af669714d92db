/**
 * Typed argument conversion of docs/traces.md#argument-conversion: integers from JSON numbers (≤ 2^53−1) or from
 * decimal / `<decimal>e<N>` strings that must land on a whole number in the type's range;
 * addresses are names; strings are never converted; arrays convert element by element.
 */
import type { ParamType } from 'ethers';
import { TraceError } from './errors.js';

const AMOUNT = /^(-?)(\d+)(?:\.(\d+))?(?:e(\d+))?$/;

/** Parses a trace integer literal exactly; null if it is not a whole number. */
export function parseInteger(v: unknown): bigint | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : null;
  if (typeof v !== 'string') return null;
  const m = AMOUNT.exec(v);
  if (!m) return null;
  const [, sign, whole, frac = '', exp = '0'] = m;
  const mantissa = BigInt(whole + frac);
  const shift = BigInt(exp) - BigInt(frac.length);
  let value: bigint;
  if (shift >= 0n) value = mantissa * 10n ** shift;
  else {
    const d = 10n ** -shift;
    if (mantissa % d !== 0n) return null;
    value = mantissa / d;
  }
  return sign === '-' ? -value : value;
}

function intRange(type: string): [bigint, bigint] {
  const signed = type.startsWith('int');
  const bits = BigInt(type.replace(/^u?int/, '') || '256');
  return signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
}

export function convertArg(p: ParamType, v: unknown, field: string, step?: number): unknown {
  if (p.baseType === 'array') {
    if (!Array.isArray(v)) throw new TraceError(field, `expected an array for ${p.format()}, got ${JSON.stringify(v)}`, step);
    if (p.arrayLength !== null && p.arrayLength >= 0 && v.length !== p.arrayLength)
      throw new TraceError(field, `expected ${p.arrayLength} elements, got ${v.length}`, step);
    return v.map((x, i) => convertArg(p.arrayChildren!, x, `${field}[${i}]`, step));
  }
  const t = p.type;
  if (t.startsWith('uint') || t.startsWith('int')) {
    const n = parseInteger(v);
    if (n === null)
      throw new TraceError(field, `${JSON.stringify(v)} is not a whole number for ${t} (use a JSON integer ≤ 2^53−1, or a string like "1074e18")`, step);
    const [lo, hi] = intRange(t);
    if (n < lo || n > hi) throw new TraceError(field, `${v} is out of range for ${t}`, step);
    return n;
  }
  if (t === 'address') {
    if (typeof v !== 'string' || v === '') throw new TraceError(field, `expected an address name, got ${JSON.stringify(v)}`, step);
    if (v.startsWith('0x')) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new TraceError(field, `${v} is not a 20-byte 0x address`, step);
      return v.toLowerCase();
    }
    return v;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') throw new TraceError(field, `expected true or false, got ${JSON.stringify(v)}`, step);
    return v;
  }
  if (t === 'string') {
    if (typeof v !== 'string') throw new TraceError(field, `expected a string, got ${JSON.stringify(v)}`, step);
    return v;
  }
  const fixed = /^bytes(\d+)$/.exec(t);
  if (fixed) {
    const digits = 2 * Number(fixed[1]);
    if (typeof v !== 'string' || !new RegExp(`^0x[0-9a-fA-F]{${digits}}$`).test(v)) throw new TraceError(field, `expected 0x + ${digits} hex digits for ${t}, got ${JSON.stringify(v)}`, step);
    return v.toLowerCase();
  }
  throw new TraceError(field, `parameter type ${t} is not supported in traces`, step);
}
