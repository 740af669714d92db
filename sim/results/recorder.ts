/**
 * What a run records: one row per (run, day, agent) and one per (run, day), and the run's output.
 * The recorder turns each agent's cumulative earnings into the day's reward by difference, so a
 * reward counts once whether it was claimed, is claimable or is still vesting.
 */
import type { AgentBase } from '../agents/context.js';
import type { FlRoundRow, FlRunSummary } from './flRows.js';

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
  /** wei of FLOCK held by the vesting contract: node rewards still vesting (docs/model.md#circulating-supply) */
  lockedVesting: bigint;
  /** wei of FLOCK held by the exchange: the backing of gmFLOCK */
  lockedGm: bigint;
  /** wei of FLOCK held by every protocol contract (task manager, pools, FL tasks, exchange, vesting, the token's unburnt fees) */
  heldProtocol: bigint;
  /** supply − heldProtocol: FLOCK in participants' hands */
  circulating: bigint;
  rewardTokenPerDay: bigint;
  staked: bigint;
  delegated: bigint;
  submissions: number;
  copiesDetected: number;
  invalidSubmissions: number;
}

/** The protocol-wide figures of a day, read by the settlement. */
export type DayFigures = Omit<DayRow, 'run' | 'seed' | 'day'>;

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
  /** The same reverted calls by function label, then by revert reason (not hashed, not pinned). */
  revertReasons: Record<string, Record<string, number>>;
  workload: Record<string, unknown>;
  /** FL Alliance rounds (sim/results/flRows.ts); absent in a run without FL tasks. */
  flRounds?: FlRoundRow[];
  /** The run's FL summary (holdings, per-behaviour totals, watchers); absent without FL tasks. */
  fl?: FlRunSummary;
}

export class Recorder {
  readonly agentRows: AgentRow[] = [];
  readonly dayRows: DayRow[] = [];
  readonly scoreByBehaviour: RunOutput['scoreByBehaviour'] = {};
  readonly copiesByBehaviour: Record<string, number> = {};
  private readonly lastCum = new Map<string, bigint>();

  constructor(
    readonly seed: number,
    readonly run: number,
  ) {}

  score(behaviour: string, value: number): void {
    const acc = (this.scoreByBehaviour[behaviour] ??= { sum: 0, n: 0 });
    acc.sum += value;
    acc.n += 1;
  }

  copy(behaviour: string): void {
    this.copiesByBehaviour[behaviour] = (this.copiesByBehaviour[behaviour] ?? 0) + 1;
  }

  /** The day's rows: every agent (in the order given) and the protocol-wide figures. */
  day(day: number, agents: readonly AgentBase[], figures: DayFigures): void {
    const { run, seed } = this;
    for (const a of agents) {
      const cum = a.claimedGross + a.unclaimed();
      const prev = this.lastCum.get(a.name) ?? 0n;
      this.lastCum.set(a.name, cum);
      this.agentRows.push({ run, seed, day, agent: a.name, role: a.role, behaviour: a.behaviour, entity: a.entity, stake: a.stake(), reward: cum - prev, rewardCum: cum });
    }
    this.dayRows.push({ run, seed, day, ...figures });
  }

  output(reverts: Record<string, number>, workload: Record<string, unknown>, revertReasons: Record<string, Record<string, number>> = {}): RunOutput {
    const { seed, run, agentRows, dayRows, scoreByBehaviour, copiesByBehaviour } = this;
    return { seed, run, agentRows, dayRows, scoreByBehaviour, copiesByBehaviour, reverts, revertReasons, workload };
  }
}
