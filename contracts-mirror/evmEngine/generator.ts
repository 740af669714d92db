/**
 * Random action traces for cross-engine parity (issue 5) and the mirror's property tests: the
 * scenarios that traceArbitraries.ts draws (of traceActions.ts's actions), turned into trace JSON
 * (format flock-trace/1) with a never decreasing `at` that starts at T0 (one cached genesis per
 * protocol).
 *
 * The builder keeps the guarantees the `invariants` profile promises: a reward day's FL transfer
 * and uploads go out only behind a mint it knows succeeds (v1 always, v2 12 h after the last
 * successful mint), in the mint's block. Steps whose outcome it can guarantee (such a mint, a mint
 * it knows is too early, an impossible amount, σ above the base) carry their own `expectRevert`
 * (never the action's) and are listed as strict.
 */
import type { Trace, TraceStep } from '../replay/types.js';
import { B, DAY, DELEGATORS, EVERYONE, genesis, HOUR, HUGE, NODES, OWNERS, T0, TASKS, VALIDATORS } from './traceActions.js';
import type { Action, Epilogue, Pcts, Scenario, Upload } from './traceActions.js';

export type { Scenario } from './traceActions.js';
export { scenarioArb } from './traceArbitraries.js';

export interface Built {
  trace: Trace;
  /** Indices of steps whose outcome the builder guarantees (must not be "failed"). */
  strict: Set<number>;
  /** Indices of the mints that are known to succeed (uploads follow them in the same block). */
  mints: number[];
  /** Reward days with uploads (only with `dayViews`): the mint's index and the tag of the views read around the day. */
  days: { mint: number; tag: string }[];
}

export interface BuildOptions {
  /**
   * Views of what the task manager holds and owes in FLOCK right before and after each reward day
   * with uploads (`dayN:before:…`, `dayN:after:…`), so a test can check what the day allocated.
   */
  dayViews?: boolean;
}

class TraceBuilder {
  readonly steps: TraceStep[] = [];
  readonly strict = new Set<number>();
  readonly mints: number[] = [];
  readonly days: { mint: number; tag: string }[] = [];
  now = T0;
  /** v2 `lastMintTimestamp` starts at 0, so the first mint always passes the 12 h spacing. */
  lastMint = 0;
  /** The action's own expectation, for its first call (unless that call is strict). */
  expect: string | null = null;
  /**
   * What each delegator holds in each pool if every delegate and undelegate succeeded: only a
   * guide for picking undelegate amounts (a delegate may have reverted), never an expectation.
   */
  readonly held = new Map<string, bigint>();
  readonly v2: boolean;

  constructor(
    readonly sc: Scenario,
    readonly opts: BuildOptions,
  ) {
    this.v2 = sc.protocol === 'v2';
  }

  call(from: string, call: string, args: unknown[], opts: { expectRevert?: string; strict?: boolean } = {}): number {
    const step: TraceStep = { at: this.now, from, call, args };
    const expectRevert = opts.strict ? opts.expectRevert : (opts.expectRevert ?? this.expect ?? undefined);
    if (expectRevert !== undefined) step.expectRevert = expectRevert;
    this.expect = null;
    const i = this.steps.length;
    if (opts.strict) this.strict.add(i);
    this.steps.push(step);
    return i;
  }

  view(call: string, args: unknown[], as: string, from?: string): void {
    const s: TraceStep = { at: this.now, view: call, args, as };
    if (from) s.from = from;
    this.steps.push(s);
  }

  /** Calls with an amount no one can hold must revert (for whatever reason comes first). */
  amountCall(from: string, call: string, args: unknown[], amount: bigint): void {
    if (amount >= HUGE) this.call(from, call, args, { expectRevert: '', strict: true });
    else this.call(from, call, args);
  }

  mintSucceeds(): boolean {
    return !this.v2 || this.now - this.lastMint >= 12 * HOUR;
  }

  /** v1 mints every time; v2 only 12 h after the last successful mint. Returns whether it succeeds. */
  mint(): boolean {
    const ok = this.mintSucceeds();
    if (ok) {
      this.lastMint = this.now;
      this.mints.push(this.call('admin', 'TaskManager.mintDailyReward', [], { strict: true }));
    } else {
      this.call('admin', 'TaskManager.mintDailyReward', [], { expectRevert: 'Daily mint already done', strict: true });
    }
    return ok;
  }

  /** The task manager's FLOCK, everyone an upload can credit, and every task's locked pot. */
  owedViews(tag: string): void {
    this.view('FLOCK.balanceOf', ['TaskManager'], `${tag}:held`);
    for (const who of EVERYONE) this.view('TaskManager.userRewards', [who], `${tag}:user:${who}`);
    for (const t of TASKS) this.view('TaskManager.lockedRewardsForNodes', [t], `${tag}:locked:${t}`);
  }

  upload(fn: string, task: number, p: Pcts): void {
    this.call('admin', `TaskManager.${fn}`, this.v2 ? [task, p.who, p.pw, p.po] : [task, p.who, p.pw]);
  }

  uploads(u: Upload): void {
    if (u.kind === 'both' || u.kind === 'nodes') this.upload('uploadRewardResultsForTrainingNodes', u.task, u.nodes);
    if (u.kind === 'both' || u.kind === 'validators') this.upload('uploadRewardResultsForValidators', u.task, u.validators);
    if (u.kind === 'onlyValidators') this.upload('uploadRewardResultsOnlyForValidators', u.task, u.validators);
  }

  /** A mint, then (only if it succeeds, in its block, nothing else in between) the FL transfer and the uploads. */
  rewardDay(fl: boolean, uploads: Upload[]): void {
    const tag = `day${this.days.length}`;
    const views = this.opts.dayViews === true && uploads.length > 0 && this.mintSucceeds();
    if (views) this.owedViews(`${tag}:before`);
    if (!this.mint()) return;
    if (views) this.days.push({ mint: this.mints[this.mints.length - 1], tag });
    if (fl) this.call('admin', 'TaskManager.transferRewardsToFLTasks', []);
    for (const u of uploads) this.uploads(u);
    if (views) this.owedViews(`${tag}:after`);
  }

  apply(a: Action): void {
    const amt = (x: bigint) => x.toString();
    switch (a.k) {
      case 'wait':
        this.now += a.secs;
        return;
      case 'createTask':
        this.call(a.from, 'TaskManager.createTask', [a.task, a.days * DAY, `task-${a.task}`]);
        return;
      case 'stake': {
        const fn = a.role === 'node' ? 'stakeTokensForTrainingNodes' : 'stakeTokensForValidators';
        this.amountCall(a.who, `TaskManager.${fn}`, [a.task, amt(a.amount)], a.amount);
        return;
      }
      case 'withdraw': {
        const fn = a.role === 'node' ? 'withdrawStakeTokensForTrainingNodes' : 'withdrawStakeTokensForValidators';
        this.call(a.who, `TaskManager.${fn}`, [a.task]);
        return;
      }
      case 'createPool':
      case 'setSigma': {
        const fn = a.k === 'createPool' ? 'PoolManager.createMiniPool' : 'PoolManager.setMiniPoolSigma';
        if (a.sigma > B) this.call(a.owner, fn, [a.sigma], { expectRevert: 'Sigma too high', strict: true });
        else this.call(a.owner, fn, [a.sigma]);
        return;
      }
      case 'delegate': {
        const key = `${a.d}|${a.owner}`;
        if (a.amount < HUGE) this.held.set(key, (this.held.get(key) ?? 0n) + a.amount);
        this.amountCall(a.d, `Pool:${a.owner}.delegate`, [amt(a.amount)], a.amount);
        return;
      }
      case 'undelegate': {
        const key = `${a.d}|${a.owner}`;
        const held = this.held.get(key) ?? 0n;
        const amount = a.amount ?? (held * BigInt(a.frac)) / BigInt(B);
        if (amount <= held) this.held.set(key, held - amount);
        this.amountCall(a.d, `Pool:${a.owner}.undelegate`, [amt(amount)], amount);
        return;
      }
      case 'mint':
        this.mint();
        return;
      case 'rewardDay':
        this.rewardDay(a.fl, a.uploads);
        return;
      case 'final':
        this.upload('uploadFinalRewardResultsForTrainingNodes', a.task, a.pcts);
        return;
      case 'rawUpload':
        this.uploads(a.upload);
        return;
      case 'flTransfer':
        this.call('admin', 'TaskManager.transferRewardsToFLTasks', []);
        return;
      case 'claimTM':
        this.call(a.who, 'TaskManager.claimRewards', []);
        return;
      case 'claimPool':
        this.call(a.d, `Pool:${a.owner}.claimRewards`, []);
        return;
      case 'fundPool':
        this.amountCall(a.funder, `Pool:${a.owner}.fundPool`, [amt(a.amount)], a.amount);
        return;
      case 'exchange':
        this.amountCall(a.who, 'Exchange.exchangeFlock', [amt(a.amount), a.lock, a.beneficiary], a.amount);
        return;
      case 'claimUnlocked':
        this.call(a.who, 'Exchange.claimUnlockedFlock', [Math.max(0, this.now - a.back)]);
        return;
      case 'claimByIds':
        this.call(a.who, 'Exchange.claimUnlockedFlockByIds', [a.ids]);
        return;
      case 'vestingClaim':
        this.call(a.who, 'Vesting.claim', []);
        return;
      case 'param':
        this.call('admin', a.call, [typeof a.value === 'bigint' ? amt(a.value) : a.value]);
        return;
      case 'slash':
        this.call('admin', 'TaskManager.slash', [a.task, a.who, a.ppm]);
        return;
      case 'flCreate':
        this.call('admin', 'FLTaskManager.createTask', [a.id, a.rounds, amt(a.minStake), amt(a.pool), a.slashPpm]);
        return;
      case 'flStake':
        this.amountCall(a.who, `FLTask:${a.id}.stake`, [amt(a.amount)], a.amount);
        return;
      case 'flRound':
        this.call('admin', `FLTask:${a.id}.startRound`, [a.proposers, a.voters]);
        return;
      case 'flVote':
        this.call(a.who, `FLTask:${a.id}.vote`, [a.score]);
        return;
      case 'flFinalize':
        this.call(a.from, `FLTask:${a.id}.finalizeRound`, []);
        return;
      case 'flClaim':
        this.call(a.who, `FLTask:${a.id}.claimReward`, [a.round]);
        return;
      case 'flSlash':
        this.call(a.caller, `FLTask:${a.id}.slash`, [a.who, a.round]);
        return;
      case 'view':
        this.view(a.call, a.args, `v${this.steps.length}`, a.from);
        return;
      case 'episode': {
        const one = (who: string, pw: number, po: number): Pcts => ({ who: [who], pw: [pw], po: [po] });
        this.apply({ k: 'createTask', task: a.task, days: 30, from: 'admin' });
        this.apply({ k: 'stake', role: 'node', who: a.node, task: a.task, amount: a.stakeN });
        this.apply({ k: 'stake', role: 'validator', who: a.validator, task: a.task, amount: a.stakeV });
        this.apply({ k: 'createPool', owner: a.node, sigma: a.sigma });
        this.apply({ k: 'delegate', d: a.delegator, owner: a.node, amount: a.deleg });
        this.now += 12 * HOUR + 1;
        this.rewardDay(false, [{ task: a.task, kind: 'both', nodes: one(a.node, a.pw, a.po), validators: one(a.validator, a.vw, a.vo) }]);
        this.now += a.wait;
        this.apply({ k: 'claimPool', d: a.delegator, owner: a.node });
        this.apply({ k: 'claimTM', who: a.node });
        this.apply({ k: 'claimTM', who: a.validator });
        if (a.final) {
          this.apply({ k: 'final', task: a.task, pcts: one(a.node, a.pw, a.pw) });
          this.now += a.late;
          this.apply({ k: 'claimTM', who: a.node });
          if (this.v2) this.apply({ k: 'vestingClaim', who: a.node });
          this.apply({ k: 'undelegate', d: a.delegator, owner: a.node, amount: a.deleg, frac: B });
          this.apply({ k: 'withdraw', role: 'node', who: a.node, task: a.task });
        }
        return;
      }
    }
  }

  /** Final uploads for every task, a long wait, then everyone claims, undelegates, withdraws and unlocks. */
  epilogue(e: Epilogue): void {
    TASKS.forEach((t, k) => this.upload('uploadFinalRewardResultsForTrainingNodes', t, e.finals[k]));
    this.now += e.wait;
    for (const who of EVERYONE) this.call(who, 'TaskManager.claimRewards', []);
    for (const d of DELEGATORS) {
      for (const o of OWNERS) {
        this.call(d, `Pool:${o}.claimRewards`, []);
        if ((this.held.get(`${d}|${o}`) ?? 0n) > 0n) this.apply({ k: 'undelegate', d, owner: o, amount: null, frac: B });
      }
    }
    for (const t of TASKS) {
      for (const n of NODES) this.call(n, 'TaskManager.withdrawStakeTokensForTrainingNodes', [t]);
      for (const v of VALIDATORS) this.call(v, 'TaskManager.withdrawStakeTokensForValidators', [t]);
    }
    if (this.v2) {
      for (const n of EVERYONE) this.call(n, 'Vesting.claim', []);
      for (const d of DELEGATORS) this.call(d, 'Exchange.claimUnlockedFlock', [this.now]);
    }
  }
}

/** A scenario's trace, with what the builder guarantees about it. */
export function buildScenario(sc: Scenario, opts: BuildOptions = {}): Built {
  const b = new TraceBuilder(sc, opts);
  [...sc.prologue, ...sc.body].forEach(({ dt, a, expect }, k) => {
    if (k > 0) b.now += dt;
    b.expect = expect;
    b.apply(a);
    b.expect = null;
  });
  if (sc.epilogue) b.epilogue(sc.epilogue);
  // genesis runs at the first step's time: keep it at T0 so every trace shares one cached genesis
  const head: TraceStep[] = b.steps.length === 0 || b.steps[0].at !== T0 ? [{ at: T0, view: 'FLOCK.totalSupply', args: [] }] : [];
  const at = (i: number) => i + head.length;
  const trace: Trace = { format: 'flock-trace/1', protocol: sc.protocol, accounts: genesis(sc.protocol), steps: [...head, ...b.steps] };
  if (sc.slashing) trace.aiArenaSlashing = true;
  return { trace, strict: new Set([...b.strict].map(at)), mints: b.mints.map(at), days: b.days.map((d) => ({ ...d, mint: at(d.mint) })) };
}

/** Abstract actions → trace JSON (format flock-trace/1). */
export function buildTrace(sc: Scenario): Trace {
  return buildScenario(sc).trace;
}
