/**
 * One seeded run of a scenario (docs/model.md#daily-settlement): the mirror at genesis, the
 * agents, FLock's backend, and each day at 00:00 UTC the settlement's block list, then the task
 * creator and the agents' day. Conservation and solvency are checked in every settlement (from the
 * ledger's running sums, with a full rescan every 7th day and on the last: docs/architecture.md#incremental-checks);
 * a violation stops the run with the day and the numbers.
 */
import { ADMIN, type Deployment } from '../../contracts-mirror/genesis.js';
import type { WatchCell } from '../../contracts-mirror/evm/journal.js';
import { Environment } from '../engine/env.js';
import { DAY, everyDayAt } from '../engine/calendar.js';
import type { BlockList } from '../engine/blocks.js';
import type { Scenario } from '../scenario/schema.js';
import { Backend } from '../offchain/backend.js';
import { offchainParams } from '../offchain/params.js';
import { SurrogateWorkload, type SurrogateParams } from '../workloads/surrogate.js';
import { checkScoreDirection, type Workload } from '../workloads/types.js';
import { makeRng, type SimContext } from '../agents/context.js';
import { TaskCreator, type TaskState } from '../agents/taskCreator.js';
import { Recorder, type RunOutput } from '../results/recorder.js';
import type { RowOptions } from '../results/rowSample.js';
import { collusionChannel, deployForScenario, placeGenesis, placePopulation, scheduleSetup, shareSybilModels } from './genesis.js';
import { PoolFundingHistory, poolOf } from './market.js';
import type { Pool } from '../../contracts-mirror/contracts/pool.js';
import { effectiveStake } from '../offchain/percentages.js';
import { newSettlementDay, settlementBlocks, type RunWorld, type SettlementDay } from './settlement.js';
import { SimulationError } from './errors.js';
import { setupFl } from '../fl/setup.js';

export { SimulationError } from './errors.js';
export type { AgentRow, DayRow, RunOutput } from '../results/recorder.js';

export interface RunOptions {
  seed: number;
  run: number;
  /** Test hook: shuffles agent creation order; results must not change. */
  shuffleAgents?: boolean;
  onDay?: (day: number) => void;
  /** The workload to score with (already initialised); defaults to the scenario's surrogate. */
  workload?: Workload;
  /** The settlement to run each day; defaults to `settlementBlocks` (a scenario may extend it). */
  settlement?: BlockList<RunWorld, SettlementDay>;
  /**
   * Test hook (fault injection): runs at the end of each day's settlement, just before the
   * invariant check, with the deployment, so a test can break the ledger and see the check fire.
   */
  beforeInvariants?: (day: number, d: Deployment) => void;
  /** Recompute every invariant sum from the holders every day, not every 7th (`--paranoid`, docs/architecture.md#incremental-checks). */
  paranoid?: boolean;
  /** Which per-agent rows the recorder keeps (`--rows`/`--sample`, docs/architecture.md#rows-at-scale); every row by default. */
  rows?: RowOptions;
}

export function runSimulation(s: Scenario, opts: RunOptions): RunOutput {
  const start = Date.parse(`${s.start}T00:00:00Z`) / 1000;
  const env = new Environment({ start });
  const { d, chain } = deployForScenario(s, start, env);
  const rng = makeRng(opts.seed);
  if (!opts.workload && s.workload.mode !== 'surrogate') throw new Error(`a '${s.workload.mode}' workload must be created with createWorkload() and passed as opts.workload`);
  const workload: Workload = opts.workload ?? new SurrogateWorkload(s.workload as SurrogateParams);
  checkScoreDirection(s, workload);
  const collusion = collusionChannel(s);
  const offchain = offchainParams(s.offchain);
  const tasks: TaskState[] = [];
  // The backend reads each task's validator stakes s_j = own + ε·delegated at the lookup
  // (docs/model.md#validator-assignment), as the settlement reads them (stakesOf).
  // Validators look up work every few minutes, so each task's map is kept while what it was made
  // from is unchanged: the mirror's journal watches that state for the task (its stake map, the
  // pool manager's pool map and each staked validator's pool record, where its delegation total
  // lives), and while none of it was written, nor anything reverted, the kept map stands. When
  // only pool records were written, just their validators' entries are read again; else every
  // validator's own stake and pool delegation is compared with the kept ones and the entries that
  // moved are redone (docs/architecture.md#paper-scale-performance). The backend only
  // asks the map's size, membership and values (never its order), so a map patched in place
  // answers exactly as a fresh one would.
  type StakeCache = {
    task: TaskState;
    taskKey: bigint;
    /**
     * Bumped by the journal on each write to what the map was read from, listing the objects
     * written; `seen`: its count when the map was last current.
     */
    cell: WatchCell;
    seen: number;
    reverts: number;
    names: string[];
    own: bigint[];
    pool: (Pool | null)[];
    delegated: bigint[];
    /** Each staked validator's pool record (where its delegation total lives) → its entries. */
    entryOf: Map<object, number[]>;
    m: Map<string, number>;
  };
  const stakesCache = new Map<number, StakeCache>();
  const validatorStakes = d.taskManager.validatorStakesMap;
  const journal = d.w.j;
  /** Watches what `c` was read from, then notes that it is current. */
  const watchFor = (c: StakeCache): void => {
    journal.watch(validatorStakes, c.cell);
    journal.watch(d.poolManager.miniPoolsMap, c.cell);
    const inner = validatorStakes.get(c.taskKey);
    if (inner) journal.watch(inner, c.cell);
    c.entryOf.clear();
    for (let i = 0; i < c.pool.length; i++) {
      const pool = c.pool[i];
      if (!pool) continue;
      journal.watch(pool.p, c.cell);
      const at = c.entryOf.get(pool.p);
      if (at) at.push(i);
      else c.entryOf.set(pool.p, [i]);
    }
    c.cell.touched = [];
    c.seen = c.cell.writes;
    c.reverts = journal.revertCount;
  };
  /** Entry `i` read again where its own stake or pool delegation moved, as a fresh map would read it. */
  const refresh = (c: StakeCache, own: ReadonlyMap<string, bigint> | undefined, i: number): void => {
    const name = c.names[i];
    const o = own?.get(name) ?? 0n;
    if (o === c.own[i]) {
      if (o === 0n) return;
      // An owner's pool is set once (PoolManager.createPool: 'Already created'), so a kept one stands.
      const kept = c.pool[i];
      const pool = kept ?? poolOf(d, name);
      if (pool === kept && (pool?.getTotalDelegationAmount() ?? 0n) === c.delegated[i]) return;
    }
    const pool = o === 0n ? null : poolOf(d, name);
    const delegated = pool?.getTotalDelegationAmount() ?? 0n;
    c.own[i] = o;
    c.pool[i] = pool;
    c.delegated[i] = delegated;
    if (o === 0n) c.m.delete(name);
    else c.m.set(name, effectiveStake(o, delegated, offchain.epsilon));
  };
  const stakesOf = (taskId: number): Map<string, number> => {
    let t: TaskState | undefined;
    for (let i = 0; t === undefined && i < tasks.length; i++) if (tasks[i].id === taskId) t = tasks[i];
    if (!t) return new Map<string, number>();
    const hit = stakesCache.get(taskId);
    const vs = t.validators;
    if (hit && hit.task === t && hit.names.length === vs.length) {
      if (hit.seen === hit.cell.writes && hit.reverts === journal.revertCount) return hit.m;
      // TaskManager.validatorStakes(task, v), read from its map once per task rather than per validator.
      const own = validatorStakes.get(hit.taskKey);
      // Only pool records of this map's validators were written (the usual case: delegations
      // moved), and nothing reverted: read just their entries again.
      const touched = hit.cell.touched;
      if (touched != null && hit.reverts === journal.revertCount && touched.every((x) => hit.entryOf.has(x))) {
        for (const x of touched) for (const i of hit.entryOf.get(x)!) refresh(hit, own, i);
        touched.length = 0;
        hit.seen = hit.cell.writes;
        return hit.m;
      }
      let same = true;
      for (let i = 0; i < vs.length; i++) if (vs[i].name !== hit.names[i]) same = false;
      if (same) {
        for (let i = 0; i < vs.length; i++) refresh(hit, own, i);
        watchFor(hit);
        return hit.m;
      }
    }
    const taskKey = BigInt(taskId);
    const m = new Map<string, number>();
    // A rebuilt map keeps its task's cell: the objects already watched with it stay watched.
    const c: StakeCache = { task: t, taskKey, cell: hit?.cell ?? { writes: 0 }, seen: 0, reverts: 0, names: [], own: [], pool: [], delegated: [], entryOf: new Map(), m };
    for (const v of vs) {
      const own = d.taskManager.validatorStakes(ADMIN, taskKey, v.name);
      const pool = own === 0n ? null : poolOf(d, v.name);
      const delegated = pool?.getTotalDelegationAmount() ?? 0n;
      c.names.push(v.name);
      c.own.push(own);
      c.pool.push(pool);
      c.delegated.push(delegated);
      if (own === 0n) continue;
      m.set(v.name, effectiveStake(own, delegated, offchain.epsilon));
    }
    watchFor(c);
    stakesCache.set(taskId, c);
    return m;
  };
  const backend = new Backend(env, rng('backend/assignment'), { onSubmit: collusion.onSubmit, stakes: stakesOf, selection: offchain.selection });
  const ctx: SimContext = { env, chain, scenario: s, seed: opts.seed, run: opts.run, workload, backend, start, rng };
  const market = new PoolFundingHistory(d);

  const pop = placePopulation(ctx, market, opts.shuffleAgents ?? false);
  collusion.wire(pop);
  shareSybilModels(ctx, pop, workload);
  if (!pop.placement) scheduleSetup(ctx, pop);

  const world: RunWorld = {
    scenario: s,
    d,
    chain,
    env,
    backend,
    offchain,
    tasks,
    agents: pop.agents,
    behaviourOf: new Map(pop.nodes.map((n) => [n.name, n.behaviour as string])),
    market,
    recorder: new Recorder(opts.seed, opts.run, opts.rows),
    rng,
    beforeInvariants: opts.beforeInvariants,
    paranoid: opts.paranoid,
  };
  if (pop.placement) placeGenesis(ctx, pop, pop.placement, tasks);
  // FL Alliance tasks (docs/fl-alliance.md): only a scenario with `flTasks` gains FL participants and rounds.
  const fl = s.flTasks?.length ? setupFl(ctx, s) : null;
  if (fl) world.agents = fl.withAgents(world.agents);
  const creator = new TaskCreator(ctx, tasks, pop.nodes, pop.validators, (f) => {
    throw new SimulationError(f.day, f.what, { reason: f.reason });
  });
  const settlement = opts.settlement ?? settlementBlocks;
  const endOf = (taskId: number) => tasks.find((t) => t.id === taskId)?.end ?? 0;

  everyDayAt(env, 0, (absDay) => {
    const day = absDay - Math.floor(start / DAY);
    if (day >= 1) {
      settlement.run(world, newSettlementDay(day - 1));
      opts.onDay?.(day - 1);
    }
    if (day >= s.days) {
      env.stop();
      return;
    }
    creator.open(day);
    collusion.newDay();
    env.at(env.now + 3600, () => {
      for (const n of pop.nodes) n.planDay(day, endOf);
    });
  });
  env.run(start + s.days * DAY + 1);
  const reverts: Record<string, number> = {};
  for (const [k, v] of [...chain.reverts].sort()) reverts[k] = v;
  const revertReasons: Record<string, Record<string, number>> = {};
  for (const [k, byReason] of [...chain.revertReasons].sort()) revertReasons[k] = Object.fromEntries([...byReason].sort());
  const out = world.recorder.output(reverts, workload.describe(), revertReasons);
  return fl ? fl.finish(out) : out;
}
