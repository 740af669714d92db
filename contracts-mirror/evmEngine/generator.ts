/**
 * Random action traces for cross-engine parity (issue 5): valid and invalid calls over a small
 * cast (3 nodes, 2 validators, 3 delegators, admin) — tasks, stakes, pools and σ, delegations and
 * undelegations, reward days (a mint, then uploads with random ppm arrays in the same block),
 * raw uploads with no mint behind them or percentages above 1e6, final uploads, claims, fundPool,
 * exchange locks and unlocks, vesting claims, FL Alliance tasks, the AI Arena slashing hook,
 * parameter changes, views, and time jumps across the 12 h mint spacing, the 1-day cooldowns and
 * the σ freeze window. A trace is a list of abstract actions, so fast-check shrinks it by
 * dropping and simplifying actions; `buildTrace` turns it into trace JSON with a never
 * decreasing `at` starting at a fixed genesis time (one cached genesis per protocol).
 */
import fc from 'fast-check';
import type { Protocol, Trace, TraceStep } from '../replay/types.js';

export const T0 = 1_735_689_600;
const HOUR = 3600;
const DAY = 86_400;
const B = 1_000_000;
const E18 = 10n ** 18n;
/** More than anyone holds: the call must revert, for whatever reason comes first. */
const HUGE = 10n ** 30n;

export const NODES = ['n1', 'n2', 'n3'] as const;
export const VALIDATORS = ['val1', 'val2'] as const;
export const DELEGATORS = ['d1', 'd2', 'd3'] as const;
const OWNERS: readonly string[] = [...NODES, ...VALIDATORS];
const EVERYONE: readonly string[] = [...OWNERS, ...DELEGATORS];
const TASKS = [1, 2] as const;
const FL_TASKS = [7] as const;

function genesis(protocol: Protocol): NonNullable<Trace['accounts']> {
  const acc: NonNullable<Trace['accounts']> = {};
  if (protocol === 'v1') {
    acc.admin = { FLOCK: '100000e18' };
    for (const n of OWNERS) acc[n] = { FLOCK: '20000e18' };
    for (const d of DELEGATORS) acc[d] = { FLOCK: '5000e18' };
  } else {
    acc.admin = { gmFLOCK: '100000e18', FLOCK: '100000e18' };
    for (const n of OWNERS) acc[n] = { gmFLOCK: '20000e18', FLOCK: '2000e18' };
    for (const d of DELEGATORS) acc[d] = { gmFLOCK: '5000e18', FLOCK: '5000e18' };
  }
  return acc;
}

interface Pcts {
  who: string[];
  pw: number[];
  po: number[];
}

type Action =
  | { k: 'wait'; secs: number }
  | { k: 'createTask'; task: number; days: number; from: string }
  | { k: 'stake'; role: 'node' | 'validator'; who: string; task: number; amount: bigint }
  | { k: 'withdraw'; role: 'node' | 'validator'; who: string; task: number }
  | { k: 'createPool'; owner: string; sigma: number }
  | { k: 'setSigma'; owner: string; sigma: number }
  | { k: 'delegate'; d: string; owner: string; amount: bigint }
  | { k: 'undelegate'; d: string; owner: string; amount: bigint }
  | { k: 'rewardDay'; uploads: { task: number; fn: string; p: Pcts }[] }
  | { k: 'rawUpload'; task: number; fn: string; p: Pcts }
  | { k: 'mint' }
  | { k: 'claimTM'; who: string }
  | { k: 'claimPool'; d: string; owner: string }
  | { k: 'fundPool'; funder: string; owner: string; amount: bigint }
  | { k: 'exchange'; who: string; amount: bigint; lock: number; beneficiary: string }
  | { k: 'claimUnlocked'; who: string; back: number }
  | { k: 'claimByIds'; who: string; ids: number[] }
  | { k: 'vestingClaim'; who: string }
  | { k: 'param'; call: string; value: bigint | number }
  | { k: 'slash'; task: number; who: string; ppm: number }
  | { k: 'flCreate'; id: number; rounds: number; minStake: bigint; pool: bigint; slashPpm: number }
  | { k: 'flStake'; id: number; who: string; amount: bigint }
  | { k: 'flRound'; id: number; proposers: string[]; voters: string[] }
  | { k: 'flVote'; id: number; who: string; score: number }
  | { k: 'flFinalize'; id: number; from: string }
  | { k: 'flClaim'; id: number; who: string; round: number }
  | { k: 'flSlash'; id: number; caller: string; who: string; round: number }
  | { k: 'flTransfer' }
  | { k: 'view'; call: string; args: unknown[]; from?: string }
  | Episode;

/**
 * A coherent reward cycle, so random traces reach rewards, fees, pool claims and vesting: a task,
 * a node and a validator staked, the node's pool with a delegation, a mint 12 h after the last one
 * could have been, uploads naming them, then claims after a wait (often on a cooldown edge), and
 * now and then a final upload, vesting claims and an undelegation.
 */
interface Episode {
  k: 'episode';
  task: number;
  node: string;
  validator: string;
  delegator: string;
  stakeN: bigint;
  stakeV: bigint;
  sigma: number;
  deleg: bigint;
  pw: number;
  po: number;
  vw: number;
  vo: number;
  wait: number;
  final: boolean;
  late: number;
}

export interface Timed {
  dt: number;
  a: Action;
  /** "": accept any revert; null: no expectRevert. */
  expect: string | null;
}

export interface Scenario {
  protocol: Protocol;
  slashing: boolean;
  actions: Timed[];
}

const dtArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: HOUR }) },
  // the 12 h mint spacing, the strict 1-day cooldowns, and the 2-day σ freeze window
  { weight: 3, arbitrary: fc.constantFrom(12 * HOUR - 1, 12 * HOUR, 12 * HOUR + 1, DAY - 1, DAY, DAY + 1, 2 * DAY - 1, 2 * DAY, 2 * DAY + 1) },
  { weight: 1, arbitrary: fc.integer({ min: HOUR, max: 10 * DAY }) },
  { weight: 1, arbitrary: fc.constantFrom(30 * DAY, 30 * DAY + 1, 31 * DAY) },
);

const weiArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: E18 - 1n }));

function amountArb(lo: number, hi: number): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(fc.integer({ min: lo, max: hi }), weiArb).map(([w, x]) => BigInt(w) * E18 + x) },
    { weight: 1, arbitrary: fc.constant(0n) },
    { weight: 1, arbitrary: fc.constant(HUGE) },
  );
}

const sigmaArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: B }) },
  { weight: 2, arbitrary: fc.constantFrom(0, B) },
  { weight: 1, arbitrary: fc.integer({ min: B + 1, max: 2 * B }) },
);

/** Random ppm arrays; mostly Σ pw ≤ budget ≤ 1e6, sometimes raw (Σ above 1e6) or of mismatched length. */
function pctsArb(group: readonly string[], final = false): fc.Arbitrary<Pcts> {
  const who = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...group) }, { weight: 1, arbitrary: fc.constantFrom(...EVERYONE) });
  const frac = final
    ? fc.oneof({ weight: 4, arbitrary: fc.constant(B) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: B }) })
    : fc.oneof(fc.constant(B), fc.constant(0), fc.integer({ min: 0, max: B }));
  return fc
    .record({
      rows: fc.array(fc.record({ who, raw: fc.integer({ min: final ? 1 : 0, max: B }), frac }), { minLength: final ? 1 : 0, maxLength: 4 }),
      budget: fc.oneof({ weight: 20, arbitrary: fc.constant(B) }, { weight: 8, arbitrary: fc.integer({ min: 0, max: B }) }, { weight: 1, arbitrary: fc.constant(-1) }),
      mismatch: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map(({ rows, budget, mismatch }) => {
      const sum = rows.reduce((s, r) => s + r.raw, 0);
      const pw = rows.map((r) => (budget >= 0 && sum > budget ? Math.floor((r.raw * budget) / sum) : r.raw));
      const po = pw.map((p, i) => Math.floor((p * rows[i].frac) / B));
      if (mismatch) po.push(0);
      return { who: rows.map((r) => r.who), pw, po };
    });
}

const UPLOADS = ['uploadRewardResultsForTrainingNodes', 'uploadRewardResultsForValidators', 'uploadRewardResultsOnlyForValidators'];

function episodeArb(protocol: Protocol): fc.Arbitrary<Action> {
  const v2 = protocol === 'v2';
  const ppm = fc.oneof(fc.constant(B), fc.integer({ min: 1, max: B }));
  return fc
    .record({
      task: fc.constantFrom(...TASKS),
      node: fc.constantFrom(...NODES),
      validator: fc.constantFrom(...VALIDATORS),
      delegator: fc.constantFrom(...DELEGATORS),
      stakeN: fc.tuple(fc.integer({ min: v2 ? 3000 : 10, max: v2 ? 8000 : 3000 }), weiArb).map(([w, x]) => BigInt(w) * E18 + x),
      stakeV: fc.tuple(fc.integer({ min: v2 ? 3000 : 50, max: v2 ? 8000 : 3000 }), weiArb).map(([w, x]) => BigInt(w) * E18 + x),
      sigma: fc.oneof(fc.constantFrom(0, 400_000, B), fc.integer({ min: 0, max: B })),
      deleg: fc.tuple(fc.integer({ min: 1, max: 3000 }), weiArb).map(([w, x]) => BigInt(w) * E18 + x),
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

function actionArb(protocol: Protocol): fc.Arbitrary<Action> {
  const v2 = protocol === 'v2';
  const [stakeLo, stakeHi] = v2 ? [2000, 6000] : [5, 3000];
  const task = fc.constantFrom(...TASKS, 3);
  const node = fc.constantFrom(...NODES);
  const validator = fc.constantFrom(...VALIDATORS);
  const owner = fc.constantFrom(...OWNERS);
  const delegator = fc.constantFrom(...DELEGATORS);
  const anyone = fc.constantFrom(...EVERYONE);
  const someone = fc.constantFrom(...EVERYONE, 'admin');
  const upload = fc.record({
    task: fc.constantFrom(...TASKS),
    fn: fc.constantFrom(...UPLOADS),
    p: pctsArb(OWNERS),
  }).map((u) => ({ ...u, p: u.fn === UPLOADS[0] ? u.p : { ...u.p, who: u.p.who.map((w, i) => (NODES.includes(w as never) ? VALIDATORS[i % 2] : w)) } }));
  const flId = fc.constantFrom(...FL_TASKS);

  const params: fc.Arbitrary<Action>[] = [
    fc.constantFrom(0, 100_000, 500_000, B).map((value) => ({ k: 'param' as const, call: 'TaskManager.setGamma', value })),
    fc.constantFrom(0, 80_000, 145_000, B, B + 1).map((value) => ({ k: 'param' as const, call: 'TaskManager.setFeePercentage', value })),
    fc.constantFrom(0, 10_000, 145_000, B).map((value) => ({ k: 'param' as const, call: 'PoolManager.setProtocolFeePercentage', value })),
    fc.integer({ min: 0, max: v2 ? 50 : 1 }).map((v) => ({ k: 'param' as const, call: 'TaskManager.setBaseStakeAmount', value: BigInt(v) * E18 })),
    fc.constantFrom(0, DAY, 2 * DAY).map((value) => ({ k: 'param' as const, call: 'PoolManager.setSigmaModificationCooldown', value })),
  ];
  if (v2) {
    params.push(
      fc.integer({ min: 0, max: 10_000 }).map((value) => ({ k: 'param' as const, call: 'Exchange.setProtocolFee', value })),
      fc.constantFrom(0, 1, 2, 3).map((value) => ({ k: 'param' as const, call: 'TaskManager.setDaysToFreezeSigmaBefore', value })),
      fc.constantFrom(0, 1, 2, 3).map((value) => ({ k: 'param' as const, call: 'TaskManager.setDaysToFreezeSigmaAfter', value })),
      fc.constantFrom(0, HOUR, DAY).map((value) => ({ k: 'param' as const, call: 'PoolManager.setClaimCoolDown', value })),
      fc.constantFrom(0, DAY, 2 * DAY).map((value) => ({ k: 'param' as const, call: 'PoolManager.setDelegatorCoolDown', value })),
      fc.constantFrom(1, 2, 30).map((value) => ({ k: 'param' as const, call: 'TaskManager.setDailyMintResetCount', value })),
    );
  } else {
    params.push(
      fc.constantFrom(0, 150_000, B).map((value) => ({ k: 'param' as const, call: 'TaskManager.setValidatorFeeWithdrawalPercentage', value })),
      fc.constantFrom(0n, 1000n * E18, 1074n * E18).map((value) => ({ k: 'param' as const, call: 'TaskManager.setRewardTokenPerDay', value })),
    );
  }

  const views: fc.Arbitrary<Action>[] = [
    fc.tuple(owner, anyone).map(([o, d]) => ({ k: 'view' as const, call: `Pool:${o}.claimable`, args: [d] })),
    anyone.map((w) => ({ k: 'view' as const, call: 'TaskManager.userRewards', args: [w] })),
    someone.map((w) => ({ k: 'view' as const, call: 'FLOCK.balanceOf', args: [w] })),
    fc.tuple(task, node).map(([t, w]) => ({ k: 'view' as const, call: 'TaskManager.getNodeStakes', args: [t, w] })),
    task.map((t) => ({ k: 'view' as const, call: 'TaskManager.tasks', args: [t] })),
    owner.map((o) => ({ k: 'view' as const, call: `Pool:${o}.getDelegators`, args: [] })),
    fc.tuple(owner, anyone).map(([o, d]) => ({ k: 'view' as const, call: `Pool:${o}.delegationOf`, args: [d] })),
    owner.map((o) => ({ k: 'view' as const, call: 'PoolManager.getPoolSigma', args: [o] })),
    fc.tuple(task).map(([t]) => ({ k: 'view' as const, call: 'StakeInfo.getTaskWeights', args: [t, 3] })),
    // addresses and bytes32 in the value encoding: contract names, pools, FL tasks, roles
    fc.integer({ min: 0, max: 8 }).map((i) => ({ k: 'view' as const, call: 'Config.getAddress', args: [i] })),
    fc.constant({ k: 'view' as const, call: 'PoolManager.getPools', args: [] }),
    fc.constant({ k: 'view' as const, call: 'PoolManager.getUsers', args: [] }),
    fc.constant({ k: 'view' as const, call: 'FLTaskManager.getTasks', args: [] }),
    fc.constant({ k: 'view' as const, call: 'TaskManager.DEFAULT_ADMIN_ROLE', args: [] }),
    fc.constant({ k: 'view' as const, call: 'FLOCK.hasRole', args: ['0x' + '0'.repeat(64), 'TaskManager'] }),
    someone.map((w) => ({ k: 'view' as const, call: 'FLOCK.allowance', args: [w, 'TaskManager'] })),
  ];
  if (v2) {
    views.push(
      owner.map((o) => ({ k: 'view' as const, call: 'TaskManager.isNodePoolFreezing', args: [o] })),
      anyone.map((w) => ({ k: 'view' as const, call: 'Vesting.claimable', args: [w] })),
      anyone.map((w) => ({ k: 'view' as const, call: 'gmFLOCK.balanceOf', args: [w] })),
      delegator.map((w) => ({ k: 'view' as const, call: 'Exchange.getUserLocks', args: [w] })),
      fc.constantFrom(0, 1, 2).map((id) => ({ k: 'view' as const, call: 'Exchange.lockInfoMap', args: [id] })),
      delegator.map((w) => ({ k: 'view' as const, call: 'Exchange.getUnlockedAmounts', args: [T0 + 400 * DAY], from: w })),
      fc.tuple(anyone, fc.integer({ min: 0, max: 2 })).map(([w, i]) => ({ k: 'view' as const, call: 'Vesting.getActiveGrant', args: [w, i] })),
      fc.constant({ k: 'view' as const, call: 'TaskManager.DAO_ADMIN', args: [] }),
      fc.constant({ k: 'view' as const, call: 'TaskManager.linearVestingDepositor', args: [] }),
      fc.tuple(someone, owner).map(([w, o]) => ({ k: 'view' as const, call: 'gmFLOCK.allowance', args: [w, `Pool:${o}`] })),
      owner.map((o) => ({ k: 'view' as const, call: 'gmFLOCK.registered', args: [`Pool:${o}`] })),
    );
  }

  const list: { weight: number; arbitrary: fc.Arbitrary<Action> }[] = [
    { weight: 4, arbitrary: episodeArb(protocol) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 * DAY }).map((secs) => ({ k: 'wait' as const, secs })) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('createTask' as const), task, days: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constantFrom(0, 31)), from: fc.constantFrom('admin', 'admin', 'admin', 'n1') }),
    },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('stake' as const), role: fc.constant('node' as const), who: node, task, amount: amountArb(stakeLo, stakeHi) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('stake' as const), role: fc.constant('validator' as const), who: validator, task, amount: amountArb(stakeLo, stakeHi) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('withdraw' as const), role: fc.constantFrom('node' as const, 'validator' as const), who: anyone, task }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('createPool' as const), owner, sigma: sigmaArb }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('setSigma' as const), owner, sigma: sigmaArb }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('delegate' as const), d: delegator, owner, amount: amountArb(0, 3000) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('undelegate' as const), d: delegator, owner, amount: amountArb(0, 3000) }) },
    { weight: 5, arbitrary: fc.array(upload, { maxLength: 4 }).map((uploads) => ({ k: 'rewardDay' as const, uploads })) },
    { weight: 1, arbitrary: upload.map((u) => ({ k: 'rawUpload' as const, ...u })) },
    {
      weight: 1,
      arbitrary: fc.record({ task: fc.constantFrom(...TASKS), p: pctsArb(NODES, true) }).map((u) => ({ k: 'rawUpload' as const, fn: 'uploadFinalRewardResultsForTrainingNodes', ...u })),
    },
    { weight: 1, arbitrary: fc.constant({ k: 'mint' as const }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('claimTM' as const), who: anyone }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('claimPool' as const), d: delegator, owner }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('fundPool' as const), funder: someone, owner, amount: amountArb(0, 500) }) },
    { weight: 2, arbitrary: fc.oneof(...params) },
    { weight: 3, arbitrary: fc.oneof(...views) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('flCreate' as const), id: flId, rounds: fc.constantFrom(0, 1, 2, 3), minStake: fc.constantFrom(0n, 10n * E18, 100n * E18), pool: fc.constantFrom(0n, 300n * E18, 1000n * E18), slashPpm: fc.constantFrom(0, 100_000, B) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('flStake' as const), id: flId, who: anyone, amount: amountArb(0, 200) }) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('flRound' as const), id: flId, proposers: fc.subarray([...EVERYONE], { maxLength: 2 }), voters: fc.subarray([...EVERYONE], { maxLength: 3 }) }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('flVote' as const), id: flId, who: anyone, score: fc.constantFrom(-5, -1, 0, 1, 3) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('flFinalize' as const), id: flId, from: fc.constantFrom('admin', 'n1') }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('flClaim' as const), id: flId, who: anyone, round: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('flSlash' as const), id: flId, caller: anyone, who: anyone, round: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 1, arbitrary: fc.constant({ k: 'flTransfer' as const }) },
  ];
  if (v2) {
    list.push(
      {
        weight: 2,
        arbitrary: fc.record({
          k: fc.constant('exchange' as const),
          who: delegator,
          amount: amountArb(1, 2000),
          lock: fc.oneof(fc.integer({ min: 1, max: 2 * DAY }), fc.constantFrom(30 * DAY - 1, 30 * DAY, 30 * DAY + 1, 180 * DAY, 365 * DAY, 400 * DAY)),
          beneficiary: fc.oneof({ weight: 4, arbitrary: delegator }, { weight: 1, arbitrary: owner }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('claimUnlocked' as const), who: delegator, back: fc.integer({ min: -DAY, max: DAY }) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('claimByIds' as const), who: delegator, ids: fc.subarray([0, 1, 2, 3]) }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('vestingClaim' as const), who: anyone }) },
    );
  }
  list.push({ weight: 1, arbitrary: fc.record({ k: fc.constant('slash' as const), task, who: owner, ppm: fc.constantFrom(0, 100_000, B, B + 1) }) });
  return fc.oneof(...list);
}

const expectArb = fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant('') });

/** A scenario: a likely start (tasks, stakes, pools, delegations), then random actions. */
export function scenarioArb(protocol: Protocol): fc.Arbitrary<Scenario> {
  const v2 = protocol === 'v2';
  const [stakeLo, stakeHi] = v2 ? [2000, 6000] : [5, 3000];
  const small = fc.integer({ min: 0, max: 600 });
  const timed = (a: fc.Arbitrary<Action>, dt: fc.Arbitrary<number> = small): fc.Arbitrary<Timed> => fc.record({ dt, a, expect: fc.constant(null) });
  {
    // tasks 1 and/or 2; stakes; pools of distinct owners; delegations to those pools
    const stakeArb = fc.oneof(
      fc.record({ k: fc.constant('stake' as const), role: fc.constant('node' as const), who: fc.constantFrom(...NODES), task: fc.constantFrom(...TASKS), amount: amountArb(stakeLo, stakeHi) }),
      fc.record({ k: fc.constant('stake' as const), role: fc.constant('validator' as const), who: fc.constantFrom(...VALIDATORS), task: fc.constantFrom(...TASKS), amount: amountArb(stakeLo, stakeHi) }),
    );
    const prologue = fc
      .tuple(
        fc.subarray([...TASKS], { minLength: 1 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(timed(stakeArb), { maxLength: 5 }),
        fc.uniqueArray(fc.record({ owner: fc.constantFrom(...OWNERS), sigma: sigmaArb }), { selector: (p) => p.owner, maxLength: 3 }),
        fc.array(fc.record({ d: fc.constantFrom(...DELEGATORS), pool: fc.nat(), amount: amountArb(0, 3000), dt: small }), { maxLength: 3 }),
      )
      .map(([tasks, days, stakes, pools, delegations]) => {
        const out: Timed[] = tasks.map((task) => ({ dt: 0, a: { k: 'createTask' as const, task, days, from: 'admin' }, expect: null }));
        // stakes go to the tasks just created
        for (const st of stakes) if (st.a.k === 'stake') out.push({ ...st, a: { ...st.a, task: tasks[(st.a.task - 1) % tasks.length] } });
        for (const p of pools) out.push({ dt: 0, a: { k: 'createPool', owner: p.owner, sigma: p.sigma }, expect: null });
        if (pools.length) {
          for (const d of delegations) out.push({ dt: d.dt, a: { k: 'delegate', d: d.d, owner: pools[d.pool % pools.length].owner, amount: d.amount }, expect: null });
        }
        return out;
      });
    const body = fc.array(fc.record({ dt: dtArb, a: actionArb(protocol), expect: expectArb }), { minLength: 3, maxLength: 20, size: 'small' });
    const slashing = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
    return fc.tuple(slashing, prologue, body).map(([sl, p, b]) => ({ protocol, slashing: sl, actions: [...p, ...b] }));
  }
}

/** Abstract actions → trace JSON (format flock-trace/1). */
export function buildTrace(sc: Scenario): Trace {
  const v2 = sc.protocol === 'v2';
  const steps: TraceStep[] = [];
  let now = T0;
  let expect: string | null = null;
  const call = (from: string, c: string, args: unknown[]) => {
    const s: TraceStep = { at: now, from, call: c, args };
    if (expect !== null) s.expectRevert = expect;
    steps.push(s);
  };
  const amt = (x: bigint) => x.toString();
  const upload = (fn: string, task: number, p: Pcts) => call('admin', `TaskManager.${fn}`, v2 ? [task, p.who, p.pw, p.po] : [task, p.who, p.pw]);
  sc.actions.forEach((t, k) => {
    if (k > 0) now += t.dt;
    expect = t.expect;
    const a = t.a;
    switch (a.k) {
      case 'wait':
        now += a.secs;
        break;
      case 'createTask':
        call(a.from, 'TaskManager.createTask', [a.task, a.days * DAY, `task-${a.task}`]);
        break;
      case 'stake':
        call(a.who, `TaskManager.${a.role === 'node' ? 'stakeTokensForTrainingNodes' : 'stakeTokensForValidators'}`, [a.task, amt(a.amount)]);
        break;
      case 'withdraw':
        call(a.who, `TaskManager.${a.role === 'node' ? 'withdrawStakeTokensForTrainingNodes' : 'withdrawStakeTokensForValidators'}`, [a.task]);
        break;
      case 'createPool':
        call(a.owner, 'PoolManager.createMiniPool', [a.sigma]);
        break;
      case 'setSigma':
        call(a.owner, 'PoolManager.setMiniPoolSigma', [a.sigma]);
        break;
      case 'delegate':
        call(a.d, `Pool:${a.owner}.delegate`, [amt(a.amount)]);
        break;
      case 'undelegate':
        call(a.d, `Pool:${a.owner}.undelegate`, [amt(a.amount)]);
        break;
      case 'mint':
        call('admin', 'TaskManager.mintDailyReward', []);
        break;
      case 'rewardDay':
        call('admin', 'TaskManager.mintDailyReward', []);
        expect = null;
        for (const u of a.uploads) upload(u.fn, u.task, u.p);
        break;
      case 'rawUpload':
        upload(a.fn, a.task, a.p);
        break;
      case 'claimTM':
        call(a.who, 'TaskManager.claimRewards', []);
        break;
      case 'claimPool':
        call(a.d, `Pool:${a.owner}.claimRewards`, []);
        break;
      case 'fundPool':
        call(a.funder, `Pool:${a.owner}.fundPool`, [amt(a.amount)]);
        break;
      case 'exchange':
        call(a.who, 'Exchange.exchangeFlock', [amt(a.amount), a.lock, a.beneficiary]);
        break;
      case 'claimUnlocked':
        call(a.who, 'Exchange.claimUnlockedFlock', [Math.max(0, now - a.back)]);
        break;
      case 'claimByIds':
        call(a.who, 'Exchange.claimUnlockedFlockByIds', [a.ids]);
        break;
      case 'vestingClaim':
        call(a.who, 'Vesting.claim', []);
        break;
      case 'param':
        call('admin', a.call, [typeof a.value === 'bigint' ? amt(a.value) : a.value]);
        break;
      case 'slash':
        call('admin', 'TaskManager.slash', [a.task, a.who, a.ppm]);
        break;
      case 'flCreate':
        call('admin', 'FLTaskManager.createTask', [a.id, a.rounds, amt(a.minStake), amt(a.pool), a.slashPpm]);
        break;
      case 'flStake':
        call(a.who, `FLTask:${a.id}.stake`, [amt(a.amount)]);
        break;
      case 'flRound':
        call('admin', `FLTask:${a.id}.startRound`, [a.proposers, a.voters]);
        break;
      case 'flVote':
        call(a.who, `FLTask:${a.id}.vote`, [a.score]);
        break;
      case 'flFinalize':
        call(a.from, `FLTask:${a.id}.finalizeRound`, []);
        break;
      case 'flClaim':
        call(a.who, `FLTask:${a.id}.claimReward`, [a.round]);
        break;
      case 'flSlash':
        call(a.caller, `FLTask:${a.id}.slash`, [a.who, a.round]);
        break;
      case 'flTransfer':
        call('admin', 'TaskManager.transferRewardsToFLTasks', []);
        break;
      case 'episode': {
        const up = (fn: string, who: string, w: number, o: number) => call('admin', `TaskManager.${fn}`, v2 ? [a.task, [who], [w], [o]] : [a.task, [who], [w]]);
        call('admin', 'TaskManager.createTask', [a.task, 30 * DAY, `task-${a.task}`]);
        expect = null;
        call(a.node, 'TaskManager.stakeTokensForTrainingNodes', [a.task, amt(a.stakeN)]);
        call(a.validator, 'TaskManager.stakeTokensForValidators', [a.task, amt(a.stakeV)]);
        call(a.node, 'PoolManager.createMiniPool', [a.sigma]);
        call(a.delegator, `Pool:${a.node}.delegate`, [amt(a.deleg)]);
        now += 12 * HOUR + 1;
        call('admin', 'TaskManager.mintDailyReward', []);
        up('uploadRewardResultsForTrainingNodes', a.node, a.pw, a.po);
        up('uploadRewardResultsForValidators', a.validator, a.vw, a.vo);
        now += a.wait;
        call(a.delegator, `Pool:${a.node}.claimRewards`, []);
        call(a.node, 'TaskManager.claimRewards', []);
        call(a.validator, 'TaskManager.claimRewards', []);
        if (a.final) {
          up('uploadFinalRewardResultsForTrainingNodes', a.node, a.pw, a.pw);
          now += a.late;
          call(a.node, 'TaskManager.claimRewards', []);
          if (v2) call(a.node, 'Vesting.claim', []);
          call(a.delegator, `Pool:${a.node}.undelegate`, [amt(a.deleg)]);
          call(a.node, 'TaskManager.withdrawStakeTokensForTrainingNodes', [a.task]);
        }
        break;
      }
      case 'view': {
        const s: TraceStep = { at: now, view: a.call, args: a.args, as: `v${steps.length}` };
        if (a.from) s.from = a.from;
        steps.push(s);
        break;
      }
    }
  });
  // genesis runs at the first step's time: keep it at T0 so every trace shares one cached genesis
  if (steps.length === 0 || steps[0].at !== T0) steps.unshift({ at: T0, view: 'FLOCK.totalSupply', args: [] });
  const trace: Trace = { format: 'flock-trace/1', protocol: sc.protocol, accounts: genesis(sc.protocol), steps };
  if (sc.slashing) trace.aiArenaSlashing = true;
  return trace;
}
