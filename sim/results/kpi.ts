/**
 * Headline KPIs of a run set (the lab's headline question: "does honest work pay?"): per role and behaviour, the
 * share of the role's rewards, APR on stake, mean stake and the Gini of rewards, each as a mean
 * over seeds with a 95 % confidence interval; honest versus adversarial share per role.
 *
 * A ratio with nothing to divide by (a share of a role that was paid nothing, e.g. with zero
 * emission) is NaN, printed "n/a" (null in summary.json); an empty group's share is exactly 0,
 * printed "–".
 */
import { gini, mean, sampleStandardDeviation, tDistributionValue } from './stats.js';
import { flKpiLines, flSummaryPart, type FlKpis } from './flKpi.js';
import type { AgentRow, RunOutput } from './recorder.js';
import { TotalsAccumulator, type RunTotals, type TotalsSlot } from './totals.js';

export { gini } from './stats.js';
export type { RunTotals } from './totals.js';

export interface Estimate {
  /** NaN when a seed's value is undefined (a ratio over a zero total): printed "n/a". */
  mean: number;
  /** Half-width of the 95 % confidence interval over seeds (0 with one seed). */
  ci95: number;
  perSeed: number[];
}

export function estimate(xs: number[]): Estimate {
  const m = mean(xs);
  const ci95 = xs.length < 2 ? 0 : (tDistributionValue(xs.length - 1) * sampleStandardDeviation(xs)) / Math.sqrt(xs.length);
  return { mean: m, ci95, perSeed: xs };
}

/** A run as the summary sees it: what it reported besides its rows, and its totals. */
export type RunSummary = Omit<RunOutput, 'agentRows' | 'dayRows' | 'groupRows' | 'totals'> & { totals: RunTotals };

/**
 * A run's KPI totals (totals.ts) from its rows, with the accumulator the recorder feeds as it
 * records: the same additions in the same order, so equal to its in-run totals to the bit when
 * every row is kept (test/rowSample.test.ts). An agent's role, behaviour and entity are checked on
 * every row, not assumed fixed.
 */
export function runTotals(rows: readonly AgentRow[]): RunTotals {
  const acc = new TotalsAccumulator();
  const slots = new Map<string, TotalsSlot>();
  for (const r of rows) {
    const s = acc.slot(r.agent, r.role, r.behaviour, r.entity, slots.get(r.agent));
    slots.set(r.agent, s);
    acc.add(s, r.stake, r.reward);
  }
  return acc.totals();
}

/** A run with its rows (in process) or with its totals already made (a pool thread's). */
export type SummaryInput = RunOutput | RunSummary;

/** The in-run totals when the run carries them (recorder.ts: the only complete ones of a sampled run), else from its rows. */
export const totalsOf = (r: SummaryInput): RunTotals => r.totals ?? runTotals((r as RunOutput).agentRows);

/** The run as the summary sees it: its totals instead of its rows. */
export function runSummary(out: RunOutput): RunSummary {
  const { agentRows, dayRows, groupRows, totals, ...rest } = out;
  return { ...rest, totals: totals ?? runTotals(agentRows) };
}

export interface GroupKpi {
  role: string;
  behaviour: string;
  identities: number;
  entities: number;
  rewardShare: Estimate;
  /** Reward per entity relative to the role's mean reward per entity (1 = fair share). */
  relativeRewardPerEntity: Estimate;
  apr: Estimate;
  meanStake: Estimate;
  gini: Estimate;
}

export interface Summary {
  seeds: number[];
  days: number;
  groups: GroupKpi[];
  honestVsAdversarial: Record<
    string,
    {
      honestShare: Estimate;
      /** Σ of the adversarial groups' shares (exactly 0 with none), not 1 − honest. */
      adversarialShare: Estimate;
      honestPopulationShare: number;
      honestEntities: number;
      adversarialEntities: number;
    }
  >;
  copiesDetected: Record<string, number>;
  meanScoreByBehaviour: Record<string, number>;
  reverts: Record<string, number>;
  /** Reverted calls over all seeds by function label, then by revert reason. */
  revertReasons: Record<string, Record<string, number>>;
  workload: Record<string, unknown>;
  /** One line per adversarial group: how its reward per entity compares with a fair share. */
  findings: string[];
  /** FL Alliance KPIs (sim/results/flKpi.ts); absent when no run had an FL task. */
  fl?: FlKpis;
}

const HONEST = new Set(['honest', 'delegator']);

export function summarize(runs: readonly SummaryInput[], days: number): Summary {
  const perRun = runs.map((r) => {
    const t = totalsOf(r);
    return { groups: new Map(t.groups), roleReward: new Map(t.roleReward) };
  });
  const keys = [...new Set(perRun.flatMap((p) => [...p.groups.keys()]))].sort();
  const groups: GroupKpi[] = keys.map((key) => {
    const [role, behaviour] = key.split('/');
    const share: number[] = [];
    const rel: number[] = [];
    const apr: number[] = [];
    const stake: number[] = [];
    const gin: number[] = [];
    let identities = 0;
    let entities = 0;
    for (const p of perRun) {
      const g = p.groups.get(key);
      const roleTotal = p.roleReward.get(role) ?? 0;
      if (!g) continue;
      identities = g.agents;
      entities = g.entities;
      const rewards = g.reward.map(([, x]) => x);
      const sum = rewards.reduce((a, b) => a + b, 0);
      const roleEntities = [...p.groups.entries()].filter(([k]) => k.startsWith(`${role}/`)).reduce((a, [, x]) => a + x.entities, 0);
      // A role paid nothing (zero emission): its shares are undefined, not 0.
      share.push(roleTotal > 0 ? sum / roleTotal : NaN);
      rel.push(roleTotal > 0 ? sum / entities / (roleTotal / roleEntities) : NaN);
      const meanStake = g.stakeSum / days;
      apr.push(meanStake > 0 ? (sum / meanStake) * (365 / days) : 0);
      stake.push(meanStake / entities);
      gin.push(gini(rewards));
    }
    return { role, behaviour, identities, entities, rewardShare: estimate(share), relativeRewardPerEntity: estimate(rel), apr: estimate(apr), meanStake: estimate(stake), gini: estimate(gin) };
  });
  const honestVsAdversarial: Summary['honestVsAdversarial'] = {};
  for (const role of [...new Set(groups.map((g) => g.role))]) {
    const mine = groups.filter((g) => g.role === role);
    const honestGroups = mine.filter((g) => HONEST.has(g.behaviour));
    const adversarialGroups = mine.filter((g) => !HONEST.has(g.behaviour));
    // Each side is the sum of its own groups' shares, so an empty side is exactly 0 (1 − honest left −4e-16).
    const sideShare = (side: GroupKpi[]) => perRun.map((_, i) => side.reduce((a, g) => a + (g.rewardShare.perSeed[i] ?? 0), 0));
    const ent = mine.reduce((a, g) => a + g.entities, 0);
    const honestEntities = honestGroups.reduce((a, g) => a + g.entities, 0);
    honestVsAdversarial[role] = {
      honestShare: estimate(sideShare(honestGroups)),
      adversarialShare: estimate(sideShare(adversarialGroups)),
      honestPopulationShare: ent ? honestEntities / ent : 0,
      honestEntities,
      adversarialEntities: ent - honestEntities,
    };
  }
  const copiesDetected: Record<string, number> = {};
  const score: Record<string, { sum: number; n: number }> = {};
  const reverts: Record<string, number> = {};
  const revertReasons: Record<string, Record<string, number>> = {};
  for (const r of runs) {
    for (const [b, n] of Object.entries(r.copiesByBehaviour)) copiesDetected[b] = (copiesDetected[b] ?? 0) + n;
    for (const [b, x] of Object.entries(r.scoreByBehaviour)) {
      const acc = (score[b] ??= { sum: 0, n: 0 });
      acc.sum += x.sum;
      acc.n += x.n;
    }
    for (const [k, n] of Object.entries(r.reverts)) reverts[k] = (reverts[k] ?? 0) + n;
    for (const [k, byReason] of Object.entries(r.revertReasons ?? {})) {
      const acc = (revertReasons[k] ??= {});
      for (const [reason, n] of Object.entries(byReason)) acc[reason] = (acc[reason] ?? 0) + n;
    }
  }
  const meanScoreByBehaviour = Object.fromEntries(Object.entries(score).sort().map(([b, x]) => [b, x.n ? x.sum / x.n : NaN]));
  const findings = groups
    .filter((g) => !HONEST.has(g.behaviour))
    .map((g) => {
      const e = g.relativeRewardPerEntity;
      if (!Number.isFinite(e.mean)) return `${g.role} ${g.behaviour}: n/a (no ${g.role} rewards were paid)`;
      const verdict = e.mean - e.ci95 > 1 ? 'pays more than a fair share' : e.mean + e.ci95 < 1 ? 'pays less than a fair share' : 'is not distinguishable from a fair share';
      return `${g.role} ${g.behaviour}: ${e.mean.toFixed(3)}× a fair per-entity reward${e.ci95 ? ` (95% CI ±${e.ci95.toFixed(3)}, ${e.perSeed.length} seeds)` : ''}: ${verdict}`;
    });
  return {
    seeds: runs.map((r) => r.seed),
    days,
    groups,
    honestVsAdversarial,
    copiesDetected,
    meanScoreByBehaviour,
    reverts,
    revertReasons,
    workload: runs[0]?.workload ?? {},
    findings,
    ...flSummaryPart(runs),
  };
}

const NA = 'n/a';
const EMPTY = '–';
/** A share or APR estimate as the tables print it: `61.9% ±4.2`, or n/a. */
export const pct = (e: Estimate) => (Number.isFinite(e.mean) ? `${(e.mean * 100).toFixed(1)}%${e.ci95 ? ` ±${(e.ci95 * 100).toFixed(1)}` : ''}` : NA);
/** A ratio estimate (reward per entity vs fair share): `1.02×`, or n/a. */
export const times = (e: Estimate) => (Number.isFinite(e.mean) ? `${e.mean.toFixed(2)}×` : NA);

/** What the table's columns are computed over (printed under it). */
export const KPI_LEGEND =
  'legend: n = entities (a sybil\'s identities count once); shares and "vs fair" are of the role\'s rewards; APR = reward ÷ mean stake, annualised; ' +
  'mean stake = whole tokens (FLOCK; gmFLOCK on v2) staked in tasks or delegated, per entity, averaged over the days; ' +
  'Gini = of the run\'s total reward per entity within the group; each a mean over seeds';

/** The reverts line: every function that reverted, its count over all seeds and its most frequent reason; null when nothing reverted. */
export function revertsLine(s: Pick<Summary, 'reverts' | 'revertReasons'>): string | null {
  const fns = Object.entries(s.reverts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (!fns.length) return null;
  const parts = fns.map(([fn, n]) => {
    const top = Object.entries(s.revertReasons?.[fn] ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    return top ? `${fn} ${n} (top reason: "${top[0]}" ×${top[1]})` : `${fn} ${n}`;
  });
  return `reverts: ${parts.join('; ')}`;
}

/** The short stdout table of `flock-lab run`. */
export function kpiTable(s: Summary): string {
  const head = ['role', 'behaviour', 'n', 'reward share', 'per-entity vs fair', 'APR', 'mean stake', 'Gini'];
  const rows = s.groups.map((g) => [
    g.role,
    g.behaviour,
    String(g.entities),
    pct(g.rewardShare),
    times(g.relativeRewardPerEntity),
    pct(g.apr),
    g.meanStake.mean.toFixed(0),
    g.gini.mean.toFixed(3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  out.push(KPI_LEGEND);
  const reverted = revertsLine(s);
  if (reverted) out.push(reverted);
  out.push('');
  for (const [role, h] of Object.entries(s.honestVsAdversarial)) {
    // Delegators have no behaviour mix: the line says nothing for them.
    if (s.groups.every((g) => g.role !== role || g.behaviour === 'delegator')) continue;
    const side = (e: Estimate, entities: number) => (entities === 0 ? EMPTY : pct(e));
    out.push(
      `${role}: honest ${side(h.honestShare, h.honestEntities)} of rewards with ${(h.honestPopulationShare * 100).toFixed(0)}% of the ${role}s; adversarial ${side(h.adversarialShare, h.adversarialEntities)}`,
    );
  }
  const scores = Object.entries(s.meanScoreByBehaviour).filter(([, x]) => Number.isFinite(x));
  if (scores.length) out.push(`mean consensus score (BPC, lower is better) by node behaviour: ${scores.map(([b, x]) => `${b} ${x.toFixed(3)}`).join(', ')}`);
  for (const f of s.findings) out.push(f);
  const copies = Object.entries(s.copiesDetected);
  if (copies.length) out.push(`copies detected: ${copies.map(([b, n]) => `${n} by ${b}`).join(', ')}`);
  if (s.fl) out.push('', ...flKpiLines(s.fl));
  return out.join('\n');
}
