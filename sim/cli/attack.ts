/**
 * `flock-lab attack <scenario> --family F`: search a coalition's strategy space for the strategy
 * that pays it most against the same stake played honestly on the same seeds, re-evaluate the best
 * on fresh seeds, and find the minimum profitable coalition share (docs/attacks.md).
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ScenarioError, type Override } from '../scenario/load.js';
import { loadScenario } from '../scenario/load.js';
import { InProcessExecutor } from '../experiments/executor.js';
import { defaultWorkers } from '../experiments/pool.js';
import { PerBatch, StudyThreads } from '../attacks/threads.js';
import { QueueExecutor } from '../experiments/queue.js';
import type { Executor } from '../experiments/executor.js';
import { FAMILIES, FAMILY_NAMES, SHARE_GRID } from '../attacks/families.js';
import { plannedEvaluations, type AttackPlan, type AttackProgress, type FamilyResult } from '../attacks/attack.js';
import { runStudy } from '../attacks/study.js';
import { commandLine, exitCodeOf, readNotes, resumeHint } from './experiment.js';
import { onInterrupt } from './interrupt.js';
import { progressIntervalMs } from './progress.js';
import { textTable } from './table.js';

interface AttackFlags {
  family?: string;
  budget: string;
  gridBudget?: string;
  seeds: string;
  freshSeeds: string;
  share: string;
  days?: string;
  set: string[];
  workers?: string;
  queue?: string;
  queueName?: string;
  out?: string;
  resume?: string;
  question?: string;
  notes?: string;
  progress: boolean;
  progressInterval?: string;
}

const bad = (path: string, message: string) => new ScenarioError('command line', [{ path, message }]);

function int(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || v.trim() === '') throw bad(flag, `expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

/** A gain (fraction per year) as signed APR points. */
export const points = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}` : 'n/a');
export const interval = (i: { lo: number; hi: number }) => (Number.isFinite(i.lo) ? `[${points(i.lo)}, ${points(i.hi)}]` : '(n/a)');
const pct = (x: number | null) => (x === null ? 'none of the grid' : `${Math.round(x * 100)} %`);

function familyReport(r: FamilyResult, scenarioFile: string | null): string {
  const lines = [`\n== ${r.family}: ${r.summary}`];
  if (!r.best) lines.push('no strategy was evaluated');
  else {
    lines.push(`best strategy at ${Math.round(r.share * 100)} % coalition share: ${r.best.words}`);
    lines.push(`  paired gain on the search seeds: ${points(r.best.searchGain.mean)} APR points ${interval(r.best.searchGain)}`);
    lines.push(`  paired gain on ${r.best.freshGain.n} fresh seeds:  ${points(r.best.freshGain.mean)} APR points ${interval(r.best.freshGain)} (95 % CI)${r.best.profitable ? ' ▲ profitable' : ''}`);
    lines.push(`  realised coalition stake share: ${(r.best.stakeShare * 100).toFixed(1)} %${scenarioFile ? `; runnable scenario: ${scenarioFile}` : ''}`);
  }
  lines.push(
    textTable(
      ['coalition share', 'stake share', 'best strategy (re-optimised)', 'fresh-seed gain [95% CI]', ''],
      r.grid.map((g) => [
        `${Math.round(g.share * 100)} %`,
        g.stakeShare !== undefined ? `${(g.stakeShare * 100).toFixed(1)} %` : 'n/a',
        !g.coalition ? 'rounds to no agent' : g.point ? Object.entries(g.point).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`).join(' ') || '(fixed)' : 'n/a',
        g.freshGain ? `${points(g.freshGain.mean)} ${interval(g.freshGain)}` : 'n/a',
        g.profitable ? '▲' : '·',
      ]),
    ),
  );
  lines.push(`minimum profitable coalition share: ${pct(r.minProfitableShare)} (smallest grid share whose fresh-seed CI lies above zero; no interpolation)`);
  const t = r.trace;
  const at = [0, Math.floor(t.length / 4), Math.floor(t.length / 2), Math.floor((3 * t.length) / 4), t.length - 1].filter((v, i, a) => t.length > 0 && a.indexOf(v) === i);
  if (t.length) lines.push(`convergence (best gain after evaluation n): ${at.map((i) => `${i + 1}: ${points(t[i])}`).join(' · ')}`);
  return lines.join('\n');
}

class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private last = -Infinity;
  private readonly t0 = Date.now();
  constructor(
    private readonly total: number,
    private readonly on: boolean,
    private readonly intervalMs: number,
  ) {
    if (on && process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar({ format: 'attack |{bar}| {value}/{total} evaluations · {what} · ETA {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
      this.bar.start(total, 0, { what: 'starting' });
    }
  }
  update(p: AttackProgress): void {
    const what = `${p.family} ${p.phase} @ ${Math.round(p.share * 100)} %${p.best !== undefined ? ` · batch best ${points(p.best)}` : ''}`;
    if (this.bar) return void this.bar.update(p.done, { what });
    if (!this.on || Date.now() - this.last < this.intervalMs) return;
    this.last = Date.now();
    process.stderr.write(`attack: ${p.done}/${this.total} evaluations · ${what} · ${((Date.now() - this.t0) / 1000).toFixed(1)} s\n`);
  }
  stop(): void {
    this.bar?.stop();
  }
}

export async function attackCommand(file: string, f: AttackFlags): Promise<number> {
  return exitCodeOf(async () => {
    if (f.family === undefined) throw bad('--family', `give one of ${[...FAMILY_NAMES, 'all'].join(', ')}`);
    const names = f.family === 'all' ? FAMILY_NAMES : f.family.split(',');
    for (const n of names) if (!FAMILIES[n]) throw bad('--family', `unknown family "${n}"; expected ${[...FAMILY_NAMES, 'all'].join(', ')}`);
    const budget = int('--budget', f.budget, 1);
    const gridBudget = f.gridBudget !== undefined ? int('--grid-budget', f.gridBudget, 1) : Math.max(4, Math.round(budget / 3));
    const seedCount = int('--seeds', f.seeds, 2);
    const freshCount = int('--fresh-seeds', f.freshSeeds, 2);
    const share = Number(f.share);
    if (!(share > 0 && share <= 0.5)) throw bad('--share', `expected a coalition share in (0, 0.5], got "${f.share}"`);
    if (f.out !== undefined && f.resume !== undefined && f.out !== f.resume) throw bad('--out/--resume', '--resume names the directory to finish; leave out --out');
    if (f.workers !== undefined && f.queue !== undefined) throw bad('--workers/--queue', 'use one: --workers runs here, --queue runs on BullMQ workers');
    const workers = f.workers === undefined ? defaultWorkers() : int('--workers', f.workers, 0);
    const interval = progressIntervalMs(f.progressInterval);
    if (typeof interval === 'string') throw bad('--progress-interval', interval);
    const sets: Override[] = f.set.map((s) => ({ set: s, via: `--set ${s}` }));
    if (f.days !== undefined) sets.push({ set: `days=${int('--days', f.days, 1)}`, via: `--days ${f.days}` });
    const base = await loadScenario(file, sets);
    const first = base.scenario.seeds[0];
    // Fresh seeds follow the search seeds: never seen by the search (docs/attacks.md#fresh-seeds).
    const seeds = Array.from({ length: seedCount }, (_, i) => first + i);
    const freshSeeds = Array.from({ length: freshCount }, (_, i) => first + seedCount + i);
    const plan: AttackPlan = { families: names.map((n) => FAMILIES[n]), share, budget, gridBudget, grid: SHARE_GRID, seeds, freshSeeds };
    const meta: Record<string, unknown> = { command: commandLine() };
    if (f.question !== undefined) meta.question = f.question;
    if (f.notes !== undefined) meta.notes = readNotes(f.notes);
    const out = f.resume ?? f.out ?? `runs/${base.scenario.name}-attack-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const total = plan.families.reduce((a, fam) => a + plannedEvaluations(fam, plan), 0);
    // A queue's connections belong to one batch; threads stay up for the whole study.
    const queueUrl = f.queue;
    const executor: Executor =
      queueUrl !== undefined ? new PerBatch(() => new QueueExecutor({ url: queueUrl, queueName: f.queueName })) : workers === 0 ? new InProcessExecutor() : new StudyThreads(workers);
    await executor.prepare?.();
    const view = new Progress(total, f.progress, interval);
    let dir: string | null = null;
    const interrupt = onInterrupt({ stop: () => view.stop(), message: () => `interrupted: the evaluations so far are in ${dir ?? out}; finish with: ${resumeHint()} --resume ${dir ?? out}` });
    try {
      const r = await runStudy({
        file,
        sets,
        plan,
        executor,
        executorName: executor.name,
        out,
        resume: f.resume !== undefined,
        meta,
        onProgress: (p) => view.update(p),
        onDirectory: (d, stored) => {
          dir = d;
          process.stderr.write(`${total} evaluation(s) of ${seedCount} paired seed(s) → ${d}${stored ? ` (resuming: ${stored} stored)` : ''}\n`);
        },
      });
      view.stop();
      const s = base.scenario;
      process.stdout.write(`${s.name}: attack search, ${budget} evaluations per family (grid: ${gridBudget} per share), ${seedCount} search seeds, ${freshCount} fresh seeds, ${s.days} days\n`);
      process.stdout.write('gain: the coalition’s annualised reward per unit stake minus the same stake played honestly on the same seeds, in APR points\n');
      for (const fam of r.summary.families) process.stdout.write(familyReport(fam, fam.scenarioFile) + '\n');
      process.stdout.write(`\nresults: ${r.dir}\n`);
      return 0;
    } finally {
      view.stop();
      interrupt.dispose();
    }
  });
}

export function registerAttack(program: Command): void {
  program
    .command('attack')
    .description(
      [
        'Search for the strategy that pays a coalition most, against the same stake played honestly on the same seeds (docs/attacks.md).',
        `Families: ${FAMILY_NAMES.map((n) => `${n} (${FAMILIES[n].summary})`).join('; ')}; all runs every family.`,
        'Each evaluation is one paired comparison on --seeds seeds; the best strategy is re-evaluated on --fresh-seeds other seeds (its 95 % CI is the number to quote);',
        `the minimum profitable coalition share is the smallest of ${SHARE_GRID.map((x) => `${x * 100}`).join(', ')} % whose fresh-seed CI lies above zero, re-optimising at each.`,
        'Writes a run directory: attack.duckdb (table attack_evals), summary.json, manifest.json, best-<family>.scenario.json.',
        'Example: flock-lab attack scenarios/baseline.ts --family collusion --budget 24 --seeds 4 --workers 2',
        'Exit 0: done; 1: a run failed; 2: bad input (nothing is run).',
      ].join('\n'),
    )
    .argument('<scenario>', 'scenario file, e.g. scenarios/baseline.ts')
    .option('--family <f>', `strategy family: ${[...FAMILY_NAMES, 'all'].join(', ')} (or a comma-separated list)`)
    .option('--budget <n>', 'strategy evaluations of the main search, per family', '24')
    .option('--grid-budget <n>', 'evaluations of the search at each grid share (default: max(4, budget/3))')
    .option('--seeds <s>', "paired seeds per evaluation, from the scenario's first seed", '4')
    .option('--fresh-seeds <n>', 'seeds of the re-evaluation of each best strategy, after the search seeds', '8')
    .option('--share <x>', 'coalition share of the main search: the fraction of each attacked role the coalition holds', '0.3')
    .option('--days <d>', 'override the number of simulated days')
    .option('--set <key=value>', 'override a scenario field by path (repeatable), as run takes it', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--workers <w>', 'worker threads (default: one per core; 0 runs in this process); the result is the same for any count')
    .option('--queue <url>', 'run the evaluations on BullMQ workers instead (`flock-lab worker --queue <url>` on any machine), e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', 'with --queue: the BullMQ queue (workers must use the same --queue-name)', 'flock-lab')
    .option('--out <dir>', 'run directory (default runs/<name>-attack-<timestamp>); must not exist')
    .option('--resume <dir>', 'finish the directory of an interrupted run of this same command')
    .option('--question <text>', 'the question the study answers (kept in the manifest; `flock-lab report` opens with it)')
    .option('--notes <file>', 'opening paragraphs for readers of the report (kept in the manifest)')
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--progress-interval <s>', 'without a terminal: seconds between progress lines (default 5)')
    .action(async (file: string, f: AttackFlags) => {
      process.exitCode = await attackCommand(file, f);
    });
}
