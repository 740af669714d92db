/** `flock-lab sweep <scenario> --grid key=v1,v2,…`: every cell of a parameter grid on the same seeds, one store, a table of cells against KPIs. */
import type { Command } from 'commander';
import { gridCells } from '../experiments/grid.js';
import { cellKpis } from '../experiments/compare.js';
import { formatEstimate, isHeadline } from '../experiments/kpis.js';
import type { CellResult } from '../experiments/runner.js';
import { executePlan, exitCodeOf, experimentOptions, planFrom, sampledRowsNote, type ExperimentFlags } from './experiment.js';
import { textTable } from './table.js';

interface SweepFlags extends ExperimentFlags {
  grid: string[];
}

export async function sweepCommand(file: string, f: SweepFlags): Promise<number> {
  return exitCodeOf(async () => {
    const plan = await planFrom('sweep', file, f, gridCells(f.grid));
    // Each cell's KPIs, made once for summary.json and the table.
    let kpis: ReturnType<typeof cellKpis>[] | undefined;
    const kpisOf = (cells: CellResult[]) => (kpis ??= cells.map((c) => cellKpis(c.runs, c.cell.scenario.days)));
    const r = await executePlan(plan, f, (cells) => ({
      kind: 'sweep',
      seeds: plan.seeds,
      cells: cells.map((c, i) => ({ cell: c.cell.cell, label: c.cell.label, values: c.cell.values, resultsHash: c.resultsHash, kpis: kpisOf(cells)[i], summary: c.summary })),
    }));
    if (typeof r === 'number') return r;
    const perCell = kpisOf(r.cells);
    const keys = perCell[0].filter((k) => isHeadline(k.key));
    const head = ['cell', ...Object.keys(plan.cells[0].values), ...keys.map((k) => `${k.label} (${k.unit})`)];
    const rows = r.cells.map((c, i) => [
      String(c.cell.cell),
      ...Object.values(c.cell.values).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      ...keys.map((k) => formatEstimate(k.unit, perCell[i].find((x) => x.key === k.key)?.estimate)),
    ]);
    const s = plan.base.scenario;
    process.stdout.write(`${s.name}: sweep of ${plan.cells.length} cells × ${plan.seeds.length} seed(s) × ${s.days} days (the same seeds in every cell)\n\n`);
    process.stdout.write(textTable(head, rows, 1 + Object.keys(plan.cells[0].values).length) + '\n');
    process.stdout.write(`each: mean over seeds ± the 95% t half-width; every KPI of every cell is in summary.json\n\n`);
    process.stdout.write(`results: ${r.dir}\nresultsHash: ${r.resultsHash}\n`);
    process.stdout.write(sampledRowsNote(r));
    return 0;
  });
}

export function registerSweep(program: Command): void {
  experimentOptions(
    program
      .command('sweep')
      .description(
        'Run every cell of a parameter grid (the Cartesian product of the --grid flags) on the same seeds; one results.duckdb holds every run, with runs(run, cell, seed) and cells(cell, key, value); summary.json holds each cell\'s KPIs with 95% CIs.\nExample: flock-lab sweep scenarios/baseline.ts --grid params.gamma=100000,200000 --seeds 5\nExit 0: done; 1: a run failed; 2: bad input (nothing is run).',
      )
      .argument('<scenario>', 'scenario file, e.g. scenarios/baseline.ts')
      .option('--grid <key=v1,v2,…>', 'a parameter and its values (repeatable: the grid is the product); keys as --set takes them', (v: string, acc: string[]) => [...acc, v], [] as string[]),
  ).action(async (file: string, f: SweepFlags) => {
    process.exitCode = await sweepCommand(file, f);
  });
}
