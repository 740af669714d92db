/**
 * One seeded run of a scenario: the mirror at genesis, the agents, FLock's backend, and the daily
 * 00:00 UTC settlement (workloads.md §5.5: mint → FL transfer → per task node then validator
 * uploads, which fund the pools → final uploads at task end). Conservation and solvency are
 * checked after every settlement; a violation stops the run with the day and the numbers.
 */
import { deployProtocol, ADMIN, type Deployment } from '../../contracts-mirror/genesis.js';
import { checkInvariants } from '../../contracts-mirror/invariants.js';
import type { Pool } from '../../contracts-mirror/contracts/pool.js';
import { E18, ZERO_ADDRESS } from '../../contracts-mirror/units.js';
import { Environment } from '../engine/env.js';
import { DAY, everyDayAt } from '../engine/calendar.js';
import type { Scenario } from '../scenario/schema.js';
import { Backend } from '../offchain/backend.js';
import { scoreTaskDay, finalPercentagesByAddress, type Stake } from '../offchain/pipeline.js';
import { offchainParams } from '../offchain/params.js';
import { dropZeroShares } from '../offchain/percentages.js';
import { SurrogateWorkload, type SurrogateParams } from '../workloads/surrogate.js';
import type { Submission, Workload } from '../workloads/types.js';
import { Chain } from './chain.js';
import { makeRng, toWei, type AgentBase, type SimContext } from '../agents/context.js';
import { TrainingNode } from '../agents/trainingNode.js';
import { Validator } from '../agents/validator.js';
import { Delegator, type PoolMarket } from '../agents/delegator.js';
import { populate, populateFromGenesis, type GenesisPlacement } from './population.js';
import { lockForGm } from '../agents/locking.js';

export interface AgentRow {
  run: number;
  seed: number;
  day: number;
  agent: string;
  role: string;
  behaviour: string;
  entity: string;
  /** wei */
  stake: bigint;
  /** wei earned that day (claimed + claimable + vesting, gross of fees) */
  reward: bigint;
  /** wei earned so far */
  rewardCum: bigint;
}

export interface DayRow {
  run: number;
  seed: number;
  day: number;
  minted: bigint;
  burned: bigint;
  supply: bigint;
  rewardTokenPerDay: bigint;
  staked: bigint;
  delegated: bigint;
  submissions: number;
  copiesDetected: number;
  invalidSubmissions: number;
}

export interface RunOutput {
  seed: number;
  run: number;
  agentRows: AgentRow[];
  dayRows: DayRow[];
  /** Mean consensus score (BPC) of valid submissions, by node behaviour. */
  scoreByBehaviour: Record<string, { sum: number; n: number }>;
  /** Copies detected (hash-identical later submissions), by the copier's behaviour. */
  copiesByBehaviour: Record<string, number>;
  reverts: Record<string, number>;
  workload: Record<string, unknown>;
}

export class SimulationError extends Error {
  constructor(
    readonly day: number,
    readonly check: string,
    readonly details: Record<string, string>,
  ) {
    super(`day ${day}: ${check} failed: ${JSON.stringify(details)}`);
    this.name = 'SimulationError';
  }
}

export interface RunOptions {
  seed: number;
  run: number;
  /** Test hook: shuffles agent creation order; results must not change. */
  shuffleAgents?: boolean;
  onDay?: (day: number) => void;
  /** The workload to score with (already initialised); defaults to the scenario's surrogate. */
  workload?: Workload;
  /**
   * Test hook (fault injection): runs at the end of each day's settlement, just before the
   * invariant check, with the deployment, so a test can break the ledger and see the check fire.
   */
  beforeInvariants?: (day: number, d: Deployment) => void;
}

interface TaskState {
  id: number;
  end: number;
  nodes: TrainingNode[];
  validators: Validator[];
  days: { nodePool: bigint; nodes: { address: string; pctWith: bigint; pctWithout: bigint }[] }[];
  finished: boolean;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function applyParams(chain: Chain, s: Scenario): void {
  const { taskManager: tm, poolManager: pm, exchange, vesting } = chain.d;
  const p = s.params;
  const perDay = toWei(p.rewardTokenPerDay);
  const must = (label: string, fn: () => unknown) => {
    const r = chain.tx(label, fn);
    if (!r.ok) throw new SimulationError(0, `genesis parameter ${label}`, { reason: r.reason ?? '' });
  };
  if (s.protocol === 'v2') {
    must('setMaxRewardTokenPerDay', () => tm.setMaxRewardTokenPerDay(ADMIN, toWei(p.maxRewardTokenPerDay ?? p.rewardTokenPerDay)));
    must('setRewardParameters', () => tm.setRewardParameters(ADMIN, BigInt(p.lockedRewardPercentage), 1_000_000n, perDay));
    must('setMinStakes', () => tm.setMinStakes(ADMIN, toWei(p.minNodeStakes), toWei(p.validatorMinStake)));
    must('setDailyMintResetCount', () => tm.setDailyMintResetCount(ADMIN, BigInt(p.dailyMintResetCount)));
    must('setDailyMintDecayPercentage', () => tm.setDailyMintDecayPercentage(ADMIN, BigInt(p.dailyMintDecayPercentage)));
    must('setUpLinearDepositor', () => tm.setUpLinearDepositor(ADMIN, vesting!.address, BigInt(p.vestingDays)));
    must('setProtocolFee', () => exchange!.setProtocolFee(ADMIN, BigInt(p.exchangeFeeBps)));
  } else {
    must('setRewardTokenPerDay', () => tm.setRewardTokenPerDay(ADMIN, perDay));
    must('setLockedRewardPercentage', () => tm.setLockedRewardPercentage(ADMIN, BigInt(p.lockedRewardPercentage)));
    must('setUnlockedRewardPercentage', () => tm.setUnlockedRewardPercentage(ADMIN, 1_000_000n - BigInt(p.lockedRewardPercentage)));
    must('setMinNodeStakes', () => tm.setMinNodeStakes(ADMIN, toWei(p.minNodeStakes)));
    must('setValidatorMinStake', () => tm.setValidatorMinStake(ADMIN, toWei(p.validatorMinStake)));
  }
  must('setGamma', () => tm.setGamma(ADMIN, BigInt(p.gamma)));
  must('setFeePercentage', () => tm.setFeePercentage(ADMIN, BigInt(p.feePercentage)));
  must('setProtocolFeePercentage', () => pm.setProtocolFeePercentage(ADMIN, BigInt(p.protocolFeePercentage)));
  must('setSigmaModificationCooldown', () => pm.setSigmaModificationCooldown(ADMIN, BigInt(Math.round(p.sigmaCooldownDays * DAY))));
}

/**
 * A genesis read from a chain (scenario `genesis`): the exact emission state replaces the
 * rounded `params` values, and the pool manager gets the chain's σ bounds.
 */
function applyGenesisParams(chain: Chain, s: Scenario): void {
  const g = s.genesis;
  if (!g) return;
  const { taskManager: tm, poolManager: pm } = chain.d;
  const must = (label: string, fn: () => unknown) => {
    const r = chain.tx(label, fn);
    if (!r.ok) throw new SimulationError(0, `genesis parameter ${label}`, { reason: r.reason ?? '' });
  };
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

/** The longest task the simulation's task manager accepts (maxDuration of genesis.ts). */
const MAX_TASK_SECONDS = 30 * DAY;

function poolOf(d: Deployment, owner: string): Pool | null {
  const a = d.poolManager.getMiniPool(ADMIN, owner);
  return a === ZERO_ADDRESS ? null : (d.w.contracts.get(a) as Pool);
}

export function runSimulation(s: Scenario, opts: RunOptions): RunOutput {
  const start = Date.parse(`${s.start}T00:00:00Z`) / 1000;
  const env = new Environment({ start });
  const d = deployProtocol({ protocol: s.protocol, time: BigInt(start) });
  d.w.logs = null;
  const chain = new Chain(d, env);
  applyParams(chain, s);
  applyGenesisParams(chain, s);
  const rng = makeRng(opts.seed, opts.run);
  if (!opts.workload && s.workload.mode !== 'surrogate') throw new Error(`a '${s.workload.mode}' workload must be created with createWorkload() and passed as opts.workload`);
  const workload: Workload = opts.workload ?? new SurrogateWorkload(s.workload as SurrogateParams);
  const backend = new Backend(env, rng('backend/assignment'));
  const ctx: SimContext = { env, chain, scenario: s, seed: opts.seed, run: opts.run, workload, backend, start, rng };
  const off = offchainParams(s.offchain);

  // ---- the pool market delegators read: funding per delegated token over the last 14 days ----
  const funding = new Map<string, { funded: bigint; delegation: bigint }[]>();
  const market: PoolMarket = {
    pools: () => [...d.poolManager.poolList],
    sigma: (pool) => d.poolManager.getPoolSigma(ADMIN, d.poolManager.poolToUser(ADMIN, pool)),
    eApy: (pool, extra) => {
      const hist = (funding.get(pool) ?? []).slice(-14);
      if (hist.length === 0) return 0;
      let r = 0;
      for (const h of hist) {
        const base = h.delegation + extra;
        if (base > 0n) r += Number((h.funded * 10n ** 12n) / base) / 1e12;
      }
      return (r / hist.length) * 365;
    },
  };

  const pop: ReturnType<typeof populate> & { placement: GenesisPlacement | null } = s.genesis
    ? populateFromGenesis(ctx, s, market, opts.shuffleAgents ?? false)
    : { ...populate(ctx, s, market, opts.shuffleAgents ?? false), placement: null };
  const { nodes, validators, delegators, entities } = pop;
  const agents: AgentBase[] = [...nodes, ...validators, ...delegators].sort(byName);

  // Colluding validators learn their friends' model hashes over a side channel (blindness holds).
  const friendNames = new Set(nodes.filter((n) => n.behaviour === s.populations.validators.colludeWith).map((n) => n.name));
  const todaysFriendHashes = new Set<string>();
  const origSubmit = backend.submit.bind(backend);
  backend.submit = (sub) => {
    const r = origSubmit(sub);
    if (friendNames.has(sub.node)) todaysFriendHashes.add(sub.hash);
    return r;
  };
  for (const v of validators) if (v.behaviour === 'colluding') v.friendHashes = () => todaysFriendHashes;
  // Sybil identities of one entity submit variants of one model trained by the entity.
  // (Surrogate only: a real workload trains the entity's model itself.)
  const surrogate = workload instanceof SurrogateWorkload ? workload : null;
  for (const [, ids] of entities) {
    if (ids.length < 2 || !surrogate) continue;
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

  if (!pop.placement) for (const a of agents) env.at(start + 60 + rng(`setup:${a.name}`).next() * 600, () => (a as TrainingNode | Validator | Delegator).setup());

  const tasks: TaskState[] = [];
  const agentRows: AgentRow[] = [];
  const dayRows: DayRow[] = [];
  const lastCum = new Map<string, bigint>();
  const scoreByBehaviour: RunOutput['scoreByBehaviour'] = {};
  const copiesByBehaviour: Record<string, number> = {};
  const behaviourOf = new Map(nodes.map((n) => [n.name, n.behaviour as string]));

  const stakesOf = (list: (TrainingNode | Validator)[], taskId: number, role: 'node' | 'validator'): Map<string, Stake> => {
    const m = new Map<string, Stake>();
    for (const a of list) {
      const own = role === 'node' ? d.taskManager.nodeStakes(ADMIN, BigInt(taskId), a.name) : d.taskManager.validatorStakes(ADMIN, BigInt(taskId), a.name);
      if (own === 0n) continue;
      m.set(a.name, { own, delegated: poolOf(d, a.name)?.getTotalDelegationAmount() ?? 0n });
    }
    return m;
  };

  const fail = (day: number, what: string, r: { ok: boolean; reason?: string }) => {
    if (!r.ok) throw new SimulationError(day, what, { reason: r.reason ?? '' });
  };

  const settle = (day: number) => {
    const tm = d.taskManager;
    const v2 = s.protocol === 'v2';
    const poolBalance = new Map<string, bigint>();
    for (const p of d.poolManager.poolList) poolBalance.set(p, d.flock.bal(p));
    fail(day, 'mintDailyReward', chain.tx('mintDailyReward', () => tm.mintDailyReward(ADMIN)));
    fail(day, 'transferRewardsToFLTasks', chain.tx('transferRewardsToFLTasks', () => tm.transferRewardsToFLTasks(ADMIN)));
    let subsToday = 0;
    let copiesToday = 0;
    let invalidToday = 0;
    for (const t of tasks) {
      if (t.finished) continue;
      const closed = backend.closeDay(t.id);
      subsToday += closed.submissions.length + closed.copies.length;
      copiesToday += closed.copies.length;
      for (const c of closed.copies) {
        const b = behaviourOf.get(c.submission.node) ?? 'unknown';
        copiesByBehaviour[b] = (copiesByBehaviour[b] ?? 0) + 1;
      }
      const nodeStakes = stakesOf(t.nodes, t.id, 'node');
      const valStakes = stakesOf(t.validators, t.id, 'validator');
      if (nodeStakes.size + valStakes.size === 0) continue;
      const scored = scoreTaskDay(
        {
          submissions: closed.submissions.filter((x) => nodeStakes.has(x.node)),
          scores: closed.scores.filter((x) => valStakes.has(x.validator)),
          nodeStakes,
          validatorStakes: valStakes,
        },
        off,
      );
      invalidToday += scored.invalid.length;
      // The day's best valid submission (lowest consensus score) becomes the public leaderboard.
      let bestId: string | undefined;
      let bestScore = Infinity;
      for (const sub of scored.submissions) {
        if (sub.consensus === null) continue;
        const b = behaviourOf.get(sub.node) ?? 'unknown';
        const acc = (scoreByBehaviour[b] ??= { sum: 0, n: 0 });
        acc.sum += sub.consensus;
        acc.n += 1;
        if (sub.consensus < bestScore) {
          bestScore = sub.consensus;
          bestId = sub.id;
        }
      }
      const best = closed.submissions.find((x) => x.id === bestId);
      if (best) backend.leaderboard.set(t.id, best);
      const id = BigInt(t.id);
      const nodesPaid = scored.nodes.filter((n) => n.pctWith > 0n);
      const valsPaid = scored.validators.filter((v) => v.pctWith > 0n);
      const upload = (label: string, fn: () => unknown) => fail(day, `${label}(task ${t.id})`, chain.tx(label, fn));
      if (nodeStakes.size > 0) {
        const before = tm.taskRewards(ADMIN, id);
        const addrs = nodesPaid.map((n) => n.address);
        const pw = nodesPaid.map((n) => n.pctWith as bigint);
        const po = nodesPaid.map((n) => n.pctWithout as bigint);
        upload('uploadRewardResultsForTrainingNodes', () => tm.uploadRewardResultsForTrainingNodes(ADMIN, id, addrs, pw, v2 ? po : undefined));
        t.days.push({ nodePool: tm.taskRewards(ADMIN, id) - before, nodes: nodesPaid });
        const va = valsPaid.map((v) => v.address);
        const vw = valsPaid.map((v) => v.pctWith as bigint);
        const vo = valsPaid.map((v) => v.pctWithout as bigint);
        if (valStakes.size > 0) upload('uploadRewardResultsForValidators', () => tm.uploadRewardResultsForValidators(ADMIN, id, va, vw, v2 ? vo : undefined));
      } else {
        const va = valsPaid.map((v) => v.address);
        upload('uploadRewardResultsOnlyForValidators', () =>
          tm.uploadRewardResultsOnlyForValidators(ADMIN, id, va, valsPaid.map((v) => v.pctWith as bigint), v2 ? valsPaid.map((v) => v.pctWithout as bigint) : undefined),
        );
      }
    }
    // Final uploads only after every task's daily upload: a final upload clears the task's
    // stakes from the active weights, so a daily upload after it would divide the whole day's
    // pot among fewer tasks and the manager would owe more than it minted (an invariant failure).
    for (const t of tasks) if (!t.finished && env.now >= t.end) finalize(day, t);
    for (const p of d.poolManager.poolList) {
      const pool = d.w.contracts.get(p) as Pool;
      const hist = funding.get(p) ?? [];
      hist.push({ funded: d.flock.bal(p) - (poolBalance.get(p) ?? 0n), delegation: pool.getTotalDelegationAmount() });
      funding.set(p, hist.slice(-14));
    }
    opts.beforeInvariants?.(day, d);
    const v = checkInvariants(d);
    if (v) throw new SimulationError(day, v.check, v.details);
    record(day, { submissions: subsToday, copiesDetected: copiesToday, invalidSubmissions: invalidToday });
  };

  const finalize = (day: number, t: TaskState) => {
    const tm = d.taskManager;
    const id = BigInt(t.id);
    let rows = finalPercentagesByAddress(t.days);
    if (s.protocol === 'v2') {
      const lockedPot = tm.lockedRewardsForNodes(ADMIN, id);
      rows = dropZeroShares(rows, { lockedPot, sigmaOf: (a) => d.poolManager.getPoolSigma(ADMIN, a) });
    }
    const r = chain.tx('uploadFinalRewardResultsForTrainingNodes', () =>
      tm.uploadFinalRewardResultsForTrainingNodes(
        ADMIN,
        id,
        rows.map((x) => x.address),
        rows.map((x) => x.pctWith as bigint),
        s.protocol === 'v2' ? rows.map((x) => x.pctWithout as bigint) : undefined,
      ),
    );
    fail(day, `uploadFinalRewardResultsForTrainingNodes(task ${t.id})`, r);
    t.finished = true;
    // Withdraw within minutes, before agents join a task opening the same day (20–50 min after 00:00).
    for (const n of t.nodes) env.at(env.now + 60 + rng(`withdraw:${n.name}`).next() * 600, () => n.withdraw(t.id));
    for (const v of t.validators) env.at(env.now + 60 + rng(`withdraw:${v.name}`).next() * 600, () => v.leave(t.id));
  };

  const record = (day: number, counts: Pick<DayRow, 'submissions' | 'copiesDetected' | 'invalidSubmissions'>) => {
    for (const a of agents) {
      const cum = a.claimedGross + a.unclaimed();
      const prev = lastCum.get(a.name) ?? 0n;
      lastCum.set(a.name, cum);
      agentRows.push({ run: opts.run, seed: opts.seed, day, agent: a.name, role: a.role, behaviour: a.behaviour, entity: a.entity, stake: a.stake(), reward: cum - prev, rewardCum: cum });
    }
    let staked = 0n;
    for (const m of [d.taskManager.nodeStakesMap, d.taskManager.validatorStakesMap]) for (const inner of m.values()) for (const x of inner.values()) staked += x;
    let delegated = 0n;
    for (const p of d.poolManager.poolList) delegated += (d.w.contracts.get(p) as Pool).getTotalDelegationAmount();
    dayRows.push({
      run: opts.run,
      seed: opts.seed,
      day,
      minted: d.flock.t.currentMinted,
      burned: d.flock.t.burned,
      supply: d.flock.t.totalSupply,
      rewardTokenPerDay: d.taskManager.s.rewardTokenPerDay,
      staked,
      delegated,
      ...counts,
    });
  };

  /**
   * Day 0, 00:00, before anything else: the genesis tasks with their remaining duration, every
   * agent's setup (stake token, pool with its σ), the exact stakes (the minimum stakes are
   * lifted meanwhile, since the chain may hold stakes made under lower minimums) and delegations.
   */
  const placeGenesis = (plan: GenesisPlacement) => {
    const g = s.genesis!;
    const tm = d.taskManager;
    const must = (label: string, fn: () => unknown) => fail(0, `genesis: ${label}`, chain.tx(label, fn));
    for (const t of [...g.tasks].sort((a, b) => a.id - b.id)) {
      const duration = Math.min(MAX_TASK_SECONDS, Math.max(1, t.startTime + t.expectedDuration - start));
      must(`createTask(${t.id})`, () => tm.createTask(ADMIN, BigInt(t.id), BigInt(duration), t.name));
      tasks.push({ id: t.id, end: start + duration, nodes: [], validators: [], days: [], finished: false });
    }
    for (const a of agents) (a as TrainingNode | Validator | Delegator).setup();
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
  };
  if (pop.placement) placeGenesis(pop.placement);

  const creator = rng('creator');
  /** Scenario tasks take ids after the genesis tasks' (none without a genesis). */
  const idBase = s.genesis ? Math.max(0, ...s.genesis.tasks.map((t) => t.id)) : 0;
  let nextTaskId = idBase + s.tasks.length;
  /** Poisson draw (Knuth) from the task creator's stream. */
  const poisson = (lambda: number) => {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = creator.next(); p > limit; p *= creator.next()) k++;
    return k;
  };
  const openTasks = (day: number) => {
    const starting = s.tasks.map((spec, i) => ({ spec, id: idBase + i + 1 })).filter((x) => x.spec.startDay === day);
    if (s.randomTasks) {
      const r = s.randomTasks;
      for (let k = poisson(r.perDay); k > 0; k--) {
        const durationDays = r.durationDays.min + creator.int(r.durationDays.max - r.durationDays.min + 1);
        starting.push({ spec: { startDay: day, durationDays, type: r.type }, id: ++nextTaskId });
      }
    }
    if (starting.length === 0) return;
    const created: TaskState[] = [];
    for (const { spec, id } of starting) {
      fail(day, `createTask(${id})`, chain.tx('createTask', () => d.taskManager.createTask(ADMIN, BigInt(id), BigInt(spec.durationDays * DAY), spec.type)));
      const t: TaskState = { id, end: env.now + spec.durationDays * DAY, nodes: [], validators: [], days: [], finished: false };
      tasks.push(t);
      created.push(t);
    }
    const busy = new Set(tasks.filter((t) => !t.finished && !created.includes(t)).flatMap((t) => [...t.nodes, ...t.validators].map((a) => a.name)));
    const free = <T extends { name: string }>(list: T[]) => list.filter((a) => !busy.has(a.name)).sort(byName);
    free(nodes).forEach((n, i) => {
      const t = created[i % created.length];
      t.nodes.push(n);
      env.at(env.now + 1200 + rng(`join:${n.name}/${t.id}`).next() * 1800, () => n.join(t.id));
    });
    free(validators).forEach((v, i) => {
      const t = created[i % created.length];
      t.validators.push(v);
      env.at(env.now + 1200 + rng(`join:${v.name}/${t.id}`).next() * 1800, () => v.join(t.id));
    });
  };

  const endOf = (taskId: number) => tasks.find((t) => t.id === taskId)?.end ?? 0;
  const stopAt = start + s.days * DAY;
  everyDayAt(env, 0, (absDay) => {
    const day = absDay - Math.floor(start / DAY);
    if (day >= 1) {
      settle(day - 1);
      opts.onDay?.(day - 1);
    }
    if (day >= s.days) {
      env.stop();
      return;
    }
    openTasks(day);
    // Validators are served in proportion to √stake (protocol.md §6 item 17).
    const roots = validators.map((v) => Math.sqrt(Number(v.spec.stake / E18)));
    const top = Math.max(1e-9, ...roots);
    validators.forEach((v, i) => (v.acceptance = roots[i] / top));
    todaysFriendHashes.clear();
    env.at(env.now + 3600, () => {
      for (const n of nodes) n.planDay(day, endOf);
    });
  });
  env.run(stopAt + 1);
  const reverts: Record<string, number> = {};
  for (const [k, v] of [...chain.reverts].sort()) reverts[k] = v;
  return { seed: opts.seed, run: opts.run, agentRows, dayRows, scoreByBehaviour, copiesByBehaviour, reverts, workload: workload.describe() };
}
