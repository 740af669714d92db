/**
 * The EVM engine of docs/traces.md#engines-and-options: the same trace, genesis
 * (docs/contracts.md#genesis) and result shape as the mirror's replay
 * (contracts-mirror/replay/replay.ts), executed on compiled Solidity in an in-process
 * @ethereumjs VM, plus the gas of each step.
 *
 * Genesis (deployment, initializers, config wiring, roles, default parameters) is built once per
 * (protocol, slashing hook, genesis time) and kept under a checkpoint; each trace rewinds to it.
 * Allowances of 2^256−1 from the trace's accounts to every protocol contract are added to that
 * base the first time an account is seen (an approval from an account a trace never names cannot
 * show in its result), then the genesis balances are minted and the steps run.
 */
import { AbiCoder, FunctionFragment, concat, getBytes, keccak256, toBeHex, zeroPadValue } from 'ethers';
import { abiOf, kindOfName } from '../abi/registry.js';
import { CFG } from '../contracts/config.js';
import { v2DefaultParameters } from '../genesis.js';
import { ROLES } from '../units.js';
import { parseTrace, type ParsedTrace } from '../replay/parse.js';
import { stepResult, type Outcome } from '../replay/stepResult.js';
import type { Encoded, Protocol, ResultEvent, StepResult, TraceResult } from '../replay/types.js';
import { hasSlashingHook, resolveArtifacts, type ArtifactSet } from './artifacts.js';
import { Chain, toAddress, type CallResult, type ChainPort, type RawLog, type ReadSnapshot } from './chain.js';
import { decodeLogValues, decodeOutput, encodeCall, EventTable, logArgs, MAX_UINT256, NameBook, revertReason } from './codec.js';
import { checkInvariantsEvm } from './invariants.js';
import { Session, type Deployed } from './session.js';
import { snapshotStateEvm } from './state.js';
import { hexAddress } from '../evm/world.js';
import { mustNotRevert, type CallOutcome } from '../evm/revert.js';

const coder = AbiCoder.defaultAbiCoder();
const ADMIN = 'admin';
const SET_SLASHING = FunctionFragment.from('function setSlashingEnabled(bool enabled)');

/** Genesis contracts in deployment order (docs/contracts.md#deployment-order, contracts-mirror/genesis.ts). */
function genesisContracts(protocol: Protocol): { name: string; kind: string }[] {
  const v2 = protocol === 'v2';
  const list = ['FLOCK', ...(v2 ? ['gmFLOCK'] : []), 'Config', 'TaskManager', 'PoolManager', 'StakeInfo', ...(v2 ? ['Exchange', 'Vesting'] : []), 'FLTaskManager'];
  return list.map((name) => ({ name, kind: kindOfName(name, protocol)! }));
}

export class GenesisError extends Error {}

/**
 * An EVM call's outcome in the shape of the mirror's must-not-revert check (evm/revert.ts): the
 * revert reason is decoded only when the call failed.
 */
function outcomeOf(r: CallResult): CallOutcome {
  return r.ok ? { ok: true } : { ok: false, reason: revertReason(r.ret, r.halt) };
}

interface Base {
  chain: Chain;
  protocol: Protocol;
  contracts: Deployed[];
  /** Account addresses whose allowances the base already holds. */
  approved: Set<string>;
  /**
   * Checkpoint layers above the deployed genesis (depth 0, with every approval):
   * 1 = the genesis balances of `fundedKey` minted, 2 = a trace ran on top.
   */
  depth: number;
  /** Tokens whose own code already gives accounts the genesis allowance to contracts (no approvals needed). */
  defaultAllowance: Set<string>;
  fundedKey: string | null;
  funded: { holders: Record<'FLOCK' | 'gmFLOCK', string[]>; burned: Record<'FLOCK' | 'gmFLOCK', bigint>; reads: ReadSnapshot } | null;
}

/** Learned ERC-20 allowance layout: `allowance[owner][spender]` lives at keccak(spender ‖ keccak(owner ‖ base)). */
function allowanceSlot(base: bigint, owner: string, spender: string): string {
  const inner = keccak256(concat([zeroPadValue(owner, 32), toBeHex(base, 32)]));
  return keccak256(concat([zeroPadValue(spender, 32), inner]));
}

export interface EvmReplayOptions {
  /** Keep the result's per-step gas (default true). */
  gas?: boolean;
}

export class EvmEngine {
  private readonly bases = new Map<string, Promise<Base>>();
  readonly events: EventTable;

  private constructor(
    readonly artifacts: ArtifactSet,
    private readonly fast = true,
  ) {
    const extra: Record<string, unknown[]> = {};
    for (const [k, a] of Object.entries(artifacts)) if (a.origin !== 'project') extra[k] = a.abi;
    this.events = new EventTable(extra);
  }

  /**
   * An engine on the project's artifacts, with the contracts of `artifactsDir` (if any) swapped in.
   * `fast: false` (or FLOCK_LAB_EVM_STOCK=1 in the environment) runs @ethereumjs's stock call path
   * and interpreter loop instead of perf.ts / fastInterpreter.ts: same results, several times slower.
   */
  static async create(opts: { artifactsDir?: string; artifacts?: ArtifactSet; fast?: boolean } = {}): Promise<EvmEngine> {
    const fast = opts.fast ?? process.env.FLOCK_LAB_EVM_STOCK !== '1';
    return new EvmEngine(opts.artifacts ?? (await resolveArtifacts(opts.artifactsDir)), fast);
  }

  /**
   * Whether this engine's task manager of `protocol` has the lab's slashing hook: FLock's own
   * contracts do not (docs/contracts.md#slashing-hook), and parity then draws no slash steps.
   */
  slashingHook(protocol: Protocol): boolean {
    return hasSlashingHook(this.artifacts, protocol);
  }

  private artifact(kind: string) {
    const a = this.artifacts[kind];
    if (!a) throw new GenesisError(`no compiled artifact for ${kind} (contracts-mirror/solidity/build or --artifacts)`);
    return a;
  }

  private base(protocol: Protocol, slashing: boolean, time: bigint): Promise<Base> {
    const key = `${protocol}|${slashing}|${time}`;
    let b = this.bases.get(key);
    if (!b) {
      b = this.buildBase(protocol, slashing, time);
      this.bases.set(key, b);
      // a few genesis times at most are live at once (parity uses one per protocol)
      if (this.bases.size > 8) this.bases.delete(this.bases.keys().next().value!);
    }
    return b;
  }

  private async buildBase(protocol: Protocol, slashing: boolean, time: bigint): Promise<Base> {
    const chain = await Chain.create({ fast: this.fast });
    chain.setTime(time);
    const g = await this.deployGenesis(chain, protocol, slashing);
    return { chain, protocol, contracts: g.contracts, approved: new Set(), depth: 0, defaultAllowance: g.defaultAllowance, fundedKey: null, funded: null };
  }

  /**
   * Deploys and wires the genesis of docs/contracts.md#genesis on `chain` from `admin`, at the
   * chain's current time (in process, or on a JSON-RPC node: rpc.ts). Returns the contracts in
   * deployment order and the tokens whose own code gives the genesis allowance.
   */
  async deployGenesis(chain: ChainPort, protocol: Protocol, slashing: boolean): Promise<{ contracts: Deployed[]; defaultAllowance: Set<string> }> {
    const admin = hexAddress(ADMIN);
    const book = new NameBook();
    const deployed: Deployed[] = [];
    const at = (name: string) => deployed.find((d) => d.name === name)!;

    const call = async (name: string, fnName: string, args: unknown[], fn?: FunctionFragment) => {
      const d = at(name);
      const f = fn ?? abiOf(d.kind).getFunction(fnName);
      if (!f) throw new GenesisError(`${d.kind} has no ${fnName}`);
      const r = await chain.tx(admin, d.addr, encodeCall(f, args, book));
      mustNotRevert(`genesis step "${name}.${fnName}"`, outcomeOf(r), GenesisError);
    };

    for (const { name, kind } of genesisContracts(protocol)) {
      const art = this.artifact(kind);
      const ctor = (art.abi as { type?: string; inputs?: { type: string; name: string }[] }[]).find((x) => x.type === 'constructor');
      const inputs = ctor?.inputs ?? [];
      const args = inputs.map((p) => {
        if (p.type === 'address') return at('Config')?.addr ?? (() => { throw new GenesisError(`${kind}'s constructor needs the config before it is deployed`); })();
        throw new GenesisError(`${kind}'s constructor parameter ${p.name} (${p.type}) is not supported`);
      });
      const initcode = getBytes(art.bytecode + (inputs.length ? coder.encode(inputs.map((p) => p.type), args).slice(2) : ''));
      const r = await chain.deploy(admin, initcode);
      mustNotRevert(`genesis step "deploy ${name}"`, outcomeOf(r), GenesisError);
      const d = { name, kind, addr: r.created! };
      deployed.push(d);
      book.set(name, d.addr);
    }
    const v2 = protocol === 'v2';
    const has = (name: string) => deployed.some((d) => d.name === name);
    const A = (name: string) => at(name).addr;

    // initializers
    await call('FLOCK', 'initialize', [0n, 'FLock Token', 'FLOCK']);
    if (v2) await call('gmFLOCK', 'initialize', []);
    await call('Config', 'initialize', []);
    await call('TaskManager', 'initialize', [A('Config')]);
    await call('PoolManager', 'initialize', [A('Config')]);
    if (v2) await call('Exchange', 'initialize', [A('Config')]);
    if (v2) await call('Vesting', 'initialize', [A('FLOCK')]);
    await call('FLTaskManager', 'initialize', []);

    // config wiring
    await call('Config', 'setAddress', [CFG.MainManager, A('TaskManager')]);
    await call('Config', 'setAddress', [CFG.PoolManager, A('PoolManager')]);
    await call('Config', 'setAddress', [CFG.TaskManager, A('FLTaskManager')]);
    await call('Config', 'setAddress', [CFG.Config, A('Config')]);
    await call('Config', 'setAddress', [CFG.FlockToken, A('FLOCK')]);
    if (v2) {
      await call('Config', 'setAddress', [CFG.GmFlockToken, A('gmFLOCK')]);
      await call('Config', 'setAddress', [CFG.StakeInfoV2, A('StakeInfo')]);
      await call('Config', 'setAddress', [CFG.Exchange, A('Exchange')]);
    } else {
      await call('Config', 'setAddress', [CFG.StakeInfoV1, A('StakeInfo')]);
    }

    // roles
    if (v2) {
      for (const c of ['TaskManager', 'PoolManager', 'Exchange']) {
        for (const role of [ROLES.DAO_ADMIN, ROLES.PROTOCOL_MANAGER, ROLES.REWARD_OPERATOR]) await call(c, 'grantRole', [role, admin]);
      }
    }
    await call('FLOCK', 'grantRole', [ROLES.DEFAULT_ADMIN_ROLE, A('TaskManager')]);
    if (v2) {
      await call('gmFLOCK', 'grantRole', [ROLES.MINTER_ROLE, A('Exchange')]);
      await call('gmFLOCK', 'grantRole', [ROLES.REGISTRAR_ROLE, A('PoolManager')]);
      await call('gmFLOCK', 'setRegistered', [A('TaskManager'), true]);
      await call('gmFLOCK', 'setRegistered', [A('Exchange'), true]);
      await call('Vesting', 'grantRole', [ROLES.DEFAULT_ADMIN_ROLE, A('TaskManager')]);
    }

    // default parameters
    if (v2) for (const [name, fn, args] of v2DefaultParameters(A('Vesting'))) await call(name, fn, [...args]);
    if (slashing) {
      if (!this.slashingHook(protocol)) {
        throw new GenesisError(`the trace sets "aiArenaSlashing", but the ${at('TaskManager').kind} artifact has no slashing hook (setSlashingEnabled, slash; docs/contracts.md#slashing-hook)`);
      }
      await call('TaskManager', 'setSlashingEnabled', [true], SET_SLASHING);
    }
    void has;
        // Does the token itself give the genesis allowance (as the reference tokens do)? Probe an
    // account no trace can name against a contract; foreign tokens get explicit approvals instead.
    const defaultAllowance = new Set<string>();
    const allowance = abiOf('FLOCK').getFunction('allowance')!;
    for (const t of deployed.filter((d) => d.name === 'FLOCK' || d.name === 'gmFLOCK')) {
      const r = await chain.view(admin, t.addr, encodeCall(allowance, [hexAddress('flock-lab probe: no such account'), A('Config')], book));
      if (r.ok && r.ret.length === 32 && r.ret.every((b) => b === 0xff)) defaultAllowance.add(t.name);
    }
    return { contracts: deployed, defaultAllowance };
  }

  /** token address → the base slot of its allowance mapping, once learned (null: not learnable). */
  private readonly allowanceBase = new Map<string, bigint | null>();

  /**
   * Approves 2^256−1 of FLOCK (and gmFLOCK) from each account to each spender; no trace output.
   * The first approval on a token runs as a transaction; when it wrote exactly one slot and that
   * slot is OpenZeppelin's `_allowances[owner][spender]` for some mapping slot, later approvals on
   * that token write the slot directly (same state, no Approval log, which results never show).
   */
  private async approveAll(chain: Chain, tokens: Deployed[], owners: string[], spenders: string[]): Promise<void> {
    const approve = abiOf('FLOCK').getFunction('approve')!;
    const max = getBytes(toBeHex(MAX_UINT256, 32));
    for (const t of tokens) {
      for (const owner of owners) {
        for (const sp of spenders) {
          const learned = this.allowanceBase.get(t.name);
          if (learned !== undefined && learned !== null) {
            await chain.sm.putStorage(toAddress(t.addr), getBytes(allowanceSlot(learned, owner, sp)), max);
            continue;
          }
          const data = getBytes(approve.selector + coder.encode(['address', 'uint256'], [sp, MAX_UINT256]).slice(2));
          const r = await chain.tx(owner, t.addr, data);
          mustNotRevert(`approval of ${t.name} from ${owner} to ${sp}`, outcomeOf(r), GenesisError);
          if (learned === undefined) this.allowanceBase.set(t.name, this.learnAllowance(chain, t.addr, owner, sp));
        }
      }
    }
  }

  private learnAllowance(chain: Chain, token: string, owner: string, spender: string): bigint | null {
    const prefix = token.slice(2) + '_';
    const written = [...chain.sm.writes].filter((w) => w.startsWith(prefix));
    if (written.length !== 1) return null;
    const slot = '0x' + written[0].slice(prefix.length).padStart(64, '0');
    for (let b = 0n; b < 512n; b++) if (allowanceSlot(b, owner, spender) === slot) return b;
    return null;
  }

  /** Replays a raw trace (throws TraceError when it is invalid, like the mirror). */
  async replay(raw: unknown, opts: EvmReplayOptions = {}): Promise<TraceResult> {
    return this.replayParsed(parseTrace(raw), opts);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Replays a parsed trace. Replays on one engine run one at a time (they share cached chains). */
  replayParsed(t: ParsedTrace, opts: EvmReplayOptions = {}): Promise<TraceResult> {
    const run = this.queue.then(() => this.replayNow(t, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async replayNow(t: ParsedTrace, opts: EvmReplayOptions): Promise<TraceResult> {
    const genesisTime = t.steps[0]?.at ?? 0n;
    const key = `${t.protocol}|${t.aiArenaSlashing}|${genesisTime}`;
    try {
      return await this.replayOn(await this.base(t.protocol, t.aiArenaSlashing, genesisTime), t, opts);
    } catch (e) {
      // a chain left mid-way by an exception is not reused
      this.bases.delete(key);
      throw e;
    }
  }

  private async replayOn(base: Base, t: ParsedTrace, opts: EvmReplayOptions): Promise<TraceResult> {
    const genesisTime = t.steps[0]?.at ?? 0n;
    const chain = base.chain;
    chain.clearReads();
    chain.setTime(genesisTime);

    const s = new Session(chain, t.protocol);
    for (const d of base.contracts) s.register(d);
    const tokens = base.contracts.filter((d) => (d.name === 'FLOCK' || d.name === 'gmFLOCK') && !base.defaultAllowance.has(d.name));

    const accounts = this.accountsOf(s, t);
    const fresh = [...accounts].filter((a) => !base.approved.has(a));
    const fundedKey = JSON.stringify(t.accounts.map((a) => [a.name, a.FLOCK.toString(), a.gmFLOCK.toString()]));

    // rewind: drop the last trace; drop the minted balances too when they differ or approvals must go below them
    if (base.depth === 2) {
      await chain.sm.revert();
      base.depth = 1;
    }
    if (base.depth === 1 && (fresh.length > 0 || base.fundedKey !== fundedKey)) {
      await chain.sm.revert();
      base.depth = 0;
      base.fundedKey = null;
      base.funded = null;
    }
    if (fresh.length) {
      await this.approveAll(chain, tokens, fresh, base.contracts.map((d) => d.addr));
      for (const a of fresh) base.approved.add(a);
    }
    if (base.depth === 0) {
      await chain.mark();
      base.depth = 1;
      await this.mintGenesis(s, chain, t);
      // warm the read cache with what every trace reads first in this state (balances, supplies)
      chain.clearReads();
      await checkInvariantsEvm(s);
      base.fundedKey = fundedKey;
      base.funded = { holders: { FLOCK: [...s.holders.FLOCK], gmFLOCK: [...s.holders.gmFLOCK] }, burned: { ...s.burned }, reads: chain.snapshotReads() };
    } else {
      for (const token of ['FLOCK', 'gmFLOCK'] as const) {
        for (const h of base.funded!.holders[token]) s.holders[token].add(h);
        s.burned[token] = base.funded!.burned[token];
      }
      chain.restoreReads(base.funded!.reads);
    }
    await chain.mark();
    base.depth = 2;

    const onCreated = tokens.length ? (created: Deployed[]) => this.approveAll(chain, tokens, [...accounts], created.map((d) => d.addr)) : undefined;
    return this.execute(s, chain, t, opts, onCreated);
  }

  /** Accounts of a trace: every name that is not a contract (docs/contracts.md#accounts-and-addresses), and 0x senders. */
  accountsOf(s: Session, t: ParsedTrace): Set<string> {
    const accounts = new Set<string>();
    for (const n of t.names) if (!s.contracts.has(n) && !n.startsWith('Pool:') && !n.startsWith('FLTask:')) accounts.add(s.addr(n));
    for (const st of t.steps) if (st.from.startsWith('0x')) accounts.add(st.from.toLowerCase());
    return accounts;
  }

  /** Mints the trace's genesis balances from `admin` (docs/contracts.md#balances-and-allowances) and tracks the holders. */
  async mintGenesis(s: Session, chain: ChainPort, t: ParsedTrace): Promise<void> {
    const admin = s.addr(ADMIN);
    const mint = abiOf('FLOCK').getFunction('mint')!;
    for (const a of t.accounts) {
      for (const token of ['FLOCK', 'gmFLOCK'] as const) {
        const amount = a[token];
        if (amount <= 0n) continue;
        const r = await chain.tx(admin, s.contracts.get(token)!.addr, encodeCall(mint, [a.name, amount], s.book));
        mustNotRevert(`genesis step "mint ${token} to ${a.name}"`, outcomeOf(r), GenesisError);
        s.track(r.logs);
      }
    }
  }

  /**
   * Runs the steps of `t` on `chain` (genesis and balances already in place) and builds the result:
   * statuses, events, views, invariants after every state-changing step, and the final state.
   * `onCreated` runs after a step that created pools or FL tasks (their genesis allowances).
   */
  async execute(s: Session, chain: ChainPort, t: ParsedTrace, opts: EvmReplayOptions, onCreated?: (created: Deployed[]) => Promise<void>): Promise<TraceResult> {
    const steps: StepResult[] = [];
    const views: Record<string, Encoded> = {};
    const gas: Record<string, string> = {};
    let ok = true;
    const poolKind = t.protocol === 'v1' ? 'MiniPoolV1' : 'MiniPoolV2';

    for (const step of t.steps) {
      chain.setTime(step.at);
      s.noteStep(step.target, step.from, step.fn, step.args);
      const c = s.contracts.get(step.target);
      let r: Outcome;
      let events: ResultEvent[] = [];
      if (!c) r = { ok: false, reason: 'no such contract' };
      else {
        const data = encodeCall(step.fn, step.args, s.book);
        const from = s.addr(step.from);
        const res = step.isView ? await chain.view(from, c.addr, data) : await chain.tx(from, c.addr, data);
        if (res.gas !== undefined) gas[String(step.i)] = res.gas.toString();
        if (!res.ok) r = { ok: false, reason: revertReason(res.ret, res.halt) };
        else if (step.isView) {
          let value: Encoded;
          try {
            value = decodeOutput(step.fn, res.ret, s.book);
          } catch (e) {
            value = `undecodable return data ${Buffer.from(res.ret).toString('hex')}: ${(e as Error).message}`;
          }
          r = { ok: true, value };
        } else {
          s.track(res.logs);
          const created = this.creations(s, res.logs, poolKind);
          if (created.length && onCreated) await onCreated(created);
          events = this.decodeEvents(s, res.logs);
          r = { ok: true };
        }
      }
      const res = stepResult(step, r, events);
      if (res.status === 'failed') ok = false;
      if (res.status === 'view' && step.as !== undefined) views[step.as] = res.value;
      if (!step.isView) {
        const v = await checkInvariantsEvm(s);
        if (v) {
          steps.push({ i: step.i, status: 'invariant', check: v.check, details: v.details, events });
          ok = false;
          break;
        }
      }
      steps.push(res);
    }

    const state = await snapshotStateEvm(s, t.names);
    const result: TraceResult = {
      format: 'flock-trace-result/1',
      engine: 'evm',
      protocol: t.protocol,
      ok,
      steps,
      views,
      state,
    };
    if (opts.gas !== false) result.gas = gas;
    return result;
  }

  /** Registers the pools and FL tasks a successful step created (from their creation logs). */
  private creations(s: Session, logs: RawLog[], poolKind: string): Deployed[] {
    const out: Deployed[] = [];
    for (const l of logs) {
      const emitter = s.byAddr.get(l.address);
      if (!emitter) continue;
      if (emitter.name === 'PoolManager') {
        const ev = this.events.fragment(emitter.kind, l.topics[0]);
        if (ev?.name !== 'CreateMiniPool') continue;
        const [user, pool] = decodeLogValues(ev, l.topics, l.data) as [string, string];
        const d = { name: `Pool:${s.book.name(user)}`, addr: pool.toLowerCase(), kind: poolKind };
        s.register(d, true);
        out.push(d);
      } else if (emitter.name === 'FLTaskManager') {
        const ev = this.events.fragment(emitter.kind, l.topics[0]);
        if (ev?.name !== 'FLTaskCreated') continue;
        const [id, task] = decodeLogValues(ev, l.topics, l.data) as [bigint, string];
        const d = { name: `FLTask:${id}`, addr: task.toLowerCase(), kind: 'FLTask' };
        s.register(d, true);
        out.push(d);
      } else if (emitter.name === 'TaskManager') {
        const ev = this.events.fragment(emitter.kind, l.topics[0]);
        if (ev?.name !== 'TaskCreated') continue;
        const [id] = decodeLogValues(ev, l.topics, l.data) as [bigint];
        if (!s.taskIds.includes(id)) s.taskIds.push(id);
      }
    }
    return out;
  }

  private decodeEvents(s: Session, logs: RawLog[]): ResultEvent[] {
    return logs.map((l) => {
      const emitter = s.byAddr.get(l.address);
      const contract = s.book.name(l.address);
      const ev = l.topics.length ? this.events.fragment(emitter?.kind, l.topics[0]) : undefined;
      if (ev) {
        try {
          return { contract, name: ev.name, args: logArgs(ev, decodeLogValues(ev, l.topics, l.data), s.book) };
        } catch {
          /* the topic matched but the layout did not: report it raw */
        }
      }
      return { contract, name: l.topics[0] ?? 'anonymous', args: { topics: l.topics, data: l.data } };
    });
  }
}

let shared: Promise<EvmEngine> | null = null;
let sharedDir: string | undefined;

/** Replays a trace on the EVM (one engine per artifacts directory is kept for reuse). */
export async function replayTraceEvm(raw: unknown, opts: { artifactsDir?: string } & EvmReplayOptions = {}): Promise<TraceResult> {
  if (!shared || sharedDir !== opts.artifactsDir) {
    shared = EvmEngine.create({ artifactsDir: opts.artifactsDir });
    sharedDir = opts.artifactsDir;
  }
  return (await shared).replay(raw, opts);
}
