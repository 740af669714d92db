/**
 * What a run records: one row per (run, day, agent) and one per (run, day), and the run's output.
 * The recorder turns each agent's cumulative earnings into the day's reward by difference, so a
 * reward counts once whether it was claimed, is claimable or is still vesting.
 */
import type { AgentBase } from '../agents/context.js';
import type { FlRoundRow, FlRunSummary } from './flRows.js';
import { TotalsAccumulator, type RunTotals, type TotalsSlot } from './totals.js';
import { chooseSample, GroupAggregates, KEEP_ALL, samples, ROWS_THRESHOLD, type GroupDayRow, type RowOptions, type SampleInfo } from './rowSample.js';

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
  /** The KPI totals over every agent, accumulated as the run recorded (totals.ts); absent from a run read back from an unsampled store. */
  totals?: RunTotals;
  /** Only when the rows are sampled (docs/architecture.md#rows-at-scale): what was kept, and the figures over every agent. */
  sampled?: SampleInfo;
  /** Only when the rows are sampled: one row per (day, role, behaviour), summed over every agent (`group_days`). */
  groupRows?: GroupDayRow[];
}

/** Per agent: its cumulative earnings at the last day, its totals slot, and whether its rows are kept. */
interface AgentState {
  cum: bigint;
  slot: TotalsSlot;
  keep: boolean;
}

export class Recorder {
  readonly agentRows: AgentRow[] = [];
  readonly dayRows: DayRow[] = [];
  readonly scoreByBehaviour: RunOutput['scoreByBehaviour'] = {};
  readonly copiesByBehaviour: Record<string, number> = {};
  private readonly state = new Map<string, AgentState>();
  private readonly totals = new TotalsAccumulator();
  /** Decided on the first day, from the population: null while every row is kept. */
  private sample: { names: Set<string>; population: number; groups: GroupAggregates } | null | undefined;

  constructor(
    readonly seed: number,
    readonly run: number,
    /** Which per-agent rows to keep (docs/architecture.md#rows-at-scale); every row by default. */
    private readonly rowOptions: RowOptions = KEEP_ALL,
  ) {}

  score(behaviour: string, value: number): void {
    const acc = (this.scoreByBehaviour[behaviour] ??= { sum: 0, n: 0 });
    acc.sum += value;
    acc.n += 1;
  }

  copy(behaviour: string): void {
    this.copiesByBehaviour[behaviour] = (this.copiesByBehaviour[behaviour] ?? 0) + 1;
  }

  /**
   * The day's rows: every agent (in the order given), or only the sampled agents' with the day's
   * group sums (docs/architecture.md#rows-at-scale), and the protocol-wide figures. The KPI totals
   * take every agent, in this order, either way.
   */
  day(day: number, agents: readonly AgentBase[], figures: DayFigures): void {
    const { run, seed } = this;
    if (this.sample === undefined) {
      const o = this.rowOptions;
      this.sample = samples(o, agents.length)
        ? { names: chooseSample(seed, agents.map((a) => ({ name: a.name, role: a.role, behaviour: a.behaviour })), o.sample), population: agents.length, groups: new GroupAggregates(run, seed) }
        : null;
    }
    const sample = this.sample;
    for (const a of agents) {
      const cum = a.claimedGross + a.unclaimed();
      const stake = a.stake();
      let st = this.state.get(a.name);
      if (!st) this.state.set(a.name, (st = { cum: 0n, slot: this.totals.slot(a.name, a.role, a.behaviour, a.entity, undefined), keep: !sample || sample.names.has(a.name) }));
      else st.slot = this.totals.slot(a.name, a.role, a.behaviour, a.entity, st.slot);
      const reward = cum - st.cum;
      st.cum = cum;
      this.totals.add(st.slot, stake, reward);
      if (sample) sample.groups.add(day, a.role, a.behaviour, a.entity, stake, reward, cum);
      if (st.keep) this.agentRows.push({ run, seed, day, agent: a.name, role: a.role, behaviour: a.behaviour, entity: a.entity, stake, reward, rewardCum: cum });
    }
    sample?.groups.endDay(day);
    this.dayRows.push({ run, seed, day, ...figures });
  }

  output(reverts: Record<string, number>, workload: Record<string, unknown>, revertReasons: Record<string, Record<string, number>> = {}): RunOutput {
    const { seed, run, agentRows, dayRows, scoreByBehaviour, copiesByBehaviour } = this;
    const out: RunOutput = { seed, run, agentRows, dayRows, scoreByBehaviour, copiesByBehaviour, reverts, revertReasons, workload, totals: this.totals.totals() };
    const s = this.sample;
    if (s) {
      const o = this.rowOptions;
      out.sampled = {
        mode: o.mode,
        sample: o.sample,
        threshold: o.threshold ?? ROWS_THRESHOLD,
        population: s.population,
        kept: s.names.size,
        concentration: s.groups.concentration,
        entities: s.groups.entityTotals(),
      };
      out.groupRows = s.groups.rows;
    }
    return out;
  }
}
