/**
 * Property-based tests of the mirror, driven through action traces (spec/traces.md) that
 * fast-check generates from a small cast of accounts: 3 nodes, 2 validators, 4 delegators and
 * admin, all with genesis balances, under protocol v1 and v2.
 *
 * A generated trace is a list of abstract actions (create tasks, stake, pools and σ, delegate and
 * undelegate, reward days, final uploads, claims, fundPool, exchange, vesting, withdrawals,
 * parameter changes and time jumps across the 12 h mint spacing and the 1-day cooldowns). A small
 * builder turns them into steps with a never-decreasing `at`. Most calls carry no `expectRevert`:
 * they are mostly valid but may revert (stake below the minimum, undelegate before 1 day, no pool
 * yet, …), so their "failed" status is ignored; these tests check invariants, not outcomes. A step
 * whose outcome the builder can guarantee (a mint, a deliberately impossible amount, σ above the
 * base) is "strict" and must not fail.
 *
 * Properties (fixed seeds, so CI is reproducible; fast-check shrinks a failure to a minimal trace):
 *  1. conservation and solvency (checked by the replay after every step) never break, and every
 *     reward day allocates between 0 and what its mint minted (a much tighter check: earlier days'
 *     unallocated dust can hide a small over-allocation from plain solvency);
 *  2. no negative balance, and no pool owes its delegators more than it holds;
 *  3. replay is deterministic;
 *  4. negative controls: an over-allocating upload does break the invariant check, exactly;
 *  5. fee or σ parameters above the base never move a negative amount. The mirror used to pay
 *     `rewards − fee` (and `staked − fee`, `a − own`) unchecked, and its ERC-20 moved the negative
 *     amount: a claim cost the claimer, or the replay threw "negative balance in FLOCK".
 *
 * The premise of property 1 ("uploads only after a mint, percentages ≤ 1e6") is made precise by
 * the builder: every daily upload happens in the same block as a mint that is known to succeed,
 * with nothing in between, and each task's node/validator pots are uploaded at most once per
 * mint. Under v1 only one task is rewarded per mint. The two findings below show why both
 * restrictions are needed: without them, legal call sequences over-allocate (protocol findings,
 * consistent with contracts.md §5.2, not mirror bugs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, replayTrace } from '../replay/replay.js';
import type { Protocol, StepResult, Trace, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, HOUR, T0, e18, trace } from './traceKit.js';

// ---------------------------------------------------------------------------------------------
// Cast and constants
// ---------------------------------------------------------------------------------------------

const B = 1_000_000;
const E18 = 10n ** 18n;
/** More than any account can ever hold (total supplies stay far below it): such a call must revert. */
const HUGE = 10n ** 30n;

const NODES = ['n1', 'n2', 'n3'] as const;
const VALIDATORS = ['val1', 'val2'] as const;
const DELEGATORS = ['d1', 'd2', 'd3', 'd4'] as const;
const OWNERS: readonly string[] = [...NODES, ...VALIDATORS];
const EVERYONE: readonly string[] = [...OWNERS, ...DELEGATORS];
const TASKS = [1, 2, 3] as const;

/** Runs per protocol and per property. */
const RUNS = 200;

interface ProtocolCfg {
  /** Whole-token ranges of the random amounts. */
  stake: [number, number];
  delegate: [number, number];
  fund: [number, number];
  baseStakePerDay: [number, number];
  accounts: NonNullable<Trace['accounts']>;
}

function genesis(protocol: Protocol): NonNullable<Trace['accounts']> {
  const acc: NonNullable<Trace['accounts']> = {};
  if (protocol === 'v1') {
    // v1 stakes and delegates FLOCK.
    acc.admin = { FLOCK: '100000e18' };
    for (const n of OWNERS) acc[n] = { FLOCK: '20000e18' };
    for (const d of DELEGATORS) acc[d] = { FLOCK: '5000e18' };
  } else {
    // v2 stakes and delegates gmFLOCK; FLOCK pays for fundPool and the exchange.
    acc.admin = { gmFLOCK: '100000e18' };
    for (const n of OWNERS) acc[n] = { gmFLOCK: '20000e18', FLOCK: '1000e18' };
    for (const d of DELEGATORS) acc[d] = { gmFLOCK: '5000e18', FLOCK: '5000e18' };
  }
  return acc;
}

const CFG: Record<Protocol, ProtocolCfg> = {
  // v1 minimums: node 10e18, validator 50e18.
  v1: { stake: [5, 3000], delegate: [0, 3000], fund: [0, 500], baseStakePerDay: [0, 1], accounts: genesis('v1') },
  // v2 minimums: node and validator 3000e18 (cumulative), so some first stakes fall short.
  v2: { stake: [2000, 6000], delegate: [0, 3000], fund: [0, 500], baseStakePerDay: [0, 50], accounts: genesis('v2') },
};

// ---------------------------------------------------------------------------------------------
// Abstract actions and their arbitraries
// ---------------------------------------------------------------------------------------------

/** One upload's address and percentage arrays (ppm): Σ pw ≤ 1e6 and po ≤ pw element-wise. */
interface Pcts {
  who: string[];
  pw: number[];
  po: number[];
}

type UploadKind = 'both' | 'nodes' | 'validators' | 'onlyValidators';

interface Upload {
  task: number;
  kind: UploadKind;
  nodes: Pcts;
  validators: Pcts;
}

type Action =
  | { k: 'wait'; secs: number }
  | { k: 'createTask'; task: number; days: number }
  | { k: 'stake'; role: 'node' | 'validator'; who: string; task: number; amount: bigint }
  | { k: 'withdraw'; role: 'node' | 'validator'; who: string; task: number }
  | { k: 'createPool'; owner: string; sigma: number }
  | { k: 'setSigma'; owner: string; sigma: number }
  | { k: 'delegate'; d: string; owner: string; amount: bigint }
  /** `amount`, or (when null) `frac` ppm of what the builder believes d holds there (> 1e6: more than held). */
  | { k: 'undelegate'; d: string; owner: string; amount: bigint | null; frac: number }
  /** A mint, then (only if the mint is known to succeed) uploads in the same block. */
  | { k: 'rewardDay'; uploads: Upload[] }
  | { k: 'mint' }
  | { k: 'final'; task: number; pcts: Pcts }
  | { k: 'claimTM'; who: string }
  | { k: 'claimPool'; d: string; owner: string }
  | { k: 'fundPool'; funder: string; owner: string; amount: bigint }
  | { k: 'exchange'; who: string; amount: bigint; lock: number }
  | { k: 'claimUnlocked'; who: string; back: number }
  | { k: 'vestingClaim'; who: string }
  | { k: 'param'; call: string; value: number };

interface Timed {
  /** Seconds added to the clock before the action. */
  dt: number;
  a: Action;
}

/** The end of a trace: final uploads for every task, a long wait, then everyone claims and withdraws. */
interface Epilogue {
  finals: Pcts[];
  wait: number;
}

interface Scenario {
  prologue: Timed[];
  body: Timed[];
  epilogue: Epilogue | null;
}

const dtArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: HOUR }) },
  // right around the 12 h mint spacing and the 1-day cooldowns (undelegate, σ), both strict
  { weight: 3, arbitrary: fc.constantFrom(12 * HOUR - 1, 12 * HOUR, 12 * HOUR + 1, DAY - 1, DAY, DAY + 1) },
  { weight: 1, arbitrary: fc.integer({ min: HOUR, max: 5 * DAY }) },
);

const weiArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: E18 - 1n }));

/** Whole tokens in [lo, hi] plus random wei; now and then an impossible amount. */
function amountArb([lo, hi]: [number, number]): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 15, arbitrary: fc.tuple(fc.integer({ min: lo, max: hi }), weiArb).map(([w, x]) => BigInt(w) * E18 + x) },
    { weight: 1, arbitrary: fc.constant(HUGE) },
  );
}

/** σ in ppm; occasionally above the base, which must revert "Sigma too high". */
const sigmaArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: B }) },
  { weight: 2, arbitrary: fc.constantFrom(0, B) },
  { weight: 1, arbitrary: fc.integer({ min: B + 1, max: 2 * B }) },
);

/**
 * Rows of (who, raw, frac), scaled down so that Σ pw ≤ budget ≤ 1e6 (floors only lower the sum),
 * and po = pw·frac/1e6 ≤ pw.
 */
function normalize(rows: { who: string; raw: number; frac: number }[], budget: number): Pcts {
  const sum = rows.reduce((s, r) => s + r.raw, 0);
  const pw = rows.map((r) => (sum > budget ? Math.floor((r.raw * budget) / sum) : r.raw));
  const po = pw.map((p, i) => Math.floor((p * rows[i].frac) / B));
  return { who: rows.map((r) => r.who), pw, po };
}

function pctsArb(group: readonly string[], final = false): fc.Arbitrary<Pcts> {
  const who = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...group) }, { weight: 1, arbitrary: fc.constantFrom(...EVERYONE) });
  // A v2 final upload reverts "amount=0" when a node's vested share is 0, so keep po = pw mostly.
  const frac = final
    ? fc.oneof({ weight: 4, arbitrary: fc.constant(B) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: B }) })
    : fc.oneof(fc.constant(B), fc.constant(0), fc.integer({ min: 0, max: B }));
  return fc
    .record({
      rows: fc.array(fc.record({ who, raw: fc.integer({ min: final ? 1 : 0, max: B }), frac }), { minLength: final ? 1 : 0, maxLength: 4 }),
      budget: fc.oneof({ weight: 2, arbitrary: fc.constant(B) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: B }) }),
    })
    .map(({ rows, budget }) => normalize(rows, budget));
}

/** Σ pw = 1e6 exactly and po = pw: the whole pot is handed out, so over-allocation cannot hide. */
function fullPctsArb(group: readonly string[]): fc.Arbitrary<Pcts> {
  return fc.array(fc.record({ who: fc.constantFrom(...group), raw: fc.integer({ min: 1, max: B }) }), { minLength: 1, maxLength: 4 }).map((rows) => {
    const sum = rows.reduce((s, r) => s + r.raw, 0);
    const pw = rows.map((r) => Math.floor((r.raw * B) / sum));
    pw[0] += B - pw.reduce((s, x) => s + x, 0);
    return { who: rows.map((r) => r.who), pw, po: [...pw] };
  });
}

function uploadArb(task: fc.Arbitrary<number>): fc.Arbitrary<Upload> {
  return fc.record({
    task,
    kind: fc.constantFrom<UploadKind>('both', 'both', 'nodes', 'validators', 'onlyValidators'),
    nodes: pctsArb(NODES),
    validators: pctsArb(VALIDATORS),
  });
}

function actionArb(protocol: Protocol): fc.Arbitrary<Action> {
  const c = CFG[protocol];
  const task = fc.constantFrom(...TASKS);
  const node = fc.constantFrom(...NODES);
  const validator = fc.constantFrom(...VALIDATORS);
  const owner = fc.constantFrom(...OWNERS);
  const delegator = fc.constantFrom(...DELEGATORS);
  const anyone = fc.constantFrom(...EVERYONE);

  // v2 rewards any subset of the tasks per mint (each at most once); v1 at most one task.
  const partialDay: fc.Arbitrary<Action> =
    protocol === 'v2'
      ? fc
          .tuple(...TASKS.map((t) => fc.option(uploadArb(fc.constant(t)), { nil: undefined })))
          .map((us) => ({ k: 'rewardDay' as const, uploads: us.filter((u): u is Upload => u !== undefined) }))
      : fc.option(uploadArb(task), { nil: undefined }).map((u) => ({ k: 'rewardDay' as const, uploads: u ? [u] : [] }));
  // A full day hands out (nearly) the whole mint: every task (v1: one), both sides, Σ = 1e6, po = pw.
  const fullUpload = (t: fc.Arbitrary<number>) =>
    fc.record({ task: t, kind: fc.constant<UploadKind>('both'), nodes: fullPctsArb(NODES), validators: fullPctsArb(VALIDATORS) });
  const fullDay: fc.Arbitrary<Action> =
    protocol === 'v2'
      ? fc.tuple(...TASKS.map((t) => fullUpload(fc.constant(t)))).map((us) => ({ k: 'rewardDay' as const, uploads: us }))
      : fullUpload(task).map((u) => ({ k: 'rewardDay' as const, uploads: [u] }));
  const rewardDay = fc.oneof(partialDay, fullDay);

  const params: fc.Arbitrary<Action>[] = [
    fc.integer({ min: 0, max: B / 2 }).map((value) => ({ k: 'param' as const, call: 'TaskManager.setGamma', value })),
    fc.integer({ min: 0, max: B }).map((value) => ({ k: 'param' as const, call: 'TaskManager.setFeePercentage', value })),
    fc.integer({ min: 0, max: B }).map((value) => ({ k: 'param' as const, call: 'PoolManager.setProtocolFeePercentage', value })),
    fc
      .integer({ min: c.baseStakePerDay[0], max: c.baseStakePerDay[1] })
      .map((value) => ({ k: 'param' as const, call: 'TaskManager.setBaseStakeAmount', value })),
  ];
  if (protocol === 'v1') {
    params.push(fc.integer({ min: 0, max: B }).map((value) => ({ k: 'param' as const, call: 'TaskManager.setValidatorFeeWithdrawalPercentage', value })));
  } else {
    params.push(fc.integer({ min: 0, max: 10_000 }).map((value) => ({ k: 'param' as const, call: 'Exchange.setProtocolFee', value })));
  }

  const common: { weight: number; arbitrary: fc.Arbitrary<Action> }[] = [
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 * DAY }).map((secs) => ({ k: 'wait' as const, secs })) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('createTask' as const), task, days: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('stake' as const), role: fc.constant('node' as const), who: node, task, amount: amountArb(c.stake) }) },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('stake' as const), role: fc.constant('validator' as const), who: validator, task, amount: amountArb(c.stake) }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('withdraw' as const), role: fc.constant('node' as const), who: node, task }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('withdraw' as const), role: fc.constant('validator' as const), who: validator, task }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('createPool' as const), owner, sigma: sigmaArb }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('setSigma' as const), owner, sigma: sigmaArb }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('delegate' as const), d: delegator, owner, amount: amountArb(c.delegate) }) },
    {
      weight: 4,
      arbitrary: fc.record({
        k: fc.constant('undelegate' as const),
        d: delegator,
        owner,
        amount: fc.oneof({ weight: 1, arbitrary: amountArb(c.delegate) }, { weight: 2, arbitrary: fc.constant(null) }),
        frac: fc.oneof(fc.constant(B), fc.integer({ min: 0, max: B }), fc.integer({ min: B + 1, max: 2 * B })),
      }),
    },
    { weight: 5, arbitrary: rewardDay },
    { weight: 1, arbitrary: fc.constant({ k: 'mint' as const }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('final' as const), task, pcts: pctsArb(NODES, true) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('claimTM' as const), who: anyone }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('claimPool' as const), d: delegator, owner }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('fundPool' as const), funder: anyone, owner, amount: amountArb(c.fund) }) },
    { weight: 1, arbitrary: fc.oneof(...params) },
  ];
  if (protocol === 'v2') {
    common.push(
      {
        weight: 2,
        arbitrary: fc.record({
          k: fc.constant('exchange' as const),
          who: delegator,
          amount: amountArb([1, 2000]),
          // below t0 = 30 days (multiplier = base), in between, and beyond t1 = 365 days
          lock: fc.oneof(fc.integer({ min: 1, max: 2 * DAY }), fc.constantFrom(30 * DAY, 30 * DAY + 1, 180 * DAY, 400 * DAY)),
        }),
      },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('claimUnlocked' as const), who: delegator, back: fc.integer({ min: 0, max: DAY }) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('vestingClaim' as const), who: node }) },
    );
  }
  return fc.oneof(...common);
}

function scenarioArb(protocol: Protocol): fc.Arbitrary<Scenario> {
  const c = CFG[protocol];
  const small = fc.integer({ min: 0, max: 600 });
  const timed = (a: fc.Arbitrary<Action>, dt: fc.Arbitrary<number> = small) => fc.record({ dt, a });
  // A likely start: some tasks, stakes and pools, so the body has something to reward.
  const prologue = fc
    .tuple(
      fc.array(timed(fc.record({ k: fc.constant('createTask' as const), task: fc.constantFrom(...TASKS), days: fc.integer({ min: 1, max: 30 }) })), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.array(
        timed(
          fc.oneof(
            fc.record({ k: fc.constant('stake' as const), role: fc.constant('node' as const), who: fc.constantFrom(...NODES), task: fc.constantFrom(...TASKS), amount: amountArb(c.stake) }),
            fc.record({
              k: fc.constant('stake' as const),
              role: fc.constant('validator' as const),
              who: fc.constantFrom(...VALIDATORS),
              task: fc.constantFrom(...TASKS),
              amount: amountArb(c.stake),
            }),
          ),
        ),
        { maxLength: 6 },
      ),
      fc.array(timed(fc.record({ k: fc.constant('createPool' as const), owner: fc.constantFrom(...OWNERS), sigma: sigmaArb })), { maxLength: 4 }),
      fc.array(
        timed(fc.record({ k: fc.constant('delegate' as const), d: fc.constantFrom(...DELEGATORS), owner: fc.constantFrom(...OWNERS), amount: amountArb(c.delegate) })),
        { maxLength: 4 },
      ),
    )
    .map((parts) => parts.flat());
  const body = fc.array(fc.record({ dt: dtArb, a: actionArb(protocol) }), { minLength: 5, maxLength: 60 });
  const epilogue = fc.option(
    fc.record({ finals: fc.tuple(...TASKS.map(() => pctsArb(NODES, true))), wait: fc.integer({ min: 1, max: 40 * DAY }) }),
    { nil: null },
  );
  return fc.record({ prologue, body, epilogue });
}

// ---------------------------------------------------------------------------------------------
// Builder: abstract actions → trace
// ---------------------------------------------------------------------------------------------

interface Built {
  trace: Trace;
  /** Indices of steps whose outcome the builder guarantees (must not be "failed"). */
  strict: Set<number>;
  /** Indices of the mints that are known to succeed (uploads follow them in the same block). */
  mints: number[];
  /** Reward days with uploads: the mint's index and the tag of the views read around the day. */
  days: { mint: number; tag: string }[];
}

class TraceBuilder {
  readonly steps: TraceStep[] = [];
  readonly strict = new Set<number>();
  readonly mints: number[] = [];
  readonly days: { mint: number; tag: string }[] = [];
  now = T0;
  /** v2 `lastMintTimestamp` starts at 0, so the first mint always passes the 12 h spacing. */
  lastMint = 0;
  /**
   * What each delegator holds in each pool if every delegate and undelegate succeeded: only a
   * guide for picking undelegate amounts (a delegate may have reverted), never an expectation.
   */
  readonly held = new Map<string, bigint>();

  constructor(readonly protocol: Protocol) {}

  call(from: string, call: string, args: unknown[], opts: { expectRevert?: string; strict?: boolean } = {}): number {
    const step: TraceStep = { at: this.now, from, call, args };
    if (opts.expectRevert !== undefined) step.expectRevert = opts.expectRevert;
    const i = this.steps.length;
    if (opts.strict) this.strict.add(i);
    this.steps.push(step);
    return i;
  }

  /** Calls with an amount no one can hold must revert (for whatever reason comes first). */
  amountCall(from: string, call: string, args: unknown[], amount: bigint): void {
    if (amount >= HUGE) this.call(from, call, args, { expectRevert: '', strict: true });
    else this.call(from, call, args);
  }

  /** v1 mints every time; v2 only 12 h after the last successful mint. Returns whether it succeeds. */
  mint(): boolean {
    const ok = this.protocol === 'v1' || this.now - this.lastMint >= 12 * HOUR;
    if (ok) {
      this.lastMint = this.now;
      this.mints.push(this.call('admin', 'TaskManager.mintDailyReward', [], { strict: true }));
    } else {
      this.call('admin', 'TaskManager.mintDailyReward', [], { expectRevert: 'Daily mint already done', strict: true });
    }
    return ok;
  }

  /**
   * Views of what the task manager holds and owes in FLOCK (everyone an upload can credit, every
   * task's locked pot), so a test can compute its surplus = held − owed around a reward day.
   */
  owedViews(tag: string): void {
    const view = (v: string, args: unknown[], as: string) => this.steps.push({ at: this.now, view: v, args, as });
    view('FLOCK.balanceOf', ['TaskManager'], `${tag}:held`);
    for (const who of EVERYONE) view('TaskManager.userRewards', [who], `${tag}:user:${who}`);
    for (const t of TASKS) view('TaskManager.lockedRewardsForNodes', [t], `${tag}:locked:${t}`);
  }

  upload(fn: string, task: number, p: Pcts): void {
    const args = this.protocol === 'v1' ? [task, p.who, p.pw] : [task, p.who, p.pw, p.po];
    this.call('admin', `TaskManager.${fn}`, args);
  }

  apply(a: Action): void {
    const v2 = this.protocol === 'v2';
    switch (a.k) {
      case 'wait':
        this.now += a.secs;
        return;
      case 'createTask':
        this.call('admin', 'TaskManager.createTask', [a.task, a.days * DAY, `task-${a.task}`]);
        return;
      case 'stake': {
        const fn = a.role === 'node' ? 'stakeTokensForTrainingNodes' : 'stakeTokensForValidators';
        this.amountCall(a.who, `TaskManager.${fn}`, [a.task, a.amount.toString()], a.amount);
        return;
      }
      case 'withdraw': {
        const fn = a.role === 'node' ? 'withdrawStakeTokensForTrainingNodes' : 'withdrawStakeTokensForValidators';
        this.call(a.who, `TaskManager.${fn}`, [a.task]);
        return;
      }
      case 'createPool':
        if (a.sigma > B) this.call(a.owner, 'PoolManager.createMiniPool', [a.sigma], { expectRevert: 'Sigma too high', strict: true });
        else this.call(a.owner, 'PoolManager.createMiniPool', [a.sigma]);
        return;
      case 'setSigma':
        if (a.sigma > B) this.call(a.owner, 'PoolManager.setMiniPoolSigma', [a.sigma], { expectRevert: 'Sigma too high', strict: true });
        else this.call(a.owner, 'PoolManager.setMiniPoolSigma', [a.sigma]);
        return;
      case 'delegate': {
        const key = `${a.d}|${a.owner}`;
        if (a.amount < HUGE) this.held.set(key, (this.held.get(key) ?? 0n) + a.amount);
        this.amountCall(a.d, `Pool:${a.owner}.delegate`, [a.amount.toString()], a.amount);
        return;
      }
      case 'undelegate': {
        const key = `${a.d}|${a.owner}`;
        const held = this.held.get(key) ?? 0n;
        const amount = a.amount ?? (held * BigInt(a.frac)) / BigInt(B);
        if (amount <= held) this.held.set(key, held - amount);
        this.amountCall(a.d, `Pool:${a.owner}.undelegate`, [amount.toString()], amount);
        return;
      }
      case 'mint':
        this.mint();
        return;
      case 'rewardDay': {
        // Uploads only behind a mint that succeeds, in its block, with nothing in between.
        const tag = `day${this.days.length}`;
        const withUploads = a.uploads.length > 0 && (this.protocol === 'v1' || this.now - this.lastMint >= 12 * HOUR);
        if (withUploads) this.owedViews(`${tag}:before`);
        if (!this.mint()) return;
        if (withUploads) this.days.push({ mint: this.mints[this.mints.length - 1], tag });
        for (const u of a.uploads) {
          if (u.kind === 'both' || u.kind === 'nodes') this.upload('uploadRewardResultsForTrainingNodes', u.task, u.nodes);
          if (u.kind === 'both' || u.kind === 'validators') this.upload('uploadRewardResultsForValidators', u.task, u.validators);
          if (u.kind === 'onlyValidators') this.upload('uploadRewardResultsOnlyForValidators', u.task, u.validators);
        }
        if (withUploads) this.owedViews(`${tag}:after`);
        return;
      }
      case 'final':
        this.upload('uploadFinalRewardResultsForTrainingNodes', a.task, a.pcts);
        return;
      case 'claimTM':
        this.call(a.who, 'TaskManager.claimRewards', []);
        return;
      case 'claimPool':
        this.call(a.d, `Pool:${a.owner}.claimRewards`, []);
        return;
      case 'fundPool':
        this.amountCall(a.funder, `Pool:${a.owner}.fundPool`, [a.amount.toString()], a.amount);
        return;
      case 'exchange':
        if (v2) this.amountCall(a.who, 'Exchange.exchangeFlock', [a.amount.toString(), a.lock, a.who], a.amount);
        return;
      case 'claimUnlocked':
        if (v2) this.call(a.who, 'Exchange.claimUnlockedFlock', [Math.max(0, this.now - a.back)]);
        return;
      case 'vestingClaim':
        if (v2) this.call(a.who, 'Vesting.claim', []);
        return;
      case 'param': {
        // setBaseStakeAmount is drawn in whole tokens per day.
        const value = a.call === 'TaskManager.setBaseStakeAmount' ? (BigInt(a.value) * E18).toString() : a.value;
        this.call('admin', a.call, [value]);
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
    if (this.protocol === 'v2') {
      for (const n of EVERYONE) this.call(n, 'Vesting.claim', []);
      for (const d of DELEGATORS) this.call(d, 'Exchange.claimUnlockedFlock', [this.now]);
    }
  }
}

function build(protocol: Protocol, s: Scenario): Built {
  const b = new TraceBuilder(protocol);
  for (const { dt, a } of [...s.prologue, ...s.body]) {
    b.now += dt;
    b.apply(a);
  }
  if (s.epilogue) b.epilogue(s.epilogue);
  return { trace: trace(protocol, b.steps, CFG[protocol].accounts), strict: b.strict, mints: b.mints, days: b.days };
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

interface PoolState {
  sigma: string;
  totalDelegation: string;
  delegators: Record<string, { amount: string; claimable: string }>;
}

interface StateView {
  balances: Record<string, Record<string, string>>;
  pools: Record<string, PoolState>;
  taskManager: { userRewards: Record<string, string>; lockedRewardsForNodes: Record<string, string> };
}

/** A compact, replayable rendering of a trace for failure messages (bigints are already strings). */
function show(t: Trace): string {
  return JSON.stringify(t);
}

function describeStep(t: Trace, s: StepResult | undefined): string {
  if (!s) return 'no step';
  return `step ${s.i} ${JSON.stringify(t.steps[s.i])} → ${JSON.stringify(s)}`;
}

/** A non-negative decimal integer, as the state schema encodes every amount. */
function nonNeg(v: string, where: string): bigint {
  expect(v, `${where} is not a decimal integer`).toMatch(/^\d+$/);
  const x = BigInt(v);
  expect(x >= 0n, `${where} = ${v} is negative`).toBe(true);
  return x;
}

function checkBalancesAndPools(protocol: Protocol, r: TraceResult, t: Trace): void {
  const st = r.state as unknown as StateView;
  for (const [token, holders] of Object.entries(st.balances)) for (const [h, v] of Object.entries(holders)) nonNeg(v, `balances.${token}.${h}`);
  for (const [u, v] of Object.entries(st.taskManager.userRewards)) nonNeg(v, `taskManager.userRewards.${u}`);
  for (const [k, v] of Object.entries(st.taskManager.lockedRewardsForNodes)) nonNeg(v, `taskManager.lockedRewardsForNodes.${k}`);

  for (const [pool, p] of Object.entries(st.pools)) {
    const total = nonNeg(p.totalDelegation, `${pool}.totalDelegation`);
    let claimable = 0n;
    let amounts = 0n;
    for (const [d, x] of Object.entries(p.delegators)) {
      claimable += nonNeg(x.claimable, `${pool}.${d}.claimable`);
      amounts += nonNeg(x.amount, `${pool}.${d}.amount`);
    }
    const flock = BigInt(st.balances.FLOCK?.[pool] ?? '0');
    const ctx = `${pool} in ${show(t)}`;
    // Every delegator is a named account of the trace, so the listed amounts are all of them.
    expect(amounts, `Σ amounts ≠ totalDelegation for ${ctx}`).toBe(total);
    if (protocol === 'v2') {
      expect(claimable <= flock, `${pool} owes ${claimable} claimable but holds ${flock} FLOCK: ${ctx}`).toBe(true);
      const gm = BigInt(st.balances.gmFLOCK?.[pool] ?? '0');
      expect(gm >= total, `${pool} holds ${gm} gmFLOCK < totalDelegation ${total}: ${ctx}`).toBe(true);
    } else {
      // v1 pools hold principal and rewards in FLOCK; only the excess is claimable.
      expect(flock >= total, `${pool} holds ${flock} FLOCK < totalDelegation ${total}: ${ctx}`).toBe(true);
      expect(claimable <= flock - total, `${pool} owes ${claimable} claimable but has ${flock - total} FLOCK of rewards: ${ctx}`).toBe(true);
    }
  }
}

/** The task manager's FLOCK surplus (held − Σ userRewards − Σ locked) from a set of owedViews. */
function surplus(r: TraceResult, tag: string): bigint {
  const big = (k: string) => BigInt(r.views[k] as string);
  let owed = 0n;
  for (const who of EVERYONE) owed += big(`${tag}:user:${who}`);
  for (const t of TASKS) owed += big(`${tag}:locked:${t}`);
  return big(`${tag}:held`) - owed;
}

/**
 * A reward day (mint + uploads in one block) allocates between 0 and what it minted: the surplus
 * may not fall, nor rise by more than the mint. Stakes do not move inside the block, so in v1
 * (where they share the FLOCK balance) they cancel out of the difference. This is much tighter
 * than solvency, which an earlier day's unallocated dust can hide.
 */
function checkRewardDays(b: Built, r: TraceResult): void {
  for (const { mint, tag } of b.days) {
    const ev = (r.steps[mint] as { events: { name: string; args: Record<string, unknown> }[] }).events.find((e) => e.name === 'MintDailyReward');
    const minted = BigInt(ev!.args.rewardAmount as string);
    const allocated = minted - (surplus(r, `${tag}:after`) - surplus(r, `${tag}:before`));
    const ctx = `reward day ${tag} (mint at step ${mint}) in ${show(b.trace)}`;
    expect(allocated >= 0n, `${ctx} allocated ${allocated} < 0`).toBe(true);
    expect(allocated <= minted, `${ctx} allocated ${allocated} > minted ${minted}`).toBe(true);
  }
}

/** `Pool:n1.claimRewards` → `Pool.claimRewards`, for the coverage tally. */
function callKey(step: TraceStep): string {
  return (step.call ?? step.view ?? '').replace(/^Pool:[^.]+/, 'Pool');
}

const COVERED_BOTH = [
  'TaskManager.createTask',
  'TaskManager.stakeTokensForTrainingNodes',
  'TaskManager.stakeTokensForValidators',
  'PoolManager.createMiniPool',
  'PoolManager.setMiniPoolSigma',
  'Pool.delegate',
  'Pool.undelegate',
  'Pool.claimRewards',
  'Pool.fundPool',
  'TaskManager.mintDailyReward',
  'TaskManager.uploadRewardResultsForTrainingNodes',
  'TaskManager.uploadRewardResultsForValidators',
  'TaskManager.uploadRewardResultsOnlyForValidators',
  'TaskManager.uploadFinalRewardResultsForTrainingNodes',
  'TaskManager.claimRewards',
  'TaskManager.withdrawStakeTokensForTrainingNodes',
  'TaskManager.withdrawStakeTokensForValidators',
];
const COVERED: Record<Protocol, string[]> = {
  v1: COVERED_BOTH,
  v2: [...COVERED_BOTH, 'Exchange.exchangeFlock', 'Exchange.claimUnlockedFlock', 'Vesting.claim'],
};

const PROTOCOLS: Protocol[] = ['v1', 'v2'];
const SEEDS: Record<Protocol, number> = { v1: 0x0f10c1, v2: 0x0f10c2 };

/** Property 1's totals for SEEDS and RUNS (regression values, see there). */
const STATS: Record<Protocol, { steps: number; ok: Record<string, number> }> = {
  v1: {
    steps: 20154,
    ok: {
      'Pool.claimRewards': 34,
      'Pool.delegate': 184,
      'Pool.fundPool': 50,
      'Pool.undelegate': 183,
      'PoolManager.createMiniPool': 374,
      'PoolManager.setMiniPoolSigma': 20,
      'PoolManager.setProtocolFeePercentage': 6,
      'TaskManager.claimRewards': 1667,
      'TaskManager.createTask': 361,
      'TaskManager.mintDailyReward': 374,
      'TaskManager.setBaseStakeAmount': 10,
      'TaskManager.setFeePercentage': 5,
      'TaskManager.setGamma': 17,
      'TaskManager.setValidatorFeeWithdrawalPercentage': 18,
      'TaskManager.stakeTokensForTrainingNodes': 215,
      'TaskManager.stakeTokensForValidators': 193,
      'TaskManager.uploadFinalRewardResultsForTrainingNodes': 318,
      'TaskManager.uploadRewardResultsForTrainingNodes': 61,
      'TaskManager.uploadRewardResultsForValidators': 54,
      'TaskManager.uploadRewardResultsOnlyForValidators': 8,
      'TaskManager.withdrawStakeTokensForTrainingNodes': 167,
      'TaskManager.withdrawStakeTokensForValidators': 142,
    },
  },
  v2: {
    steps: 21704,
    ok: {
      'Exchange.claimUnlockedFlock': 53,
      'Exchange.exchangeFlock': 103,
      'Exchange.setProtocolFee': 13,
      'Pool.claimRewards': 29,
      'Pool.delegate': 174,
      'Pool.fundPool': 50,
      'Pool.undelegate': 177,
      'PoolManager.createMiniPool': 366,
      'PoolManager.setMiniPoolSigma': 13,
      'PoolManager.setProtocolFeePercentage': 11,
      'TaskManager.claimRewards': 1617,
      'TaskManager.createTask': 331,
      'TaskManager.mintDailyReward': 278,
      'TaskManager.setBaseStakeAmount': 11,
      'TaskManager.setFeePercentage': 5,
      'TaskManager.setGamma': 18,
      'TaskManager.stakeTokensForTrainingNodes': 186,
      'TaskManager.stakeTokensForValidators': 165,
      'TaskManager.uploadFinalRewardResultsForTrainingNodes': 59,
      'TaskManager.uploadRewardResultsForTrainingNodes': 141,
      'TaskManager.uploadRewardResultsForValidators': 146,
      'TaskManager.uploadRewardResultsOnlyForValidators': 24,
      'TaskManager.withdrawStakeTokensForTrainingNodes': 67,
      'TaskManager.withdrawStakeTokensForValidators': 35,
      'Vesting.claim': 93,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Properties 1–3
// ---------------------------------------------------------------------------------------------

describe.each(PROTOCOLS)('random call sequences (%s)', (protocol) => {
  it(`1. conservation and solvency hold after every step (${RUNS} runs)`, () => {
    const okCount = new Map<string, number>();
    let steps = 0;
    fc.assert(
      fc.property(scenarioArb(protocol), (s) => {
        const b = build(protocol, s);
        const r = replayTrace(b.trace);
        const broken = r.steps.find((x) => x.status === 'invariant');
        expect(broken, `invariant broke at ${describeStep(b.trace, broken)} in ${show(b.trace)}`).toBeUndefined();
        expect(r.steps.length).toBe(b.trace.steps.length);
        // The builder's guarantees hold (a known-good mint really minted, impossible amounts revert).
        for (const i of b.strict) {
          expect(r.steps[i].status, `strict ${describeStep(b.trace, r.steps[i])} in ${show(b.trace)}`).not.toBe('failed');
        }
        for (const i of b.mints) expect(r.steps[i].status).toBe('ok');
        checkRewardDays(b, r);
        steps += r.steps.length;
        r.steps.forEach((x, i) => {
          if (x.status === 'ok') okCount.set(callKey(b.trace.steps[i]), (okCount.get(callKey(b.trace.steps[i])) ?? 0) + 1);
        });
      }),
      { numRuns: RUNS, seed: SEEDS[protocol] },
    );
    if (process.env.PROPS_STATS) console.log(protocol, { steps, ok: Object.fromEntries([...okCount].sort()) });
    // The generator is not degenerate: every kind of call succeeded somewhere in the runs (bound: a
    // coverage guard that names the missing kind; the exact counts follow).
    for (const k of COVERED[protocol]) expect(okCount.get(k) ?? 0, `no successful ${k} in ${RUNS} runs`).toBeGreaterThan(0);
    // Regression values: the step count and the successful calls per kind of this seed's runs, as
    // printed by PROPS_STATS=1 (deterministic; a change to the generator or to the mirror's
    // revert behaviour moves them: check the new numbers, then re-pin).
    expect(steps).toBe(STATS[protocol].steps);
    expect(Object.fromEntries([...okCount].sort())).toEqual(STATS[protocol].ok);
  });

  it(`2. no negative balance, and no pool owes more than it holds (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(protocol), fc.integer({ min: 0, max: B }), (s, cutPpm) => {
        const b = build(protocol, s);
        checkBalancesAndPools(protocol, replayTrace(b.trace), b.trace);
        // …and at a random point in the middle (the state is read at the last step replayed).
        const cut = Math.floor((b.trace.steps.length * cutPpm) / B);
        const prefix = trace(protocol, b.trace.steps.slice(0, cut), CFG[protocol].accounts);
        checkBalancesAndPools(protocol, replayTrace(prefix), prefix);
      }),
      { numRuns: RUNS, seed: SEEDS[protocol] + 2 },
    );
  });

  it(`3. replaying the same trace twice gives deep-equal results (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(protocol), (s) => {
        const b = build(protocol, s);
        const before = JSON.stringify(b.trace);
        const r1 = replayTrace(b.trace);
        const r2 = replayTrace(JSON.parse(before) as Trace);
        expect(JSON.stringify(b.trace), 'replay mutated its input').toBe(before);
        expect(r2).toEqual(r1);
        expect(canonicalJson(r2)).toBe(canonicalJson(r1));
      }),
      { numRuns: RUNS, seed: SEEDS[protocol] + 3 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Negative controls: the invariant check can fail, and fails exactly where it should
// ---------------------------------------------------------------------------------------------

const R = e18(1074); // rewardTokenPerDay at genesis, both protocols

function lastStep(r: TraceResult): StepResult {
  return r.steps[r.steps.length - 1];
}

describe('4. negative controls', () => {
  it('v2: two nodes at 1e6 ppm each over-allocate the day; the replay stops at the upload with solvency:TaskManager:FLOCK', () => {
    const steps: TraceStep[] = [
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: T0, from: 'n2', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['n1', 'n2'], [B, B], [B, B]] },
      { at: T0 + DAY + 1, from: 'n1', call: 'TaskManager.claimRewards', args: [] },
      { at: T0 + DAY + 1, from: 'n2', call: 'TaskManager.claimRewards', args: [] },
    ];
    const r = replayTrace(trace('v2', steps, { n1: { gmFLOCK: '3000e18' }, n2: { gmFLOCK: '3000e18' } }));
    // The task manager holds exactly the one mint R = 1074e18 (stakes are gmFLOCK). One task with
    // all the weight and no validators: T0 = R, fN = B, T_node = R. The upload then owes
    //   locked  = 900000·R/1e6           = 966.6e18
    //   a       = 100000·R·1e6/1e12      = 107.4e18 per node; no pool, σ = 0, so the node keeps
    //             b = a (po = pw) and userRewards = 107.4e18 each,
    // so Σ userRewards + Σ locked = 1181.4e18 > 1074e18 held. The replay checks solvency after
    // every step, so it stops right there with status "invariant" (step 4), and the claims never
    // run. Had it gone on, the two claims would still be paid (859.2e18 left ≥ 107.4e18 each); the
    // token's "ERC20: transfer amount exceeds balance" would only come at the final upload, when
    // the vesting deposit pulls the 966.6e18 locked pot. The invariant fires first, by design.
    expect(r.ok).toBe(false);
    expect(r.steps).toHaveLength(5);
    expect(r.steps.slice(0, 4).map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const s = lastStep(r);
    expect(s.status).toBe('invariant');
    if (s.status !== 'invariant') return;
    expect(s.i).toBe(4);
    expect(s.check).toBe('solvency:TaskManager:FLOCK');
    expect(s.details).toEqual({ holds: R.toString(), owes: e18(11814n) / 10n + '', shortfall: (e18(1074n) / 10n).toString() });
  });

  it('v1: one node at 2e6 ppm over-allocates; the replay stops at the upload with solvency:TaskManager:FLOCK', () => {
    const steps: TraceStep[] = [
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '10e18'] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['n1'], [2 * B]] },
      { at: T0 + DAY + 1, from: 'n1', call: 'TaskManager.claimRewards', args: [] },
    ];
    const r = replayTrace(trace('v1', steps, { n1: { FLOCK: '100e18' } }));
    // v1 keeps stakes and rewards in FLOCK: held = R + 10e18 = 1084e18. T0 = R, T_node = R,
    //   locked = 966.6e18, newReward = 100000·R·2e6/1e12 = 214.8e18 (no delegation, no cut),
    // owes = 966.6e18 + 214.8e18 + 10e18 stake = 1191.4e18 → shortfall 107.4e18, at the upload.
    // (The claim would pay 214.8e18 out of 1084e18 without a token revert: again the check is
    // what catches it.)
    expect(r.steps).toHaveLength(4);
    const s = lastStep(r);
    expect(s.status).toBe('invariant');
    if (s.status !== 'invariant') return;
    expect(s.i).toBe(3);
    expect(s.check).toBe('solvency:TaskManager:FLOCK');
    expect(s.details).toEqual({ holds: e18(1084).toString(), owes: (e18(11914n) / 10n).toString(), shortfall: (e18(1074n) / 10n).toString() });
  });

  it('v2: an upload with no mint behind it leaves the whole pot unbacked', () => {
    const steps: TraceStep[] = [
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['n1'], [B], [B]] },
    ];
    const r = replayTrace(trace('v2', steps, { n1: { gmFLOCK: '3000e18' } }));
    // Holds 0 FLOCK; owes locked 966.6e18 + n1's 107.4e18 = R.
    const s = lastStep(r);
    expect(s.status).toBe('invariant');
    if (s.status !== 'invariant') return;
    expect(s.i).toBe(2);
    expect(s.check).toBe('solvency:TaskManager:FLOCK');
    expect(s.details).toEqual({ holds: '0', owes: R.toString(), shortfall: R.toString() });
  });

  // Why the generator's reward days are atomic and, in v1, single-task. These are findings about
  // the protocol's formulas (contracts.md §5.2), which the mirror implements as written.
  it('finding (v1): per-role task weights let one mint pay R to the nodes of one task and R to the validators of another', () => {
    const steps: TraceStep[] = [
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [2, 30 * DAY, 'task-2'] },
      { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '100e18'] },
      { at: T0, from: 'val1', call: 'TaskManager.stakeTokensForValidators', args: [2, '100e18'] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['n1'], [B]] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [2, ['val1'], [B]] },
    ];
    const r = replayTrace(trace('v1', steps, { n1: { FLOCK: '1000e18' }, val1: { FLOCK: '1000e18' } }));
    // Node pot of task 1: R·w_node(1)/W_node · N/(N+V) = R·1·1; validator pot of task 2: R·1·1.
    // Both uploads use percentages ≤ 1e6 right after the mint, yet owe 2R + 200e18 stakes.
    const s = lastStep(r);
    expect(s.status).toBe('invariant');
    if (s.status !== 'invariant') return;
    expect(s.i).toBe(6);
    expect(s.details).toEqual({ holds: (R + e18(200)).toString(), owes: (2n * R + e18(200)).toString(), shortfall: R.toString() });
  });

  it('finding (v2): a stake between two uploads of the same mint changes W, so the day pays 1.5 R', () => {
    const steps: TraceStep[] = [
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [2, 30 * DAY, 'task-2'] },
      { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['n1'], [B], [B]] },
      { at: T0 + DAY, from: 'n2', call: 'TaskManager.stakeTokensForTrainingNodes', args: [2, '3000e18'] },
      { at: T0 + DAY, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [2, ['n2'], [B], [B]] },
    ];
    const r = replayTrace(trace('v2', steps, { n1: { gmFLOCK: '3000e18' }, n2: { gmFLOCK: '3000e18' } }));
    // Task 1 is uploaded with w = W = 3000e18 (pot R); task 2 with w = 3000e18 of W = 6000e18 (pot R/2).
    const s = lastStep(r);
    expect(s.status).toBe('invariant');
    if (s.status !== 'invariant') return;
    expect(s.i).toBe(6);
    expect(s.details).toEqual({ holds: R.toString(), owes: ((3n * R) / 2n).toString(), shortfall: (R / 2n).toString() });
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Parameters above the base (regression guard for the unchecked `x − fee` subtractions)
// ---------------------------------------------------------------------------------------------

type OverBase = 'tmClaimFee' | 'poolClaimFee' | 'v1ValidatorWithdrawalFee' | 'v2SigmaAboveBase';

/**
 * A fee (or σ) above the 1e6 base is a legal admin setting: the setters have no bound (abi.md
 * §6, §7, §8). In the deployed Solidity (0.8, checked arithmetic) `rewards − fee`,
 * `staked − fee` or `a − node` then underflows and the call reverts with panic 0x11. Whatever the
 * fix (a revert in the call, or a bound in the setter), a claim must never cost the claimer, no
 * balance may go negative, and the replay must return a result rather than throw.
 */
function overBaseTrace(protocol: Protocol, kind: OverBase, param: number, amount: bigint): { t: Trace; claimer: string } {
  const stakeTok = protocol === 'v1' ? 'FLOCK' : 'gmFLOCK';
  const at = T0 + DAY;
  const view = (as: string, who: string): TraceStep => ({ at, view: 'FLOCK.balanceOf', args: [who], as });
  const stake = protocol === 'v1' ? '10e18' : '3000e18';
  const up = (who: string[]) => (protocol === 'v1' ? [1, who, [B]] : [1, who, [B], [B]]);
  const accounts = { n1: { [stakeTok]: '5000e18' }, val1: { [stakeTok]: '5000e18' }, d1: { [stakeTok]: '5000e18' }, f: { FLOCK: '5000e18' } };
  let steps: TraceStep[];
  let claimer: string;
  switch (kind) {
    case 'tmClaimFee':
      claimer = 'n1';
      steps = [
        { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
        { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, stake] },
        { at, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
        { at, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: up(['n1']) },
        { at, from: 'admin', call: 'TaskManager.setFeePercentage', args: [param], expectRevert: '' },
        view('before', claimer),
        { at, from: claimer, call: 'TaskManager.claimRewards', args: [], expectRevert: '' },
        view('after', claimer),
      ];
      break;
    case 'poolClaimFee':
      claimer = 'd1';
      steps = [
        { at: T0, from: 'n1', call: 'PoolManager.createMiniPool', args: [500000] },
        { at: T0, from: 'd1', call: 'Pool:n1.delegate', args: ['100e18'] },
        { at: T0 + 10, from: 'f', call: 'Pool:n1.fundPool', args: [amount.toString()] },
        { at, from: 'admin', call: 'PoolManager.setProtocolFeePercentage', args: [param], expectRevert: '' },
        view('before', claimer),
        { at, from: claimer, call: 'Pool:n1.claimRewards', args: [], expectRevert: '' },
        view('after', claimer),
      ];
      break;
    case 'v1ValidatorWithdrawalFee':
      claimer = 'val1';
      steps = [
        { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
        { at: T0, from: 'val1', call: 'TaskManager.stakeTokensForValidators', args: [1, amount.toString()] },
        { at: T0, from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, [], []] },
        { at, from: 'admin', call: 'TaskManager.setValidatorFeeWithdrawalPercentage', args: [param], expectRevert: '' },
        view('before', claimer),
        { at, from: claimer, call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: '' },
        view('after', claimer),
      ];
      break;
    case 'v2SigmaAboveBase':
      claimer = 'n1';
      steps = [
        { at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
        { at: T0, from: 'admin', call: 'PoolManager.setMaxSigma', args: [param], expectRevert: '' },
        { at: T0, from: 'n1', call: 'PoolManager.createMiniPool', args: [param], expectRevert: '' },
        { at: T0, from: 'n1', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, stake] },
        { at, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
        view('before', claimer),
        { at, from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['n1'], [B], [0]], expectRevert: '' },
        { at, from: claimer, call: 'TaskManager.claimRewards', args: [], expectRevert: '' },
        view('after', claimer),
      ];
      break;
  }
  return { t: trace(protocol, steps, accounts), claimer };
}

const OVER_BASE_CASES: { protocol: Protocol; kind: OverBase }[] = [
  { protocol: 'v1', kind: 'tmClaimFee' },
  { protocol: 'v2', kind: 'tmClaimFee' },
  { protocol: 'v1', kind: 'poolClaimFee' },
  { protocol: 'v2', kind: 'poolClaimFee' },
  { protocol: 'v1', kind: 'v1ValidatorWithdrawalFee' },
  { protocol: 'v2', kind: 'v2SigmaAboveBase' },
];

describe('5. fee and σ parameters above the base never move a negative amount', () => {
  it.each(OVER_BASE_CASES)('$protocol $kind: no throw, no negative balance, the claim never costs the claimer (100 runs)', ({ protocol, kind }) => {
    fc.assert(
      fc.property(fc.integer({ min: B + 1, max: 5 * B }), amountArb([50, 1000]).filter((x) => x < HUGE), (param, amount) => {
        const { t, claimer } = overBaseTrace(protocol, kind, param, amount);
        let r: TraceResult;
        try {
          r = replayTrace(t);
        } catch (e) {
          throw new Error(`replay threw "${(e as Error).message}" on ${show(t)}`);
        }
        expect(r.steps.find((s) => s.status === 'invariant'), show(t)).toBeUndefined();
        checkBalancesAndPools(protocol, r, t);
        const before = BigInt(r.views.before as string);
        const after = BigInt(r.views.after as string);
        expect(after >= before, `${claimer}'s FLOCK went from ${before} to ${after}: ${show(t)}`).toBe(true);
      }),
      { numRuns: 100, seed: 0x0f10c5 },
    );
  });
});
