/**
 * Settlement rules with a hand-computed answer (docs/model.md#settlement-order): the V1 single
 * percentage array, each day's node pool read from `taskRewards` for the final upload
 * (docs/model.md#final-percentages), and `uploadRewardResultsOnlyForValidators` when no node is staked
 * (docs/model.md#gamma-split). Tiny deterministic scenarios: identical participants, no noise, no fees.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN } from '../contracts-mirror/genesis.js';
import { ScenarioSchema, type ScenarioInput } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { settlementBlocks } from '../sim/run/settlement.js';
import { addr, START, wei } from './fixtures/chainGenesis.js';

const B = 1_000_000n;
const E18 = 10n ** 18n;

interface Call {
  method: string;
  taskId: bigint;
  addrs: string[];
  pw: bigint[];
  po: bigint[] | undefined;
  /** Increase of taskRewards[taskId] during the call. */
  poolDelta: bigint;
}

const METHODS = ['uploadRewardResultsForTrainingNodes', 'uploadRewardResultsForValidators', 'uploadRewardResultsOnlyForValidators', 'uploadFinalRewardResultsForTrainingNodes'] as const;

/** Runs `input` with every upload recorded (arguments and the taskRewards increase), and each ended task's day pools just before its final upload. */
function record(input: ScenarioInput, seed = 1) {
  const calls: Call[] = [];
  const dayPools = new Map<number, bigint[]>();
  let wrapped = false;
  const blocks = settlementBlocks
    .insertBefore('nodeUploads', {
      name: 'probe-uploads',
      description: 'test probe: records every upload call',
      run: (w) => {
        if (wrapped) return;
        wrapped = true;
        const tm = w.d.taskManager as unknown as Record<string, (...a: unknown[]) => unknown> & { taskRewards(s: string, id: bigint): bigint };
        for (const m of METHODS) {
          const f = tm[m].bind(tm);
          tm[m] = (sender: unknown, taskId: unknown, addrs: unknown, pw: unknown, po: unknown) => {
            const id = taskId as bigint;
            const before = tm.taskRewards(ADMIN, id);
            const r = f(sender, taskId, addrs, pw, po);
            calls.push({ method: m, taskId: id, addrs: [...(addrs as string[])], pw: [...(pw as bigint[])], po: po === undefined ? undefined : [...(po as bigint[])], poolDelta: tm.taskRewards(ADMIN, id) - before });
            return r;
          };
        }
      },
    })
    .insertBefore('finalUploads', {
      name: 'probe-final',
      description: 'test probe: the day pools a final upload weighs by',
      run: (w) => {
        for (const t of w.tasks) if (!t.finished && w.env.now >= t.end) dayPools.set(t.id, t.days.map((d) => d.nodePool));
      },
    });
  const out = runSimulation(ScenarioSchema.parse(input), { seed, run: 0, settlement: blocks });
  return { calls, dayPools, out };
}

describe('V1 daily and final uploads, to the wei', () => {
  // One task of 3 days, 2 identical nodes (3000 each) and 2 identical validators (4000 each), γ = 0.
  // Each day's task pot T0 = 1074e18 (one task, no FL task, no decay in 4 mints; as in test/simulation.test.ts).
  // γ split (docs/model.md#gamma-split): f_node = ⌊1e6·6000/14000⌋ = 428,571 → T_node = ⌊1074e18·428571/1e6⌋
  // = 460,285,254e12 wei; f_val = ⌊1e6·8000/14000⌋ = 571,428 → T_val = 613,713,672e12 wei.
  // Tied nodes: g = 0.5 each, w = 1500 each → 500,000 ppm each; validators all score the same → 500,000 each.
  const input: ScenarioInput = {
    name: 'v1-rules',
    protocol: 'v1',
    days: 4,
    tasks: [{ startDay: 0, durationDays: 3 }],
    params: { gamma: 0, feePercentage: 0, protocolFeePercentage: 0 },
    workload: { skillSpread: 0, nodeNoise: 0, evalNoise: 0 },
    populations: {
      nodes: { count: 2, stake: { min: 3000, max: 3000 } },
      validators: { count: 2, stake: { min: 4000, max: 4000 } },
      delegators: { count: 0 },
    },
  };
  const T_NODE = 460_285_254n * 10n ** 12n;
  const T_VAL = 613_713_672n * 10n ** 12n;

  it('V1 uploads one array, pctWith; the final upload weighs each day by the taskRewards increase of its node upload', () => {
    const { calls, dayPools } = record(input);
    const nodeUps = calls.filter((c) => c.method === 'uploadRewardResultsForTrainingNodes');
    const valUps = calls.filter((c) => c.method === 'uploadRewardResultsForValidators');
    const finals = calls.filter((c) => c.method === 'uploadFinalRewardResultsForTrainingNodes');
    expect(nodeUps).toHaveLength(3);
    expect(valUps).toHaveLength(3);
    expect(finals).toHaveLength(1);
    expect(calls.some((c) => c.method === 'uploadRewardResultsOnlyForValidators')).toBe(false);
    for (const c of [...nodeUps, ...valUps, ...finals]) {
      expect(c.po).toBeUndefined(); // V1: a single array
      expect(c.pw).toEqual([500_000n, 500_000n]);
    }
    // taskRewards grows by T_node during each node upload and by T_val during each validator upload
    expect(nodeUps.map((c) => c.poolDelta)).toEqual([T_NODE, T_NODE, T_NODE]);
    expect(valUps.map((c) => c.poolDelta)).toEqual([T_VAL, T_VAL, T_VAL]);
    // the final upload's day weights P_d are exactly those increases, and the final does not add to taskRewards
    expect([...dayPools.values()]).toEqual([[T_NODE, T_NODE, T_NODE]]);
    expect(finals[0].poolDelta).toBe(0n);
  });

  it('pays each node and validator the hand-derived wei', () => {
    const { out } = record(input);
    const total = (prefix: string) => {
      const m = new Map<string, bigint>();
      for (const r of out.agentRows) if (r.agent.startsWith(prefix)) m.set(r.agent, (m.get(r.agent) ?? 0n) + r.reward);
      return [...m.values()];
    };
    // Node, per day, unlocked: ⌊100000·T_node·500000/1e12⌋ = T_node/20 = 23,014,262.7e12 wei;
    // locked per day ⌊900000·T_node/1e6⌋ = 414,256,728.6e12 wei; final: L = 3 × that, each node ⌊L·500000/1e6⌋ = L/2.
    const unlocked = (100_000n * T_NODE * 500_000n) / (B * B);
    const locked = (900_000n * T_NODE) / B;
    expect(unlocked).toBe(23_014_262_700_000_000_000n);
    expect(locked).toBe(414_256_728_600_000_000_000n);
    const node = 3n * unlocked + (3n * locked * 500_000n) / B;
    expect(node).toBe(690_427_881_000_000_000_000n); // = 3·T_node/2: each node takes half the node pools
    expect(total('node-')).toEqual([node, node]);
    // Validator: ⌊T_val·500000/1e6⌋ = T_val/2 each day, 3 days → 920,570,508e12 wei
    expect(total('validator-')).toEqual([920_570_508n * 10n ** 12n, 920_570_508n * 10n ** 12n]);
  });
});

describe('V1 uploads pctWith (with delegation) as its single array', () => {
  // Genesis, V1, one live task (id 5), γ = 0, no fees: node addr(1) own 3000 + a mini pool of 1000 delegated
  // (σ = 600,000), node addr(2) own 4000, validator addr(3) own 4000. rewardTokenPerDay = 1074e18, mint
  // count 0, no FL task, so T0 = 1074e18. The γ split counts own stakes only: N = 7000, V = 4000,
  // f_node = ⌊1e6·7000/11000⌋ = 636,363 → T_node = 1074e18·636363/1e6 = 683,453,862e12 wei;
  // f_val = ⌊1e6·4000/11000⌋ = 363,636 → T_val = 390,545,064e12 wei (the one validator takes B).
  // The nodes tie (no noise): g = 0.5, w = 0.5·(3000 + 1000) = 0.5·4000 for both → pctWith 500,000 each;
  // pctWithout of addr(1) = ⌊1e6·1500/4000⌋ = 375,000 (V1 does not send it).
  // Unlocked share r = ⌊100000·T_node·500000/1e12⌋ = T_node/20 = 34,172,693.1e12 wei for both nodes.
  // addr(1)'s V1 delegator cut ⌊⌊(1e6 − 600000)·r·1000/(1000 + 3000)⌋/1e6⌋ = r/10 = 3,417,269.31e12 wei,
  // so it keeps 30,755,423.79e12 wei (with pctWithout uploaded instead it would get 0.75·r before the cut).
  const input: ScenarioInput = {
    name: 'v1-delegation',
    protocol: 'v1',
    start: '2025-06-02',
    days: 2,
    tasks: [],
    params: { gamma: 0, feePercentage: 0, protocolFeePercentage: 0 },
    workload: { skillSpread: 0, nodeNoise: 0, evalNoise: 0 },
    populations: { nodes: { count: 0 }, validators: { count: 0 } },
    genesis: {
      chainId: 31337,
      block: 100,
      timestamp: START + 3600,
      emission: { rewardTokenPerDay: wei(1074), maxRewardTokenPerDay: wei(1074), currentDailyMintCount: 0, lastMintTimestamp: START + 60 },
      tasks: [{ id: 5, name: 'lm', creator: addr(99), startTime: START - 86_400, expectedDuration: 20 * 86_400, stakeAmount: '0' }],
      stakes: [
        { taskId: 5, address: addr(1), role: 'node', amount: wei(3000) },
        { taskId: 5, address: addr(2), role: 'node', amount: wei(4000) },
        { taskId: 5, address: addr(3), role: 'validator', amount: wei(4000) },
      ],
      pools: [{ owner: addr(1), address: addr(101), sigma: 600_000, role: 'node', totalDelegation: wei(1000) }],
      delegations: [{ delegator: addr(5), owner: addr(1), amount: wei(1000) }],
    },
  };

  it('uploads [500000, 500000] and no second array; the delegated node is paid on pctWith, less its V1 cut', () => {
    const { calls, out } = record(input);
    const nodeUps = calls.filter((c) => c.method === 'uploadRewardResultsForTrainingNodes');
    expect(nodeUps).toHaveLength(2);
    for (const c of nodeUps) expect(c).toMatchObject({ addrs: [addr(1), addr(2)], pw: [500_000n, 500_000n], po: undefined, poolDelta: 683_453_862n * 10n ** 12n });
    const val = calls.filter((c) => c.method === 'uploadRewardResultsForValidators');
    for (const c of val) expect(c).toMatchObject({ addrs: [addr(3)], pw: [B], po: undefined, poolDelta: 390_545_064n * 10n ** 12n });
    const day0 = new Map(out.agentRows.filter((r) => r.day === 0).map((r) => [r.agent, r.reward]));
    expect(day0.get(addr(2))).toBe(34_172_693_100_000_000_000n);
    expect(day0.get(addr(1))).toBe(30_755_423_790_000_000_000n);
    expect(day0.get(addr(5))).toBe(3_417_269_310_000_000_000n);
    expect(day0.get(addr(3))).toBe(390_545_064_000_000_000_000n);
  });
});

describe('the final upload weighs each day by the node pool read from taskRewards', () => {
  // The V1 genesis above, plus a second genesis task 7 that had ended before the snapshot, with a node addr(6)
  // staking 7000 (no pool): it stays active through settlement 0's daily uploads and is finalized after them.
  // Task 5 (start START − 1 day, 3 days) ends at START + 2 days = settlement 1, after that day's daily uploads.
  // V1 node-role weights: w(5) = 3000 + 4000 + 1000 (addr(1)'s delegation) = 8000, w(7) = 7000.
  // Day 0: T0 = ⌊1074e18·8000/15000⌋ = 572.8e18; day 1 (task 7 gone): T0 = 1074e18. f_node = 636,363 both days, so
  // P_0 = 572.8e18·636363/1e6 = 364,508,726.4e12 wei and P_1 = 1074e18·636363/1e6 = 683,453,862e12 wei.
  // Both days pay 500,000 / 500,000, so final = ⌊(P_0·500000 + P_1·500000)/(P_0 + P_1)⌋ = 500,000 each.
  // L = ⌊0.9·P_0⌋ + ⌊0.9·P_1⌋ = 328,057,853.76e12 + 615,108,475.8e12 = 943,166,329.56e12 wei;
  // each node's final share ⌊L·500000/1e6⌋ = 471,583,164.78e12 wei; addr(1) keeps 9/10 of it (V1 cut r/10, as above).
  it('records P_d = the taskRewards increase of each node upload and pays the locked pot by the weighted mean', () => {
    const input: ScenarioInput = {
      name: 'v1-final',
      protocol: 'v1',
      start: '2025-06-02',
      days: 3,
      tasks: [],
      params: { gamma: 0, feePercentage: 0, protocolFeePercentage: 0 },
      workload: { skillSpread: 0, nodeNoise: 0, evalNoise: 0 },
      populations: { nodes: { count: 0 }, validators: { count: 0 } },
      genesis: {
        chainId: 31337,
        block: 100,
        timestamp: START + 3600,
        emission: { rewardTokenPerDay: wei(1074), maxRewardTokenPerDay: wei(1074), currentDailyMintCount: 0, lastMintTimestamp: START + 60 },
        tasks: [
          { id: 5, name: 'lm', creator: addr(99), startTime: START - 86_400, expectedDuration: 3 * 86_400, stakeAmount: '0' },
          { id: 7, name: 'ended', creator: addr(99), startTime: START - 30 * 86_400, expectedDuration: 29 * 86_400, stakeAmount: '0' },
        ],
        stakes: [
          { taskId: 5, address: addr(1), role: 'node', amount: wei(3000) },
          { taskId: 5, address: addr(2), role: 'node', amount: wei(4000) },
          { taskId: 5, address: addr(3), role: 'validator', amount: wei(4000) },
          { taskId: 7, address: addr(6), role: 'node', amount: wei(7000) },
        ],
        pools: [{ owner: addr(1), address: addr(101), sigma: 600_000, role: 'node', totalDelegation: wei(1000) }],
        delegations: [{ delegator: addr(5), owner: addr(1), amount: wei(1000) }],
      },
    };
    const { calls, dayPools, out } = record(input);
    const P0 = 364_508_726_400n * 10n ** 9n;
    const P1 = 683_453_862n * 10n ** 12n;
    const task5 = calls.filter((c) => c.taskId === 5n);
    expect(task5.filter((c) => c.method === 'uploadRewardResultsForTrainingNodes').map((c) => [c.pw, c.poolDelta])).toEqual([
      [[500_000n, 500_000n], P0],
      [[500_000n, 500_000n], P1],
    ]);
    expect(dayPools.get(5)).toEqual([P0, P1]);
    const finals = task5.filter((c) => c.method === 'uploadFinalRewardResultsForTrainingNodes');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ addrs: [addr(1), addr(2)], pw: [500_000n, 500_000n], po: undefined });
    const L = (900_000n * P0) / B + (900_000n * P1) / B;
    expect(L).toBe(943_166_329_560n * 10n ** 9n);
    const share = (L * 500_000n) / B;
    expect(share).toBe(471_583_164_780n * 10n ** 9n);
    // Day 1's rows carry day 1's unlocked share (P_1/20) plus the final share; addr(1) keeps 9/10 of both.
    const day1 = new Map(out.agentRows.filter((r) => r.day === 1).map((r) => [r.agent, r.reward]));
    expect(day1.get(addr(2))).toBe(P1 / 20n + share);
    expect(day1.get(addr(1))).toBe(P1 / 20n - P1 / 200n + share - share / 10n);
  });
});

describe('uploadRewardResultsOnlyForValidators (no node staked)', () => {
  // A genesis with one live task on which only two validators are staked, no node anywhere, no pools.
  // rewardTokenPerDay = 1074e18 exactly, mint count 0 (no decay in 3 mints), no FL task.
  // With no node staked the validator upload is the validators-only one: no γ split, the whole task
  // pot T0 = R_arena·w_t/W = 1074e18 (the only task: w_t = W) goes to the validators' upload.
  // No submission means no valid work: n_j = 0 → F_j = 0 → every ppm is 0, so the upload lists nobody
  // (docs/model.md#upload-lists) and the pot stays in the task manager (docs/model.md#ppm-rounding).
  const TASK = 5;
  const input: ScenarioInput = {
    name: 'validators-only',
    start: '2025-06-02',
    days: 3,
    tasks: [],
    populations: { nodes: { count: 0 }, validators: { count: 0 } },
    genesis: {
      chainId: 31337,
      block: 100,
      timestamp: START + 3600,
      emission: { rewardTokenPerDay: wei(1074), maxRewardTokenPerDay: wei(1074), currentDailyMintCount: 0, lastMintTimestamp: START + 60 },
      tasks: [{ id: TASK, name: 'lm', creator: addr(99), startTime: START - 86_400, expectedDuration: 20 * 86_400, stakeAmount: '0' }],
      stakes: [
        { taskId: TASK, address: addr(3), role: 'validator', amount: wei(3000) },
        { taskId: TASK, address: addr(4), role: 'validator', amount: wei(5000) },
      ],
    },
  };

  it('sends the whole task pot T0 = 1074e18 through the validators-only upload, with empty lists, every day', () => {
    const { calls, out } = record(input);
    const only = calls.filter((c) => c.method === 'uploadRewardResultsOnlyForValidators');
    expect(calls.filter((c) => c.method !== 'uploadRewardResultsOnlyForValidators')).toEqual([]);
    expect(only).toHaveLength(3);
    for (const c of only) {
      expect(c).toMatchObject({ taskId: BigInt(TASK), addrs: [], pw: [], poolDelta: 1074n * E18 });
    }
    expect(out.agentRows.filter((r) => r.agent === addr(3) || r.agent === addr(4)).every((r) => r.reward === 0n)).toBe(true);
  });
});
