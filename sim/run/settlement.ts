/**
 * The daily 00:00 UTC settlement (docs/model.md#settlement-order) as an ordered list of named
 * blocks. Each block is one step of FLock's backend or the lab's bookkeeping, with the contract
 * calls it makes and the doc section it implements. A researcher changes the day by editing the
 * list — `settlementBlocks.insertAfter('mint', myRule)` — never the loop that runs it.
 *
 * The order is the protocol's: the day's mint, the FL Alliance share, the off-chain scoring of
 * each live task, every task's node upload, every task's validator upload, then the final uploads
 * of the tasks that ended (after every daily upload: a final upload takes its task out of the
 * active weights, ASSUMPTIONS S-settle), then the lab's own steps: pool funding history, the
 * invariant check and the day's rows.
 */
import { ADMIN, type Deployment } from '../../contracts-mirror/genesis.js';
import { checkInvariants } from '../../contracts-mirror/invariants.js';
import type { Pool } from '../../contracts-mirror/contracts/pool.js';
import { BlockList, type Block } from '../engine/blocks.js';
import type { Environment } from '../engine/env.js';
import type { RandomStream } from '../engine/rng.js';
import type { Scenario } from '../scenario/schema.js';
import type { Backend } from '../offchain/backend.js';
import type { OffchainParams } from '../offchain/params.js';
import { scoreTaskDay, finalPercentagesByAddress, type Stake, type TaskDayResult } from '../offchain/pipeline.js';
import { dropZeroShares } from '../offchain/percentages.js';
import type { AgentBase } from '../agents/context.js';
import type { MirrorClient } from '../agents/mirrorClient.js';
import type { TaskState } from '../agents/taskCreator.js';
import type { Recorder } from '../results/recorder.js';
import { poolOf, type PoolFundingHistory } from './market.js';
import { mustSucceed, SimulationError } from './errors.js';
import { ScenarioError } from '../scenario/error.js';

/** What the settlement blocks act on: the run's world, which lives across days. */
export interface RunWorld {
  scenario: Scenario;
  d: Deployment;
  chain: MirrorClient;
  env: Environment;
  backend: Backend;
  offchain: OffchainParams;
  tasks: TaskState[];
  agents: readonly AgentBase[];
  /** Node behaviours by name, for the per-behaviour scores and copies. */
  behaviourOf: ReadonlyMap<string, string>;
  market: PoolFundingHistory;
  recorder: Recorder;
  rng(name: string): RandomStream;
  /** Test hook (fault injection), run just before the invariant check. */
  beforeInvariants?: (day: number, d: Deployment) => void;
  /** `--paranoid`: the full rescan every day instead of every 7th and the last (docs/architecture.md#incremental-checks). */
  paranoid?: boolean;
}

/** One task's scored day, handed from the scoring block to the upload blocks. */
export interface ScoredTask {
  task: TaskState;
  nodeStakes: Map<string, Stake>;
  validatorStakes: Map<string, Stake>;
  result: TaskDayResult;
}

/** What the blocks of one settlement share: the day settled and what its blocks found. */
export interface SettlementDay {
  day: number;
  scored: ScoredTask[];
  submissions: number;
  copies: number;
  invalid: number;
}

export type SettlementBlock = Block<RunWorld, SettlementDay>;

export function newSettlementDay(day: number): SettlementDay {
  return { day, scored: [], submissions: 0, copies: 0, invalid: 0 };
}

const call = (w: RunWorld, day: SettlementDay, what: string, label: string, fn: () => unknown) => mustSucceed(day.day, what, w.chain.tx(label, fn));

/** Own stakes in a task, with each participant's pool delegation (zero stakes left out). */
function stakesOf(w: RunWorld, list: readonly AgentBase[], taskId: number, role: 'node' | 'validator'): Map<string, Stake> {
  const tm = w.d.taskManager;
  const m = new Map<string, Stake>();
  for (const a of list) {
    const own = role === 'node' ? tm.nodeStakes(ADMIN, BigInt(taskId), a.name) : tm.validatorStakes(ADMIN, BigInt(taskId), a.name);
    if (own === 0n) continue;
    m.set(a.name, { own, delegated: poolOf(w.d, a.name)?.getTotalDelegationAmount() ?? 0n });
  }
  return m;
}

const openDay: SettlementBlock = {
  name: 'openDay',
  description: "Note every pool's FLOCK balance, so the day's pool funding can be measured",
  source: 'docs/simulation.md#delegator-choice',
  run: (w) => w.market.openDay(),
};

const mint: SettlementBlock = {
  name: 'mint',
  description: "Mint the day's emission into the task manager (V2: decay every dailyMintResetCount mints)",
  calls: ['TaskManager.mintDailyReward'],
  source: 'docs/model.md#emission-and-decay',
  run: (w, day) => call(w, day, 'mintDailyReward', 'mintDailyReward', () => w.d.taskManager.mintDailyReward(ADMIN)),
};

const fundFlTasks: SettlementBlock = {
  name: 'fundFlTasks',
  description: 'Move the FL Alliance share of the emission to the FL tasks, by stake',
  calls: ['TaskManager.transferRewardsToFLTasks'],
  source: 'docs/model.md#fl-alliance-share',
  run: (w, day) => call(w, day, 'transferRewardsToFLTasks', 'transferRewardsToFLTasks', () => w.d.taskManager.transferRewardsToFLTasks(ADMIN)),
};

const score: SettlementBlock = {
  name: 'score',
  description: "Close each live task's day at the backend and turn its scores into ppm (consensus, ranking, validator quality)",
  source: 'docs/model.md#off-chain-scoring',
  run: (w, day) => {
    for (const t of w.tasks) {
      if (t.finished) continue;
      const closed = w.backend.closeDay(t.id);
      day.submissions += closed.submissions.length + closed.copies.length;
      day.copies += closed.copies.length;
      for (const c of closed.copies) w.recorder.copy(w.behaviourOf.get(c.submission.node) ?? 'unknown');
      const nodeStakes = stakesOf(w, t.nodes, t.id, 'node');
      const validatorStakes = stakesOf(w, t.validators, t.id, 'validator');
      if (nodeStakes.size + validatorStakes.size === 0) continue;
      const result = scoreTaskDay(
        {
          submissions: closed.submissions.filter((x) => nodeStakes.has(x.node)),
          // Copies are scored work: they count in n_j and D_j, never in the ranking (docs/model.md#copy-detection).
          copies: closed.copies.map((c) => ({ id: c.submission.id })),
          scores: closed.scores.filter((x) => validatorStakes.has(x.validator)),
          nodeStakes,
          validatorStakes,
        },
        w.offchain,
      );
      day.invalid += result.invalid.length;
      // The day's best valid submission (lowest consensus score) becomes the public leaderboard.
      let bestId: string | undefined;
      let bestScore = Infinity;
      for (const sub of result.submissions) {
        if (sub.consensus === null) continue;
        w.recorder.score(w.behaviourOf.get(sub.node) ?? 'unknown', sub.consensus);
        if (sub.consensus < bestScore) {
          bestScore = sub.consensus;
          bestId = sub.id;
        }
      }
      const best = closed.submissions.find((x) => x.id === bestId);
      if (best) w.backend.leaderboard.set(t.id, best);
      day.scored.push({ task: t, nodeStakes, validatorStakes, result });
    }
  },
};

const nodeUploads: SettlementBlock = {
  name: 'nodeUploads',
  description: "Per task with staked nodes, upload the nodes' ppm: the γ split, the locked 90 %, the unlocked 10 % (V2.1: with and without delegation)",
  calls: ['TaskManager.uploadRewardResultsForTrainingNodes'],
  source: 'docs/model.md#locked-and-unlocked-node-rewards',
  run: (w, day) => {
    const tm = w.d.taskManager;
    const v2 = w.scenario.protocol === 'v2';
    for (const { task: t, nodeStakes, result } of day.scored) {
      if (nodeStakes.size === 0) continue;
      const id = BigInt(t.id);
      const paid = result.nodes.filter((n) => n.pctWith > 0n);
      const before = tm.taskRewards(ADMIN, id);
      call(w, day, `uploadRewardResultsForTrainingNodes(task ${t.id})`, 'uploadRewardResultsForTrainingNodes', () =>
        tm.uploadRewardResultsForTrainingNodes(
          ADMIN,
          id,
          paid.map((n) => n.address),
          paid.map((n) => n.pctWith as bigint),
          v2 ? paid.map((n) => n.pctWithout as bigint) : undefined,
        ),
      );
      t.days.push({ nodePool: tm.taskRewards(ADMIN, id) - before, nodes: paid });
    }
  },
};

const validatorUploads: SettlementBlock = {
  name: 'validatorUploads',
  description: "Per task, upload the validators' ppm (the whole task pot when no node is staked)",
  calls: ['TaskManager.uploadRewardResultsForValidators', 'TaskManager.uploadRewardResultsOnlyForValidators'],
  source: 'docs/model.md#validator-rewards',
  run: (w, day) => {
    const tm = w.d.taskManager;
    const v2 = w.scenario.protocol === 'v2';
    for (const { task: t, nodeStakes, validatorStakes, result } of day.scored) {
      const id = BigInt(t.id);
      const paid = result.validators.filter((v) => v.pctWith > 0n);
      const addrs = paid.map((v) => v.address);
      const pw = paid.map((v) => v.pctWith as bigint);
      const po = v2 ? paid.map((v) => v.pctWithout as bigint) : undefined;
      if (nodeStakes.size === 0) {
        call(w, day, `uploadRewardResultsOnlyForValidators(task ${t.id})`, 'uploadRewardResultsOnlyForValidators', () => tm.uploadRewardResultsOnlyForValidators(ADMIN, id, addrs, pw, po));
      } else if (validatorStakes.size > 0) {
        call(w, day, `uploadRewardResultsForValidators(task ${t.id})`, 'uploadRewardResultsForValidators', () => tm.uploadRewardResultsForValidators(ADMIN, id, addrs, pw, po));
      }
    }
  },
};

const finalUploads: SettlementBlock = {
  name: 'finalUploads',
  description: "For each task that ended, upload the nodes' final ppm of the locked pot (V2: vested), then let its participants withdraw",
  calls: ['TaskManager.uploadFinalRewardResultsForTrainingNodes'],
  source: 'docs/model.md#final-node-upload',
  run: (w, day) => {
    for (const t of w.tasks) if (!t.finished && w.env.now >= t.end) finalize(w, day, t);
  },
};

function finalize(w: RunWorld, day: SettlementDay, t: TaskState): void {
  const { d, env } = w;
  const tm = d.taskManager;
  const id = BigInt(t.id);
  const v2 = w.scenario.protocol === 'v2';
  let rows = finalPercentagesByAddress(t.days);
  // S-lists: V1 lists only nodes with final ppm > 0, V2 only those whose vested share is > 0.
  rows = v2 ? dropZeroShares(rows, { lockedPot: tm.lockedRewardsForNodes(ADMIN, id), sigmaOf: (a) => d.poolManager.getPoolSigma(ADMIN, a) }) : dropZeroShares(rows);
  call(w, day, `uploadFinalRewardResultsForTrainingNodes(task ${t.id})`, 'uploadFinalRewardResultsForTrainingNodes', () =>
    tm.uploadFinalRewardResultsForTrainingNodes(
      ADMIN,
      id,
      rows.map((x) => x.address),
      rows.map((x) => x.pctWith as bigint),
      v2 ? rows.map((x) => x.pctWithout as bigint) : undefined,
    ),
  );
  t.finished = true;
  // Withdraw within minutes, before agents join a task opening the same day (20–50 min after 00:00).
  for (const n of t.nodes) env.at(env.now + 60 + w.rng(`withdraw:${n.name}`).next() * 600, () => n.withdraw(t.id));
  for (const v of t.validators) env.at(env.now + 60 + w.rng(`withdraw:${v.name}`).next() * 600, () => v.leave(t.id));
}

const poolFunding: SettlementBlock = {
  name: 'poolFunding',
  description: "Record what each pool was funded today per delegated token (the delegators' 14-day eAPY)",
  source: 'docs/simulation.md#delegator-choice',
  run: (w) => w.market.closeDay(),
};

/** How often the invariant check recomputes every sum from the holders (docs/architecture.md#incremental-checks). */
export const FULL_RESCAN_DAYS = 7;

const invariants: SettlementBlock = {
  name: 'invariants',
  description: 'Check conservation of every token and the solvency of every contract; a violation stops the run',
  source: 'docs/model.md#invariants',
  run: (w, day) => {
    w.beforeInvariants?.(day.day, w.d);
    // docs/architecture.md#incremental-checks: running sums daily, the full rescan every 7th day, on the last and under --paranoid.
    const full = w.paranoid === true || (day.day + 1) % FULL_RESCAN_DAYS === 0 || day.day === w.scenario.days - 1;
    const v = checkInvariants(w.d, full ? 'full' : 'incremental');
    if (v) throw new SimulationError(day.day, v.check, v.details);
  },
};

const record: SettlementBlock = {
  name: 'record',
  description: "Append the day's rows: every agent's reward and stake, and the protocol-wide figures (supply, what protocol contracts hold, circulating supply)",
  run: (w, day) => {
    const { d } = w;
    let staked = 0n;
    for (const m of [d.taskManager.nodeStakesMap, d.taskManager.validatorStakesMap]) for (const inner of m.values()) for (const x of inner.values()) staked += x;
    let delegated = 0n;
    for (const p of d.poolManager.poolList) delegated += (d.w.contracts.get(p) as Pool).getTotalDelegationAmount();
    // docs/model.md#circulating-supply: what protocol contracts hold is not circulating.
    let heldProtocol = 0n;
    for (const a of d.w.contracts.keys()) heldProtocol += d.flock.bal(a);
    const supply = d.flock.t.totalSupply;
    w.recorder.day(day.day, w.agents, {
      minted: d.flock.t.currentMinted,
      burned: d.flock.t.burned,
      supply,
      lockedVesting: d.vesting ? d.flock.bal(d.vesting.address) : 0n,
      lockedGm: d.exchange ? d.flock.bal(d.exchange.address) : 0n,
      heldProtocol,
      circulating: supply - heldProtocol,
      rewardTokenPerDay: d.taskManager.s.rewardTokenPerDay,
      staked,
      delegated,
      submissions: day.submissions,
      copiesDetected: day.copies,
      invalidSubmissions: day.invalid,
    });
  },
};

export type SettlementBlocks = BlockList<RunWorld, SettlementDay>;

/**
 * A scenario's change to the settlement: a TypeScript scenario may export
 * `settlement: SettlementEdit`, e.g. `(blocks) => blocks.insertBefore('invariants', myRule)`.
 */
export type SettlementEdit = (blocks: SettlementBlocks) => SettlementBlocks;

/** The settlement a scenario runs: the standard list, edited by the scenario's `settlement` export if it has one. */
export function settlementFor(edit: SettlementEdit | undefined, file: string): SettlementBlocks {
  if (!edit) return settlementBlocks;
  let blocks: unknown;
  try {
    blocks = edit(settlementBlocks);
  } catch (e) {
    throw new ScenarioError(file, [{ path: 'settlement', message: (e as Error).message }]);
  }
  if (!(blocks instanceof BlockList)) throw new ScenarioError(file, [{ path: 'settlement', message: 'must return the edited block list, e.g. (blocks) => blocks.insertAfter(\'mint\', myBlock)' }]);
  return blocks as SettlementBlocks;
}

/** The settlement of one day, in order. */
export const settlementBlocks: SettlementBlocks = new BlockList<RunWorld, SettlementDay>([
  openDay,
  mint,
  fundFlTasks,
  score,
  nodeUploads,
  validatorUploads,
  finalUploads,
  poolFunding,
  invariants,
  record,
]);
