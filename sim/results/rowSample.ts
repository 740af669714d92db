/**
 * Rows at scale (docs/architecture.md#rows-at-scale): which per-agent rows a run keeps. At or below
 * the population threshold a run keeps every (day, agent) row, as it always did; above it (or with
 * `--rows sample`) it keeps the rows of a seeded, stratified sample of agents, plus one row per
 * (day, role, behaviour) summing every agent (`group_days`), and the KPIs come from totals the
 * recorder accumulates over every agent (recorder.ts), never from the sample.
 */
import { stream } from '../engine/rng.js';
import { gini, nakamoto } from './stats.js';

export type RowsMode = 'all' | 'sample' | 'auto';
export const ROWS_MODES: readonly RowsMode[] = ['all', 'sample', 'auto'];

/** Agents above which `--rows auto` samples: every shipped scenario is at or below it (issue 13). */
export const ROWS_THRESHOLD = 2_000;
/** Agents whose rows a sampled run keeps, unless `--sample N` says otherwise. */
export const DEFAULT_SAMPLE = 1_000;

export interface RowOptions {
  mode: RowsMode;
  /** Agents whose rows are kept when sampling. */
  sample: number;
  /** Population above which `auto` samples (ROWS_THRESHOLD; lower only in tests). */
  threshold?: number;
}

/** What a library caller (runSet, attacks, tests) gets without options: every row, as before. */
export const KEEP_ALL: RowOptions = { mode: 'all', sample: DEFAULT_SAMPLE };
/** What `run`, `sweep` and `compare` use without `--rows`/`--sample`. */
export const CLI_DEFAULT: RowOptions = { mode: 'auto', sample: DEFAULT_SAMPLE };

/** Whether a run of `population` agents under `o` keeps a sample rather than every row. */
export function samples(o: RowOptions, population: number): boolean {
  return o.mode === 'sample' || (o.mode === 'auto' && population > (o.threshold ?? ROWS_THRESHOLD));
}

/**
 * The sample: its own named stream ('results/sample', keyed like the simulation's by the seed's
 * value, never one the simulation draws from, so sampling moves no result), stratified by role and
 * behaviour. Each non-empty group gets one agent, the rest go in proportion to the groups' sizes
 * (largest remainder, ties by group), and each group's agents are drawn from its names in sorted
 * order, so the sample depends only on the seed and the population, not on agent order or workers.
 */
export function chooseSample(seed: number, agents: readonly { name: string; role: string; behaviour: string }[], n: number): Set<string> {
  if (n >= agents.length) return new Set(agents.map((a) => a.name));
  const byGroup = new Map<string, string[]>();
  for (const a of agents) {
    const k = `${a.role}\u0000${a.behaviour}`;
    let g = byGroup.get(k);
    if (!g) byGroup.set(k, (g = []));
    g.push(a.name);
  }
  const groups = [...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, names]) => names.sort());
  const base = groups.map((): number => (n >= groups.length ? 1 : 0));
  const rest = n - base.reduce((a, b) => a + b, 0);
  const weight = groups.map((g, i) => g.length - base[i]);
  const total = weight.reduce((a, b) => a + b, 0);
  const exact = weight.map((w) => (rest * w) / total);
  const quota = exact.map((x, i) => base[i] + Math.floor(x));
  let left = n - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    if (quota[i] < groups[i].length) {
      quota[i]++;
      left--;
    }
  }
  const rng = stream(seed, 0, 'results/sample');
  const out = new Set<string>();
  groups.forEach((names, i) => {
    const xs = [...names];
    // Partial Fisher–Yates: the first quota[i] places are a uniform draw without replacement.
    for (let j = 0; j < quota[i]; j++) {
      const k = j + rng.int(xs.length - j);
      [xs[j], xs[k]] = [xs[k], xs[j]];
      out.add(xs[j]);
    }
  });
  return out;
}

/** One row per (run, day, role, behaviour) of a sampled run: sums over every agent of the group. */
export interface GroupDayRow {
  run: number;
  seed: number;
  day: number;
  role: string;
  behaviour: string;
  agents: number;
  /** wei */
  stake: bigint;
  /** wei earned that day */
  reward: bigint;
  /** wei earned so far */
  rewardCum: bigint;
}

/** What a sampled run says about its rows, and the figures a report would otherwise read from every row. */
export interface SampleInfo {
  mode: RowsMode;
  sample: number;
  threshold: number;
  /** Agents of the run (on its first day). */
  population: number;
  /** Agents whose rows were kept. */
  kept: number;
  /** Per day: validator stake Gini and Nakamoto coefficient over every validator (sim/report/data.ts concentrationByDay). */
  concentration: Array<[day: number, gini: number, nakamoto: number]>;
  /** Per (role, behaviour, entity): reward and Σ daily stake in tokens over the run, every agent (the report's APR distribution). */
  entities: Array<[role: string, behaviour: string, entity: string, rewardTokens: number, stakeTokens: number]>;
}

const TOKENS = 1e18;

/** The in-run aggregates of a sampled run: fed each agent each day, by the recorder. */
export class GroupAggregates {
  readonly rows: GroupDayRow[] = [];
  readonly concentration: SampleInfo['concentration'] = [];
  private readonly entities = new Map<string, { role: string; behaviour: string; entity: string; reward: bigint; stake: bigint }>();
  private day = new Map<string, GroupDayRow>();
  private validatorStakes: number[] = [];

  constructor(
    readonly run: number,
    readonly seed: number,
  ) {}

  add(day: number, role: string, behaviour: string, entity: string, stake: bigint, reward: bigint, rewardCum: bigint): void {
    const k = `${role}\u0000${behaviour}`;
    let g = this.day.get(k);
    if (!g) this.day.set(k, (g = { run: this.run, seed: this.seed, day, role, behaviour, agents: 0, stake: 0n, reward: 0n, rewardCum: 0n }));
    g.agents++;
    g.stake += stake;
    g.reward += reward;
    g.rewardCum += rewardCum;
    const ek = `${k}\u0000${entity}`;
    let e = this.entities.get(ek);
    if (!e) this.entities.set(ek, (e = { role, behaviour, entity, reward: 0n, stake: 0n }));
    e.reward += reward;
    e.stake += stake;
    if (role === 'validator') this.validatorStakes.push(Number(stake) / TOKENS);
  }

  endDay(day: number): void {
    const groups = [...this.day.values()].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : a.behaviour < b.behaviour ? -1 : a.behaviour > b.behaviour ? 1 : 0));
    this.rows.push(...groups);
    const xs = this.validatorStakes;
    if (xs.length) this.concentration.push([day, gini(xs), nakamoto(xs)]);
    this.day = new Map();
    this.validatorStakes = [];
  }

  entityTotals(): SampleInfo['entities'] {
    return [...this.entities.values()]
      .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : a.behaviour < b.behaviour ? -1 : a.behaviour > b.behaviour ? 1 : a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0))
      .map((e) => [e.role, e.behaviour, e.entity, Number(e.reward) / TOKENS, Number(e.stake) / TOKENS]);
  }
}

/** "per-agent rows: a seeded sample of 1,000 of 64,919 agents …": what a reader of a sampled run's charts must know. */
export function rowsLine(runs: readonly Pick<SampleInfo, 'kept' | 'population'>[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const kept = [...new Set(runs.map((r) => r.kept))];
  const pop = [...new Set(runs.map((r) => r.population))];
  const what = kept.length === 1 && pop.length === 1 ? `${n(kept[0])} of ${n(pop[0])} agents` : `${n(Math.min(...kept))}–${n(Math.max(...kept))} agents of each run's ${n(Math.min(...pop))}–${n(Math.max(...pop))}`;
  return `per-agent rows: a seeded sample of ${what}${runs.length > 1 ? ` in ${runs.length} sampled run(s)` : ''}`;
}
