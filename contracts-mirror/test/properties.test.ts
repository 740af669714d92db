/**
 * Property-based tests of the mirror, driven through random action traces (docs/traces.md) of the
 * shared trace arbitraries (evmEngine/traceArbitraries.ts, profile `invariants`; the same cast and
 * actions, evmEngine/traceActions.ts, and builder as `flock-lab parity`): 3 nodes, 2 validators, 4 delegators and admin, all
 * with genesis balances, under protocol v1 and v2.
 *
 * A generated trace is a list of abstract actions (create tasks, stake, pools and σ, delegate and
 * undelegate, reward days, final uploads, claims, fundPool, exchange, vesting, withdrawals, FL
 * Alliance tasks, the slashing hook, parameter changes, views and time jumps across the 12 h mint
 * spacing and the 1-day cooldowns, often closed by an epilogue where everyone claims and
 * withdraws), which the builder (evmEngine/generator.ts) turns into steps with a never-decreasing
 * `at`. Most calls carry no `expectRevert`: they are mostly valid but may revert (stake below the
 * minimum, undelegate before 1 day, no pool yet, …), so their "failed" status is ignored; these
 * tests check invariants, not outcomes. A step whose outcome the builder can guarantee (a mint, a
 * deliberately impossible amount, σ above the base) is "strict" and must not fail.
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
 * the `invariants` profile: every daily upload happens in the same block as a mint that is known
 * to succeed, with only the day's FL transfer in between, and each task's node/validator pots
 * are uploaded at most once per mint. Under v1 only one task is rewarded per mint. The two
 * findings below show why both restrictions are needed: without them, legal call sequences
 * over-allocate (protocol findings, consistent with docs/model.md#per-task-share, not mirror bugs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScenario, type Built } from '../evmEngine/generator.js';
import { B, EVERYONE, TASKS, type Scenario } from '../evmEngine/traceActions.js';
import { scenarioArb, tokensArb } from '../evmEngine/traceArbitraries.js';
import { canonicalJson, replayTrace } from '../replay/replay.js';
import type { Protocol, StepResult, Trace, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, T0, e18, trace } from './traceKit.js';

/** Runs per protocol and per property. */
const RUNS = 200;

/** A scenario's trace, with the views around each reward day that property 1 reads. */
function build(s: Scenario): Built {
  return buildScenario(s, { dayViews: true });
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
 * A reward day (mint, FL transfer, uploads in one block) allocates between 0 and what it minted:
 * the surplus may not fall, nor rise by more than the mint (what the FL tasks receive counts as
 * allocated). Stakes do not move inside the block, so in v1 (where they share the FLOCK balance)
 * they cancel out of the difference. This is much tighter than solvency, which an earlier day's
 * unallocated dust can hide.
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

/** `Pool:n1.claimRewards` → `Pool.claimRewards` (and `FLTask:7.stake` → `FLTask.stake`), for the coverage tally. */
function callKey(step: TraceStep): string {
  return (step.call ?? step.view ?? '').replace(/^(Pool|FLTask):[^.]+/, '$1');
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
  'TaskManager.slash',
  'TaskManager.transferRewardsToFLTasks',
  'FLTaskManager.createTask',
  'FLTask.stake',
];
const COVERED: Record<Protocol, string[]> = {
  v1: COVERED_BOTH,
  v2: [...COVERED_BOTH, 'Exchange.exchangeFlock', 'Exchange.claimUnlockedFlock', 'Vesting.claim'],
};

const PROTOCOLS: Protocol[] = ['v1', 'v2'];
const SEEDS: Record<Protocol, number> = { v1: 0x0f10c1, v2: 0x0f10c2 };

/**
 * Property 1's totals for SEEDS and RUNS: regression values of the seeded sample of
 * traceArbitraries.ts's `invariants` profile (see there), not expected values of the protocol.
 */
const STATS: Record<Protocol, { steps: number; ok: Record<string, number> }> = {
  v1: {
    steps: 24305,
    ok: {
      'FLTask.stake': 1,
      'FLTaskManager.createTask': 19,
      'Pool.claimRewards': 292,
      'Pool.delegate': 420,
      'Pool.fundPool': 29,
      'Pool.undelegate': 392,
      'PoolManager.createMiniPool': 488,
      'PoolManager.setMiniPoolSigma': 40,
      'PoolManager.setProtocolFeePercentage': 14,
      'PoolManager.setSigmaModificationCooldown': 6,
      'TaskManager.claimRewards': 2022,
      'TaskManager.createTask': 424,
      'TaskManager.mintDailyReward': 444,
      'TaskManager.setBaseStakeAmount': 13,
      'TaskManager.setFeePercentage': 10,
      'TaskManager.setGamma': 17,
      'TaskManager.setRewardTokenPerDay': 14,
      'TaskManager.setValidatorFeeWithdrawalPercentage': 14,
      'TaskManager.slash': 1,
      'TaskManager.stakeTokensForTrainingNodes': 466,
      'TaskManager.stakeTokensForValidators': 427,
      'TaskManager.transferRewardsToFLTasks': 60,
      'TaskManager.uploadFinalRewardResultsForTrainingNodes': 367,
      'TaskManager.uploadRewardResultsForTrainingNodes': 215,
      'TaskManager.uploadRewardResultsForValidators': 222,
      'TaskManager.uploadRewardResultsOnlyForValidators': 2,
      'TaskManager.withdrawStakeTokensForTrainingNodes': 327,
      'TaskManager.withdrawStakeTokensForValidators': 265,
    },
  },
  v2: {
    steps: 26011,
    ok: {
      'Exchange.claimUnlockedFlock': 34,
      'Exchange.exchangeFlock': 85,
      'Exchange.setProtocolFee': 6,
      'FLTask.stake': 1,
      'FLTaskManager.createTask': 27,
      'Pool.claimRewards': 209,
      'Pool.delegate': 470,
      'Pool.fundPool': 27,
      'Pool.undelegate': 412,
      'PoolManager.createMiniPool': 490,
      'PoolManager.setClaimCoolDown': 6,
      'PoolManager.setDelegatorCoolDown': 4,
      'PoolManager.setMiniPoolSigma': 25,
      'PoolManager.setProtocolFeePercentage': 9,
      'PoolManager.setSigmaModificationCooldown': 7,
      'TaskManager.claimRewards': 2010,
      'TaskManager.createTask': 418,
      'TaskManager.mintDailyReward': 361,
      'TaskManager.setBaseStakeAmount': 5,
      'TaskManager.setDailyMintResetCount': 8,
      'TaskManager.setDaysToFreezeSigmaAfter': 6,
      'TaskManager.setDaysToFreezeSigmaBefore': 6,
      'TaskManager.setFeePercentage': 5,
      'TaskManager.setGamma': 4,
      'TaskManager.slash': 1,
      'TaskManager.stakeTokensForTrainingNodes': 396,
      'TaskManager.stakeTokensForValidators': 374,
      'TaskManager.transferRewardsToFLTasks': 40,
      'TaskManager.uploadFinalRewardResultsForTrainingNodes': 182,
      'TaskManager.uploadRewardResultsForTrainingNodes': 301,
      'TaskManager.uploadRewardResultsForValidators': 298,
      'TaskManager.uploadRewardResultsOnlyForValidators': 21,
      'TaskManager.withdrawStakeTokensForTrainingNodes': 230,
      'TaskManager.withdrawStakeTokensForValidators': 156,
      'Vesting.claim': 279,
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
      fc.property(scenarioArb(protocol, 'invariants'), (s) => {
        const b = build(s);
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
      fc.property(scenarioArb(protocol, 'invariants'), fc.integer({ min: 0, max: B }), (s, cutPpm) => {
        const b = build(s);
        checkBalancesAndPools(protocol, replayTrace(b.trace), b.trace);
        // …and at a random point in the middle (the state is read at the last step replayed).
        const cut = Math.floor((b.trace.steps.length * cutPpm) / B);
        const prefix: Trace = { ...b.trace, steps: b.trace.steps.slice(0, cut) };
        checkBalancesAndPools(protocol, replayTrace(prefix), prefix);
      }),
      { numRuns: RUNS, seed: SEEDS[protocol] + 2 },
    );
  });

  it(`3. replaying the same trace twice gives deep-equal results (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(protocol, 'invariants'), (s) => {
        const b = build(s);
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
  // the protocol's formulas (docs/model.md#per-task-share), which the mirror implements as written.
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
 * A fee (or σ) above the 1e6 base is a legal admin setting: the setters have no bound (docs/contracts.md#quiet-reverts-and-panics). In the deployed Solidity (0.8, checked arithmetic) `rewards − fee`,
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
      fc.property(fc.integer({ min: B + 1, max: 5 * B }), tokensArb([50, 1000]), (param, amount) => {
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
