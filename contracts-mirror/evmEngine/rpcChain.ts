/**
 * The EVM engine's chain (ChainPort) over an existing JSON-RPC node (`--rpc`, docs/traces.md#engines-and-options):
 * a local `hardhat node`, or a local fork of a live chain. Transactions are sent with
 * `eth_sendTransaction` from impersonated accounts (`hardhat_impersonateAccount`, gas funded with
 * `hardhat_setBalance`), one block per transaction, each at exactly the step's time
 * (`evm_setNextBlockTimestamp`). Views and the engine's reads are `eth_call`s at the head block,
 * which carries the current time: when time moved on since the last block, an empty block is
 * mined at that time first (`evm_mine`).
 *
 * Several steps may share a timestamp, so consecutive blocks may too: Hardhat allows that only
 * with `allowBlocksWithSameTimestamp: true` (the repository's hardhat.config.cjs sets it); a node
 * that refuses gets a clear error, never a silently shifted clock (every mined block is checked).
 *
 * Everything is bounded: each request has a timeout, receipts are polled a bounded number of
 * times, and only loopback URLs are accepted (the replay impersonates accounts and sends
 * transactions). `begin()` takes an `evm_snapshot` and `close()` reverts to it, so a replay
 * leaves the node as it found it and the same trace can run again on the same node.
 */
import '../chain/noKeepAlive.js';
import { FetchRequest, JsonRpcProvider, Network, getBytes, hexlify, toQuantity } from 'ethers';
import { bytesToUnprefixedHex } from '@ethereumjs/util';
import { READER, type CachedRead, type CallResult, type ChainPort, type RawLog } from './chain.js';

/** The node is unreachable, lacks a method the replay needs, or answered something unusable. */
export class RpcError extends Error {}

/** ETH given to every sender for gas (the node's fee market is real; results never show ETH). */
const FUNDS = 10n ** 24n;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Receipts are polled this many times, 50 ms apart (a node that automines has them at once). */
const RECEIPT_POLLS = 100;

export const SAME_TIMESTAMP_HELP =
  'each transaction gets its own block at its step\'s exact time, and genesis and steps share timestamps, ' +
  'so blocks must be allowed to share one: start Hardhat with networks.hardhat.allowBlocksWithSameTimestamp = true ' +
  '(the repository\'s hardhat.config.cjs does)';

/** Checks that `url` is an http(s) URL of this machine; throws RpcError otherwise. */
export function checkRpcUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RpcError(`--rpc ${url}: not a URL (expected e.g. http://127.0.0.1:8545)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RpcError(`--rpc ${url}: expected an http:// or https:// URL`);
  if (!LOOPBACK.has(u.hostname)) {
    throw new RpcError(`--rpc ${url}: only a node on this machine (127.0.0.1, localhost or [::1]) is accepted: the replay impersonates accounts and sends transactions`);
  }
  return u;
}

interface RpcErr {
  code?: number;
  message?: string;
  data?: unknown;
}

interface Receipt {
  status: string;
  blockNumber: string;
  gasUsed: string;
  contractAddress: string | null;
  logs: { address: string; topics: string[]; data: string }[];
}

interface Block {
  number: string;
  timestamp: string;
  gasLimit: string;
}

function why(e: unknown): string {
  const x = e as { shortMessage?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const cause = x.cause?.code ?? x.cause?.message;
  if (x.code === 'TIMEOUT') return 'no answer in time';
  return [x.shortMessage ?? x.message ?? String(e), cause].filter(Boolean).join(': ');
}

/** Revert data in a JSON-RPC error: geth/anvil put it in `data`, Hardhat in `data.data`. */
function revertData(e: RpcErr): string | undefined {
  const hex = (v: unknown) => (typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v) ? v : undefined);
  if (typeof e.data === 'string') return hex(e.data);
  if (e.data && typeof e.data === 'object') return hex((e.data as { data?: unknown }).data);
  return undefined;
}

/** An exceptional halt named in an error message, in the in-process engine's words (ethereumjs). */
function haltOf(message: string | undefined): string | undefined {
  if (!message) return undefined;
  if (/out of gas/i.test(message)) return 'out of gas';
  if (/invalid opcode/i.test(message)) return 'invalid opcode';
  return undefined;
}

const isoTime = (t: bigint) => {
  try {
    return new Date(Number(t) * 1000).toISOString();
  } catch {
    return 'out of range';
  }
};

export interface RpcChainOptions {
  /** Timeout of each request (default 30 s). */
  timeoutMs?: number;
  /** Timeout of the first request, which says whether the node is there at all (default 5 s). */
  connectTimeoutMs?: number;
}

export class RpcChain implements ChainPort {
  private time = 0n;
  private headNumber: bigint;
  private headTime: bigint;
  private nextId = 1;
  private readonly cache = new Map<string, CachedRead>();
  /** Accounts impersonated (and funded) by this replay. */
  private readonly senders = new Set<string>();
  private snapshotId: string | null = null;
  private closed = false;
  /** Counters for reports and benchmarks. */
  stats = { requests: 0, txs: 0, calls: 0, readHits: 0, emptyBlocks: 0 };

  /** Gas limit of every transaction and call: the node's block gas limit. */
  gasLimit = 0n;

  private constructor(
    readonly url: string,
    private readonly provider: JsonRpcProvider,
    readonly chainId: bigint,
  ) {
    this.headNumber = 0n;
    this.headTime = 0n;
  }

  /** Connects to the node at `url` (loopback only) and reads its chain id and head block. */
  static async connect(url: string, opts: RpcChainOptions = {}): Promise<RpcChain> {
    checkRpcUrl(url);
    const probeReq = new FetchRequest(url);
    probeReq.timeout = opts.connectTimeoutMs ?? 5_000;
    const probe = new JsonRpcProvider(probeReq, undefined, { batchMaxCount: 1 });
    let chainId: bigint;
    try {
      const [r] = await probe._send({ method: 'eth_chainId', params: [], id: 1, jsonrpc: '2.0' });
      if ('error' in r) throw new Error((r.error as RpcErr).message ?? 'error');
      chainId = BigInt(r.result as string);
    } catch (e) {
      throw new RpcError(`cannot reach a JSON-RPC node at ${url} (eth_chainId: ${why(e)}); start one, e.g. npx hardhat node --hostname 127.0.0.1 --port 8545`);
    } finally {
      probe.destroy();
    }
    const req = new FetchRequest(url);
    req.timeout = opts.timeoutMs ?? 30_000;
    const provider = new JsonRpcProvider(req, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1 });
    const c = new RpcChain(url, provider, chainId);
    try {
      const head = await c.call<Block>('eth_getBlockByNumber', ['latest', false]);
      c.headNumber = BigInt(head.number);
      c.headTime = BigInt(head.timestamp);
      c.gasLimit = BigInt(head.gasLimit);
      return c;
    } catch (e) {
      provider.destroy();
      throw e;
    }
  }

  /** Time of the node's latest block. */
  get headTimestamp(): bigint {
    return this.headTime;
  }

  get now(): bigint {
    return this.time;
  }

  /** Forgets the cached reads (marking them stale for whoever still holds one). */
  private dropReads(): void {
    for (const e of this.cache.values()) e.stale = true;
    this.cache.clear();
  }

  setTime(t: bigint): void {
    if (t === this.time) return;
    this.time = t;
    this.dropReads();
  }

  /** One JSON-RPC request; transport failures and timeouts throw RpcError, JSON-RPC errors are returned. */
  private async raw(method: string, params: unknown[]): Promise<{ result?: unknown; error?: RpcErr }> {
    if (this.closed) throw new RpcError(`${method}: the connection to ${this.url} is closed`);
    this.stats.requests++;
    let out;
    try {
      out = await this.provider._send({ method, params, id: this.nextId++, jsonrpc: '2.0' });
    } catch (e) {
      throw new RpcError(`${method} on ${this.url} failed: ${why(e)}`);
    }
    const r = out[0];
    if (!r) throw new RpcError(`${method} on ${this.url}: empty answer`);
    return 'error' in r ? { error: r.error as RpcErr } : { result: r.result };
  }

  private async call<T>(method: string, params: unknown[], help = ''): Promise<T> {
    const r = await this.raw(method, params);
    if (r.error) throw new RpcError(`${method} on ${this.url}: ${r.error.message ?? JSON.stringify(r.error)}${help ? ` (${help})` : ''}`);
    return r.result as T;
  }

  /** Takes a snapshot that close() reverts to (nodes without evm_snapshot keep the replay's blocks). */
  async begin(): Promise<void> {
    const r = await this.raw('evm_snapshot', []);
    this.snapshotId = r.error ? null : (r.result as string);
  }

  /** Reverts to the snapshot of begin(), stops impersonating, and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    const problems: string[] = [];
    try {
      if (this.snapshotId !== null) {
        const r = await this.raw('evm_revert', [this.snapshotId]);
        if (r.error || r.result !== true) problems.push(`evm_revert: ${r.error?.message ?? String(r.result)}`);
      }
      for (const a of this.senders) await this.raw('hardhat_stopImpersonatingAccount', [a]);
    } catch (e) {
      problems.push((e as Error).message);
    } finally {
      this.closed = true;
      this.provider.destroy();
    }
    if (problems.length) throw new RpcError(`could not restore the node at ${this.url}: ${problems.join('; ')}`);
  }

  /** Impersonates `from` and funds its gas, once per replay. */
  private async sender(from: string): Promise<void> {
    if (this.senders.has(from)) return;
    await this.call('hardhat_impersonateAccount', [from], 'the replay sends transactions from impersonated accounts: use a Hardhat (or compatible) node');
    this.senders.add(from);
    await this.call('hardhat_setBalance', [from, toQuantity(FUNDS)], 'needed to pay the gas of impersonated accounts');
  }

  private clockError(): RpcError {
    return new RpcError(`the latest block of the node at ${this.url} (#${this.headNumber}) is at ${this.headTime} (${isoTime(this.headTime)}), after the step time ${this.time} (${isoTime(this.time)}): a chain cannot go back in time`);
  }

  /** Makes the head block carry the current time (mines an empty block at it when time moved on). */
  private async atNow(): Promise<void> {
    if (this.headTime === this.time) return;
    if (this.headTime > this.time) throw this.clockError();
    await this.call('evm_mine', [toQuantity(this.time)]);
    this.stats.emptyBlocks++;
    const head = await this.call<Block>('eth_getBlockByNumber', ['latest', false]);
    if (BigInt(head.timestamp) !== this.time) {
      throw new RpcError(`evm_mine at ${this.time} on ${this.url} made block #${BigInt(head.number)} at ${BigInt(head.timestamp)} instead: the node does not keep the clock it is given`);
    }
    this.headNumber = BigInt(head.number);
    this.headTime = this.time;
  }

  private async receipt(hash: string): Promise<Receipt> {
    for (let i = 0; i < RECEIPT_POLLS; i++) {
      const r = await this.call<Receipt | null>('eth_getTransactionReceipt', [hash]);
      if (r) return r;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new RpcError(`no receipt for transaction ${hash} from ${this.url} after ${(RECEIPT_POLLS * 50) / 1000} s: the node must mine each transaction at once (automine on)`);
  }

  /** The revert data of a mined, failed transaction, from its trace (when the send error did not carry it). */
  private async traceRevert(hash: string): Promise<string> {
    const r = await this.raw('debug_traceTransaction', [hash, { disableStorage: true, disableMemory: true, disableStack: true }]);
    const rv = (r.result as { returnValue?: string } | undefined)?.returnValue;
    if (r.error || typeof rv !== 'string') {
      throw new RpcError(`transaction ${hash} reverted, and its revert data could not be read (debug_traceTransaction: ${r.error?.message ?? 'no returnValue'})`);
    }
    const hex = rv.startsWith('0x') ? rv : '0x' + rv;
    if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new RpcError(`transaction ${hash}: unreadable revert data ${rv}`);
    return hex;
  }

  /** Sends one transaction from `from` in its own block at time `now`. */
  private async send(from: string, to: string | undefined, data: Uint8Array): Promise<CallResult> {
    this.stats.txs++;
    await this.sender(from);
    if (this.headTime > this.time) throw this.clockError();
    const set = await this.raw('evm_setNextBlockTimestamp', [toQuantity(this.time)]);
    if (set.error) {
      const msg = set.error.message ?? '';
      if (this.headTime === this.time) throw new RpcError(`evm_setNextBlockTimestamp ${this.time} on ${this.url}: ${msg}. ${SAME_TIMESTAMP_HELP}`);
      throw new RpcError(`evm_setNextBlockTimestamp ${this.time} on ${this.url}: ${msg}`);
    }
    const tx: Record<string, string> = { from, data: hexlify(data), gas: toQuantity(this.gasLimit) };
    if (to !== undefined) tx.to = to;
    const sent = await this.raw('eth_sendTransaction', [tx]);
    let hash: string | undefined;
    let revert: string | undefined;
    let halt: string | undefined;
    if (sent.error) {
      // Hardhat mines a failing transaction and answers with an error that carries its hash and revert data.
      const d = sent.error.data as { txHash?: unknown } | undefined;
      hash = d && typeof d === 'object' && typeof d.txHash === 'string' ? d.txHash : undefined;
      if (!hash) throw new RpcError(`eth_sendTransaction from ${from} was refused by the node at ${this.url}: ${sent.error.message ?? JSON.stringify(sent.error)}`);
      revert = revertData(sent.error);
      halt = haltOf(sent.error.message);
    } else hash = sent.result as string;
    const rc = await this.receipt(hash);
    this.headNumber = BigInt(rc.blockNumber);
    this.headTime = this.time;
    this.dropReads();
    const gas = BigInt(rc.gasUsed);
    if (rc.status === '0x1') {
      const logs: RawLog[] = rc.logs.map((l) => ({ address: l.address.toLowerCase(), topics: l.topics.map((t) => t.toLowerCase()), data: l.data.toLowerCase() }));
      return { ok: true, ret: new Uint8Array(0), logs, gas, created: rc.contractAddress ? rc.contractAddress.toLowerCase() : undefined };
    }
    if (halt) return { ok: false, ret: new Uint8Array(0), logs: [], gas, halt };
    if (revert === undefined) revert = await this.traceRevert(hash);
    return { ok: false, ret: getBytes(revert), logs: [], gas };
  }

  tx(from: string, to: string, data: Uint8Array): Promise<CallResult> {
    return this.send(from, to, data);
  }

  deploy(from: string, initcode: Uint8Array): Promise<CallResult> {
    return this.send(from, undefined, initcode);
  }

  /** eth_call at the head block (which carries time `now`). */
  private async ethCall(from: string, to: string, data: Uint8Array): Promise<CallResult> {
    this.stats.calls++;
    const r = await this.raw('eth_call', [{ from, to, data: hexlify(data), gas: toQuantity(this.gasLimit) }, toQuantity(this.headNumber)]);
    if (!r.error) return { ok: true, ret: getBytes(r.result as string), logs: [] };
    const halt = haltOf(r.error.message);
    if (halt) return { ok: false, ret: new Uint8Array(0), logs: [], halt };
    const rd = revertData(r.error);
    if (rd !== undefined) return { ok: false, ret: getBytes(rd), logs: [] };
    if (/revert|VM Exception/i.test(r.error.message ?? '')) return { ok: false, ret: new Uint8Array(0), logs: [] };
    throw new RpcError(`eth_call to ${to} on ${this.url}: ${r.error.message ?? JSON.stringify(r.error)}`);
  }

  async view(from: string, to: string, data: Uint8Array): Promise<CallResult> {
    await this.atNow();
    return this.ethCall(from, to, data);
  }

  /** The engine's read from READER, cached until the next transaction or time step. */
  async read(to: string, data: Uint8Array | (() => Uint8Array), cacheKey?: string): Promise<CachedRead> {
    if (cacheKey === undefined && typeof data === 'function') data = data();
    const key = cacheKey ?? to + bytesToUnprefixedHex(data as Uint8Array);
    const hit = this.cache.get(key);
    if (hit) {
      this.stats.readHits++;
      return hit;
    }
    if (typeof data === 'function') data = data();
    await this.atNow();
    const r = await this.ethCall(READER, to, data);
    const entry: CachedRead = { ret: r.ok ? r.ret : new Uint8Array(0), ok: r.ok, deps: [], timed: false };
    this.cache.set(key, entry);
    return entry;
  }
}
