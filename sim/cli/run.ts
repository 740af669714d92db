/** `flock-lab run <scenario>`: seeds, overrides, a progress bar, the run directory and a KPI table. */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadScenario, ScenarioError, type Override } from '../scenario/load.js';
import { OutDirError, outExists, runSet } from '../run/runSet.js';
import { reportStalePartials, watchPartial } from './outDir.js';
import { ProgressLines, progressIntervalMs } from './progress.js';
import { SimulationError } from '../run/simulation.js';
import { settlementFor, type SettlementEdit } from '../run/settlement.js';
import { mixWarnings } from '../run/population.js';
import { FAULT_ENV, FaultSpecError, faultFromEnv } from '../run/faults.js';
import { kpiTable } from '../results/kpi.js';
import { ScenarioSchema } from '../scenario/schema.js';

interface RunFlags {
  seeds?: string;
  seed?: string;
  days?: string;
  set: string[];
  out?: string;
  progress: boolean;
  progressInterval?: string;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ScenarioError('command line', [{ path: flag, message: `expected a positive integer, got "${v}"` }]);
  return n;
}

export async function runCommand(file: string, f: RunFlags): Promise<number> {
  try {
    if (f.seeds !== undefined && f.seed !== undefined) throw new ScenarioError('command line', [{ path: '--seeds/--seed', message: 'use one of --seeds N and --seed S' }]);
    try {
      faultFromEnv();
    } catch (e) {
      if (e instanceof FaultSpecError) throw new ScenarioError('environment', [{ path: FAULT_ENV, message: e.message }]);
      throw e;
    }
    const sets: (string | Override)[] = [...f.set];
    if (f.days !== undefined) sets.push({ set: `days=${positiveInt('--days', f.days)}`, via: `--days ${f.days}` });
    const { scenario, hash, settlement: edit } = await loadScenario(file, sets);
    const settlement = settlementFor(edit as SettlementEdit | undefined, file);
    for (const w of mixWarnings(scenario)) process.stderr.write(w + '\n');
    let seeds = scenario.seeds;
    if (f.seeds !== undefined) seeds = Array.from({ length: positiveInt('--seeds', f.seeds) }, (_, i) => scenario.seeds[0] + i);
    if (f.seed !== undefined) {
      const s = Number(f.seed);
      if (!Number.isInteger(s) || s < 0) throw new ScenarioError('command line', [{ path: '--seed', message: `expected an integer ≥ 0, got "${f.seed}"` }]);
      seeds = [s];
    }
    const out = f.out ?? `runs/${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    if (outExists(out)) throw new ScenarioError('command line', [{ path: '--out', message: `${out} already exists; choose another directory or remove it` }]);
    const interval = progressIntervalMs(f.progressInterval);
    if (typeof interval === 'string') throw new ScenarioError('command line', [{ path: '--progress-interval', message: interval }]);
    reportStalePartials(out);
    // A terminal gets the bar; a log or CI gets a line every --progress-interval seconds.
    const lines = f.progress && !process.stderr.isTTY ? new ProgressLines(scenario.name, interval) : null;
    const bar = f.progress && !lines
      ? new cliProgress.SingleBar(
          { format: `${scenario.name} |{bar}| {value}/{total} days · seed {seed} · {duration_formatted}`, noTTYOutput: true, notTTYSchedule: 2000, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(seeds.length * scenario.days, 0, { seed: seeds[0] });
    let r: Awaited<ReturnType<typeof runSet>>;
    try {
      r = await runSet({
        scenario,
        scenarioHash: hash,
        seeds,
        out,
        settlement,
        onReserved: watchPartial,
        onPhase: (p) => lines?.phase(p),
        onProgress: (done, total) => {
          const seed = seeds[Math.min(seeds.length - 1, Math.floor((done - 1) / scenario.days))];
          lines?.day(done, total, seed);
          bar?.update(done, { seed });
        },
      });
    } finally {
      // The bar's redraw timer keeps the process alive: stop it on every exit path.
      bar?.stop();
    }
    const cal = (r.summary.workload.calibration as { path?: string } | null | undefined)?.path;
    process.stdout.write(`${scenario.name}: ${seeds.length} seed(s) × ${scenario.days} days, ${r.summary.workload.mode ?? 'surrogate'} workload${cal ? ` (calibration ${cal})` : ''}\n\n`);
    process.stdout.write(kpiTable(r.summary) + '\n\n');
    process.stdout.write(`results: ${r.dir}\nresultsHash: ${r.resultsHash}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof OutDirError) {
      process.stderr.write(`error: --out ${e.message}\n`);
      return 2;
    }
    if (e instanceof SimulationError) {
      process.stderr.write(`\nrun failed: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Simulate a scenario (a .ts file exporting one, or JSON) over its seeds; writes results.duckdb, manifest.json and summary.json to a run directory and prints the KPI table.\nExit 0: done; 1: an invariant or a settlement call failed (the message names the day and the numbers); 2: bad input.')
    .argument('<scenario>', 'scenario file, e.g. scenarios/baseline.ts')
    .option('--seeds <n>', 'run N seeds, starting from the scenario\'s first seed')
    .option('--seed <s>', 'run exactly this seed')
    .option('--days <d>', 'override the number of simulated days')
    .option('--set <key=value>', 'override a scenario field by path, e.g. params.gamma=100000 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <dir>', 'run directory (default runs/<name>-<timestamp>); must not exist')
    .option('--no-progress', 'no progress bar')
    .option('--progress-interval <s>', 'without a terminal: seconds between progress lines (default 5, or FLOCK_LAB_PROGRESS_INTERVAL)')
    .action(async (file: string, f: RunFlags) => {
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
