/**
 * fast-check arbitraries of random action traces, the one source for both consumers: cross-engine
 * parity (`flock-lab parity`, parity.ts) and the mirror's property tests (test/properties.test.ts).
 * traceActions.ts holds the cast and the abstract actions; generator.ts turns a scenario into trace
 * JSON.
 *
 * A scenario is a likely start (tasks, stakes, pools, delegations), then random abstract actions with time jumps across the 12 h mint spacing, the
 * 1-day cooldowns and the σ freeze window, and optionally an epilogue (final uploads, a long wait,
 * everyone claims and withdraws). Abstract actions let fast-check shrink a trace by dropping and
 * simplifying them.
 *
 * Two profiles draw from the same arbitraries:
 *  - `invariants`: only call sequences under which conservation and solvency must hold. Daily
 *    uploads follow a mint that is known to succeed, in its block (after an optional FL transfer,
 *    the protocol's day order), with Σ pw ≤ 1e6, po ≤ pw, each task's pots at most once per mint
 *    and, in v1, one task per mint (properties.test.ts, section 4, shows why). Long bodies, and
 *    usually an epilogue.
 *  - `parity`: all of that, plus what may legally break solvency (uploads with no mint behind them,
 *    ppm sums above 1e6, arrays of mismatched length, FL transfers outside a reward day) and a
 *    random `expectRevert: ""` now and then, so both engines are compared on invariant failures
 *    and on failed expectations too. Short bodies, rarely an epilogue, so a case stays quick.
 */
import fc from 'fast-check';
import type { Protocol } from '../replay/types.js';
import { B, DAY, DELEGATORS, E18, EVERYONE, FL_TASKS, HOUR, HUGE, NODES, OWNERS, T0, TASKS, VALIDATORS } from './traceActions.js';
import type { Action, Pcts, Role, Scenario, Timed, Upload, UploadKind } from './traceActions.js';

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** Whole-token ranges of random stakes: v1 minimums are node 10e18 and validator 50e18; v2's are 3000e18 (cumulative), so some first stakes fall short. */
const STAKE: Record<Protocol, [number, number]> = { v1: [5, 3000], v2: [2000, 6000] };
const DELEGATE: [number, number] = [0, 3000];
const FUND: [number, number] = [0, 500];
/** Whole tokens per day for setBaseStakeAmount. */
const BASE_STAKE_PER_DAY: Record<Protocol, number> = { v1: 1, v2: 50 };

export type ProfileName = 'parity' | 'invariants';

interface Profile {
  /** Also what may legally break solvency, and random expectations (see above). */
  lawless: boolean;
  body: { minLength: number; maxLength: number; size?: fc.SizeForArbitrary };
  /** Weights of [no epilogue, an epilogue]. */
  epilogue: [number, number];
}

const PROFILES: Record<ProfileName, Profile> = {
  parity: { lawless: true, body: { minLength: 3, maxLength: 20, size: 'small' }, epilogue: [15, 1] },
  invariants: { lawless: false, body: { minLength: 5, maxLength: 60 }, epilogue: [1, 4] },
};

const dtArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: HOUR }) },
  // the 12 h mint spacing, the strict 1-day cooldowns, and the 2-day σ freeze window
  { weight: 3, arbitrary: fc.constantFrom(12 * HOUR - 1, 12 * HOUR, 12 * HOUR + 1, DAY - 1, DAY, DAY + 1, 2 * DAY - 1, 2 * DAY, 2 * DAY + 1) },
  { weight: 1, arbitrary: fc.integer({ min: HOUR, max: 10 * DAY }) },
  { weight: 1, arbitrary: fc.constantFrom(30 * DAY, 30 * DAY + 1, 31 * DAY) },
);

const weiArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: E18 - 1n }));

/** Whole tokens in [lo, hi] plus random wei. */
export function tokensArb([lo, hi]: [number, number]): fc.Arbitrary<bigint> {
  return fc.tuple(fc.integer({ min: lo, max: hi }), weiArb).map(([w, x]) => BigInt(w) * E18 + x);
}

/** Mostly tokensArb; now and then 0 or an impossible amount (HUGE). */
function amountArb(range: [number, number]): fc.Arbitrary<bigint> {
  return fc.oneof({ weight: 12, arbitrary: tokensArb(range) }, { weight: 1, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constant(HUGE) });
}

/** σ in ppm; occasionally above the base, which must revert "Sigma too high". */
const sigmaArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: B }) },
  { weight: 2, arbitrary: fc.constantFrom(0, B) },
  { weight: 1, arbitrary: fc.integer({ min: B + 1, max: 2 * B }) },
);

/**
 * Rows of (who, raw, frac), scaled down so that Σ pw ≤ budget ≤ 1e6 (floors only lower the sum),
 * and po = pw·frac/1e6 ≤ pw. A negative budget leaves the raw values (Σ up to 4e6).
 */
function normalize(rows: { who: string; raw: number; frac: number }[], budget: number, mismatch: boolean): Pcts {
  const sum = rows.reduce((s, r) => s + r.raw, 0);
  const pw = rows.map((r) => (budget >= 0 && sum > budget ? Math.floor((r.raw * budget) / sum) : r.raw));
  const po = pw.map((p, i) => Math.floor((p * rows[i].frac) / B));
  if (mismatch) po.push(0);
  return { who: rows.map((r) => r.who), pw, po };
}

/**
 * Random ppm arrays, mostly naming `group`: Σ pw ≤ budget ≤ 1e6 and po ≤ pw. A final upload has
 * at least one row and mostly po = pw (a v2 final upload reverts "amount=0" when a node's vested
 * share is 0). `lawless` adds raw sums above 1e6 and a po array one longer than pw.
 */
function pctsArb(group: readonly string[], opts: { final?: boolean; lawless?: boolean } = {}): fc.Arbitrary<Pcts> {
  const { final = false, lawless = false } = opts;
  const who = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...group) }, { weight: 1, arbitrary: fc.constantFrom(...EVERYONE) });
  const frac = final
    ? fc.oneof({ weight: 4, arbitrary: fc.constant(B) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: B }) })
    : fc.oneof(fc.constant(B), fc.constant(0), fc.integer({ min: 0, max: B }));
  const budget = fc.oneof(
    { weight: 2, arbitrary: fc.constant(B) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: B }) },
    { weight: lawless ? 1 : 0, arbitrary: fc.constant(-1) },
  );
  const mismatch = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: lawless ? 1 : 0, arbitrary: fc.constant(true) });
  return fc
    .record({
      rows: fc.array(fc.record({ who, raw: fc.integer({ min: final ? 1 : 0, max: B }), frac }), { minLength: final ? 1 : 0, maxLength: 4 }),
      budget,
      mismatch,
    })
    .map(({ rows, budget, mismatch }) => normalize(rows, budget, mismatch));
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

function uploadArb(task: fc.Arbitrary<number>, lawless = false): fc.Arbitrary<Upload> {
  return fc.record({
    task,
    kind: fc.constantFrom<UploadKind>('both', 'both', 'nodes', 'validators', 'onlyValidators'),
    nodes: pctsArb(NODES, { lawless }),
    validators: pctsArb(VALIDATORS, { lawless }),
  });
}

/** A reward day: v2 rewards any subset of the tasks per mint (each at most once), v1 at most one task; partial pots or the whole mint. */
function rewardDayArb(protocol: Protocol): fc.Arbitrary<Action> {
  const fl = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  const task = fc.constantFrom(...TASKS);
  const partial: fc.Arbitrary<Upload[]> =
    protocol === 'v2'
      ? fc.tuple(...TASKS.map((t) => fc.option(uploadArb(fc.constant(t)), { nil: undefined }))).map((us) => us.filter((u): u is Upload => u !== undefined))
      : fc.option(uploadArb(task), { nil: undefined }).map((u) => (u ? [u] : []));
  // A full day hands out (nearly) the whole mint: every task (v1: one), both sides, Σ = 1e6, po = pw.
  const fullUpload = (t: fc.Arbitrary<number>): fc.Arbitrary<Upload> =>
    fc.record({ task: t, kind: fc.constant<UploadKind>('both'), nodes: fullPctsArb(NODES), validators: fullPctsArb(VALIDATORS) });
  const full: fc.Arbitrary<Upload[]> = protocol === 'v2' ? fc.tuple(...TASKS.map((t) => fullUpload(fc.constant(t)))) : fullUpload(task).map((u) => [u]);
  return fc.record({ fl, uploads: fc.oneof(partial, full) }).map(({ fl, uploads }) => ({ k: 'rewardDay' as const, fl, uploads }));
}

function episodeArb(protocol: Protocol): fc.Arbitrary<Action> {
  const v2 = protocol === 'v2';
  const ppm = fc.oneof(fc.constant(B), fc.integer({ min: 1, max: B }));
  return fc
    .record({
      task: fc.constantFrom(...TASKS),
      node: fc.constantFrom(...NODES),
      validator: fc.constantFrom(...VALIDATORS),
      delegator: fc.constantFrom(...DELEGATORS),
      stakeN: tokensArb(v2 ? [3000, 8000] : [10, 3000]),
      stakeV: tokensArb(v2 ? [3000, 8000] : [50, 3000]),
      sigma: fc.oneof(fc.constantFrom(0, 400_000, B), fc.integer({ min: 0, max: B })),
      deleg: tokensArb([1, 3000]),
      pw: ppm,
      po: fc.integer({ min: 0, max: B }),
      vw: ppm,
      vo: fc.integer({ min: 0, max: B }),
      wait: fc.constantFrom(0, 1, HOUR, DAY - 1, DAY, DAY + 1, 10 * DAY, 31 * DAY),
      final: fc.boolean(),
      late: fc.constantFrom(DAY, 15 * DAY, 31 * DAY),
    })
    .map((e) => ({ k: 'episode' as const, ...e, po: Math.floor((e.pw * e.po) / B), vo: Math.floor((e.vw * e.vo) / B) }));
}

/** Parameter changes: the edges that matter (0, the defaults, the base and one above) and random values. */
function paramArb(protocol: Protocol): fc.Arbitrary<Action> {
  const param = (call: string, value: fc.Arbitrary<bigint | number>): fc.Arbitrary<Action> => value.map((v) => ({ k: 'param' as const, call, value: v }));
  const ppm = (...edges: number[]) => fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: B }));
  const params = [
    param('TaskManager.setGamma', fc.oneof(fc.constantFrom(0, 100_000, 500_000, B), fc.integer({ min: 0, max: B / 2 }))),
    param('TaskManager.setFeePercentage', ppm(0, 80_000, 145_000, B, B + 1)),
    param('PoolManager.setProtocolFeePercentage', ppm(0, 10_000, 145_000, B)),
    param('TaskManager.setBaseStakeAmount', fc.integer({ min: 0, max: BASE_STAKE_PER_DAY[protocol] }).map((v) => BigInt(v) * E18)),
    param('PoolManager.setSigmaModificationCooldown', fc.constantFrom(0, DAY, 2 * DAY)),
  ];
  if (protocol === 'v2') {
    params.push(
      param('Exchange.setProtocolFee', fc.integer({ min: 0, max: 10_000 })),
      param('TaskManager.setDaysToFreezeSigmaBefore', fc.constantFrom(0, 1, 2, 3)),
      param('TaskManager.setDaysToFreezeSigmaAfter', fc.constantFrom(0, 1, 2, 3)),
      param('PoolManager.setClaimCoolDown', fc.constantFrom(0, HOUR, DAY)),
      param('PoolManager.setDelegatorCoolDown', fc.constantFrom(0, DAY, 2 * DAY)),
      param('TaskManager.setDailyMintResetCount', fc.constantFrom(1, 2, 30)),
    );
  } else {
    params.push(
      param('TaskManager.setValidatorFeeWithdrawalPercentage', ppm(0, 150_000, B)),
      param('TaskManager.setRewardTokenPerDay', fc.constantFrom(0n, 1000n * E18, 1074n * E18)),
    );
  }
  return fc.oneof(...params);
}

/** Views, including addresses and bytes32 in the value encoding (contract names, pools, FL tasks, roles). */
function viewArb(protocol: Protocol): fc.Arbitrary<Action> {
  const task = fc.constantFrom(...TASKS);
  const owner = fc.constantFrom(...OWNERS);
  const delegator = fc.constantFrom(...DELEGATORS);
  const anyone = fc.constantFrom(...EVERYONE);
  const someone = fc.constantFrom(...EVERYONE, 'admin');
  const view = (call: string, ...args: unknown[]) => ({ k: 'view' as const, call, args });
  const views: fc.Arbitrary<Action>[] = [
    fc.tuple(owner, anyone).map(([o, d]) => view(`Pool:${o}.claimable`, d)),
    anyone.map((w) => view('TaskManager.userRewards', w)),
    someone.map((w) => view('FLOCK.balanceOf', w)),
    fc.tuple(task, fc.constantFrom(...NODES)).map(([t, w]) => view('TaskManager.getNodeStakes', t, w)),
    task.map((t) => view('TaskManager.tasks', t)),
    owner.map((o) => view(`Pool:${o}.getDelegators`)),
    fc.tuple(owner, anyone).map(([o, d]) => view(`Pool:${o}.delegationOf`, d)),
    owner.map((o) => view('PoolManager.getPoolSigma', o)),
    task.map((t) => view('StakeInfo.getTaskWeights', t, 3)),
    fc.integer({ min: 0, max: 8 }).map((i) => view('Config.getAddress', i)),
    fc.constant(view('PoolManager.getPools')),
    fc.constant(view('PoolManager.getUsers')),
    fc.constant(view('FLTaskManager.getTasks')),
    fc.constant(view('TaskManager.DEFAULT_ADMIN_ROLE')),
    fc.constant(view('FLOCK.hasRole', '0x' + '0'.repeat(64), 'TaskManager')),
    someone.map((w) => view('FLOCK.allowance', w, 'TaskManager')),
  ];
  if (protocol === 'v2') {
    views.push(
      owner.map((o) => view('TaskManager.isNodePoolFreezing', o)),
      anyone.map((w) => view('Vesting.claimable', w)),
      anyone.map((w) => view('gmFLOCK.balanceOf', w)),
      delegator.map((w) => view('Exchange.getUserLocks', w)),
      fc.constantFrom(0, 1, 2).map((id) => view('Exchange.lockInfoMap', id)),
      delegator.map((w) => ({ ...view('Exchange.getUnlockedAmounts', T0 + 400 * DAY), from: w })),
      fc.tuple(anyone, fc.integer({ min: 0, max: 2 })).map(([w, i]) => view('Vesting.getActiveGrant', w, i)),
      fc.constant(view('TaskManager.DAO_ADMIN')),
      fc.constant(view('TaskManager.linearVestingDepositor')),
      fc.tuple(someone, owner).map(([w, o]) => view('gmFLOCK.allowance', w, `Pool:${o}`)),
      owner.map((o) => view('gmFLOCK.registered', `Pool:${o}`)),
    );
  }
  return fc.oneof(...views);
}

function actionArb(protocol: Protocol, lawless: boolean, slashingHook: boolean): fc.Arbitrary<Action> {
  const v2 = protocol === 'v2';
  const task = fc.constantFrom(...TASKS);
  const node = fc.constantFrom(...NODES);
  const validator = fc.constantFrom(...VALIDATORS);
  const owner = fc.constantFrom(...OWNERS);
  const delegator = fc.constantFrom(...DELEGATORS);
  const anyone = fc.constantFrom(...EVERYONE);
  const someone = fc.constantFrom(...EVERYONE, 'admin');
  const id = fc.constantFrom(...FL_TASKS);
  const rec = <T extends Action>(weight: number, arbitrary: fc.Arbitrary<T>): fc.WeightedArbitrary<Action> => ({ weight, arbitrary });
  const k = <K extends Action['k']>(kind: K) => fc.constant(kind);
  const list = [
    rec(4, episodeArb(protocol)),
    rec(2, fc.integer({ min: 1, max: 40 * DAY }).map((secs) => ({ k: 'wait' as const, secs }))),
    rec(1, fc.record({ k: k('createTask'), task, days: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constantFrom(0, 31)), from: fc.constantFrom('admin', 'admin', 'admin', 'n1') })),
    rec(3, fc.record({ k: k('stake'), role: fc.constant<Role>('node'), who: node, task, amount: amountArb(STAKE[protocol]) })),
    rec(2, fc.record({ k: k('stake'), role: fc.constant<Role>('validator'), who: validator, task, amount: amountArb(STAKE[protocol]) })),
    rec(1, fc.record({ k: k('withdraw'), role: fc.constant<Role>('node'), who: fc.oneof({ weight: 4, arbitrary: node }, { weight: 1, arbitrary: anyone }), task })),
    rec(1, fc.record({ k: k('withdraw'), role: fc.constant<Role>('validator'), who: fc.oneof({ weight: 4, arbitrary: validator }, { weight: 1, arbitrary: anyone }), task })),
    rec(2, fc.record({ k: k('createPool'), owner, sigma: sigmaArb })),
    rec(2, fc.record({ k: k('setSigma'), owner, sigma: sigmaArb })),
    rec(4, fc.record({ k: k('delegate'), d: delegator, owner, amount: amountArb(DELEGATE) })),
    rec(
      4,
      fc.record({
        k: k('undelegate'),
        d: delegator,
        owner,
        amount: fc.oneof({ weight: 1, arbitrary: amountArb(DELEGATE) }, { weight: 2, arbitrary: fc.constant(null) }),
        frac: fc.oneof(fc.constant(B), fc.integer({ min: 0, max: B }), fc.integer({ min: B + 1, max: 2 * B })),
      }),
    ),
    rec(5, rewardDayArb(protocol)),
    rec(1, fc.constant({ k: 'mint' as const })),
    rec(1, fc.record({ k: k('final'), task, pcts: pctsArb(NODES, { final: true }) })),
    rec(3, fc.record({ k: k('claimTM'), who: anyone })),
    rec(3, fc.record({ k: k('claimPool'), d: delegator, owner })),
    rec(2, fc.record({ k: k('fundPool'), funder: someone, owner, amount: amountArb(FUND) })),
    rec(2, paramArb(protocol)),
    rec(3, viewArb(protocol)),
    // FLock's own task managers have no slashing hook (docs/contracts.md#slashing-hook)
    ...(slashingHook ? [rec(1, fc.record({ k: k('slash'), task, who: owner, ppm: fc.constantFrom(0, 100_000, B, B + 1) }))] : []),
    rec(
      1,
      fc.record({
        k: k('flCreate'),
        id,
        rounds: fc.constantFrom(0, 1, 2, 3),
        minStake: fc.constantFrom(0n, 10n * E18, 100n * E18),
        pool: fc.constantFrom(0n, 300n * E18, 1000n * E18),
        slashPpm: fc.constantFrom(0, 100_000, B),
      }),
    ),
    rec(1, fc.record({ k: k('flStake'), id, who: anyone, amount: amountArb([0, 200]) })),
    rec(1, fc.record({ k: k('flRound'), id, proposers: fc.subarray([...EVERYONE], { maxLength: 2 }), voters: fc.subarray([...EVERYONE], { maxLength: 3 }) })),
    rec(1, fc.record({ k: k('flVote'), id, who: anyone, score: fc.constantFrom(-5, -1, 0, 1, 3) })),
    rec(1, fc.record({ k: k('flFinalize'), id, from: fc.constantFrom('admin', 'n1') })),
    rec(1, fc.record({ k: k('flClaim'), id, who: anyone, round: fc.integer({ min: 0, max: 2 }) })),
    rec(1, fc.record({ k: k('flSlash'), id, caller: anyone, who: anyone, round: fc.integer({ min: 0, max: 2 }) })),
  ];
  if (v2) {
    list.push(
      rec(
        2,
        fc.record({
          k: k('exchange'),
          who: delegator,
          amount: amountArb([1, 2000]),
          // below t0 = 30 days (multiplier = base), around it, in between, at and beyond t1 = 365 days
          lock: fc.oneof(fc.integer({ min: 1, max: 2 * DAY }), fc.constantFrom(30 * DAY - 1, 30 * DAY, 30 * DAY + 1, 180 * DAY, 365 * DAY, 400 * DAY)),
          beneficiary: fc.oneof({ weight: 4, arbitrary: delegator }, { weight: 1, arbitrary: owner }),
        }),
      ),
      rec(1, fc.record({ k: k('claimUnlocked'), who: delegator, back: fc.integer({ min: -DAY, max: DAY }) })),
      rec(1, fc.record({ k: k('claimByIds'), who: delegator, ids: fc.subarray([0, 1, 2, 3]) })),
      rec(2, fc.record({ k: k('vestingClaim'), who: anyone })),
    );
  }
  if (lawless) {
    list.push(
      rec(3, uploadArb(task, true).map((upload) => ({ k: 'rawUpload' as const, upload }))),
      rec(1, fc.constant({ k: 'flTransfer' as const })),
    );
  }
  return fc.oneof(...list);
}

/** A scenario of `protocol` drawn for `profile` (see the top of this file). */
export interface ArbOptions {
  /**
   * Whether the task manager has the lab's slashing hook (default true). Without it (FLock's own
   * contracts under `--artifacts`) no scenario enables slashing or calls TaskManager.slash; with it
   * the draws are exactly those of a call without options.
   */
  slashingHook?: boolean;
}

export function scenarioArb(protocol: Protocol, profile: ProfileName = 'parity', opts: ArbOptions = {}): fc.Arbitrary<Scenario> {
  const hook = opts.slashingHook ?? true;
  const { lawless, body, epilogue } = PROFILES[profile];
  const small = fc.integer({ min: 0, max: 600 });
  // A likely start: tasks 1–3 (some), stakes on them, pools of distinct owners, delegations to those pools.
  const stake = fc.record({ dt: small, role: fc.constantFrom<Role>('node', 'validator'), who: fc.nat(), task: fc.nat(), amount: amountArb(STAKE[protocol]) });
  const prologue = fc
    .tuple(
      fc.subarray([...TASKS], { minLength: 1 }),
      fc.integer({ min: 1, max: 30 }),
      fc.array(stake, { maxLength: 6 }),
      fc.uniqueArray(fc.record({ owner: fc.constantFrom(...OWNERS), sigma: sigmaArb }), { selector: (p) => p.owner, maxLength: 4 }),
      fc.array(fc.record({ d: fc.constantFrom(...DELEGATORS), pool: fc.nat(), amount: amountArb(DELEGATE), dt: small }), { maxLength: 4 }),
    )
    .map(([tasks, days, stakes, pools, delegations]) => {
      const out: Timed[] = tasks.map((task) => ({ dt: 0, a: { k: 'createTask', task, days, from: 'admin' }, expect: null }));
      for (const s of stakes) {
        const group = s.role === 'node' ? NODES : VALIDATORS;
        // stakes go to the tasks just created
        out.push({ dt: s.dt, a: { k: 'stake', role: s.role, who: group[s.who % group.length], task: tasks[s.task % tasks.length], amount: s.amount }, expect: null });
      }
      for (const p of pools) out.push({ dt: 0, a: { k: 'createPool', owner: p.owner, sigma: p.sigma }, expect: null });
      if (pools.length) {
        for (const d of delegations) out.push({ dt: d.dt, a: { k: 'delegate', d: d.d, owner: pools[d.pool % pools.length].owner, amount: d.amount }, expect: null });
      }
      return out;
    });
  const expect = lawless ? fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant('') }) : fc.constant(null);
  const bodyArb = fc.array(fc.record({ dt: dtArb, a: actionArb(protocol, lawless, hook), expect }), body);
  const epilogueArb = fc.oneof(
    { weight: epilogue[0], arbitrary: fc.constant(null) },
    { weight: epilogue[1], arbitrary: fc.record({ finals: fc.tuple(...TASKS.map(() => pctsArb(NODES, { final: true }))), wait: fc.integer({ min: 1, max: 40 * DAY }) }) },
  );
  const slashing = hook ? fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false);
  return fc.record({ protocol: fc.constant(protocol), slashing, prologue, body: bodyArb, epilogue: epilogueArb });
}
