/**
 * 256-bit words for the fast interpreter (fastInterpreter.ts): conversions between bigints and
 * big-endian bytes without hex strings where they can be avoided, the arithmetic of the inline
 * two-operand opcodes, words in frame memory and call data, the KECCAK256 memo, and addresses
 * as stack words. Plain module-level functions: each call site in the loop always calls the same
 * one, so V8 inlines them just as when they lived in the loop's own file (bench/evm.ts, measured).
 */
import { keccak256 } from 'ethers';
import { Address as AddressClass, bytesToUnprefixedHex, type Address } from '@ethereumjs/util';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const TWO53 = 0x20000000000000n;
export const TWO256 = 1n << 256n;
export const MAX256 = TWO256 - 1n;

// ---- word conversions ---------------------------------------------------------------------

/** Writes `v` (0 ≤ v < 2^256) big-endian into out[0..32). */
export function putWord(out: Uint8Array, v: bigint): void {
  if (v < TWO53) {
    const dv = new DataView(out.buffer, out.byteOffset, 32);
    const n = Number(v);
    dv.setBigUint64(0, 0n);
    dv.setBigUint64(8, 0n);
    dv.setUint32(16, 0);
    dv.setUint32(20, 0);
    dv.setUint32(24, Math.floor(n / 4294967296));
    dv.setUint32(28, n >>> 0);
    return;
  }
  // one hex conversion beats four 64-bit slices of a big value (0.3 µs against 0.8, measured)
  out.set(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

export function word(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  putWord(b, v);
  return b;
}

/** A big-endian 32-byte word as a bigint. */
export function wordValue(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, 32);
  const a = dv.getBigUint64(0);
  const c = dv.getBigUint64(8);
  const d = dv.getBigUint64(16);
  const e = dv.getBigUint64(24);
  if (a === 0n && c === 0n && d === 0n) return e;
  return (a << 192n) | (c << 128n) | (d << 64n) | e;
}

const pad = new Uint8Array(32);
/** Minimal big-endian bytes (storage values, at most 32 long) as a bigint. */
export function bytesValue(v: Uint8Array): bigint {
  const n = v.length;
  if (n === 0) return 0n;
  if (n <= 6) {
    let x = 0;
    for (let i = 0; i < n; i++) x = x * 256 + v[i];
    return BigInt(x);
  }
  pad.fill(0, 0, 32 - n);
  pad.set(v, 32 - n);
  return wordValue(pad);
}

/** A slot as @ethereumjs's journal and the state manager key it: 64 lowercase hex digits. */
export function slotHex(k: bigint): string {
  return k.toString(16).padStart(64, '0');
}

// ---- arithmetic ---------------------------------------------------------------------------

/** Two-operand opcodes whose result replaces the operands (a is the top of the stack). */
export const BINARY = new Uint8Array(256);
for (const op of [0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1b, 0x1c]) BINARY[op] = 1;

export function binary(op: number, a: bigint, b: bigint): bigint {
  switch (op) {
    case 0x01: {
      // ADD
      const r = a + b;
      return r > MAX256 ? r - TWO256 : r;
    }
    case 0x02: // MUL
      return BigInt.asUintN(256, a * b);
    case 0x03: {
      // SUB
      const r = a - b;
      return r < 0n ? r + TWO256 : r;
    }
    case 0x04: // DIV
      return b === 0n ? 0n : a / b;
    case 0x06: // MOD
      return b === 0n ? 0n : a % b;
    case 0x10: // LT
      return a < b ? 1n : 0n;
    case 0x11: // GT
      return a > b ? 1n : 0n;
    case 0x12: // SLT
      return BigInt.asIntN(256, a) < BigInt.asIntN(256, b) ? 1n : 0n;
    case 0x13: // SGT
      return BigInt.asIntN(256, a) > BigInt.asIntN(256, b) ? 1n : 0n;
    case 0x14: // EQ
      return a === b ? 1n : 0n;
    case 0x16: // AND
      return a & b;
    case 0x17: // OR
      return a | b;
    case 0x18: // XOR
      return a ^ b;
    case 0x1b: // SHL
      return a > 256n ? 0n : (b << a) & MAX256;
    default: // 0x1c SHR
      return a > 256n ? 0n : b >> a;
  }
}

/** `stack.peek()[0]` without the array (an empty stack still fails in Stack.peek, as stock). */
export function top(rs: any): bigint {
  const st = rs.stack;
  return st._len > 0 ? st._store[st._len - 1] : st.peek()[0];
}

// ---- call data and memory -------------------------------------------------------------------

const cdPad = new Uint8Array(32);
/** CALLDATALOAD: 32 bytes of call data from `pos`, zero-padded on the right; 0 past the end. */
export function callDataWord(data: Uint8Array, pos: bigint): bigint {
  if (pos > BigInt(data.length)) return 0n;
  const i = Number(pos);
  if (i + 32 <= data.length) return wordValue(data.subarray(i, i + 32));
  cdPad.fill(0);
  cdPad.set(data.subarray(i, i + 32), 0);
  return wordValue(cdPad);
}

/**
 * The offset of a 32-byte memory access at `offset` when it needs no memory expansion (its
 * words are already paid for and allocated), else -1: the stock gas handler then charges it.
 */
export function paidWord(rs: any, offset: bigint): number {
  if (offset > 0xffffffffn) return -1;
  const o = Number(offset);
  if (Math.floor((o + 63) / 32) > Number(rs.memoryWordCount)) return -1;
  if (o + 32 > rs.memory._store.length) return -1;
  return o;
}

let viewStore: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(32));
function viewOf(store: Uint8Array): DataView {
  if (store !== viewStore) {
    viewStore = store;
    view = new DataView(store.buffer, store.byteOffset, store.byteLength);
  }
  return view;
}

export function writeWordAt(store: Uint8Array, o: number, v: bigint): void {
  const dv = viewOf(store);
  if (v < TWO53) {
    const x = Number(v);
    dv.setUint32(o, 0);
    dv.setUint32(o + 4, 0);
    dv.setUint32(o + 8, 0);
    dv.setUint32(o + 12, 0);
    dv.setUint32(o + 16, 0);
    dv.setUint32(o + 20, 0);
    dv.setUint32(o + 24, Math.floor(x / 4294967296));
    dv.setUint32(o + 28, x >>> 0);
    return;
  }
  store.set(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'), o);
}

export function readWordAt(store: Uint8Array, o: number): bigint {
  const dv = viewOf(store);
  if ((dv.getUint32(o) | dv.getUint32(o + 4) | dv.getUint32(o + 8) | dv.getUint32(o + 12) | dv.getUint32(o + 16) | dv.getUint32(o + 20)) === 0) {
    return dv.getBigUint64(o + 24);
  }
  return (dv.getBigUint64(o) << 192n) | (dv.getBigUint64(o + 8) << 128n) | (dv.getBigUint64(o + 16) << 64n) | dv.getBigUint64(o + 24);
}

// ---- KECCAK256 memo -----------------------------------------------------------------------

const MEMO_LIMIT = 65_536;
let memo = new Map<string, bigint>();

export function keccakWord(data: Uint8Array): bigint {
  const key = Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1');
  let r = memo.get(key);
  if (r === undefined) {
    r = BigInt(keccak256(data));
    if (memo.size >= MEMO_LIMIT) memo = new Map();
    memo.set(key, r);
  }
  return r;
}

/** Forgets the KECCAK256 memo (tests). */
export function clearKeccakMemo(): void {
  memo = new Map();
}

// ---- addresses as words -------------------------------------------------------------------

const addressValues = new WeakMap<Address, bigint>();
/** An address as the stack word ADDRESS / CALLER push, remembered per Address object. */
export function addressValue(a: Address): bigint {
  let v = addressValues.get(a);
  if (v === undefined) {
    v = BigInt('0x' + (bytesToUnprefixedHex(a.bytes) || '0'));
    addressValues.set(a, v);
  }
  return v;
}

const MASK160 = (1n << 160n) - 1n;
let addresses = new Map<bigint, Address>();
/**
 * The Address of a stack word (createAddressFromStackBigInt), one object per address: the stock
 * helper pads through an array spread (about 2 µs a call), and a shared object also lets the
 * per-Address caches (hex, word value) hit.
 */
export function addressOf(w: bigint): Address {
  const v = w & MASK160;
  let a = addresses.get(v);
  if (a === undefined) {
    a = new AddressClass(new Uint8Array(Buffer.from(v.toString(16).padStart(40, '0'), 'hex')));
    if (addresses.size >= 4096) addresses = new Map();
    addresses.set(v, a);
  }
  return a;
}
