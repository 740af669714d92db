/**
 * The FL Alliance part of a report (docs/fl-alliance.md#kpis): per cell, the rounds of the
 * `fl_rounds` table summed over seeds (share accepted, share poisoned, mean held-out loss, stake
 * slashed) and the per-behaviour reward and slash per unit stake from the summary. Only runs with
 * FL tasks have any; a report of any other run is unchanged.
 */
import type { FlKpis } from '../results/flKpi.js';

export interface FlRoundBand {
  cell: number;
  task: number;
  round: number;
  runs: number;
  accepted: number;
  poisoned: number;
  quality: number;
  slashed: number;
}

type FlTable = { head: string[]; rows: string[][]; align: ('l' | 'r')[] };

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pc = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');
const est = (e: { mean: number; ci95: number }) => (e.mean === null || !Number.isFinite(e.mean) ? 'n/a' : `${e.mean.toFixed(3)}${e.ci95 ? ` ±${e.ci95.toFixed(3)}` : ''}`);

/**
 * The SQL of the report's FL rounds (read only where the store has the table). The float mean is
 * taken in run order, not the order the pool stored the runs in, so the report is byte-reproducible.
 */
export const FL_ROUNDS_QUERY = `SELECT r.cell, f.task, f.round, count(*), avg(f.accepted::INTEGER), avg(f.poisoned::INTEGER), avg(f.quality ORDER BY f.run), sum(f.slashed)::DOUBLE
  FROM fl_rounds f JOIN runs r USING (run) GROUP BY ALL ORDER BY 1, 2, 3`;

export function flRoundBands(rows: unknown[][]): FlRoundBand[] {
  return rows.map(([cell, task, round, runs, acc, poi, q, sl]) => ({
    cell: Number(cell),
    task: Number(task),
    round: Number(round),
    runs: Number(runs),
    accepted: Number(acc),
    poisoned: Number(poi),
    quality: Number(q),
    slashed: Number(sl) / 1e18,
  }));
}

/** The report's FL tables: the rounds, then each cell's behaviours. */
export function flTables(bands: readonly FlRoundBand[], cells: readonly { cell: number; label: string; fl?: FlKpis }[]): FlTable[] {
  if (!bands.length) return [];
  const many = cells.length > 1;
  const rounds: FlTable = {
    head: [...(many ? ['cell'] : []), 'task', 'round', 'accepted', 'poisoned', 'held-out loss after (nats)', 'slashed (FLOCK, all seeds)'],
    rows: bands.map((b) => [...(many ? [String(b.cell)] : []), String(b.task), String(b.round), pc(b.accepted), pc(b.poisoned), f3(b.quality), b.slashed.toFixed(2)]),
    align: [...(many ? ['l' as const] : []), 'l', 'r', 'r', 'r', 'r', 'r'],
  };
  const behaviours: FlTable = {
    head: [...(many ? ['cell'] : []), 'behaviour', 'nodes', 'reward per unit stake', 'slashed per unit stake'],
    rows: cells.flatMap((c) =>
      Object.entries(c.fl?.behaviours ?? {}).map(([b, x]) => [...(many ? [c.label] : []), b, String(x.nodes), est(x.rewardPerStake), est(x.slashedPerStake)]),
    ),
    align: [...(many ? ['l' as const] : []), 'l', 'r', 'r', 'r'],
  };
  return [rounds, behaviours];
}

/** The FL findings of every cell (each behaviour against honest nodes, and the model's improvement). */
export function flFindings(cells: readonly { label: string; fl?: FlKpis }[]): string[] {
  return cells.flatMap((c) => (c.fl?.findings ?? []).map((f) => (cells.length > 1 ? `${c.label}: ${f}` : f)));
}
