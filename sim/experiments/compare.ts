/**
 * What `compare` and `sweep` say about their cells (docs/simulation.md#comparing-rule-sets): per KPI,
 * the proposal's paired difference from the baseline with its 95 % interval (and the unpaired one
 * beside it), or each cell's mean with its interval; and where common random numbers cannot pair
 * everything, a note saying so.
 */
import { estimate, type Estimate, type SummaryInput } from '../results/kpi.js';
import { runKpis, type KpiUnit, type KpiValue } from './kpis.js';
import { pairedDifference, unpairedDifference, verdict, type CiMethod, type Interval } from './pairing.js';
import type { Plan } from './plan.js';

export interface KpiComparison {
  key: string;
  label: string;
  unit: KpiUnit;
  baseline: { mean: number; perSeed: number[] };
  proposal: { mean: number; perSeed: number[] };
  difference: Interval & { method: CiMethod };
  /** The Welch interval of the same runs, as if the seeds had not been shared. */
  unpaired: Interval;
  verdict: 'higher' | 'lower' | 'unclear';
}

/** Each KPI of each run, by key, aligned with `runs`. */
function kpiTable(runs: readonly SummaryInput[], days: number): Map<string, { kpi: KpiValue; values: number[] }> {
  const m = new Map<string, { kpi: KpiValue; values: number[] }>();
  runs.forEach((r, i) => {
    for (const k of runKpis(r, days)) {
      let e = m.get(k.key);
      if (!e) m.set(k.key, (e = { kpi: k, values: new Array<number>(runs.length).fill(NaN) }));
      e.values[i] = k.value;
    }
  });
  return m;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Proposal minus baseline, KPI by KPI. Runs pair by position (the same seed); a KPI that is
 * undefined on some seed of either side (a ratio over zero) is left out.
 */
export function compareCells(base: readonly SummaryInput[], prop: readonly SummaryInput[], days: [number, number], method: CiMethod, seed: number): KpiComparison[] {
  const a = kpiTable(base, days[0]);
  const b = kpiTable(prop, days[1]);
  const out: KpiComparison[] = [];
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y || ![...x.values, ...y.values].every(Number.isFinite)) continue;
    const difference = { ...pairedDifference(x.values, y.values, method, seed, key), method };
    out.push({
      key,
      label: x.kpi.label,
      unit: x.kpi.unit,
      baseline: { mean: mean(x.values), perSeed: x.values },
      proposal: { mean: mean(y.values), perSeed: y.values },
      difference,
      unpaired: unpairedDifference(x.values, y.values),
      verdict: verdict(difference),
    });
  }
  return out;
}

/**
 * Whether the proposal changed this KPI on some seed. Sums of shares can differ in the last bit
 * without the proposal changing anything, so a relative 1e-12 is the same value.
 */
export function changedOnSomeSeed(c: KpiComparison): boolean {
  return c.baseline.perSeed.some((x, i) => Math.abs(x - c.proposal.perSeed[i]) > 1e-12 * Math.max(1, Math.abs(x), Math.abs(c.proposal.perSeed[i])));
}

export interface CellKpis {
  key: string;
  label: string;
  unit: KpiUnit;
  estimate: Estimate;
}

/** A sweep cell's KPIs: mean over seeds with the 95 % t half-width. */
export function cellKpis(runs: readonly SummaryInput[], days: number): CellKpis[] {
  return [...kpiTable(runs, days).values()].map(({ kpi, values }) => ({ key: kpi.key, label: kpi.label, unit: kpi.unit, estimate: estimate(values) }));
}

/**
 * What common random numbers do not pair, in words: the agents' own reactions to a changed rule
 * (delegators choosing pools by yield, adaptive σ), and a changed population (other agents).
 */
export function pairingNotes(plan: Plan): string[] {
  const s = plan.base.scenario;
  const keys = plan.cells.flatMap((c) => Object.keys(c.values));
  const notes: string[] = [];
  const reactive: string[] = [];
  if (s.populations.delegators.count > 0) reactive.push(`${s.populations.delegators.count} delegators choose pools by their recent yield`);
  if (s.populations.nodes.sigmaStrategy === 'adaptive') reactive.push('nodes adapt σ to the market');
  const rules = keys.filter((k) => /^(params|offchain|populations\.(delegators|nodes\.sigma))/.test(k));
  if (reactive.length && rules.length)
    notes.push(
      `note: ${rules.join(', ')} can change what agents decide (${reactive.join('; ')}). Common random numbers pair the exogenous draws (agents, skills, arrivals), not the agents' reactions: part of each difference is their response.`,
    );
  const people = keys.filter((k) => /^populations\.[a-z]+\.(count|mix)/.test(k) || k.startsWith('populations.') && !rules.includes(k));
  if (people.length) notes.push(`note: ${people.join(', ')} changes who takes part, so the paired runs have different agents; pairing then removes less noise.`);
  return notes;
}
