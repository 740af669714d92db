/**
 * A validator (docs/model.md#validator-rewards): stakes in a task, runs a pool with its σ, and works
 * FLock's fed-ledger validation loop (docs/model.md#validator-assignment) — at most one assignment lookup per 3 minutes, evaluate,
 * report. Behaviours: honest, lazy (random scores without evaluating), colluding (favours the
 * models of named nodes, learned over a side channel), noisy (evaluates a small subsample).
 */
import type { RandomStream } from '../engine/rng.js';
import type { ProcessBody } from '../engine/env.js';
import { ASSIGNMENT_INTERVAL, type Assignment } from '../offchain/backend.js';
import type { Submission, ValidatorProfile } from '../workloads/types.js';
import type { AgentBase, SimContext } from './context.js';
import { lockForGm } from './locking.js';
import { claimManagerAndVesting } from './trainingNode.js';
import { DAY } from '../engine/calendar.js';

/**
 * What a validator evaluates: the blind assignment with an empty node. The backend hands every
 * validator of a submission the same assignment object and evaluators only read it, so the copy
 * is made once per assignment, not per evaluation (docs/architecture.md#paper-scale-performance).
 */
const unblindedCopies = new WeakMap<Assignment, Submission>();
function evaluated(a: Assignment): Submission {
  let s = unblindedCopies.get(a);
  if (s === undefined) {
    s = { ...a, node: '' };
    unblindedCopies.set(a, s);
  }
  return s;
}

export interface ValidatorSpec {
  name: string;
  behaviour: ValidatorProfile['behaviour'];
  stake: bigint;
  sigma: bigint;
  claimEveryDays: number;
  /** Whether the validator runs a delegation pool (default true; false for a genesis validator without one). */
  pool?: boolean;
}

export class Validator implements AgentBase {
  readonly role = 'validator' as const;
  readonly name: string;
  readonly entity: string;
  readonly behaviour: ValidatorProfile['behaviour'];
  claimedGross = 0n;
  readonly tasks: number[] = [];
  private readonly rng: RandomStream;
  /** Set by the simulation for colluders: the hashes their friends submitted today. */
  friendHashes: () => ReadonlySet<string> = () => new Set();

  constructor(
    private readonly ctx: SimContext,
    readonly spec: ValidatorSpec,
  ) {
    this.name = spec.name;
    this.entity = spec.name;
    this.behaviour = spec.behaviour;
    this.rng = ctx.rng(`agent:${spec.name}`);
  }

  stake(): bigint {
    const tm = this.ctx.chain.d.taskManager;
    let s = 0n;
    for (const t of this.tasks) s += tm.validatorStakes(this.name, BigInt(t), this.name);
    return s;
  }

  unclaimed(): bigint {
    return this.ctx.chain.d.taskManager.userRewards(this.name, this.name);
  }

  setup(): void {
    lockForGm(this.ctx, this.name, this.spec.stake);
    if (this.spec.pool !== false) this.ctx.chain.tx('createMiniPool', () => this.ctx.chain.d.poolManager.createMiniPool(this.name, this.spec.sigma));
    const every = this.spec.claimEveryDays * DAY;
    this.ctx.env.process(this.claiming(every * (0.5 + this.rng.next() * 0.5), every));
    this.ctx.env.process(this.work());
  }

  /** Claims after a first wait of its own, then every `every` seconds. */
  private *claiming(first: number, every: number): ProcessBody {
    yield first;
    for (;;) {
      claimManagerAndVesting(this.ctx, this);
      yield every;
    }
  }

  join(taskId: number): boolean {
    const r = this.ctx.chain.tx('stakeTokensForValidators', () =>
      this.ctx.chain.d.taskManager.stakeTokensForValidators(this.name, BigInt(taskId), this.spec.stake),
    );
    if (r.ok) this.tasks.push(taskId);
    return r.ok;
  }

  leave(taskId: number): void {
    const i = this.tasks.indexOf(taskId);
    if (i < 0) return;
    const r = this.ctx.chain.tx('withdrawStakeTokensForValidators', () =>
      this.ctx.chain.d.taskManager.withdrawStakeTokensForValidators(this.name, BigInt(taskId)),
    );
    if (r.ok) this.tasks.splice(i, 1);
  }

  /** The assignment loop: a lookup every 3 minutes while there is work, else wait for a submission. */
  private *work(): ProcessBody {
    const { backend, workload, env } = this.ctx;
    const profile: ValidatorProfile = { name: this.name, behaviour: this.behaviour };
    yield this.rng.next() * ASSIGNMENT_INTERVAL;
    for (;;) {
      // The first of its tasks with work (a loop, not `find`: no closure per lookup).
      let taskId: number | undefined;
      for (let i = 0; taskId === undefined && i < this.tasks.length; i++) if (backend.hasWork(this.name, this.tasks[i])) taskId = this.tasks[i];
      if (taskId === undefined) {
        const waitOn = this.tasks[0];
        if (waitOn === undefined) {
          yield 600; // not staked in a task yet (or between tasks): look again in 10 minutes
          continue;
        }
        yield backend.nextArrival(waitOn);
        yield this.rng.next() * 60;
        continue;
      }
      const a = backend.requestAssignment(this.name, taskId);
      if (a) {
        if (this.behaviour !== 'lazy') yield 300 + this.rng.next() * 600;
        const value = workload.evaluate({
          validator: profile,
          submission: evaluated(a),
          evalSet: this.rng.next() < 0.5 ? 'A' : 'B',
          rng: this.rng,
          friendHashes: this.behaviour === 'colluding' ? this.friendHashes() : undefined,
        });
        backend.report({ validator: this.name, submission: a.id, value }, a.taskId);
      }
      yield ASSIGNMENT_INTERVAL;
    }
  }
}
