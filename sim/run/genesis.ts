/**
 * A run's day 0: the mirror deployed and parameterised through its own setters, the population
 * placed (drawn from the scenario, or read from a chain snapshot), and the side channels between
 * agents wired (colluding validators learn their friends' hashes; sybil identities share a model).
 */
import { deployProtocol, ADMIN, type Deployment } from '../../contracts-mirror/genesis.js';
import { DAY } from '../engine/calendar.js';
import type { Environment } from '../engine/env.js';
import { MAX_TASK_DAYS, type Scenario } from '../scenario/schema.js';
import { protocolParamsOf } from '../scenario/units.js';
import type { Backend } from '../offchain/backend.js';
import { SurrogateWorkload } from '../workloads/surrogate.js';
import type { Workload } from '../workloads/types.js';
import { byName, type AgentBase, type SimContext } from '../agents/context.js';
import { MirrorClient } from '../agents/mirrorClient.js';
import { TrainingNode } from '../agents/trainingNode.js';
import type { Validator } from '../agents/validator.js';
import type { Delegator, PoolMarket } from '../agents/delegator.js';
import { lockForGm } from '../agents/locking.js';
import type { TaskState } from '../agents/taskCreator.js';
import { populate, populateFromGenesis, type GenesisPlacement } from './population.js';
import { poolOf } from './market.js';
import { mustSucceed, SimulationError } from './errors.js';

/** The longest task the simulation's task manager accepts (maxDuration of the mirror's genesis). */
const MAX_TASK_SECONDS = MAX_TASK_DAYS * DAY;

/** The mirror at the scenario's start, with its parameters applied. */
export function deployForScenario(s: Scenario, start: number, env: Environment): { d: Deployment; chain: MirrorClient } {
  const d = deployProtocol({ protocol: s.protocol, time: BigInt(start) });
  d.w.logs = null;
  const chain = new MirrorClient(d, env);
  applyParams(chain, s);
  applyGenesisParams(chain, s);
  return { d, chain };
}

function setter(chain: MirrorClient) {
  return (label: string, fn: () => unknown) => mustSucceed(0, `genesis parameter ${label}`, chain.tx(label, fn));
}

/** The scenario's `params` through the deployed setters, in the contracts' units (docs/parameters.md). */
function applyParams(chain: MirrorClient, s: Scenario): void {
  const { taskManager: tm, poolManager: pm, exchange, vesting } = chain.d;
  const p = protocolParamsOf(s);
  const must = setter(chain);
  if (s.protocol === 'v2') {
    must('setMaxRewardTokenPerDay', () => tm.setMaxRewardTokenPerDay(ADMIN, p.maxRewardTokenPerDay));
    must('setRewardParameters', () => tm.setRewardParameters(ADMIN, p.lockedRewardPercentage, p.rewardPercentageBase, p.rewardTokenPerDay));
    must('setMinStakes', () => tm.setMinStakes(ADMIN, p.minNodeStakes, p.validatorMinStake));
    must('setDailyMintResetCount', () => tm.setDailyMintResetCount(ADMIN, p.dailyMintResetCount));
    must('setDailyMintDecayPercentage', () => tm.setDailyMintDecayPercentage(ADMIN, p.dailyMintDecayPercentage));
    must('setUpLinearDepositor', () => tm.setUpLinearDepositor(ADMIN, vesting!.address, p.vestingDays));
    must('setProtocolFee', () => exchange!.setProtocolFee(ADMIN, p.exchangeFee));
  } else {
    must('setRewardTokenPerDay', () => tm.setRewardTokenPerDay(ADMIN, p.rewardTokenPerDay));
    must('setLockedRewardPercentage', () => tm.setLockedRewardPercentage(ADMIN, p.lockedRewardPercentage));
    must('setUnlockedRewardPercentage', () => tm.setUnlockedRewardPercentage(ADMIN, p.unlockedRewardPercentage));
    must('setMinNodeStakes', () => tm.setMinNodeStakes(ADMIN, p.minNodeStakes));
    must('setValidatorMinStake', () => tm.setValidatorMinStake(ADMIN, p.validatorMinStake));
  }
  must('setGamma', () => tm.setGamma(ADMIN, p.gamma));
  must('setFeePercentage', () => tm.setFeePercentage(ADMIN, p.feePercentage));
  must('setProtocolFeePercentage', () => pm.setProtocolFeePercentage(ADMIN, p.protocolFeePercentage));
  must('setSigmaModificationCooldown', () => pm.setSigmaModificationCooldown(ADMIN, p.sigmaCooldown));
}

/**
 * A genesis read from a chain (scenario `genesis`): the exact emission state replaces the
 * rounded `params` values, and the pool manager gets the chain's σ bounds.
 */
function applyGenesisParams(chain: MirrorClient, s: Scenario): void {
  const g = s.genesis;
  if (!g) return;
  const { taskManager: tm, poolManager: pm } = chain.d;
  const must = setter(chain);
  if (g.emission) {
    const e = g.emission;
    if (s.protocol === 'v2') {
      must('setMaxRewardTokenPerDay', () => tm.setMaxRewardTokenPerDay(ADMIN, BigInt(e.maxRewardTokenPerDay)));
      must('setRewardParameters', () => tm.setRewardParameters(ADMIN, BigInt(s.params.lockedRewardPercentage), 1_000_000n, BigInt(e.rewardTokenPerDay)));
      must('setCurrentDailyMintCount', () => tm.setCurrentDailyMintCount(ADMIN, BigInt(e.currentDailyMintCount)));
    } else {
      must('setRewardTokenPerDay', () => tm.setRewardTokenPerDay(ADMIN, BigInt(e.rewardTokenPerDay)));
    }
  }
  if (g.sigmaBounds) {
    must('setMinSigma', () => pm.setMinSigma(ADMIN, BigInt(g.sigmaBounds!.min)));
    must('setMaxSigma', () => pm.setMaxSigma(ADMIN, BigInt(g.sigmaBounds!.max)));
  }
}

export interface Population {
  nodes: TrainingNode[];
  validators: Validator[];
  delegators: Delegator[];
  /** Every agent, by name: the order of the results rows. */
  agents: AgentBase[];
  /** Agents by entity (a sybil's identities share one). */
  entities: Map<string, TrainingNode[]>;
  placement: GenesisPlacement | null;
}

/** The agents of the run, drawn from the populations or taken from the chain snapshot. */
export function placePopulation(ctx: SimContext, market: PoolMarket, shuffle: boolean): Population {
  const s = ctx.scenario;
  const pop = s.genesis ? populateFromGenesis(ctx, s, market, shuffle) : { ...populate(ctx, s, market, shuffle), placement: null };
  const agents: AgentBase[] = [...pop.nodes, ...pop.validators, ...pop.delegators].sort(byName);
  return { ...pop, agents };
}

/**
 * Colluding validators learn their friends' model hashes over a side channel (blindness holds
 * for everyone else): returns the backend's submission hook and a reset for each new day.
 */
export function collusionChannel(s: Scenario): { onSubmit: (sub: { node: string; hash: string }) => void; wire(pop: Population): void; newDay(): void } {
  const friendHashes = new Set<string>();
  let friends = new Set<string>();
  return {
    onSubmit: (sub) => {
      if (friends.has(sub.node)) friendHashes.add(sub.hash);
    },
    wire(pop) {
      friends = new Set(pop.nodes.filter((n) => n.behaviour === s.populations.validators.colludeWith).map((n) => n.name));
      for (const v of pop.validators) if (v.behaviour === 'colluding') v.friendHashes = () => friendHashes;
    },
    newDay: () => friendHashes.clear(),
  };
}

/**
 * Sybil identities of one entity submit variants of one model the entity trains once a day.
 * (Surrogate only: a real workload trains the entity's model itself.)
 */
export function shareSybilModels(ctx: SimContext, pop: Population, workload: Workload): void {
  const surrogate = workload instanceof SurrogateWorkload ? workload : null;
  if (!surrogate) return;
  const { env, start, rng } = ctx;
  for (const [, ids] of pop.entities) {
    if (ids.length < 2) continue;
    const er = rng(`entity:${ids[0].entity}/model`);
    let day = -1;
    let q = 0;
    const skill = ids[0].spec.skill;
    for (const n of ids)
      n.sharedModel = () => {
        const today = Math.floor((env.now - start) / DAY);
        if (today !== day) {
          day = today;
          q = surrogate.modelQuality(skill, er);
        }
        return q;
      };
  }
}

/** Each drawn agent sets up (stake token, pool and σ) at a time of its own in day 0's first minutes. */
export function scheduleSetup(ctx: SimContext, pop: Population): void {
  for (const a of pop.agents) ctx.env.at(ctx.start + 60 + ctx.rng(`setup:${a.name}`).next() * 600, () => (a as TrainingNode | Validator | Delegator).setup());
}

/**
 * Day 0, 00:00, before anything else, for a chain snapshot: the genesis tasks with their
 * remaining duration, every agent's setup (stake token, pool with its σ), the exact stakes (the
 * minimum stakes are lifted meanwhile, since the chain may hold stakes made under lower minimums)
 * and delegations.
 */
export function placeGenesis(ctx: SimContext, pop: Population, plan: GenesisPlacement, tasks: TaskState[]): void {
  const { scenario: s, chain, start } = ctx;
  const g = s.genesis!;
  const d = chain.d;
  const tm = d.taskManager;
  const must = (label: string, fn: () => unknown) => mustSucceed(0, `genesis: ${label}`, chain.tx(label, fn));
  for (const t of [...g.tasks].sort((a, b) => a.id - b.id)) {
    const duration = Math.min(MAX_TASK_SECONDS, Math.max(1, t.startTime + t.expectedDuration - start));
    must(`createTask(${t.id})`, () => tm.createTask(ADMIN, BigInt(t.id), BigInt(duration), t.name));
    tasks.push({ id: t.id, end: start + duration, nodes: [], validators: [], days: [], finished: false });
  }
  for (const a of pop.agents) (a as TrainingNode | Validator | Delegator).setup();
  const mins = [tm.s.minNodeStakes, tm.s.validatorMinStake] as const;
  const setMins = (node: bigint, validator: bigint) => {
    if (s.protocol === 'v2') must('setMinStakes', () => tm.setMinStakes(ADMIN, node, validator));
    else {
      must('setMinNodeStakes', () => tm.setMinNodeStakes(ADMIN, node));
      must('setValidatorMinStake', () => tm.setValidatorMinStake(ADMIN, validator));
    }
  };
  setMins(0n, 0n);
  for (const st of plan.stakes) {
    const id = BigInt(st.taskId);
    if (!st.agent) lockForGm(ctx, st.address, st.amount);
    must(`${st.role} stake of ${st.address} in task ${st.taskId}`, () =>
      st.role === 'node' ? tm.stakeTokensForTrainingNodes(st.address, id, st.amount) : tm.stakeTokensForValidators(st.address, id, st.amount),
    );
    if (!st.agent) continue;
    st.agent.tasks.push(st.taskId);
    const t = tasks.find((x) => x.id === st.taskId)!;
    if (st.agent instanceof TrainingNode) t.nodes.push(st.agent);
    else t.validators.push(st.agent);
  }
  setMins(...mins);
  for (const dl of plan.delegations) {
    const pool = poolOf(d, dl.owner);
    if (!pool) throw new SimulationError(0, 'genesis delegation', { delegator: dl.delegator, owner: dl.owner, reason: 'the owner has no pool' });
    if (!dl.agent) lockForGm(ctx, dl.delegator, dl.amount);
    must(`delegation of ${dl.delegator} to ${dl.owner}`, () => pool.delegate(dl.delegator, dl.amount));
    dl.agent?.adopt(pool.address);
  }
}
