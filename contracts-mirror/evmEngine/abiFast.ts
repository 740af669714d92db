/**
 * ABI encoding and decoding for the shapes the protocol's calls, returns, events and revert
 * strings use: one-word values (uintN, intN, address, bool, bytes32), `string`, `bytes`, and
 * arrays of one-word values, as top-level parameter lists.
 *
 * Why: ethers builds a fresh coder tree for every encode and decode (about 100–200 µs for an
 * upload's arrays), which was a tenth of a replay step. These functions give ethers' bytes and
 * values for canonical input; for anything else (an unsupported type, a value out of range, a
 * string with a lone surrogate, non-canonical or truncated data) they return null, and the
 * caller uses ethers, which then behaves, and fails, exactly as before.
 */
import type { ParamType } from 'ethers';

const TWO256 = 1n << 256n;
const HEX64_ZERO = '0'.repeat(64);

type Kind = { tag: 'word'; type: string; bits: number } | { tag: 'string' } | { tag: 'bytes' } | { tag: 'array'; item: { type: string; bits: number } };

const kinds = new WeakMap<ParamType, Kind | null>();

function wordType(t: string): { type: string; bits: number } | null {
  if (t === 'address') return { type: t, bits: 160 };
  if (t === 'bool') return { type: t, bits: 1 };
  if (t === 'bytes32') return { type: t, bits: 256 };
  const m = /^(u?int)(\d*)$/.exec(t);
  if (!m) return null;
  const bits = m[2] === '' ? 256 : Number(m[2]);
  if (bits < 8 || bits > 256 || bits % 8 !== 0) return null;
  return { type: m[1], bits };
}

function kindOf(p: ParamType): Kind | null {
  let k = kinds.get(p);
  if (k !== undefined) return k;
  k = null;
  if (p.baseType === 'array') {
    const item = p.arrayChildren && p.arrayLength === -1 ? wordType(p.arrayChildren.type) : null;
    if (item && p.arrayChildren!.baseType !== 'array' && p.arrayChildren!.baseType !== 'tuple') k = { tag: 'array', item };
  } else if (p.baseType !== 'tuple') {
    if (p.type === 'string') k = { tag: 'string' };
    else if (p.type === 'bytes') k = { tag: 'bytes' };
    else {
      const w = wordType(p.type);
      if (w) k = { tag: 'word', ...w };
    }
  }
  kinds.set(p, k);
  return k;
}

// ---- encoding -----------------------------------------------------------------------------

function encWord(w: { type: string; bits: number }, v: unknown): string | null {
  switch (w.type) {
    case 'address':
      return typeof v === 'string' && /^0x[0-9a-f]{40}$/.test(v) ? v.slice(2).padStart(64, '0') : null;
    case 'bool':
      return typeof v === 'boolean' ? (v ? '1' : '0').padStart(64, '0') : null;
    case 'bytes32':
      return typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v) ? v.slice(2).toLowerCase() : null;
    case 'uint':
      if (typeof v !== 'bigint' || v < 0n || v >= 1n << BigInt(w.bits)) return null;
      return v.toString(16).padStart(64, '0');
    case 'int': {
      if (typeof v !== 'bigint') return null;
      const half = 1n << BigInt(w.bits - 1);
      if (v < -half || v >= half) return null;
      return (v < 0n ? v + TWO256 : v).toString(16).padStart(64, '0');
    }
  }
  return null;
}

/** A UTF-16 surrogate without its pair: ethers refuses to encode it, Buffer would replace it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function padded(hex: string): string {
  const r = hex.length % 64;
  return r === 0 ? hex : hex + '0'.repeat(64 - r);
}

function lenWord(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** The ABI encoding (hex, no 0x) of `values` as `params`, or null when ethers must do it. */
export function encodeParams(params: readonly ParamType[], values: readonly unknown[]): string | null {
  if (values.length !== params.length) return null;
  const heads: string[] = [];
  const tails: string[] = [];
  let offset = 32 * params.length;
  for (let i = 0; i < params.length; i++) {
    const k = kindOf(params[i]);
    if (k === null) return null;
    const v = values[i];
    let tail: string;
    if (k.tag === 'word') {
      const w = encWord(k, v);
      if (w === null) return null;
      heads.push(w);
      continue;
    } else if (k.tag === 'string') {
      if (typeof v !== 'string' || LONE_SURROGATE.test(v)) return null;
      const b = Buffer.from(v, 'utf8');
      tail = lenWord(b.length) + padded(b.toString('hex'));
    } else if (k.tag === 'bytes') {
      if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) return null;
      tail = lenWord((v.length - 2) / 2) + padded(v.slice(2).toLowerCase());
    } else {
      if (!Array.isArray(v)) return null;
      let t = lenWord(v.length);
      for (const x of v) {
        const w = encWord(k.item, x);
        if (w === null) return null;
        t += w;
      }
      tail = t;
    }
    heads.push(lenWord(offset));
    tails.push(tail);
    offset += tail.length / 2;
  }
  return heads.join('') + tails.join('');
}

// ---- decoding -----------------------------------------------------------------------------

/** The 32-byte big-endian word at byte offset `o` of `b`. */
export function wordAt(b: Uint8Array, o: number): bigint {
  return BigInt('0x' + (Buffer.from(b.buffer, b.byteOffset + o, 32).toString('hex') || '0'));
}

/** A length or offset word that fits comfortably in a JS number, else -1. */
function smallAt(b: Uint8Array, o: number): number {
  for (let i = o; i < o + 24; i++) if (b[i] !== 0) return -1;
  const dv = new DataView(b.buffer, b.byteOffset + o + 24, 8);
  const hi = dv.getUint32(0);
  if (hi > 0x1fffff) return -1;
  return hi * 4294967296 + dv.getUint32(4);
}

// ignoreBOM keeps a leading U+FEFF in the string, as ethers' toUtf8String does
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One word as ethers returns it (addresses lowercase here), or undefined when not canonical. */
function decWord(w: { type: string; bits: number }, b: Uint8Array, o: number): unknown {
  const v = wordAt(b, o);
  switch (w.type) {
    case 'address':
      return v >> 160n === 0n ? '0x' + v.toString(16).padStart(40, '0') : undefined;
    case 'bool':
      return v === 0n ? false : v === 1n ? true : undefined;
    case 'bytes32':
      return '0x' + (v === 0n ? HEX64_ZERO : v.toString(16).padStart(64, '0'));
    case 'uint':
      return v >> BigInt(w.bits) === 0n ? v : undefined;
    case 'int': {
      const s = v >= 1n << 255n ? v - TWO256 : v;
      const half = 1n << BigInt(w.bits - 1);
      return s >= -half && s < half ? s : undefined;
    }
  }
  return undefined;
}

/**
 * `params` decoded from `data` (addresses as lowercase 0x-hex, uints as bigint, arrays as plain
 * arrays), or null when the data is not the canonical encoding or ethers must decode the types.
 */
export function decodeParams(params: readonly ParamType[], data: Uint8Array): unknown[] | null {
  const n = data.length;
  if (n < 32 * params.length) return null;
  const out: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const k = kindOf(params[i]);
    if (k === null) return null;
    if (k.tag === 'word') {
      const v = decWord(k, data, 32 * i);
      if (v === undefined) return null;
      out.push(v);
      continue;
    }
    const off = smallAt(data, 32 * i);
    if (off < 0 || off % 32 !== 0 || off + 32 > n) return null;
    const len = smallAt(data, off);
    if (len < 0) return null;
    if (k.tag === 'array') {
      if (off + 32 + 32 * len > n) return null;
      const arr: unknown[] = [];
      for (let j = 0; j < len; j++) {
        const v = decWord(k.item, data, off + 32 + 32 * j);
        if (v === undefined) return null;
        arr.push(v);
      }
      out.push(arr);
      continue;
    }
    if (off + 32 + Math.ceil(len / 32) * 32 > n) return null;
    const bytes = data.subarray(off + 32, off + 32 + len);
    if (k.tag === 'bytes') {
      out.push('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex'));
      continue;
    }
    try {
      out.push(utf8.decode(bytes));
    } catch {
      return null;
    }
  }
  return out;
}
