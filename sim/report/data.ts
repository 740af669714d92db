/**
 * Every number a report shows (docs/architecture.md#reports), read from a complete run directory:
 * its manifest, its summary and its store. The charts and the words are made from this object
 * alone, and it is written whole as report.json, so a reader can check any figure.
 * Token amounts become FLOCK as floats here: this is analysis, after the exact run.
 */
import { readFileSync } from 'node:fs';
import { FL_ROUNDS_QUERY, flRoundBands, type FlRoundBand } from './fl.js';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Summary } from '../results/kpi.js';
import { gini, nakamoto } from '../results/stats.js';
import { rowsLine, type SampleInfo } from '../results/rowSample.js';
import type { KpiComparison, CellKpis } from '../experiments/compare.js';
import { readStore, type Manifest } from '../experiments/runDir.js';

export interface CellInfo {
  cell: number;
  label: string;
  values: Record<string, unknown>;
  resultsHash?: string;
  summary: Summary;
  kpis?: CellKpis[];
}

/** A value per day, averaged over seeds, with the lowest and highest seed. */
export interface DayBand {
  cell: number;
  day: number;
  series: string;
  mean: number;
  lo: number;
  hi: number;
}

export interface ReportData {
  format: 'flock-lab-report/1';
  kind: Manifest['kind'];
  scenario: string;
  scenarioHash: string;
  description: string;
  protocol: string;
  seeds: number[];
  days: number;
  code: string;
  commit: string;
  dirty: boolean | 'unknown';
  workload: { mode: string; calibration: string | null };
  runStartedAt: string;
  reportDate: string;
  command: string | null;
  /** The command that made this report. */
  reportCommand: string | null;
  question: string | null;
  notes: string | null;
  resultsHash: string;
  cells: CellInfo[];
  comparison: { name: string; method: string; comparisons: KpiComparison[]; notes: string[] } | null;
  sweepKeys: string[];
  /** FLOCK earned per day by each role (series = role). */
  rewardsByDay: DayBand[];
  /** FLOCK: minted, supply, circulating, held by protocol contracts, vesting, backing gmFLOCK (series = column). */
  supplyByDay: DayBand[];
  /** Validator stake concentration per day: series gini (0–1) and nakamoto (validators). */
  concentrationByDay: DayBand[];
  /** Each entity's APR over the run, per seed: the distribution per role and behaviour. */
  apr: { cell: number; seed: number; role: string; behaviour: string; entity: string; apr: number }[];
  /** Reward per entity relative to the role's fair share, per group (1 = fair). */
  fairShare: { cell: number; role: string; behaviour: string; mean: number; ci95: number; seeds: number }[];
  assumptions: string[];
  /** FL Alliance rounds per cell, task and round (sim/report/fl.ts); only for runs with FL tasks. */
  flRounds?: FlRoundBand[];
  /** Only when runs kept a sample of per-agent rows (docs/architecture.md#rows-at-scale): the line that says so. */
  rows?: string;
}

const TOKENS = 1e18;

async function rows(c: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await c.runAndReadAll(sql)).getRows();
}

/** Mean, lowest and highest over the runs of a cell, per (day, series). */
function bands(values: { cell: number; run: number; day: number; series: string; v: number }[]): DayBand[] {
  const acc = new Map<string, { cell: number; day: number; series: string; xs: { run: number; v: number }[] }>();
  for (const x of values) {
    const k = `${x.cell}|${x.series}|${x.day}`;
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { cell: x.cell, day: x.day, series: x.series, xs: [] }));
    a.xs.push({ run: x.run, v: x.v });
  }
  // Summed in run order: DuckDB returns unordered rows in the order the runs were stored, which
  // the pool's threads decide, and a float sum in another order can differ in its last digit.
  const mean = (xs: { run: number; v: number }[]) => [...xs].sort((a, b) => a.run - b.run).reduce((s, y) => s + y.v, 0) / xs.length;
  return [...acc.values()]
    .map((a) => ({ cell: a.cell, day: a.day, series: a.series, mean: mean(a.xs), lo: Math.min(...a.xs.map((x) => x.v)), hi: Math.max(...a.xs.map((x) => x.v)) }))
    .sort((a, b) => a.cell - b.cell || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0) || a.day - b.day);
}

/** The fewest validators holding more than half of the validator stake (0 with no stake). */
export { nakamoto };

/** The ASSUMPTIONS.md ids every report relies on, and those a kind or workload adds. */
function assumptionsFor(kind: string, mode: string): string[] {
  const ids = ['S-earned', 'S-seed-streams', 'S-circulating', 'S-validators', 'S-delegators', 'E-kpis', 'E-partial'];
  if (kind !== 'run') ids.push('E-crn');
  if (kind === 'compare') ids.push('E-bootstrap');
  if (mode === 'real') ids.push('W-backend');
  return ids;
}

const byText = (a: unknown, b: unknown) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

export async function loadReportData(dir: string, manifest: Manifest, extra: { question?: string | null; notes?: string | null; now?: Date; reportCommand?: string } = {}): Promise<ReportData> {
  const summaryJson = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const scenarioJson = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8'));
  const cells: CellInfo[] =
    manifest.kind === 'run'
      ? [{ cell: 0, label: manifest.cells[0]?.label ?? 'base', values: {}, resultsHash: manifest.resultsHash, summary: summaryJson as Summary }]
      : (summaryJson.cells as CellInfo[]).map((c) => ({ cell: c.cell, label: c.label, values: c.values, resultsHash: c.resultsHash, summary: c.summary, kpis: c.kpis }));
  const db = await readStore(dir, join(dir, 'results.duckdb'), (file) => DuckDBInstance.create(file, { access_mode: 'READ_ONLY' }));
  const c = await db.connect();
  try {
    // docs/architecture.md#rows-at-scale: a sampled run's figures come from its sums over every agent, never its sample.
    const sampled = new Map<number, { cell: number; seed: number; s: SampleInfo }>();
    for (const [run, cell, seed, extras] of await rows(c, `SELECT run, cell, seed, extras FROM runs ORDER BY run`)) {
      const s = (JSON.parse(String(extras)) as { sampled?: SampleInfo }).sampled;
      if (s) sampled.set(Number(run), { cell: Number(cell), seed: Number(seed), s });
    }
    const unsampled = sampled.size ? ` WHERE a.run NOT IN (${[...sampled.keys()].join(', ')})` : '';
    const andUnsampled = unsampled.replace(' WHERE', ' AND');
    const rewardSource = sampled.size ? 'role_days' : 'agent_days';
    const reward = await rows(c, `SELECT r.cell, a.run, a.day, a.role, sum(a.reward)::DOUBLE FROM ${rewardSource} a JOIN runs r USING (run) GROUP BY ALL`);
    const rewardsByDay = bands(reward.map(([cell, run, day, role, v]) => ({ cell: Number(cell), run: Number(run), day: Number(day), series: String(role), v: Number(v) / TOKENS })));
    const supplyCols = ['minted', 'supply', 'circulating', 'held_protocol', 'locked_vesting', 'locked_gm'];
    const supply = await rows(c, `SELECT r.cell, d.run, d.day, ${supplyCols.map((k) => `d.${k}::DOUBLE`).join(', ')} FROM days d JOIN runs r USING (run)`);
    const supplyByDay = bands(supply.flatMap(([cell, run, day, ...vs]) => supplyCols.map((k, i) => ({ cell: Number(cell), run: Number(run), day: Number(day), series: k, v: Number(vs[i]) / TOKENS }))));
    const stakes = await rows(c, `SELECT r.cell, a.run, a.day, list(a.stake::DOUBLE ORDER BY a.agent) FROM agent_days a JOIN runs r USING (run) WHERE a.role = 'validator'${andUnsampled} GROUP BY ALL`);
    const concentrationByDay = bands([
      ...stakes.flatMap(([cell, run, day, list]) => {
        const xs = ((list as { items: unknown[] }).items ?? (list as unknown[])).map((x) => Number(x) / TOKENS);
        const base = { cell: Number(cell), run: Number(run), day: Number(day) };
        return [
          { ...base, series: 'gini', v: gini(xs) },
          { ...base, series: 'nakamoto', v: nakamoto(xs) },
        ];
      }),
      ...[...sampled].flatMap(([run, { cell, s }]) =>
        s.concentration.flatMap(([day, g, k]) => [
          { cell, run, day, series: 'gini', v: g },
          { cell, run, day, series: 'nakamoto', v: k },
        ]),
      ),
    ]);
    const days = Number(manifest.days);
    const aprRows = await rows(
      c,
      `SELECT r.cell, r.seed, a.role, a.behaviour, a.entity, sum(a.reward)::DOUBLE, sum(a.stake)::DOUBLE
       FROM agent_days a JOIN runs r USING (run)${unsampled} GROUP BY ALL ORDER BY r.cell, r.seed, a.role, a.behaviour, a.entity`,
    );
    for (const { cell, seed, s } of sampled.values()) for (const [role, behaviour, entity, rew, stakeSum] of s.entities) aprRows.push([cell, seed, role, behaviour, entity, rew * TOKENS, stakeSum * TOKENS]);
    if (sampled.size) aprRows.sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]) || byText(a[2], b[2]) || byText(a[3], b[3]) || byText(a[4], b[4]));
    const apr = aprRows
      .map(([cell, seed, role, behaviour, entity, rew, stakeSum]) => {
        const meanStake = Number(stakeSum) / TOKENS / days;
        return { cell: Number(cell), seed: Number(seed), role: String(role), behaviour: String(behaviour), entity: String(entity), apr: meanStake > 0 ? ((Number(rew) / TOKENS / meanStake) * 365) / days : NaN };
      })
      .filter((x) => Number.isFinite(x.apr));
    const fairShare = cells.flatMap((cell) =>
      cell.summary.groups
        .filter((g) => g.relativeRewardPerEntity.mean !== null && Number.isFinite(g.relativeRewardPerEntity.mean))
        .map((g) => ({ cell: cell.cell, role: g.role, behaviour: g.behaviour, mean: g.relativeRewardPerEntity.mean, ci95: g.relativeRewardPerEntity.ci95, seeds: g.relativeRewardPerEntity.perSeed.length })),
    );
    const hasFl = await rows(c, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'fl_rounds'`);
    const flRounds = Number(hasFl[0][0]) > 0 ? flRoundBands(await rows(c, FL_ROUNDS_QUERY)) : [];
    const cv = manifest.codeVersion;
    const workload = (manifest.workload ?? {}) as { mode?: string; calibration?: { path?: string } | null };
    const cmp = manifest.kind === 'compare' ? summaryJson : null;
    return {
      format: 'flock-lab-report/1',
      kind: manifest.kind,
      scenario: manifest.scenario,
      scenarioHash: manifest.scenarioHash,
      description: String(scenarioJson.description ?? ''),
      protocol: String(manifest.protocol),
      seeds: manifest.seeds,
      days,
      code: manifest.code,
      commit: cv.commit,
      dirty: cv.dirty,
      workload: { mode: String(workload.mode ?? manifest.mode ?? 'surrogate'), calibration: workload.calibration?.path ?? null },
      runStartedAt: String(manifest.startedAt ?? ''),
      reportDate: (extra.now ?? new Date()).toISOString().slice(0, 10),
      command: typeof manifest.command === 'string' ? manifest.command : null,
      reportCommand: extra.reportCommand ?? null,
      question: extra.question ?? (typeof manifest.question === 'string' ? manifest.question : null),
      notes: extra.notes ?? (typeof manifest.notes === 'string' ? manifest.notes : null),
      resultsHash: String(manifest.resultsHash),
      cells,
      comparison: cmp ? { name: String(cmp.name), method: String(cmp.ci?.method ?? 't'), comparisons: cmp.comparisons as KpiComparison[], notes: (cmp.notes ?? []) as string[] } : null,
      sweepKeys: manifest.kind === 'sweep' ? Object.keys(cells[0]?.values ?? {}) : [],
      rewardsByDay,
      supplyByDay,
      concentrationByDay,
      apr,
      fairShare,
      assumptions: assumptionsFor(manifest.kind, String(workload.mode ?? 'surrogate')),
      ...(flRounds.length ? { flRounds } : {}),
      ...(sampled.size ? { rows: `${rowsLine([...sampled.values()].map((x) => x.s))} (agent_days); the KPIs, rewards per day, stake concentration and APRs here are over every agent` } : {}),
    };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
