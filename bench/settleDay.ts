/**
 * Benchmark (not a test): the time to settle one day at reference scale — 603 training nodes,
 * 1,051 validators, 63,265 delegators spread over their pools, 16 tasks — on the V2.1 mirror.
 * One day = the mint, the node and validator uploads of every task (which fund the pools), then
 * one pool claim per hundred delegators. Target: ≤ 20 ms per day.
 *
 *   npm run bench            # prints setup time, per-day mean/median/max, and the invariant check (incremental and full)
 */
import seedrandom from 'seedrandom';
import { deployProtocol, mintGenesis, ADMIN } from '../contracts-mirror/genesis.js';
import { checkInvariants } from '../contracts-mirror/invariants.js';
import type { MiniPoolV2 } from '../contracts-mirror/contracts/pool.js';
import { DAY, E18 } from '../contracts-mirror/units.js';
import { mustSucceed } from '../sim/run/errors.js';

const NODES = 603;
const VALIDATORS = 1051;
const DELEGATORS = 63_265;
const TASKS = 16;
const DAYS = 20;
const WARMUP = 3;

/** Geometric rank weights (docs/model.md#rank-geometric-weights, q = 0.9) turned into ppm arrays summing to ≤ 1e6. */
function ppmArrays(n: number, rng: () => number): { pw: bigint[]; po: bigint[] } {
  const g = Array.from({ length: n }, (_, i) => 0.9 ** i);
  const total = g.reduce((a, b) => a + b, 0);
  const pw = g.map((x) => BigInt(Math.floor((1e6 * x) / total)));
  const po = pw.map((x) => (x * BigInt(Math.floor(500_000 + rng() * 400_000))) / 1_000_000n);
  return { pw, po };
}

const t0 = performance.now();
const rng = seedrandom.alea('bench-settle-day');
const d = deployProtocol({ protocol: 'v2', time: 1_735_689_600n });
const { w, taskManager: tm, poolManager: pm } = d;
w.logs = null;
const nodes = Array.from({ length: NODES }, (_, i) => `node${i}`);
const validators = Array.from({ length: VALIDATORS }, (_, i) => `validator${i}`);
const delegators = Array.from({ length: DELEGATORS }, (_, i) => `delegator${i}`);
for (const a of [...nodes, ...validators]) mintGenesis(d, 'gmFLOCK', a, 10_000n * E18);
for (const a of delegators) mintGenesis(d, 'gmFLOCK', a, 1_000n * E18);
// A call that reverts stops the bench with a SimulationError: day 0 for the setup, as the
// simulation's genesis reports it, day k for the k-th settled day.
mustSucceed(0, 'setMaxRewardTokenPerDay', w.transact(() => tm.setMaxRewardTokenPerDay(ADMIN, 400_000n * E18)));
mustSucceed(0, 'setRewardParameters', w.transact(() => tm.setRewardParameters(ADMIN, 900_000n, 1_000_000n, 309_157n * E18)));
mustSucceed(0, 'setGamma', w.transact(() => tm.setGamma(ADMIN, 100_000n)));
const taskNodes: string[][] = Array.from({ length: TASKS }, () => []);
const taskValidators: string[][] = Array.from({ length: TASKS }, () => []);
for (let t = 1; t <= TASKS; t++) mustSucceed(0, 'createTask', w.transact(() => tm.createTask(ADMIN, BigInt(t), 30n * DAY, `task-${t}`)));
nodes.forEach((a, i) => {
  const t = (i % TASKS) + 1;
  taskNodes[t - 1].push(a);
  mustSucceed(0, 'stake node', w.transact(() => tm.stakeTokensForTrainingNodes(a, BigInt(t), BigInt(3000 + Math.floor(rng() * 7000)) * E18)));
  mustSucceed(0, 'createMiniPool', w.transact(() => pm.createMiniPool(a, BigInt(Math.floor(rng() * 1e6)))));
});
validators.forEach((a, i) => {
  const t = (i % TASKS) + 1;
  taskValidators[t - 1].push(a);
  mustSucceed(0, 'stake validator', w.transact(() => tm.stakeTokensForValidators(a, BigInt(t), BigInt(3000 + Math.floor(rng() * 7000)) * E18)));
  mustSucceed(0, 'createMiniPool', w.transact(() => pm.createMiniPool(a, BigInt(Math.floor(rng() * 1e6)))));
});
const owners = [...nodes, ...validators];
const poolOf = new Map<string, MiniPoolV2>();
for (const dlg of delegators) {
  const owner = owners[Math.floor(rng() * owners.length)];
  const pool = w.contracts.get(`Pool:${owner}`) as MiniPoolV2;
  poolOf.set(dlg, pool);
  mustSucceed(0, 'delegate', w.transact(() => pool.delegate(dlg, BigInt(1 + Math.floor(rng() * 999)) * E18)));
}
const nodeArrays = taskNodes.map((l) => ppmArrays(l.length, rng));
const valArrays = taskValidators.map((l) => ppmArrays(l.length, rng));
const setupMs = performance.now() - t0;

const claimers = Math.floor(DELEGATORS / 100);
const dayMs: number[] = [];
let cursor = 0;
for (let day = 0; day < WARMUP + DAYS; day++) {
  w.now += DAY;
  const start = performance.now();
  mustSucceed(day + 1, 'mint', w.transact(() => tm.mintDailyReward(ADMIN)));
  for (let t = 0; t < TASKS; t++) {
    const id = BigInt(t + 1);
    mustSucceed(day + 1, 'node upload', w.transact(() => tm.uploadRewardResultsForTrainingNodes(ADMIN, id, taskNodes[t], nodeArrays[t].pw, nodeArrays[t].po)));
    mustSucceed(day + 1, 'validator upload', w.transact(() => tm.uploadRewardResultsForValidators(ADMIN, id, taskValidators[t], valArrays[t].pw, valArrays[t].po)));
  }
  for (let k = 0; k < claimers; k++) {
    const dlg = delegators[cursor];
    cursor = (cursor + 1) % DELEGATORS;
    const pool = poolOf.get(dlg)!;
    w.transact(() => pool.claimRewards(dlg));
  }
  if (day >= WARMUP) dayMs.push(performance.now() - start);
}

// The invariant check as the simulation runs it (docs/architecture.md#incremental-checks): from the
// running sums on 6 days of 7, the full rescan on the 7th. Medians of repeated checks of the same state.
const median = (f: () => unknown, n = 15): number => {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[n >> 1];
};
for (const mode of ['full', 'incremental'] as const) {
  const violation = checkInvariants(d, mode);
  if (violation) throw new Error(`invariant broke (${mode}): ${JSON.stringify(violation)}`);
}
const fullMs = median(() => checkInvariants(d, 'full'));
const incMs = median(() => checkInvariants(d, 'incremental'));
dayMs.sort((a, b) => a - b);
const mean = dayMs.reduce((a, b) => a + b, 0) / dayMs.length;
console.log(`settle-day (v2 mirror, ${NODES} nodes, ${VALIDATORS} validators, ${DELEGATORS} delegators, ${TASKS} tasks, ${claimers} claims/day)`);
console.log(`  setup:            ${(setupMs / 1000).toFixed(2)} s`);
console.log(`  day (n=${DAYS}):       mean ${mean.toFixed(2)} ms, median ${dayMs[DAYS >> 1].toFixed(2)} ms, max ${dayMs[DAYS - 1].toFixed(2)} ms (target ≤ 20 ms)`);
console.log(`  invariant check:  incremental ${incMs.toFixed(2)} ms (running sums, 6 days of 7); full ${fullMs.toFixed(2)} ms (rescan of every holder and delegator, every 7th day); ${((6 * incMs + fullMs) / 7).toFixed(2)} ms a day on average`);
