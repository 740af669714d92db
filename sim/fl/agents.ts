/**
 * FL Alliance participants (docs/fl-alliance.md#behaviours): FL nodes, who stake into one FL task,
 * propose and vote as their behaviour says and claim on their own schedule, and watchers, who call
 * `slash` when the caller's 10 % share beats their cost. They act on the mirror only through the
 * calls a real participant makes; their decisions are floats, their amounts bigint wei.
 */
import type { FLTask } from '../../contracts-mirror/contracts/flTask.js';
import type { RandomStream } from '../engine/rng.js';
import type { FL_BEHAVIOURS } from '../scenario/flGroups.js';
import type { FlTaskConfig } from '../scenario/schema.js';
import type { FlUpdateKind } from '../workloads/flTypes.js';
import type { AgentBase, Role } from '../agents/context.js';

export type FlBehaviour = (typeof FL_BEHAVIOURS)[number];

export class FlNode implements AgentBase {
  readonly role: Role = 'fl-node';
  claimedGross = 0n;
  /** Stake lost to slashes, wei. */
  slashed = 0n;
  /** Stake put in, wei. */
  staked = 0n;
  task: FLTask | null = null;

  constructor(
    readonly name: string,
    readonly behaviour: FlBehaviour,
    readonly rng: RandomStream,
  ) {}

  get entity(): string {
    return this.name;
  }

  stake(): bigint {
    return this.task?.stakeOf(this.name, this.name) ?? 0n;
  }

  /** Owed for finalized rounds, not yet claimed. */
  unclaimed(): bigint {
    const t = this.task;
    if (!t) return 0n;
    let sum = 0n;
    for (let r = 0n; r < t.currentRound(); r++) sum += t.owedReward(this.name, r, this.name);
    return sum;
  }

  /** What it submits as a proposer (ASSUMPTIONS.md FL-behaviours). */
  updateKind(cfg: FlTaskConfig): FlUpdateKind {
    switch (this.behaviour) {
      case 'free-rider':
        return 'free-ride';
      case 'poisoner':
        return cfg.poisonMode;
      case 'colluding':
        return cfg.colludersPropose === 'poison' ? cfg.poisonMode : 'honest';
      default:
        return 'honest';
    }
  }

  /** Whether it evaluates the aggregate before voting (a measured improvement is then given to `vote`). */
  evaluates(partnerProposed: boolean): boolean {
    return this.behaviour === 'honest' || (this.behaviour === 'colluding' && !partnerProposed);
  }

  /**
   * Its vote, ±1 or 0 (docs/fl-alliance.md#votes): honest voters vote the sign of the measured
   * improvement; lazy voters a fair coin; colluding voters accept when a partner proposed and
   * otherwise vote honestly; free-riders and poisoners accept without evaluating.
   */
  vote(improvement: number | null, partnerProposed: boolean): bigint {
    if (this.behaviour === 'lazy-voter') return this.rng.next() < 0.5 ? 1n : -1n;
    if (this.behaviour === 'colluding' && partnerProposed) return 1n;
    if (improvement === null) return 1n;
    return improvement > 0 ? 1n : improvement < 0 ? -1n : 0n;
  }
}

export class Watcher implements AgentBase {
  readonly role: Role = 'fl-watcher';
  // Watchers do no harm: they only call slash where the rules allow it (ASSUMPTIONS.md FL-watchers).
  readonly behaviour = 'honest';
  /** Caller shares collected, wei. */
  claimedGross = 0n;
  calls = 0;

  constructor(
    readonly name: string,
    /** Its cost per slash call in whole FLOCK (`slashCost`, standing for gas). */
    readonly costPerCall: number,
  ) {}

  get entity(): string {
    return this.name;
  }
  stake(): bigint {
    return 0n;
  }
  unclaimed(): bigint {
    return 0n;
  }

  /** Calls `slash` only when the caller's share exceeds its cost per call (ASSUMPTIONS.md FL-watchers). */
  worthIt(callerShare: bigint, cost: bigint): boolean {
    return callerShare > cost;
  }
}
