/**
 * A faster main loop for the @ethereumjs/evm interpreter, with the same semantics, for the one
 * configuration this engine runs (Cancun, no EOF, no Verkle access witness, no step listeners,
 * no profiler, no debug logging). Any other configuration runs the stock loop.
 *
 * Why: the stock loop `await`s `runStep` for every opcode and every dynamic gas handler is an
 * `async` function, so each opcode costs two promise round trips even when nothing in it waits.
 * Here an opcode runs synchronously unless its handler really needs the state manager: the
 * memory-expansion gas handlers have synchronous twins (same formulas, through the EVM's own
 * `subMemUsage` / `divCeil`), and SLOAD reads the journaled state manager synchronously.
 * MLOAD, MSTORE, SLOAD and KECCAK256 also convert words without hex strings, and KECCAK256
 * memoises hashes (mapping slots are hashed again and again).
 *
 * `contracts-mirror/evmEngine/fastInterpreter.test.ts` replays every shipped trace and a batch of
 * random ones on an engine with and without this loop and requires byte-identical results,
 * per-step gas included.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { keccak256 } from 'ethers';
import { Account, Address as AddressClass, bigIntToBytes, bytesToUnprefixedHex, type Address } from '@ethereumjs/util';
import { addressHex } from './stateManager.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...a: any[]) => any;

interface EvmModules {
  Interpreter: { prototype: any };
  EVMError: any;
  EVMErrorTypeString: string;
  subMemUsage: (rs: any, offset: bigint, length: bigint, common: any) => bigint;
  divCeil: (a: bigint, b: bigint) => bigint;
  trap: (err: string) => never;
  accessStorageEIP2929: (rs: any, key: Uint8Array, isSstore: boolean, common: any, charge?: boolean) => bigint;
  consumeEip7928PostTargetCallOog: (rs: any) => void;
  updateSstoreGasEIP2200: (rs: any, current: Uint8Array, original: Uint8Array, value: Uint8Array, key: Uint8Array, common: any) => bigint;
  callFamilyGas: (rs: any, gas: bigint, common: any, opts: Record<string, unknown>) => Promise<bigint>;
  writeCallOutput: (rs: any, outOffset: bigint, outLength: bigint) => void;
  setLengthLeftStorage: (v: Uint8Array) => Uint8Array;
}

/**
 * What the fast loop needs from the state manager: synchronous storage access keyed by unprefixed
 * lowercase hex (40-digit address, 64-digit slot), as @ethereumjs's own journal keys them.
 */
export interface SyncStorage {
  storageHex(address: string, slot: string): Uint8Array;
  /** The slot's value at the start of the transaction (EIP-2200). */
  originalHex(address: string, slot: string): Uint8Array;
  putStorageHex(address: string, slot: string, value: Uint8Array): void;
  getAccountSync(address: Address): Account | undefined;
  getCodeSync(address: Address): Uint8Array;
}

let loaded: Promise<EvmModules | null> | null = null;

/** Loads the ESM modules of @ethereumjs/evm that the VM itself uses (the same class instances). */
function modules(): Promise<EvmModules | null> {
  loaded ??= (async () => {
    try {
      const cjs = createRequire(import.meta.url).resolve('@ethereumjs/evm');
      const root = cjs.replace(/[\\/]cjs[\\/]index\.js$/, '/esm/');
      if (root === cjs) return null;
      const at = async (p: string) => (await import(pathToFileURL(root + p).href)) as Record<string, any>;
      const [interp, errors, util, eip2929, eip7928, eip2200] = await Promise.all([
        at('interpreter.js'),
        at('errors.js'),
        at('opcodes/util.js'),
        at('opcodes/EIP2929.js'),
        at('opcodes/EIP7928.js'),
        at('opcodes/EIP2200.js'),
      ]);
      const m: EvmModules = {
        Interpreter: interp.Interpreter,
        EVMError: errors.EVMError,
        EVMErrorTypeString: errors.EVMErrorTypeString,
        subMemUsage: util.subMemUsage,
        divCeil: util.divCeil,
        trap: util.trap,
        accessStorageEIP2929: eip2929.accessStorageEIP2929,
        consumeEip7928PostTargetCallOog: eip7928.consumeEip7928PostTargetCallOog,
        updateSstoreGasEIP2200: eip2200.updateSstoreGasEIP2200,
        callFamilyGas: eip7928.callFamilyGas,
        writeCallOutput: util.writeCallOutput,
        setLengthLeftStorage: util.setLengthLeftStorage,
      };
      for (const [k, v] of Object.entries(m)) if (v === undefined) throw new Error(`@ethereumjs/evm has no ${k}`);
      return m;
    } catch {
      return null;
    }
  })();
  return loaded;
}

// ---- word conversions ---------------------------------------------------------------------

const TWO53 = 0x20000000000000n;

/** Writes `v` (0 ≤ v < 2^256) big-endian into out[0..32). */
function putWord(out: Uint8Array, v: bigint): void {
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

function word(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  putWord(b, v);
  return b;
}

/** A big-endian 32-byte word as a bigint. */
function wordValue(b: Uint8Array): bigint {
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
function bytesValue(v: Uint8Array): bigint {
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

// ---- storage keys and warm slots --------------------------------------------------------

/** A slot as @ethereumjs's journal and the state manager key it: 64 lowercase hex digits. */
function slotHex(k: bigint): string {
  return k.toString(16).padStart(64, '0');
}

/**
 * Journal.isWarmedStorage then Journal.addWarmedStorage (EIP-2929) on hex keys: true when the
 * slot was cold (and is now warm). With access-list reporting on, the journal's own methods run.
 */
function warmSlot(j: any, addr: Address, a: string, slot: string): boolean {
  if (j.accessList !== undefined) {
    const bytes = word(BigInt('0x' + slot));
    if (j.isWarmedStorage(addr.bytes, bytes)) return false;
    j.addWarmedStorage(addr.bytes, bytes);
    return true;
  }
  let slots: Set<string> | undefined = j.journal.get(a);
  if (slots !== undefined && slots.has(slot)) return false;
  const always: Set<string> | undefined = j.alwaysWarmJournal.get(a);
  if (always !== undefined && always.has(slot)) return false;
  if (slots === undefined) {
    j.addWarmedAddress(addr.bytes);
    slots = j.journal.get(a) as Set<string>;
  }
  slots.add(slot);
  const diff = j.journalDiff[j.journalDiff.length - 1][1][1] as Map<string, Set<string>>;
  let d = diff.get(a);
  if (d === undefined) diff.set(a, (d = new Set()));
  d.add(slot);
  return true;
}

// ---- KECCAK256 memo -----------------------------------------------------------------------

const MEMO_LIMIT = 65_536;
let memo = new Map<string, bigint>();

function keccakWord(data: Uint8Array): bigint {
  const key = Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1');
  let r = memo.get(key);
  if (r === undefined) {
    r = BigInt(keccak256(data));
    if (memo.size >= MEMO_LIMIT) memo = new Map();
    memo.set(key, r);
  }
  return r;
}

// ---- the per-EVM tables ------------------------------------------------------------------

/** `stack.peek()[0]` without the array (an empty stack still fails in Stack.peek, as stock). */
function top(rs: any): bigint {
  const st = rs.stack;
  return st._len > 0 ? st._store[st._len - 1] : st.peek()[0];
}

interface FastTables {
  gas: (Fn | undefined)[];
  op: (Fn | undefined)[];
  /** Base fee of each opcode (what an INLINE opcode costs when it needs no memory expansion). */
  fee: Float64Array;
}

const BIG32 = 32n;
/** What a table handler returns to end the frame normally (RETURN), instead of trapping STOP. */
const HALT = 1;
const MAX_STACK = 1024;
/** Gas left above this goes to the stock loop (the fast loop keeps gas in a float). */
const MAX_SAFE_GAS = BigInt(Number.MAX_SAFE_INTEGER);

/** Two-operand opcodes whose result replaces the operands (a is the top of the stack). */
const BINARY = new Uint8Array(256);
for (const op of [0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1b, 0x1c]) BINARY[op] = 1;

function binary(op: number, a: bigint, b: bigint): bigint {
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

/** Opcodes the fast loop runs inline (see run below). */
const INLINE = new Uint8Array(256);
for (const op of [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1b, 0x1c, 0x30, 0x33, 0x34, 0x35, 0x36, 0x3d, 0x50, 0x51, 0x52, 0x56,
  0x57, 0x5a, 0x5b, 0x5f,
]) {
  INLINE[op] = 1;
}

const addressValues = new WeakMap<Address, bigint>();
/** An address as the stack word ADDRESS / CALLER push, remembered per Address object. */
function addressValue(a: Address): bigint {
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
function addressOf(w: bigint): Address {
  const v = w & MASK160;
  let a = addresses.get(v);
  if (a === undefined) {
    a = new AddressClass(new Uint8Array(Buffer.from(v.toString(16).padStart(40, '0'), 'hex')));
    if (addresses.size >= 4096) addresses = new Map();
    addresses.set(v, a);
  }
  return a;
}

const cdPad = new Uint8Array(32);
/** CALLDATALOAD: 32 bytes of call data from `pos`, zero-padded on the right; 0 past the end. */
function callDataWord(data: Uint8Array, pos: bigint): bigint {
  if (pos > BigInt(data.length)) return 0n;
  const i = Number(pos);
  if (i + 32 <= data.length) return wordValue(data.subarray(i, i + 32));
  cdPad.fill(0);
  cdPad.set(data.subarray(i, i + 32), 0);
  return wordValue(cdPad);
}
for (let op = 0x60; op <= 0x9f; op++) INLINE[op] = 1; // PUSH1..32, DUP1..16, SWAP1..16

/**
 * The offset of a 32-byte memory access at `offset` when it needs no memory expansion (its
 * words are already paid for and allocated), else -1: the stock gas handler then charges it.
 */
function paidWord(rs: any, offset: bigint): number {
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

function writeWordAt(store: Uint8Array, o: number, v: bigint): void {
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

function readWordAt(store: Uint8Array, o: number): bigint {
  const dv = viewOf(store);
  if ((dv.getUint32(o) | dv.getUint32(o + 4) | dv.getUint32(o + 8) | dv.getUint32(o + 12) | dv.getUint32(o + 16) | dv.getUint32(o + 20)) === 0) {
    return dv.getBigUint64(o + 24);
  }
  return (dv.getBigUint64(o) << 192n) | (dv.getBigUint64(o + 8) << 128n) | (dv.getBigUint64(o + 16) << 64n) | dv.getBigUint64(o + 24);
}
const TWO256 = 1n << 256n;
const MAX256 = TWO256 - 1n;

function tables(m: EvmModules, common: any, storage: SyncStorage | null, opcodeMap: any[]): FastTables | null {
  const { subMemUsage, divCeil, trap, EVMError, accessStorageEIP2929 } = m;
  const p = (name: string) => common.param(name) as bigint;
  const copyGas = p('copyGas');
  const keccakWordGas = p('keccak256WordGas');
  const logTopicGas = p('logTopicGas');
  const logDataGas = p('logDataGas');
  const expByteGas = p('expByteGas');
  const gas: (Fn | undefined)[] = new Array(256).fill(undefined);
  const op: (Fn | undefined)[] = new Array(256).fill(undefined);

  // gas: the stock handlers' formulas (opcodes/gas.js), without the branches of inactive EIPs
  const memAt = (size: bigint) => (rs: any, g: bigint) => g + subMemUsage(rs, top(rs), size, common);
  gas[0x51] = memAt(32n); // MLOAD
  gas[0x52] = memAt(32n); // MSTORE
  gas[0x53] = memAt(1n); // MSTORE8
  const range = (rs: any, g: bigint) => {
    const [offset, length] = rs.stack.peek(2);
    return g + subMemUsage(rs, offset, length, common);
  };
  gas[0xf3] = range; // RETURN
  gas[0xfd] = range; // REVERT
  gas[0x20] = (rs: any, g: bigint) => {
    const [offset, length] = rs.stack.peek(2);
    g += subMemUsage(rs, offset, length, common);
    return g + keccakWordGas * divCeil(length, BIG32);
  };
  const copy = (rs: any, g: bigint) => {
    const [memOffset, , dataLength] = rs.stack.peek(3);
    g += subMemUsage(rs, memOffset, dataLength, common);
    if (dataLength !== 0n) g += copyGas * divCeil(dataLength, BIG32);
    return g;
  };
  gas[0x37] = copy; // CALLDATACOPY
  gas[0x39] = copy; // CODECOPY (the code-chunk charge is Verkle's: inactive)
  gas[0x3e] = (rs: any, g: bigint) => {
    // RETURNDATACOPY
    const [memOffset, returnDataOffset, dataLength] = rs.stack.peek(3);
    if (returnDataOffset + dataLength > rs.interpreter.getReturnDataSize()) {
      if (rs.env.eof === undefined) trap(EVMError.errorMessages.OUT_OF_GAS);
    }
    g += subMemUsage(rs, memOffset, dataLength, common);
    if (dataLength !== 0n) g += copyGas * divCeil(dataLength, BIG32);
    return g;
  };
  gas[0x5e] = (rs: any, g: bigint) => {
    // MCOPY
    const [dst, src, length] = rs.stack.peek(3);
    g += 3n * ((length + 31n) / BIG32);
    g += subMemUsage(rs, src, length, common);
    g += subMemUsage(rs, dst, length, common);
    return g;
  };
  for (let topics = 0; topics <= 4; topics++) {
    gas[0xa0 + topics] = (rs: any, g: bigint) => {
      if (rs.interpreter.isStatic()) trap(EVMError.errorMessages.STATIC_STATE_CHANGE);
      const [memOffset, memLength] = rs.stack.peek(2);
      g += subMemUsage(rs, memOffset, memLength, common);
      return g + logTopicGas * BigInt(topics) + memLength * logDataGas;
    };
  }
  gas[0x0a] = (rs: any, g: bigint) => {
    // EXP
    const exponent = rs.stack.peek(2)[1] as bigint;
    if (exponent === 0n) return g;
    let byteLength = exponent.toString(2).length / 8;
    if (byteLength > Math.trunc(byteLength)) byteLength = Math.trunc(byteLength) + 1;
    if (byteLength < 1 || byteLength > 32) trap(EVMError.errorMessages.OUT_OF_RANGE);
    return g + BigInt(byteLength) * expByteGas;
  };

  // handlers
  op[0x51] = (rs: any) => {
    // MLOAD
    const pos = rs.stack.pop();
    rs.stack.push(wordValue(rs.memory.read(Number(pos), 32, true)));
  };
  const scratch = new Uint8Array(32);
  op[0x52] = (rs: any) => {
    // MSTORE (Memory.write copies the word)
    const offset = rs.stack.pop();
    const v = rs.stack.pop();
    putWord(scratch, v);
    rs.memory.write(Number(offset), 32, scratch);
  };
  op[0x20] = (rs: any) => {
    // KECCAK256
    const offset = rs.stack.pop();
    const length = rs.stack.pop();
    const data = length === 0n ? new Uint8Array(0) : rs.memory.read(Number(offset), Number(length), true);
    rs.stack.push(keccakWord(data));
  };
  if (storage) {
    const cold = p('coldsloadGas');
    const warm = p('warmstoragereadGas');
    const { updateSstoreGasEIP2200 } = m;
    // setLengthLeftStorage (opcodes/util.js) without its spread-based padding
    const setLengthLeftStorage = (v: Uint8Array): Uint8Array => {
      if (v.length > 32) return m.setLengthLeftStorage(v);
      let zero = true;
      for (let i = 0; i < v.length; i++) {
        if (v[i] !== 0) {
          zero = false;
          break;
        }
      }
      if (zero) return new Uint8Array(0);
      if (v.length === 32) return v;
      const out = new Uint8Array(32);
      out.set(v, 32 - v.length);
      return out;
    };
    // SLOAD's gas handler and handler run back to back on the same key: the key's hex is made once
    let lastKey = -1n;
    let lastSlot = '';
    const slotOf = (k: bigint): string => {
      if (k !== lastKey) {
        lastKey = k;
        lastSlot = slotHex(k);
      }
      return lastSlot;
    };
    gas[0x54] = (rs: any, g: bigint) => {
      // SLOAD: EIP-2929 access cost
      const addr = rs.interpreter._env.address as Address;
      return g + (warmSlot(rs.interpreter.journal, addr, addressHex(addr), slotOf(top(rs))) ? cold : warm);
    };
    op[0x54] = (rs: any) => {
      // SLOAD
      const slot = slotOf(rs.stack.pop());
      rs.stack.push(bytesValue(storage.storageHex(addressHex(rs.interpreter._env.address), slot)));
    };
    gas[0x55] = (rs: any, g: bigint) => {
      // SSTORE: the stock order (static check, EIP-2200 with its sentry, then EIP-2929 access)
      if (rs.interpreter.isStatic()) trap(EVMError.errorMessages.STATIC_STATE_CHANGE);
      const [key, val] = rs.stack.peek(2) as bigint[];
      const addr = rs.interpreter._env.address as Address;
      const a = addressHex(addr);
      const slot = slotHex(key);
      const keyBytes = word(key);
      const value = val === 0n ? new Uint8Array(0) : bigIntToBytes(val);
      const current = setLengthLeftStorage(storage.storageHex(a, slot));
      const original = setLengthLeftStorage(storage.originalHex(a, slot));
      g += updateSstoreGasEIP2200(rs, current, original, setLengthLeftStorage(value), keyBytes, common);
      return g + (warmSlot(rs.interpreter.journal, addr, a, slot) ? cold : 0n);
    };
    op[0x55] = (rs: any) => {
      // SSTORE (Interpreter.storageStore: write, then refresh the frame's copy of the account)
      const key = rs.stack.pop();
      const val = rs.stack.pop();
      const env = rs.interpreter._env;
      storage.putStorageHex(addressHex(env.address), slotHex(key), val === 0n ? new Uint8Array(0) : bigIntToBytes(val));
      const account = storage.getAccountSync(env.address);
      if (!account) throw new Error('could not read account while persisting memory');
      env.contract = account;
    };
  }
  // CALL and STATICCALL: the stock gas and handler code (opcodes/gas.js, functions.js) with the
  // target's Address from addressOf; the EIP-7702 hooks are unused with EIP-7702 inactive
  const { callFamilyGas, writeCallOutput } = m;
  gas[0xfa] = (rs: any, g: bigint) => {
    const [currentGasLimit, toAddr, inOffset, inLength, outOffset, outLength] = rs.stack.peek(6);
    const o = { currentGasLimit, toAddress: addressOf(toAddr), value: 0n, inOffset, inLength, outOffset, outLength, includeValueTransfer: false, includeNewAccountPostCheck: false };
    return callFamilyGas(rs, g, common, o);
  };
  gas[0xf1] = (rs: any, g: bigint) => {
    const [currentGasLimit, toAddr, value, inOffset, inLength, outOffset, outLength] = rs.stack.peek(7);
    if (rs.interpreter.isStatic() && value !== 0n) trap(EVMError.errorMessages.STATIC_STATE_CHANGE);
    const o = { currentGasLimit, toAddress: addressOf(toAddr), value, inOffset, inLength, outOffset, outLength, includeValueTransfer: true, includeNewAccountPostCheck: true };
    return callFamilyGas(rs, g, common, o);
  };
  op[0xfa] = async (rs: any) => {
    const [, toAddr, inOffset, inLength, outOffset, outLength] = rs.stack.popN(6);
    const toAddress = addressOf(toAddr);
    const gasLimit = rs.messageGasLimit;
    rs.messageGasLimit = undefined;
    const data = inLength === 0n ? new Uint8Array(0) : rs.memory.read(Number(inOffset), Number(inLength), true);
    const ret = await rs.interpreter.callStatic(gasLimit, toAddress, 0n, data);
    writeCallOutput(rs, outOffset, outLength);
    rs.stack.push(ret);
  };
  const callStipend = p('callStipendGas');
  op[0xf1] = async (rs: any) => {
    const [, toAddr, value, inOffset, inLength, outOffset, outLength] = rs.stack.popN(7);
    const toAddress = addressOf(toAddr);
    const data = inLength === 0n ? new Uint8Array(0) : rs.memory.read(Number(inOffset), Number(inLength), true);
    let gasLimit = rs.messageGasLimit;
    rs.messageGasLimit = undefined;
    if (value !== 0n) {
      rs.interpreter.addStipend(callStipend);
      gasLimit += callStipend;
    }
    const ret = await rs.interpreter.call(gasLimit, toAddress, value, data);
    writeCallOutput(rs, outOffset, outLength);
    rs.stack.push(ret);
  };
  op[0xf3] = (rs: any) => {
    // RETURN: Interpreter.finish without the STOP trap (the loop ends the frame on HALT)
    const offset = rs.stack.pop();
    const length = rs.stack.pop();
    rs.interpreter._result.returnValue = length === 0n ? new Uint8Array(0) : rs.memory.read(Number(offset), Number(length));
    return HALT;
  };
  for (let topics = 0; topics <= 4; topics++) {
    op[0xa0 + topics] = (rs: any) => {
      // LOG0..LOG4
      const memOffset = rs.stack.pop();
      const memLength = rs.stack.pop();
      const buf: Uint8Array[] = [];
      for (let i = 0; i < topics; i++) buf.push(word(rs.stack.pop()));
      const mem = memLength === 0n ? new Uint8Array(0) : rs.memory.read(Number(memOffset), Number(memLength));
      rs.interpreter.log(mem, topics, buf);
    };
  }
  op[0x35] = (rs: any) => {
    // CALLDATALOAD (when the inline path declines: an empty stack)
    rs.stack.push(callDataWord(rs.interpreter._env.callData, rs.stack.pop()));
  };
  const fee = new Float64Array(256);
  for (let code = 0; code < 256; code++) {
    const info = opcodeMap[code]?.opcodeInfo;
    if (INLINE[code] !== 1) continue;
    // an INLINE opcode must be live in this fork, with a static fee (MLOAD/MSTORE: their base fee)
    if (!info || info.isInvalid || info.code !== code || (info.dynamicGas && code !== 0x51 && code !== 0x52)) return null;
    fee[code] = info.fee;
  }
  return { gas, op, fee };
}

const FAST = Symbol('flock-lab fast interpreter');

/**
 * Turns the fast loop on for `evm` (a @ethereumjs EVM). Returns false, leaving the stock loop,
 * when the modules cannot be found or the EVM's fork activates an EIP this loop does not model.
 */
export async function installFastInterpreter(evm: unknown, storage: SyncStorage | null): Promise<boolean> {
  const m = await modules();
  if (!m) return false;
  const e = evm as any;
  const common = e.common;
  for (const eip of [2780, 3540, 6800, 7702, 7708, 7864, 7928, 8037, 8038]) if (common.isActivatedEIP(eip)) return false;
  if (common.param('memoryGas') === undefined) return false;
  const t = tables(m, common, storage, e._opcodeMap);
  if (t === null) return false;
  e[FAST] = t;
  patchRun(m);
  patchExecuteCall(e, storage);
  // EVM._emit builds a promise and a listener array for every message, listened to or not
  const stockEmit = e._emit as Fn;
  e._emit = (topic: string, data: unknown) => (e.events.listenerCount(topic) === 0 ? undefined : stockEmit(topic, data));
  return true;
}

/**
 * The frame message `_executeCall` hands to `runInterpreter`: the stock code builds it as
 * `{ ...{ codeAddress }, ...message, gasLimit }`, a spread into a non-empty literal that V8 runs
 * on its slow path (about 11 µs a call, measured); this is the same set of fields, built directly.
 */
function frameMessage(m: any, gasLimit: bigint): any {
  return {
    codeAddress: m.codeAddress,
    to: m.to,
    value: m.value,
    caller: m.caller,
    gasLimit,
    data: m.data,
    eofCallData: m.eofCallData,
    depth: m.depth,
    code: m.code,
    _codeAddress: m._codeAddress,
    isStatic: m.isStatic,
    isCompiled: m.isCompiled,
    salt: m.salt,
    selfdestruct: m.selfdestruct,
    createdAddresses: m.createdAddresses,
    delegatecall: m.delegatecall,
    gasRefund: m.gasRefund,
    blobVersionedHashes: m.blobVersionedHashes,
    accessWitness: m.accessWitness,
    chargeCodeAccesses: m.chargeCodeAccesses,
  };
}

/** The Message fields frameMessage copies; any other own field sends the call down the stock path. */
const MESSAGE_FIELDS = new Set(['to', 'value', 'caller', 'gasLimit', 'data', 'eofCallData', 'depth', 'code', '_codeAddress', 'isStatic', 'isCompiled', 'salt', 'selfdestruct', 'createdAddresses', 'delegatecall', 'gasRefund', 'blobVersionedHashes', 'accessWitness', 'chargeCodeAccesses']);

/**
 * `EVM._executeCall` for a call that moves no ETH into code that is not a precompile, with the
 * EIPs that installFastInterpreter excludes inactive: the stock steps in the stock order (sender
 * and recipient touched through the balance helpers, code loaded, empty code returns at once),
 * with the frame message built by frameMessage. Every other call takes the stock path.
 */
function patchExecuteCall(e: any, storage: SyncStorage | null): void {
  const stock = e._executeCall as Fn;
  e._executeCall = async function (this: any, message: any) {
    if (message.value !== 0n || message.isCompiled || (message.code === undefined && this.precompiles.get(addressHex(message.codeAddress)) !== undefined)) {
      return stock.call(this, message);
    }
    for (const k of Object.keys(message)) if (!MESSAGE_FIELDS.has(k)) return stock.call(this, message);
    const gasLimit: bigint = message.gasLimit;
    // With no value moving, the balance helpers only write each account back unchanged and mark
    // it touched; touching matters only to an empty account (EIP-161 deletes it at the end of the
    // transaction) or a missing one (the write creates it), so only those take the helpers.
    const settle = async (address: Address, helper: '_reduceSenderBalance' | '_addToBalance'): Promise<unknown> => {
      const account: Account | undefined = await this.stateManager.getAccount(address);
      if (account !== undefined && !account.isEmpty()) return undefined;
      try {
        await this[helper](account ?? new Account(), message);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    let errorMessage: unknown;
    if (!message.delegatecall) {
      const fromSender = await settle(message.caller, '_reduceSenderBalance');
      // as in the stock code, a failure of the second helper replaces one of the first
      errorMessage = (await settle(message.to, '_addToBalance')) ?? fromSender;
    }
    if (storage !== null && !message.code) {
      // EVM._loadCode for code that is not a precompile (checked above) with EIP-7702 inactive
      message.code = storage.getCodeSync(message.codeAddress);
      message.isCompiled = false;
      message.chargeCodeAccesses = true;
    } else await this._loadCode(message);
    if (!message.code || (typeof message.code !== 'function' && message.code.length === 0) || errorMessage !== undefined) {
      return { execResult: { gasRefund: message.gasRefund, executionGasUsed: 0n, exceptionError: errorMessage, returnValue: new Uint8Array(0), logs: undefined } };
    }
    if (message.isCompiled) throw new Error('flock-lab fast _executeCall: a precompile slipped through');
    const result = await this.runInterpreter(frameMessage(message, gasLimit), { initialLogs: undefined });
    if (message.depth === 0) this.postMessageCleanup();
    result.executionGasUsed += message.gasLimit - gasLimit;
    return { execResult: result };
  };
}


let runPatched = false;

function patchRun(m: EvmModules): void {
  if (runPatched) return;
  runPatched = true;
  const proto = m.Interpreter.prototype;
  const stock = proto.run as Fn;
  const { EVMError, EVMErrorTypeString, consumeEip7928PostTargetCallOog } = m;
  const STOP = EVMError.errorMessages.STOP;
  const INVALID = EVMError.errorMessages.INVALID_OPCODE;
  const OOG = EVMError.errorMessages.OUT_OF_GAS;

  proto.run = async function run(this: any, code: Uint8Array, opts: { pc?: number } = {}) {
    const evm = this._evm;
    const t: FastTables | undefined = evm[FAST];
    const rs = this._runState;
    if (t === undefined || evm.DEBUG || this.profilerOpts?.enabled === true || evm.events.listenerCount('step') > 0 || code[0] === 0xef || rs.gasLeft > MAX_SAFE_GAS) {
      return stock.call(this, code, opts);
    }
    const common = this.common;
    const gasT = t.gas;
    const opT = t.op;
    const fees = t.fee;
    rs.code = code;
    rs.programCounter = opts.pc ?? rs.programCounter;
    let pc: number = rs.programCounter;
    if (pc !== 0 && (pc < 0 || pc >= code.length)) throw new Error('Internal error: program counter not in range');
    // Between opcodes that run inline, the program counter and the gas left live in these two
    // locals (gas as a float: exact, as it stays below 2^53); they are written back to the run
    // state before any stock or table handler runs, and read back after it.
    let gas = Number(rs.gasLeft);
    const opcodeMap = evm._opcodeMap;
    const st = rs.stack;
    const len = code.length;
    const lenBig = BigInt(len);
    let cached: any[] | null = null;
    let err: any;
    let synced = false;
    frame: while (pc < len) {
      const byte = code[pc];
      if (cached === null && (byte === 0x56 || byte === 0x57 || byte === 0x5e)) {
        const a = this._getValidJumpDestinations(code);
        rs.validJumps = a.jumps;
        rs.cachedPushes = a.pushes;
        rs.shouldDoJumpAnalysis = false;
        cached = a.opcodesCached;
      }
      // The commonest opcodes run here, and only in their well-formed case (gas for the base
      // fee, enough stack items, room to push, a valid jump, memory already expanded); any
      // other case takes the stock route below, which charges and fails exactly as stock.
      // (Every INLINE opcode is a valid one of this fork: installFastInterpreter checks.)
      if (INLINE[byte] === 1 && gas >= fees[byte]) {
        const opCode = byte;
        const s = st._store as bigint[];
        const n = st._len as number;
        let next = pc + 1;
        let ok = true;
        if (BINARY[opCode] === 1) {
          if (n >= 2) {
            s[n - 2] = binary(opCode, s[n - 1], s[n - 2]);
            st._len = n - 1;
          } else ok = false;
        } else switch (opCode) {
          case 0x50: // POP
            if (n >= 1) st._len = n - 1;
            else ok = false;
            break;
          case 0x5b: // JUMPDEST
            break;
          case 0x00: // STOP: the frame ends (the stock handler traps STOP, which the loop swallows)
            pc++;
            break frame;
          case 0x5f: // PUSH0
            if (n < MAX_STACK) {
              s[n] = 0n;
              st._len = n + 1;
            } else ok = false;
            break;
          case 0x56: {
            // JUMP
            const dest = n >= 1 ? s[n - 1] : lenBig + 1n;
            if (dest <= lenBig && rs.validJumps[Number(dest)] === 1) {
              st._len = n - 1;
              next = Number(dest);
            } else ok = false;
            break;
          }
          case 0x57: {
            // JUMPI
            if (n < 2) ok = false;
            else if (s[n - 2] === 0n) st._len = n - 2;
            else {
              const dest = s[n - 1];
              if (dest <= lenBig && rs.validJumps[Number(dest)] === 1) {
                st._len = n - 2;
                next = Number(dest);
              } else ok = false;
            }
            break;
          }
          case 0x15: // ISZERO
            if (n >= 1) s[n - 1] = s[n - 1] === 0n ? 1n : 0n;
            else ok = false;
            break;
          case 0x19: // NOT
            if (n >= 1) s[n - 1] = MAX256 ^ s[n - 1];
            else ok = false;
            break;
          case 0x30: // ADDRESS
          case 0x33: // CALLER
          case 0x34: // CALLVALUE
          case 0x36: // CALLDATASIZE
          case 0x3d: // RETURNDATASIZE
          case 0x5a: // GAS (what is left after its own base fee)
            if (n < MAX_STACK) {
              const env = this._env;
              s[n] =
                opCode === 0x30
                  ? addressValue(env.address)
                  : opCode === 0x33
                    ? addressValue(env.caller)
                    : opCode === 0x34
                      ? env.callValue
                      : opCode === 0x36
                        ? BigInt(env.callData.length)
                        : opCode === 0x3d
                          ? BigInt(rs.returnBytes.length)
                          : BigInt(gas - fees[opCode]);
              st._len = n + 1;
            } else ok = false;
            break;
          case 0x35: {
            // CALLDATALOAD
            if (n >= 1) s[n - 1] = callDataWord(this._env.callData, s[n - 1]);
            else ok = false;
            break;
          }
          case 0x51: {
            // MLOAD within memory already paid for
            const o = n >= 1 ? paidWord(rs, s[n - 1]) : -1;
            if (o >= 0) s[n - 1] = readWordAt(rs.memory._store, o);
            else ok = false;
            break;
          }
          case 0x52: {
            // MSTORE within memory already paid for
            const o = n >= 2 ? paidWord(rs, s[n - 1]) : -1;
            if (o >= 0) {
              writeWordAt(rs.memory._store, o, s[n - 2]);
              st._len = n - 2;
            } else ok = false;
            break;
          }
          default:
            if (opCode <= 0x7f) {
              // PUSH1..PUSH32, from the jump analysis' decoded immediates
              if (cached !== null && n < MAX_STACK) {
                s[n] = rs.cachedPushes[pc + 1];
                st._len = n + 1;
                next = pc + 1 + (opCode - 0x5f);
              } else ok = false;
            } else if (opCode <= 0x8f) {
              // DUP1..DUP16
              const k = opCode - 0x7f;
              if (n >= k && n < MAX_STACK) {
                s[n] = s[n - k];
                st._len = n + 1;
              } else ok = false;
            } else {
              // SWAP1..SWAP16
              const k = opCode - 0x8f;
              if (n > k) {
                const top = s[n - 1];
                s[n - 1] = s[n - 1 - k];
                s[n - 1 - k] = top;
              } else ok = false;
            }
        }
        if (ok) {
          gas -= fees[opCode];
          pc = next;
          continue;
        }
      }
      // the jump analysis' cached entries are this table's entries (Interpreter.lookupOpInfo)
      const entry = opcodeMap[byte];
      const info = entry.opcodeInfo;
      const opCode: number = cached === null ? byte : info.code;
      rs.programCounter = pc;
      rs.gasLeft = BigInt(gas);
      rs.opCode = opCode;
      try {
        let g: bigint = info.feeBigInt;
        if (info.dynamicGas) {
          const h = gasT[opCode];
          if (h === undefined) g = await entry.gasHandler(rs, g, common);
          else {
            const r = h(rs, g, common);
            g = typeof r === 'bigint' ? r : await r;
          }
        }
        if (info.isInvalid) throw new EVMError(INVALID);
        rs.gasLeft -= g;
        if (rs.gasLeft < 0n) {
          rs.gasLeft = 0n;
          throw new EVMError(OOG);
        }
        rs.programCounter++;
        if (rs.eip7928PostTargetCallOog !== undefined) consumeEip7928PostTargetCallOog(rs);
        const f = opT[opCode];
        if (f !== undefined) {
          const r = f(rs, common);
          if (r === HALT) {
            synced = true;
            break;
          }
          if (r !== undefined) await r;
        } else if (info.isAsync) await entry.opHandler(rs, common);
        else entry.opHandler(rs, common);
      } catch (e: any) {
        if (!(typeof e === 'object' && e !== null && e.errorType === EVMErrorTypeString)) throw e;
        if (e.error !== STOP) err = e;
        synced = true;
        break;
      }
      pc = rs.programCounter;
      gas = Number(rs.gasLeft);
    }
    if (!synced) {
      rs.programCounter = pc;
      rs.gasLeft = BigInt(gas);
    }
    if (err === undefined && rs.eip8037BurnLeftoverAfterCreateHaltOntoAlive === true && rs.gasLeft > 0n) {
      rs.gasLeft = 0n;
      err = new EVMError(OOG);
    }
    return { runState: rs, exceptionError: err };
  };
}

/** The word conversions, for their tests. */
export const words = { putWord, wordValue, bytesValue, slotHex };

/** Forgets the KECCAK256 memo (tests). */
export function clearKeccakMemo(): void {
  memo = new Map();
}
