/**
 * A training node (the AI Arena role that trains and submits models; docs/simulation.md#agents): locks FLOCK into gmFLOCK (V2), stakes in a task, runs a
 * delegation pool with its σ, trains and submits once a day, and claims on a schedule.
 * Behaviours: honest (skill), lazy (submits the base model), copycat (resubmits the best model it
 * can see), sybil (one entity's stake split over several identities, each a separate instance),
 * sigma-gamer (trains like an honest node; its pool's σ follows the scenario's σ schedule,
 * docs/simulation.md#sigma-games).
 */
import { DAY } from '../engine/calendar.js';
import type { RandomStream } from '../engine/rng.js';
import type { ProcessBody } from '../engine/env.js';
import type { NodeProfile, Submission } from '../workloads/types.js';
import type { AgentBase, SimContext } from './context.js';
import { lockForGm } from './locking.js';

/** The workload's node behaviours, and sigma-gamer, which the workload sees as honest (its game is σ, not the model). */
export type NodeBehaviour = NodeProfile['behaviour'] | 'sigma-gamer';

export interface TrainingNodeSpec {
  name: string;
  entity: string;
  behaviour: NodeBehaviour;
  skill: number;
  stake: bigint;
  sigma: bigint;
  claimEveryDays: number;
  sigmaStrategy: 'fixed' | 'adaptive';
  /** Whether the node runs a delegation pool (default true; false for a genesis node without one). */
  pool?: boolean;
}

/** Step of the adaptive σ strategy, ppm. */
const SIGMA_STEP = 50_000n;

export class TrainingNode implements AgentBase {
  readonly role = 'node' as const;
  readonly name: string;
  readonly entity: string;
  readonly behaviour: NodeBehaviour;
  claimedGross = 0n;
  readonly tasks: number[] = [];
  private readonly rng: RandomStream;
  /** A sybil entity trains once; its identities submit perturbed copies of that model. */
  sharedModel?: () => number;
  /** A sigma-gamer's schedule (docs/simulation.md#sigma-games): σ levels in ppm, the switch in seconds before a task's end. */
  private readonly schedule?: { lure: bigint; keep: bigint; switchSeconds: number };
  /** The end (unix seconds) of a task, as the day's plan last gave it. */
  private endOf: (taskId: number) => number = () => Infinity;

  constructor(
    private readonly ctx: SimContext,
    readonly spec: TrainingNodeSpec,
  ) {
    this.name = spec.name;
    this.entity = spec.entity;
    this.behaviour = spec.behaviour;
    this.rng = ctx.rng(`agent:${spec.name}`);
    if (spec.behaviour === 'sigma-gamer') {
      const g = ctx.scenario.populations.nodes.sigmaGame;
      // The schema requires the schedule with sigma-gamer nodes (sim/scenario/schema.ts).
      if (!g) throw new Error('populations.nodes.sigmaGame: required when populations.nodes.mix has sigma-gamer');
      this.schedule = { lure: BigInt(g.lureSigma), keep: BigInt(g.keepSigma), switchSeconds: Math.round(g.switchDaysBeforeEnd * DAY) };
    }
  }

  stake(): bigint {
    const tm = this.ctx.chain.d.taskManager;
    let s = 0n;
    for (const t of this.tasks) s += tm.nodeStakes(this.name, BigInt(t), this.name);
    return s;
  }

  unclaimed(): bigint {
    const { taskManager: tm, vesting } = this.ctx.chain.d;
    let u = tm.userRewards(this.name, this.name);
    for (const g of vesting?.grants.get(this.name) ?? []) u += g.amount - g.claimed;
    return u;
  }

  /**
   * Day 0: get the stake token, open a pool with the node's σ (a sigma-gamer's lure σ), and start
   * claiming (and adapting σ). A sigma-gamer draws what an honest node draws from its stream, so
   * that its submissions are the honest run's (docs/attacks.md#paired-gain), but never adapts.
   */
  setup(): void {
    const { env } = this.ctx;
    lockForGm(this.ctx, this.name, this.spec.stake);
    const sigma = this.schedule?.lure ?? this.spec.sigma;
    if (this.spec.pool !== false) this.ctx.chain.tx('createMiniPool', () => this.ctx.chain.d.poolManager.createMiniPool(this.name, sigma));
    const every = this.spec.claimEveryDays * DAY;
    env.process(this.claiming(every * (0.5 + this.rng.next() * 0.5), every));
    if (this.spec.sigmaStrategy === 'adaptive' && this.spec.pool !== false) {
      const week = 7 * DAY;
      const first = week * (0.5 + this.rng.next() * 0.5);
      if (!this.schedule) env.process(this.adaptingSigma(first, week));
    }
  }

  /** Claims after a first wait of its own, then every `every` seconds. */
  private *claiming(first: number, every: number): ProcessBody {
    yield first;
    for (;;) {
      this.claim();
      yield every;
    }
  }

  /** Reconsiders σ after a first wait of its own, then weekly. */
  private *adaptingSigma(first: number, week: number): ProcessBody {
    yield first;
    for (;;) {
      this.adaptSigma();
      yield week;
    }
  }

  /**
   * Adaptive σ: a pool that draws less delegation than the median pool gives delegators more
   * (σ − 50 000 ppm), one that draws more keeps more (σ + 50 000). Reverts inside the cooldown or
   * the freeze window around task end are part of the game and are only counted.
   */
  private adaptSigma(): void {
    const { poolManager: pm, w } = this.ctx.chain.d;
    const delegationOf = (pool: string) => (w.contracts.get(pool) as unknown as { getTotalDelegationAmount(): bigint }).getTotalDelegationAmount();
    const all = pm.poolList.map(delegationOf).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (all.length === 0) return;
    const median = all[all.length >> 1];
    const mine = delegationOf(pm.getMiniPool(this.name, this.name));
    const now = pm.poolSigmas(this.name, this.name);
    let next = mine < median ? now - SIGMA_STEP : now + SIGMA_STEP;
    if (next < 0n) next = 0n;
    if (next > 1_000_000n) next = 1_000_000n;
    if (next !== now) this.ctx.chain.tx('setMiniPoolSigma', () => pm.setMiniPoolSigma(this.name, next));
  }

  /** The σ the schedule wants now: keep once some task of the node is within the switch of its end (until the node leaves it), else lure. */
  private scheduledSigma(s: { lure: bigint; keep: bigint; switchSeconds: number }): bigint {
    const now = this.ctx.env.now;
    return this.tasks.some((t) => this.endOf(t) - s.switchSeconds <= now) ? s.keep : s.lure;
  }

  /**
   * Moves σ to the schedule's value through setMiniPoolSigma. A change refused inside the
   * cooldown or the freeze around a task's end (docs/model.md#sigma-bounds-cooldown-and-freeze)
   * is counted as a revert, like adaptSigma's, and tried again at the next day's plan.
   */
  private steerSigma(): void {
    if (!this.schedule) return;
    const pm = this.ctx.chain.d.poolManager;
    const next = this.scheduledSigma(this.schedule);
    if (next !== pm.poolSigmas(this.name, this.name)) this.ctx.chain.tx('setMiniPoolSigma', () => pm.setMiniPoolSigma(this.name, next));
  }

  /** A sigma-gamer's day: steer now (back to lure after a task, or again after a refusal), and at each switch instant that falls before tomorrow's plan. */
  private planSigma(endOf: (taskId: number) => number): void {
    this.endOf = endOf;
    this.steerSigma();
    const { env } = this.ctx;
    for (const t of this.tasks) {
      const at = endOf(t) - this.schedule!.switchSeconds;
      if (at > env.now && at < env.now + DAY) env.at(at, () => this.steerSigma());
    }
  }

  join(taskId: number): boolean {
    const r = this.ctx.chain.tx('stakeTokensForTrainingNodes', () =>
      this.ctx.chain.d.taskManager.stakeTokensForTrainingNodes(this.name, BigInt(taskId), this.spec.stake),
    );
    if (r.ok) this.tasks.push(taskId);
    return r.ok;
  }

  /** Schedules today's submission for each task the node is in (called at the day's start). */
  planDay(day: number, endOf: (taskId: number) => number): void {
    const { env } = this.ctx;
    if (this.schedule && this.spec.pool !== false) this.planSigma(endOf);
    for (const taskId of this.tasks) {
      const lateStart = this.behaviour === 'copycat' ? 0.5 : 0.08;
      const at = env.now + DAY * (lateStart + this.rng.next() * 0.4);
      if (at >= endOf(taskId)) continue;
      env.at(at, () => this.submit(taskId, day));
    }
  }

  private submit(taskId: number, day: number): void {
    const { backend, workload, env } = this.ctx;
    const profile: NodeProfile = { name: this.name, behaviour: this.behaviour === 'sigma-gamer' ? 'honest' : this.behaviour, skill: this.spec.skill };
    let copyOf: Submission | undefined;
    if (this.behaviour === 'copycat') copyOf = backend.leaderboard.get(taskId);
    const model = workload.train({ node: profile, taskId, day, at: env.now, rng: this.rng, copyOf, sharedQuality: this.sharedModel?.() });
    backend.submit({ ...model, node: this.name, taskId, day, at: env.now });
  }

  /** Claims task-manager rewards and, in V2, what has vested; records the gross amounts. */
  claim(): void {
    claimManagerAndVesting(this.ctx, this);
  }

  /** After a task completes: the full stake comes back. */
  withdraw(taskId: number): void {
    const i = this.tasks.indexOf(taskId);
    if (i < 0) return;
    const r = this.ctx.chain.tx('withdrawStakeTokensForTrainingNodes', () =>
      this.ctx.chain.d.taskManager.withdrawStakeTokensForTrainingNodes(this.name, BigInt(taskId)),
    );
    if (r.ok) this.tasks.splice(i, 1);
  }
}

/** Shared by nodes and validators: TaskManager.claimRewards, then Vesting.claim when something vested. */
export function claimManagerAndVesting(ctx: SimContext, a: AgentBase): void {
  const { chain } = ctx;
  const { taskManager: tm, vesting } = chain.d;
  const owed = chain.read(() => tm.userRewards(a.name, a.name));
  if (owed > 0n && chain.tx('claimRewards', () => tm.claimRewards(a.name)).ok) a.claimedGross += owed;
  if (vesting) {
    const vested = chain.read(() => vesting.claimable(a.name, a.name));
    if (vested > 0n && chain.tx('Vesting.claim', () => vesting.claim(a.name)).ok) a.claimedGross += vested;
  }
}
