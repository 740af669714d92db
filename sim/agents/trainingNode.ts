/**
 * A training node (the AI Arena role that trains and submits models; docs/simulation.md#agents): locks FLOCK into gmFLOCK (V2), stakes in a task, runs a
 * delegation pool with its σ, trains and submits once a day, and claims on a schedule.
 * Behaviours: honest (skill), lazy (submits the base model), copycat (resubmits the best model it
 * can see), sybil (one entity's stake split over several identities, each a separate instance).
 */
import { DAY } from '../engine/calendar.js';
import type { RandomStream } from '../engine/rng.js';
import type { ProcessBody } from '../engine/env.js';
import type { NodeProfile, Submission } from '../workloads/types.js';
import type { AgentBase, SimContext } from './context.js';
import { lockForGm } from './locking.js';

export interface TrainingNodeSpec {
  name: string;
  entity: string;
  behaviour: NodeProfile['behaviour'];
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
  readonly behaviour: NodeProfile['behaviour'];
  claimedGross = 0n;
  readonly tasks: number[] = [];
  private readonly rng: RandomStream;
  /** A sybil entity trains once; its identities submit perturbed copies of that model. */
  sharedModel?: () => number;

  constructor(
    private readonly ctx: SimContext,
    readonly spec: TrainingNodeSpec,
  ) {
    this.name = spec.name;
    this.entity = spec.entity;
    this.behaviour = spec.behaviour;
    this.rng = ctx.rng(`agent:${spec.name}`);
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

  /** Day 0: get the stake token, open a pool with the node's σ, and start claiming (and adapting σ). */
  setup(): void {
    const { env } = this.ctx;
    lockForGm(this.ctx, this.name, this.spec.stake);
    if (this.spec.pool !== false) this.ctx.chain.tx('createMiniPool', () => this.ctx.chain.d.poolManager.createMiniPool(this.name, this.spec.sigma));
    const every = this.spec.claimEveryDays * DAY;
    env.process(this.claiming(every * (0.5 + this.rng.next() * 0.5), every));
    if (this.spec.sigmaStrategy === 'adaptive' && this.spec.pool !== false) {
      const week = 7 * DAY;
      env.process(this.adaptingSigma(week * (0.5 + this.rng.next() * 0.5), week));
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
    for (const taskId of this.tasks) {
      const lateStart = this.behaviour === 'copycat' ? 0.5 : 0.08;
      const at = env.now + DAY * (lateStart + this.rng.next() * 0.4);
      if (at >= endOf(taskId)) continue;
      env.at(at, () => this.submit(taskId, day));
    }
  }

  private submit(taskId: number, day: number): void {
    const { backend, workload, env } = this.ctx;
    const profile: NodeProfile = { name: this.name, behaviour: this.behaviour, skill: this.spec.skill };
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
