/** `flock-lab run <scenario>`: every seed of one scenario, on worker threads, into a run directory, and the KPI table. */
import type { Command } from 'commander';
import { kpiTable } from '../results/kpi.js';
import { ScenarioSchema } from '../scenario/schema.js';
import { executePlan, exitCodeOf, experimentOptions, planFrom, sampledRowsNote, type ExperimentFlags } from './experiment.js';

export async function runCommand(file: string, f: ExperimentFlags): Promise<number> {
  return exitCodeOf(async () => {
    const plan = await planFrom('run', file, f, [{ label: 'base', values: {}, sets: [] }]);
    const r = await executePlan(plan, f);
    if (typeof r === 'number') return r;
    const { summary } = r.cells[0];
    const s = plan.base.scenario;
    const cal = (summary.workload.calibration as { path?: string } | null | undefined)?.path;
    // FL tasks choose their own workload (docs/fl-alliance.md): name it beside AI Arena's when there are any.
    const fl = (s.flTasks ?? []).map((t) => (t.workload === 'real' ? `real FedAvg (${t.dataTask})` : 'surrogate'));
    const flPart = fl.length ? `; FL Alliance: ${[...new Set(fl)].join(', ')}` : '';
    process.stdout.write(`${s.name}: ${plan.seeds.length} seed(s) × ${s.days} days, ${summary.workload.mode ?? 'surrogate'} workload${cal ? ` (calibration ${cal})` : ''}${flPart}\n\n`);
    process.stdout.write(kpiTable(summary) + '\n\n');
    process.stdout.write(`results: ${r.dir}\nresultsHash: ${r.resultsHash}\n`);
    process.stdout.write(sampledRowsNote(r));
    return 0;
  });
}

export function registerRun(program: Command): void {
  experimentOptions(
    program
      .command('run')
      .description(
        'Simulate a scenario (a .ts file exporting one, or JSON) over its seeds, on worker threads; writes results.duckdb, manifest.json and summary.json to a run directory and prints the KPI table. Results are byte-identical for any --workers.\nExit 0: done; 1: an invariant or a settlement call failed (the message names the day and the numbers); 2: bad input.',
      )
      .argument('<scenario>', 'scenario file, e.g. scenarios/baseline.ts'),
  ).action(async (file: string, f: ExperimentFlags) => {
    process.exitCode = await runCommand(file, f);
  });
  program
    .command('schema')
    .description('Print the JSON Schema of scenarios.')
    .action(async () => {
      const { scenarioJsonSchema } = await import('../scenario/schema.js');
      process.stdout.write(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
      void ScenarioSchema;
    });
}
