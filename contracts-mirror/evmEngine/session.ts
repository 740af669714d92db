/**
 * One trace's view of a chain: the name book, the contracts by name and kind (genesis ones,
 * then pools and FL tasks in creation order), the token holders and burns seen in Transfer logs,
 * the task ids seen in TaskCreated logs, and cached typed reads through the ABI registry.
 */
import type { FunctionFragment } from 'ethers';
import { functionOf } from '../abi/registry.js';
import type { Protocol } from '../replay/types.js';
import type { CachedRead, ChainPort, RawLog } from './chain.js';
import { decodeRaw, encodeCall, NameBook, ZERO_ADDRESS } from './codec.js';

export interface Deployed {
  name: string;
  addr: string;
  kind: string;
}

/** A read's arguments (0x addresses, bigints) as a map key; the common one-argument case makes no new string. */
function argKey(args: unknown[]): string {
  return args.length === 0 ? '' : args.length === 1 ? String(args[0]) : args.join(',');
}

const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

export class Session {
  readonly book = new NameBook();
  /** Trace contract name → deployed contract. */
  readonly contracts = new Map<string, Deployed>();
  readonly byAddr = new Map<string, Deployed>();
  /** Pools and FL tasks in creation order (the mirror's contract order after genesis). */
  readonly dynamic: Deployed[] = [];
  /** Every address that received FLOCK / gmFLOCK (mint or transfer): the holders to sum. */
  readonly holders: Record<'FLOCK' | 'gmFLOCK', Set<string>> = { FLOCK: new Set(), gmFLOCK: new Set() };
  /** Tokens destroyed by a burn (Transfer to address(0)). */
  readonly burned: Record<'FLOCK' | 'gmFLOCK', bigint> = { FLOCK: 0n, gmFLOCK: 0n };
  /** TaskManager task ids in creation order (TaskCreated logs). */
  readonly taskIds: bigint[] = [];
  /**
   * The addresses that sent a step or were passed as an address argument, so far. The mirror's
   * per-account records (the key sets its invariants sum over) can only belong to these: stakes
   * and claims are by msg.sender, rewards go to the addresses an upload names, pool shares to
   * delegators, locks and grants to callers and beneficiaries; a contract learns no other address.
   */
  private readonly parts = new Set<string>();

  /** Per trace contract name, the senders of its steps: a pool keeps records only for its callers. */
  private readonly senders = new Map<string, Set<string>>();

  participants(): string[] {
    return [...this.parts];
  }

  sendersOf(target: string): string[] {
    return [...(this.senders.get(target) ?? [])];
  }

  noteStep(target: string, from: string, fn: FunctionFragment, args: unknown[]): void {
    const set = this.parts;
    set.add(this.addr(from));
    let snd = this.senders.get(target);
    if (!snd) this.senders.set(target, (snd = new Set()));
    snd.add(this.addr(from));
    const walk = (type: string, v: unknown) => {
      if (Array.isArray(v)) for (const x of v) walk(type.replace(/\[\d*\]$/, ''), x);
      else if (type === 'address' && typeof v === 'string') set!.add(this.addr(v));
    };
    fn.inputs.forEach((p, k) => walk(p.type, args[k]));
  }

  constructor(
    readonly chain: ChainPort,
    readonly protocol: Protocol,
  ) {}

  register(d: Deployed, dynamic = false): void {
    this.contracts.set(d.name, d);
    this.byAddr.set(d.addr, d);
    this.book.set(d.name, d.addr);
    if (dynamic) this.dynamic.push(d);
  }

  addr(name: string): string {
    return this.book.addr(name);
  }

  /** Follows FLOCK / gmFLOCK Transfer logs (holders, burns) of a successful transaction. */
  track(logs: RawLog[]): void {
    for (const l of logs) {
      if (l.topics[0] !== TRANSFER_TOPIC || l.topics.length !== 3) continue;
      const c = this.byAddr.get(l.address);
      if (!c || (c.name !== 'FLOCK' && c.name !== 'gmFLOCK')) continue;
      const token = c.name;
      const to = '0x' + l.topics[2].slice(26);
      if (to === ZERO_ADDRESS) this.burned[token] += BigInt(l.data);
      else this.holders[token].add(to);
    }
  }

  fn(kind: string, name: string): FunctionFragment {
    const f = functionOf(kind, name);
    if (!f) throw new Error(`ABI ${kind} has no ${name}`);
    return f;
  }

  /**
   * The reads this session made, by contract, function and arguments: a hit here costs no key
   * string; an entry the chain has since dropped (`stale`) is read again through the chain.
   */
  private readonly held = new Map<Deployed, Map<string, Map<string, CachedRead>>>();

  /**
   * The value `get` would give when this session already holds it and it is still valid, else
   * undefined (then call `get`): lets hot loops skip a promise round trip per cached read.
   */
  getNow(contract: string | Deployed, fnName: string, args: unknown[] = []): unknown[] | null | undefined {
    const c = typeof contract === 'string' ? this.contracts.get(contract) : contract;
    if (!c) return undefined;
    const r = this.held.get(c)?.get(fnName)?.get(argKey(args));
    if (r === undefined || r.stale || (r.ok && r.decoded === undefined)) return undefined;
    return r.ok ? (r.decoded as unknown[]) : null;
  }

  /** `uint` from what the session holds, or undefined (see getNow). */
  uintNow(contract: string | Deployed, fnName: string, args: unknown[] = [], field = 0): bigint | undefined {
    const r = this.getNow(contract, fnName, args);
    return r ? (r[field] as bigint) : undefined;
  }

  /** A cached engine read of `contract.fn(args)` (args already 0x addresses or bigints); null if it reverted. */
  async get(contract: string | Deployed, fnName: string, args: unknown[] = []): Promise<unknown[] | null> {
    const c = typeof contract === 'string' ? this.contracts.get(contract) : contract;
    if (!c) throw new Error(`no contract ${String(contract)}`);
    let byFn = this.held.get(c);
    if (!byFn) this.held.set(c, (byFn = new Map()));
    let byArgs = byFn.get(fnName);
    if (!byArgs) byFn.set(fnName, (byArgs = new Map()));
    const k = argKey(args);
    let r = byArgs.get(k);
    if (r === undefined || r.stale) {
      const fn = this.fn(c.kind, fnName);
      r = await this.chain.read(c.addr, () => encodeCall(fn, args, this.book), c.addr + fnName + '|' + k);
      byArgs.set(k, r);
    }
    if (!r.ok) return null;
    return (r.decoded ??= decodeRaw(this.fn(c.kind, fnName), r.ret)) as unknown[];
  }

  /** A uint read; a revert is an engine error (these getters exist on every conforming artifact). */
  async uint(contract: string | Deployed, fnName: string, args: unknown[] = [], field = 0): Promise<bigint> {
    const r = await this.get(contract, fnName, args);
    const name = typeof contract === 'string' ? contract : contract.name;
    if (!r) throw new Error(`EVM read ${name}.${fnName}(${args.map(String).join(', ')}) reverted`);
    return r[field] as bigint;
  }
}
