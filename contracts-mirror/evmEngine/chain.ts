/**
 * One in-process chain on @ethereumjs/vm: a VM over the journaled state manager, a block clock,
 * transactions from any address (no signatures: msg.sender is whatever the trace names), static
 * views inside a checkpoint that is always reverted, and a cache of the engine's own reads
 * (state schema, invariants) that is invalidated slot by slot from what each transaction wrote.
 */
import { createVM, type VM } from '@ethereumjs/vm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { Address, bytesToHex, bytesToUnprefixedHex, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { JournaledStateManager } from './stateManager.js';
import { fastEips, patchInterpreter, patchRunInterpreter } from './perf.js';
import { installFastInterpreter } from './fastInterpreter.js';

/** One emitted log: the emitter as lowercase 0x-hex, the topics and the data as 0x-hex. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

export interface CallResult {
  ok: boolean;
  /** Return data, or revert data when !ok. */
  ret: Uint8Array;
  logs: RawLog[];
  /**
   * Gas a transaction with this call would use: intrinsic + execution − refund. Always set in
   * process; over JSON-RPC a view (eth_call, no receipt) carries none.
   */
  gas?: bigint;
  /** An exceptional halt other than REVERT (out of gas, invalid opcode, …). */
  halt?: string;
  /** Lowercase 0x-hex of a created contract. */
  created?: string;
}

const TX_GAS_LIMIT = 1_000_000_000n;
/** Warm in every transaction (EIP-2929, EIP-3651): the zero address (coinbase) and the precompiles 1–10, unprefixed. */
const ALWAYS_WARM = ['0'.repeat(40), ...Array.from({ length: 10 }, (_, i) => (i + 1).toString(16).padStart(40, '0'))];
const ZERO20 = '0x0000000000000000000000000000000000000000';
/** msg.sender of the engine's own reads: an address no trace can name. */
export const READER = '0x00000000000000000000000000000000000f10c6';

const addressCache = new Map<string, Address>();
export function toAddress(hex: string): Address {
  let a = addressCache.get(hex);
  if (!a) {
    a = createAddressFromString(hex);
    addressCache.set(hex, a);
  }
  return a;
}

function intrinsicGas(data: Uint8Array, create: boolean): bigint {
  let g = create ? 53_000n : 21_000n;
  for (let i = 0; i < data.length; i++) g += data[i] === 0 ? 4n : 16n;
  if (create) g += 2n * BigInt(Math.ceil(data.length / 32)); // EIP-3860 initcode words
  return g;
}

export interface CachedRead {
  ret: Uint8Array;
  ok: boolean;
  deps: string[];
  timed: boolean;
  /** Whatever the caller decoded from `ret` (kept with the entry, dropped with it). */
  decoded?: unknown;
  /** Set when the chain dropped the entry (a slot it read was written): callers holding it must read again. */
  stale?: boolean;
}

/**
 * What the engine's genesis, steps, state schema and invariants need from a chain: this
 * in-process Chain, or RpcChain (rpcChain.ts) over an existing JSON-RPC node.
 */
export interface ChainPort {
  /** The block time the next call runs at (the current step's `at`). */
  readonly now: bigint;
  setTime(t: bigint): void;
  /** A state-changing call from `from` (no signature needed) at time `now`. */
  tx(from: string, to: string, data: Uint8Array): Promise<CallResult>;
  /** Deploys `initcode` (bytecode ‖ constructor args) from `from`. */
  deploy(from: string, initcode: Uint8Array): Promise<CallResult>;
  /** A static call from `from` at time `now`, leaving no trace. */
  view(from: string, to: string, data: Uint8Array): Promise<CallResult>;
  /** The engine's own read (from READER), cached while nothing it could depend on changed. */
  read(to: string, data: Uint8Array | (() => Uint8Array), cacheKey?: string): Promise<CachedRead>;
}

export interface ReadSnapshot {
  cache: Map<string, CachedRead>;
  time: bigint;
}

export class Chain implements ChainPort {
  readonly sm = new JournaledStateManager();
  vm!: VM;
  private time = 0n;
  private number = 1n;
  private timeRead = false;
  private readonly block: unknown;
  private readonly reader = toAddress(READER);
  /** Reads go straight to the interpreter (staticRead); set with the fast interpreter. */
  private directReads = false;
  /** (to ‖ calldata) → read; slot key → reads that depend on it; reads that used block.timestamp. */
  private readonly readCache = new Map<string, CachedRead>();
  private readonly readsBySlot = new Map<string, Set<string>>();
  private readonly timedReads = new Set<string>();
  /** Counters for the benchmark. */
  stats = { txs: 0, views: 0, reads: 0, readHits: 0, txMs: 0, readMs: 0 };

  private constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const header = {
      get number() {
        return self.number;
      },
      coinbase: toAddress(ZERO20),
      get timestamp() {
        self.timeRead = true;
        return self.time;
      },
      difficulty: 0n,
      prevRandao: new Uint8Array(32),
      gasLimit: 30_000_000_000n,
      baseFeePerGas: 0n,
      getBlobGasPrice: () => 1n,
    };
    this.block = { header };
  }

  /**
   * `fast: false` keeps @ethereumjs's stock call path and interpreter loop (perf.ts and
   * fastInterpreter.ts are checked against it); only the jump-analysis cache stays.
   */
  static async create(opts: { fast?: boolean } = {}): Promise<Chain> {
    await patchInterpreter();
    const c = new Chain();
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
    c.vm = await createVM({ common, stateManager: c.sm, evmOpts: { allowUnlimitedContractSize: true } });
    if (opts.fast !== false) {
      fastEips(c.vm.common);
      if (c.vm.evm.common !== c.vm.common) fastEips(c.vm.evm.common);
      c.directReads = patchRunInterpreter(c.vm.evm) && (await installFastInterpreter(c.vm.evm, c.sm));
    }
    return c;
  }

  get now(): bigint {
    return this.time;
  }

  /** Moves the clock; reads that used block.timestamp are dropped when it changes. */
  setTime(t: bigint): void {
    if (t === this.time) return;
    this.time = t;
    this.number += 1n;
    for (const k of this.timedReads) this.dropRead(k);
    this.timedReads.clear();
  }

  private opts(from: string, to: string | undefined, data: Uint8Array, isStatic: boolean) {
    return {
      caller: toAddress(from),
      origin: toAddress(from),
      to: to === undefined ? undefined : toAddress(to),
      data,
      block: this.block as never,
      gasLimit: TX_GAS_LIMIT,
      isStatic,
      skipBalance: true,
    };
  }

  private result(r: Awaited<ReturnType<VM['evm']['runCall']>>, data: Uint8Array, create: boolean): CallResult {
    const ex = r.execResult;
    const err = ex.exceptionError;
    const exec = ex.executionGasUsed;
    let gas = intrinsicGas(data, create) + exec;
    const refund = ex.gasRefund ?? 0n;
    gas -= refund < gas / 5n ? refund : gas / 5n;
    if (err) {
      return { ok: false, ret: ex.returnValue, logs: [], gas, halt: err.error === 'revert' ? undefined : err.error };
    }
    const logs: RawLog[] = (ex.logs ?? []).map(([a, topics, d]) => ({
      address: bytesToHex(a),
      topics: topics.map((t) => bytesToHex(t)),
      data: bytesToHex(d),
    }));
    return { ok: true, ret: ex.returnValue, logs, gas, created: r.createdAddress ? r.createdAddress.toString() : undefined };
  }

  /** Resets the per-transaction journal (warm sets) like a new transaction does. */
  private async beginTx(from: string, to: string | undefined): Promise<void> {
    const j = this.vm.evm.journal as unknown as { cleanup(): Promise<void>; addAlwaysWarmAddress(a: string): void; alwaysWarmJournal?: Map<string, Set<string>>; accessList?: unknown };
    await j.cleanup();
    this.sm.originalStorageCache.clear();
    const warm = j.alwaysWarmJournal;
    if (warm instanceof Map && j.accessList === undefined) {
      // Journal.addAlwaysWarmAddress without access-list reporting, on keys already stripped
      for (const a of [from.slice(2), to?.slice(2), ...ALWAYS_WARM]) if (a !== undefined && !warm.has(a)) warm.set(a, new Set());
      return;
    }
    j.addAlwaysWarmAddress(from);
    if (to) j.addAlwaysWarmAddress(to);
    for (const a of ALWAYS_WARM) j.addAlwaysWarmAddress(a);
  }

  /**
   * A state-changing call from `from` (any address: no signature) at the current block time.
   * Returns what it wrote in `sm.writes` (cleared first); a reverted call wrote nothing.
   */
  async tx(from: string, to: string, data: Uint8Array): Promise<CallResult> {
    this.stats.txs++;
    const t0 = performance.now();
    await this.beginTx(from, to);
    this.sm.writes.clear();
    const r = await this.vm.evm.runCall(this.opts(from, to, data, false));
    const res = this.result(r, data, false);
    if (!res.ok) this.sm.writes.clear();
    this.invalidate();
    this.stats.txMs += performance.now() - t0;
    return res;
  }

  /** Deploys `initcode` (bytecode ‖ constructor args) from `from`. */
  async deploy(from: string, initcode: Uint8Array): Promise<CallResult> {
    await this.beginTx(from, undefined);
    this.sm.writes.clear();
    const r = await this.vm.evm.runCall(this.opts(from, undefined, initcode, false));
    const res = this.result(r, initcode, true);
    this.invalidate();
    return res;
  }

  /**
   * A static call whose every effect (nonce, warm sets, accounts touched) is undone. It starts
   * from a fresh access list like a transaction of its own, so its gas does not depend on which
   * reads the engine happened to make before it.
   */
  async view(from: string, to: string, data: Uint8Array): Promise<CallResult> {
    this.stats.views++;
    await this.sm.checkpoint();
    try {
      await this.beginTx(from, to);
      const r = await this.vm.evm.runCall({ ...this.opts(from, to, data, true), skipNonceIncrement: true });
      return this.result(r, data, false);
    } finally {
      await this.sm.revert();
    }
  }

  /**
   * The engine's read as a frame run straight by the interpreter: no message, journal checkpoint
   * or balance bookkeeping around it, which a read from READER at depth 0 does not need (its
   * writes, none, are undone with the state manager's checkpoint; the warm slots it leaves are
   * reset by the next transaction or view, which is why view starts from a fresh access list).
   * Returns null when the stock path must run it (a precompile target).
   */
  private async staticRead(to: string, data: Uint8Array): Promise<{ ok: boolean; ret: Uint8Array } | null> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const evm = this.vm.evm as any;
    const addr = toAddress(to);
    if (evm.getPrecompile(addr) !== undefined) return null;
    evm._block = this.block;
    evm._tx = { gasPrice: 0n, origin: this.reader };
    const code = this.sm.getCodeSync(addr);
    if (code.length === 0) return { ok: true, ret: new Uint8Array(0) };
    const r = await evm.runInterpreter({
      to: addr,
      caller: this.reader,
      codeAddress: addr,
      data,
      value: 0n,
      code,
      depth: 0,
      isStatic: true,
      isCompiled: false,
      delegatecall: false,
      gasLimit: TX_GAS_LIMIT,
      gasRefund: 0n,
      selfdestruct: new Map(),
      createdAddresses: new Set(),
    });
    evm.postMessageCleanup();
    return { ok: r.exceptionError === undefined, ret: r.returnValue };
  }

  /**
   * The engine's own read (state schema, invariants): a static call from READER, cached until a
   * transaction writes a slot it read, or the clock moves and it read block.timestamp.
   */
  async read(to: string, data: Uint8Array | (() => Uint8Array), cacheKey?: string): Promise<CachedRead> {
    if (cacheKey === undefined && typeof data === 'function') data = data();
    const key = cacheKey ?? to + bytesToUnprefixedHex(data as Uint8Array);
    const hit = this.readCache.get(key);
    if (hit) {
      this.stats.readHits++;
      return hit;
    }
    if (typeof data === 'function') data = data();
    this.stats.reads++;
    const t0 = performance.now();
    const reads: string[] = [];
    this.sm.reads = reads;
    this.timeRead = false;
    let r: { ok: boolean; ret: Uint8Array } | null = null;
    try {
      await this.sm.checkpoint();
      try {
        if (this.directReads) r = await this.staticRead(to, data);
        if (r === null) {
          const res = await this.vm.evm.runCall({ ...this.opts(READER, to, data, true), skipNonceIncrement: true });
          r = this.result(res, data, false);
        }
      } finally {
        await this.sm.revert();
      }
    } finally {
      this.sm.reads = null;
    }
    const entry: CachedRead = { ret: r.ok ? r.ret : new Uint8Array(0), ok: r.ok, deps: reads, timed: this.timeRead };
    this.keep(key, entry);
    this.stats.readMs += performance.now() - t0;
    return entry;
  }

  /** Caches a read and indexes it by the slots it depends on (and the clock, if it read it). */
  private keep(key: string, e: CachedRead): void {
    this.readCache.set(key, e);
    for (const d of e.deps) {
      let s = this.readsBySlot.get(d);
      if (!s) this.readsBySlot.set(d, (s = new Set()));
      s.add(key);
    }
    if (e.timed) this.timedReads.add(key);
  }

  private dropRead(key: string): void {
    const e = this.readCache.get(key);
    if (!e) return;
    e.stale = true;
    this.readCache.delete(key);
    for (const d of e.deps) this.readsBySlot.get(d)?.delete(key);
    if (e.timed) this.timedReads.delete(key);
  }

  private invalidate(): void {
    for (const w of this.sm.writes) {
      const s = this.readsBySlot.get(w);
      if (!s) continue;
      for (const k of [...s]) this.dropRead(k);
    }
  }

  /** A copy of the read cache, to restore after rewinding to the state it was taken in. */
  snapshotReads(): ReadSnapshot {
    return { cache: new Map(this.readCache), time: this.time };
  }

  /** Restores a read cache taken (snapshotReads) in the state the chain was just rewound to. */
  restoreReads(snap: ReadSnapshot): void {
    this.clearReads();
    this.time = snap.time;
    for (const [key, e] of snap.cache) {
      e.stale = false;
      this.keep(key, e);
    }
  }

  /** Forgets every cached read (after a rewind to genesis). */
  clearReads(): void {
    for (const e of this.readCache.values()) e.stale = true;
    this.readCache.clear();
    this.readsBySlot.clear();
    this.timedReads.clear();
  }

  /** Marks the state to rewind to with `rewind()`. */
  async mark(): Promise<void> {
    await this.sm.checkpoint();
  }

  /** Undoes everything since the last `mark()` and keeps the mark. */
  async rewind(): Promise<void> {
    await this.sm.revert();
    await this.sm.checkpoint();
    this.clearReads();
  }
}

export { hexToBytes, bytesToHex };
