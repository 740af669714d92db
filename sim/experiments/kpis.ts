/**
 * The KPIs an experiment compares (docs/simulation.md#kpis), as one number per run so that runs on the
 * same seed pair up: each role's total reward (FLOCK), and per role and behaviour its reward share,
 * APR and per-entity reward against a fair share; per role with adversaries, the honest share.
 * A value with nothing to divide by is NaN.
 */
import { summarize, totalsOf, type SummaryInput } from '../results/kpi.js';
import { flRunKpis } from '../results/flKpi.js';

export type KpiUnit = 'FLOCK' | '%' | '×' | 'nats';

export interface KpiValue {
  key: string;
  label: string;
  unit: KpiUnit;
  value: number;
}

const HONEST = new Set(['honest', 'delegator']);

/** The KPIs of one run, in a fixed order (roles, then groups as the summary orders them). */
export function runKpis(run: SummaryInput, days: number): KpiValue[] {
  const s = summarize([run], days);
  // The role's rewards summed over its rows in row order: the run's totals hold exactly that sum.
  const roleReward = new Map(totalsOf(run).roleReward);
  const out: KpiValue[] = [];
  const roles = [...new Set(s.groups.map((g) => g.role))];
  for (const role of roles) {
    const total = roleReward.get(role) ?? 0;
    out.push({ key: `${role}.rewards`, label: `${role} rewards`, unit: 'FLOCK', value: total });
    const h = s.honestVsAdversarial[role];
    if (h && h.adversarialEntities > 0) out.push({ key: `${role}.honestShare`, label: `honest ${role} share`, unit: '%', value: h.honestShare.mean });
  }
  for (const g of s.groups) {
    const who = g.behaviour === g.role ? g.role : `${g.behaviour} ${g.role}`;
    out.push({ key: `${g.role}/${g.behaviour}.apr`, label: `${who} APR`, unit: '%', value: g.apr.mean });
    if (g.behaviour !== 'delegator') {
      out.push({ key: `${g.role}/${g.behaviour}.share`, label: `${who} share`, unit: '%', value: g.rewardShare.mean });
      if (!HONEST.has(g.behaviour)) out.push({ key: `${g.role}/${g.behaviour}.vsFair`, label: `${who} vs fair`, unit: '×', value: g.relativeRewardPerEntity.mean });
    }
  }
  // FL Alliance runs only (docs/fl-alliance.md#kpis).
  if (s.fl) out.push(...flRunKpis(s.fl));
  return out;
}

/** The headline KPIs shown in terminal tables: each role's reward and honest APR, and honest shares. */
export function isHeadline(key: string): boolean {
  return key === 'fl.improvement' || key === 'fl.poisonedAccepted' || key.endsWith('.rewards') || key.endsWith('.honestShare') || key === 'node/honest.apr' || key === 'validator/honest.apr' || key === 'delegator/delegator.apr';
}

/** A KPI value as a reader wants it: FLOCK with thousands separators, % with one decimal. */
export function formatKpi(unit: KpiUnit, v: number, signed = false): string {
  if (!Number.isFinite(v)) return 'n/a';
  const sign = signed && v > 0 ? '+' : '';
  if (unit === '%') return `${sign}${(v * 100).toFixed(2)}%`;
  if (unit === 'nats') return `${sign}${v.toFixed(3)}`;
  if (unit === '×') return `${sign}${v.toFixed(3)}×`;
  return sign + v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 });
}

/** A mean over seeds with its 95 % half-width, e.g. `1,054 ±150` or `12.15% ±1.20%`; n/a when undefined. */
export function formatEstimate(unit: KpiUnit, e: { mean: number; ci95: number } | undefined): string {
  if (!e || !Number.isFinite(e.mean)) return 'n/a';
  return `${formatKpi(unit, e.mean)}${e.ci95 ? ` ±${formatKpi(unit, e.ci95)}` : ''}`;
}
