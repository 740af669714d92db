/**
 * `flock-lab compare <scenario> --proposal key=value …`: the scenario as it is and with the
 * proposal, on the same seeds, and each KPI's paired difference with its 95 % interval.
 */
import type { Command } from 'commander';
import { ScenarioError } from '../scenario/error.js';
import { proposalCells } from '../experiments/grid.js';
import { changedOnSomeSeed, compareCells, pairingNotes, type KpiComparison } from '../experiments/compare.js';
import { formatKpi } from '../experiments/kpis.js';
import type { CiMethod } from '../experiments/pairing.js';
import type { CellResult } from '../experiments/runner.js';
import { executePlan, exitCodeOf, experimentOptions, planFrom, sampledRowsNote, type ExperimentFlags } from './experiment.js';
import { textTable } from './table.js';

interface CompareFlags extends ExperimentFlags {
  proposal: string[];
  name?: string;
  ci: string;
  all?: boolean;
}

const MARK = { higher: '▲', lower: '▼', unclear: '·' } as const;

function interval(unit: KpiComparison['unit'], lo: number, hi: number): string {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'n/a (one seed)';
  return `[${formatKpi(unit, lo, true)}, ${formatKpi(unit, hi, true)}]`;
}

/** The comparison table: every KPI, or with `headline` the ones whose difference is not exactly zero. */
export function comparisonTable(rows: KpiComparison[], method: CiMethod): string {
  const head = ['KPI', 'baseline', 'proposal', `difference [95% CI, ${method === 't' ? 'paired t' : 'paired bootstrap'}]`, '', 'unpaired CI'];
  return textTable(
    head,
    rows.map((c) => [
      `${c.label} (${c.unit === 'FLOCK' ? 'FLOCK' : c.unit === '%' ? '%' : '×'})`,
      formatKpi(c.unit, c.baseline.mean),
      formatKpi(c.unit, c.proposal.mean),
      `${formatKpi(c.unit, c.difference.mean, true)} ${interval(c.unit, c.difference.lo, c.difference.hi)}`,
      MARK[c.verdict],
      interval(c.unit, c.unpaired.lo, c.unpaired.hi),
    ]),
  );
}

export async function compareCommand(file: string, f: CompareFlags): Promise<number> {
  return exitCodeOf(async () => {
    if (f.ci !== 't' && f.ci !== 'bootstrap') throw new ScenarioError('command line', [{ path: '--ci', message: `expected t or bootstrap, got "${f.ci}"` }]);
    const method = f.ci as CiMethod;
    const name = f.name ?? 'proposal';
    if (name === 'baseline' || name.trim() === '') throw new ScenarioError('command line', [{ path: '--name', message: 'name the proposal something other than "baseline"' }]);
    const plan = await planFrom('compare', file, f, proposalCells(f.proposal, name));
    const notes = pairingNotes(plan);
    const seed = plan.seeds[0];
    // Made once, for summary.json and for the table.
    let comparisons: KpiComparison[] | undefined;
    const compare = (cells: CellResult[]) => (comparisons ??= compareCells(cells[0].runs, cells[1].runs, [cells[0].cell.scenario.days, cells[1].cell.scenario.days], method, seed));
    const r = await executePlan(plan, f, (cells) => ({
      kind: 'compare',
      name,
      proposal: plan.cells[1].values,
      seeds: plan.seeds,
      ci: { method, level: 0.95, ...(method === 'bootstrap' ? { draws: 10_000, stream: `${seed}/0/compare/bootstrap/<kpi>` } : {}) },
      notes,
      comparisons: compare(cells),
      cells: cells.map((c) => ({ cell: c.cell.cell, label: c.cell.label, values: c.cell.values, resultsHash: c.resultsHash, summary: c.summary })),
    }));
    if (typeof r === 'number') return r;
    const all = compare(r.cells);
    const shown = f.all ? all : all.filter(changedOnSomeSeed);
    const s = plan.base.scenario;
    const what = Object.entries(plan.cells[1].values).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
    process.stdout.write(`${s.name}: baseline vs ${name} (${what}), ${plan.seeds.length} seed(s) × ${s.days} days on common random numbers\n\n`);
    process.stdout.write(comparisonTable(shown, method) + '\n');
    process.stdout.write(`▲/▼: the proposal is higher/lower and the interval excludes zero; ·: the interval includes zero. Unpaired CI: the same runs treated as independent, what pairing narrowed.\n`);
    if (shown.length < all.length) process.stdout.write(`${all.length - shown.length} KPI(s) identical on every seed are not shown (--all shows them); every KPI is in summary.json\n`);
    for (const n of notes) process.stdout.write(n + '\n');
    process.stdout.write(`\nresults: ${r.dir}\nresultsHash: ${r.resultsHash}\n`);
    process.stdout.write(sampledRowsNote(r));
    return 0;
  });
}

export function registerCompare(program: Command): void {
  experimentOptions(
    program
      .command('compare')
      .description(
        'Run the scenario as it is (baseline) and with a proposal, on the same seeds (common random numbers), and print each KPI\'s paired difference with a 95% CI; summary.json holds them all.\nExample: flock-lab compare scenarios/baseline.ts --proposal params.gamma=200000 --seeds 10 --name gamma-0.2\nExit 0: done; 1: a run failed; 2: bad input (nothing is run).',
      )
      .argument('<scenario>', 'scenario file, e.g. scenarios/baseline.ts')
      .option('--proposal <key=value>', 'the change to compare, as --set takes it (repeatable: all apply together)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--name <name>', 'what to call the proposal in tables and in the store (default "proposal")')
      .option('--ci <method>', 'confidence interval of the paired differences: t (Student t on the per-seed differences) or bootstrap (percentile, 10,000 resamples from a seeded stream)', 't')
      .option('--all', 'also list the KPIs the proposal leaves unchanged on every seed'),
  ).action(async (file: string, f: CompareFlags) => {
    process.exitCode = await compareCommand(file, f);
  });
}
