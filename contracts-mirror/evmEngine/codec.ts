/**
 * ABI coding between traces and the EVM: names ↔ addresses, calldata from converted trace
 * arguments, return values and event arguments into the result's value encoding (docs/traces.md#value-encoding),
 * and revert data into reasons ("panic 0x11", "" for an empty revert). Interfaces and event
 * topic tables are built once per ABI and cached.
 */
import { AbiCoder, EventFragment, FunctionFragment, Interface, ParamType, getBytes, hexlify } from 'ethers';
import { abiOf, ABI_SOURCES } from '../abi/registry.js';
import { hexAddress } from '../evm/world.js';
import type { Encoded } from '../replay/types.js';
import { decodeParams, encodeParams, wordAt } from './abiFast.js';

export const MAX_UINT256 = (1n << 256n) - 1n;
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const coder = AbiCoder.defaultAbiCoder();

/** The name ↔ address book of one trace: contracts, pools, FL tasks and accounts. */
export class NameBook {
  private readonly byName = new Map<string, string>();
  private readonly byAddr = new Map<string, string>();

  set(name: string, addr: string): void {
    const a = addr.toLowerCase();
    this.byName.set(name, a);
    this.byAddr.set(a, name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The address of a name: a known contract or pool, a 0x-literal, or else an account's derived address. */
  addr(name: string): string {
    const a = this.byName.get(name);
    if (a) return a;
    if (name.startsWith('0x')) return name.toLowerCase();
    const h = hexAddress(name);
    this.byName.set(name, h);
    if (!this.byAddr.has(h)) this.byAddr.set(h, name);
    return h;
  }

  /** The name of an address, or its lowercase 0x-hex when unknown. */
  name(addr: string): string {
    const a = addr.toLowerCase();
    return this.byAddr.get(a) ?? a;
  }
}

/** Converted trace value (names for addresses) → an ethers-encodable value (0x addresses). */
function toAbi(p: ParamType, v: unknown, book: NameBook): unknown {
  if (p.baseType === 'array') return (v as unknown[]).map((x) => toAbi(p.arrayChildren!, x, book));
  if (p.baseType === 'tuple') {
    const comps = p.components ?? [];
    if (Array.isArray(v)) return v.map((x, k) => toAbi(comps[k], x, book));
    return comps.map((c, k) => toAbi(c, (v as Record<string, unknown>)[c.name || String(k)], book));
  }
  if (p.type === 'address') return book.addr(v as string);
  return v;
}

const selectors = new WeakMap<FunctionFragment, string>();
/** `fn.selector` is recomputed (keccak) on every access in ethers; this caches it. */
export function selectorOf(fn: FunctionFragment): string {
  let s = selectors.get(fn);
  if (!s) selectors.set(fn, (s = fn.selector));
  return s;
}

function isStaticWord(p: ParamType): boolean {
  if (p.baseType === 'array' || p.baseType === 'tuple') return false;
  const t = p.type;
  return t === 'address' || t === 'bool' || t.startsWith('uint') || t.startsWith('int') || t === 'bytes32';
}

export function encodeCall(fn: FunctionFragment, args: unknown[], book: NameBook): Uint8Array {
  const values = fn.inputs.map((p, k) => toAbi(p, args[k], book));
  const enc = encodeParams(fn.inputs, values);
  if (enc !== null) return hexToBytesFast(selectorOf(fn) + enc);
  return getBytes(selectorOf(fn) + coder.encode(fn.inputs, values).slice(2));
}

/** 0x-hex (well-formed, built or checked by the caller) to a fresh Uint8Array. */
function hexToBytesFast(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.slice(2), 'hex'));
}

/** A decoded ABI value → the result encoding (decimal strings, names, objects by component name). */
export function fromAbi(p: ParamType, v: unknown, book: NameBook): Encoded {
  if (p.baseType === 'array') return (v as unknown[]).map((x) => fromAbi(p.arrayChildren!, x, book));
  if (p.baseType === 'tuple') {
    const out: Record<string, Encoded> = {};
    (p.components ?? []).forEach((c, k) => (out[c.name || String(k)] = fromAbi(c, (v as unknown[])[k], book)));
    return out;
  }
  if (p.type === 'address') return book.name(v as string);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean' || typeof v === 'string') return p.type.startsWith('bytes') ? (v as string).toLowerCase() : v;
  if (v instanceof Uint8Array) return hexlify(v);
  throw new Error(`cannot encode ${p.type} value ${String(v)}`);
}

/** Return data of `fn` → one output's value, or an object of the outputs by name ("0", "1", … unnamed). */
export function decodeOutput(fn: FunctionFragment, ret: Uint8Array, book: NameBook): Encoded {
  const r = decodeParams(fn.outputs, ret) ?? coder.decode(fn.outputs, ret);
  if (fn.outputs.length === 1) return fromAbi(fn.outputs[0], r[0], book);
  const out: Record<string, Encoded> = {};
  fn.outputs.forEach((p, k) => (out[p.name || String(k)] = fromAbi(p, r[k], book)));
  return out;
}

/** Counts the head words of a statically sized output, or -1 when it has a dynamic part. */
function staticWords(p: ParamType): number {
  if (isStaticWord(p)) return 1;
  if (p.baseType === 'tuple') {
    let n = 0;
    for (const c of p.components ?? []) {
      const w = staticWords(c);
      if (w < 0) return -1;
      n += w;
    }
    return n;
  }
  return -1;
}

function readStatic(p: ParamType, ret: Uint8Array, k: { i: number }): unknown {
  if (p.baseType === 'tuple') return (p.components ?? []).map((c) => readStatic(c, ret, k));
  const v = wordAt(ret, 32 * k.i++);
  if (p.type === 'address') return '0x' + v.toString(16).padStart(40, '0');
  if (p.type === 'bool') return v !== 0n;
  if (p.type === 'bytes32') return '0x' + v.toString(16).padStart(64, '0');
  if (p.type.startsWith('int')) {
    const bits = BigInt(p.type.slice(3) || '256');
    return v >= 1n << (bits - 1n) ? v - (1n << 256n) : v;
  }
  return v;
}

/**
 * Raw return data of `fn` as plain values (bigint, lowercase 0x addresses, arrays for tuples),
 * for the engine's own arithmetic. Static outputs (tuples included) are read directly, the
 * shapes of abiFast.ts next, and anything else by ethers.
 */
export function decodeRaw(fn: FunctionFragment, ret: Uint8Array): unknown[] {
  const outs = fn.outputs;
  let words = 0;
  let fast = true;
  for (const p of outs) {
    const w = staticWords(p);
    if (w < 0) {
      fast = false;
      break;
    }
    words += w;
  }
  if (fast && ret.length >= 32 * words) {
    const k = { i: 0 };
    return outs.map((p) => readStatic(p, ret, k));
  }
  const fastDecoded = decodeParams(outs, ret);
  if (fastDecoded !== null) return fastDecoded;
  const toPlain = (v: unknown): unknown => (Array.isArray(v) ? [...v].map(toPlain) : typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? v.toLowerCase() : v);
  return [...coder.decode(outs, ret)].map(toPlain);
}

const ERROR_SELECTOR = '0x08c379a0';
const STRING = [ParamType.from('string')];
const UINT = [ParamType.from('uint256')];
const PANIC_SELECTOR = '0x4e487b71';

/** Revert data → the reason of docs/traces.md#revert-reasons: the require string, "panic 0x11", or "" for an empty revert. */
export function revertReason(ret: Uint8Array, halt?: string): string {
  if (halt) return `evm: ${halt}`;
  if (ret.length === 0) return '';
  const hex = hexlify(ret);
  const sel = hex.slice(0, 10);
  try {
    if (sel === ERROR_SELECTOR) return ((decodeParams(STRING, ret.subarray(4)) ?? coder.decode(['string'], '0x' + hex.slice(10)))[0]) as string;
    if (sel === PANIC_SELECTOR) {
      const code = ((decodeParams(UINT, ret.subarray(4)) ?? coder.decode(['uint256'], '0x' + hex.slice(10)))[0]) as bigint;
      return `panic 0x${code.toString(16).padStart(2, '0')}`;
    }
  } catch {
    /* malformed: fall through to the raw data */
  }
  return hex;
}

/** Event decoding by topic0, per ABI kind, with the artifact ABI as a fallback for foreign code. */
export class EventTable {
  private readonly byKind = new Map<string, Map<string, EventFragment>>();
  private readonly any = new Map<string, EventFragment>();

  constructor(extraAbis: Record<string, unknown[]> = {}) {
    for (const kind of Object.keys(ABI_SOURCES)) {
      const m = new Map<string, EventFragment>();
      abiOf(kind).forEachEvent((e) => {
        m.set(e.topicHash, e);
        if (!this.any.has(e.topicHash)) this.any.set(e.topicHash, e);
      });
      const extra = extraAbis[kind];
      if (extra) {
        try {
          new Interface(extra as never).forEachEvent((e) => {
            if (!m.has(e.topicHash)) m.set(e.topicHash, e);
            if (!this.any.has(e.topicHash)) this.any.set(e.topicHash, e);
          });
        } catch {
          /* an unreadable foreign ABI only loses its extra events */
        }
      }
      this.byKind.set(kind, m);
    }
  }

  fragment(kind: string | undefined, topic0: string): EventFragment | undefined {
    return (kind ? this.byKind.get(kind)?.get(topic0) : undefined) ?? this.any.get(topic0);
  }
}

/** Decodes one log's arguments into ethers values (positional). */
export function decodeLogValues(ev: EventFragment, topics: string[], data: string): unknown[] {
  const plain = ev.inputs.filter((p) => !p.indexed);
  let decoded: unknown[];
  if (plain.every(isStaticWord) && data.length === 2 + 64 * plain.length) {
    const bytes = hexToBytesFast(data);
    const k = { i: 0 };
    decoded = plain.map((p) => readStatic(p, bytes, k));
  } else decoded = decodeParams(plain, hexToBytesFast(data)) ?? [...coder.decode(plain, data)];
  const nTopics = ev.inputs.length - plain.length + (ev.anonymous ? 0 : 1);
  if (topics.length !== nTopics) throw new Error(`${ev.name}: ${topics.length} topics, expected ${nTopics}`);
  let ti = ev.anonymous ? 0 : 1;
  let di = 0;
  return ev.inputs.map((p) => {
    if (!p.indexed) return decoded[di++];
    const t = topics[ti++];
    const dynamic = p.baseType === 'array' || p.baseType === 'tuple' || p.type === 'string' || p.type === 'bytes';
    if (dynamic) return t;
    if (isStaticWord(p)) return readStatic(p, hexToBytesFast(t), { i: 0 });
    return coder.decode([p], t)[0];
  });
}

export function logArgs(ev: EventFragment, values: unknown[], book: NameBook): Record<string, Encoded> {
  const args: Record<string, Encoded> = {};
  ev.inputs.forEach((p, k) => (args[p.name || String(k)] = fromAbi(p, values[k], book)));
  return args;
}
