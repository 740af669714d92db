/**
 * What `run`, `sweep` and `compare` share (docs/architecture.md#experiments): the flags for seeds,
 * overrides, the run directory, workers, the queue and resume; validating everything into a plan
 * before anything runs; running it with progress; Ctrl-C; and the exit codes (0 done, 1 a run
 * failed, 2 bad input).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ScenarioError, type Override } from '../scenario/load.js';
import { SimulationError } from '../run/errors.js';
import { OutDirError } from '../run/outDirs.js';
import { FAULT_ENV, FaultSpecError, faultFromEnv } from '../run/faults.js';
import { mixWarnings } from '../run/population.js';
import { InProcessExecutor, type Executor } from '../experiments/executor.js';
import { defaultWorkers, PoolExecutor } from '../experiments/pool.js';
import { JobRefused } from '../experiments/job.js';
import { JobFailed } from '../experiments/failure.js';
import { makePlan, setRows, type CellSpec, type Plan } from '../experiments/plan.js';
import { CLI_DEFAULT, DEFAULT_SAMPLE, ROWS_MODES, ROWS_THRESHOLD, rowsLine, type RowOptions, type RowsMode } from '../results/rowSample.js';
import { runExperiment, type ExperimentOptions, type ExperimentResult } from '../experiments/runner.js';
import { RunDirError } from '../experiments/runDir.js';
import { guardMemory, MemoryGuardError, parseSize } from '../run/memoryGuard.js';
import { ExperimentProgressView, progressIntervalMs } from './progress.js';
import { onInterrupt } from './interrupt.js';

export interface ExperimentFlags {
  seeds?: string;
  seed?: string;
  days?: string;
  set: string[];
  out?: string;
  resume?: string;
  workers?: string;
  queue?: string;
  queueName?: string;
  question?: string;
  notes?: string;
  progress: boolean;
  progressInterval?: string;
  paranoid?: boolean;
  maxMemory?: string;
  rows?: string;
  sample?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** Adds the shared flags to a command. */
export function experimentOptions(c: Command): Command {
  return c
    .option('--seeds <n>', "run N seeds, starting from the scenario's first seed")
    .option('--seed <s>', 'run exactly this seed')
    .option('--days <d>', 'override the number of simulated days')
    .option('--set <key=value>', 'override a scenario field by path, e.g. params.gamma=100000 (repeatable; `flock-lab params` lists the keys)', collect, [] as string[])
    .option('--out <dir>', 'run directory (default runs/<name>-<timestamp>); must not exist')
    .option('--resume <dir>', 'finish the partial run directory of an interrupted run of this same command: only its missing runs are run')
    .option('--workers <w>', 'worker threads on this machine (default: one per core; 0 runs in this process)')
    .option('--queue <url>', 'run the jobs on BullMQ workers instead (`flock-lab worker --queue <url>` on any machine), e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', 'with --queue: the BullMQ queue (workers must use the same --queue-name)', 'flock-lab')
    .option('--question <text>', 'the question this experiment answers, in one line (kept in the manifest; `flock-lab report` opens with it)')
    .option('--notes <file>', 'a text file with the opening paragraphs for readers of the report, e.g. a DAO delegate (kept in the manifest)')
    .option('--paranoid', 'check conservation and solvency by a full rescan of every holder and delegator every simulated day (default: from running sums, with the full rescan every 7th day and on the last)')
    .option('--rows <which>', `per-agent rows to keep: all, sample (a seeded sample of --sample agents, plus daily sums per role and behaviour), or auto: all at or below ${ROWS_THRESHOLD.toLocaleString('en-US')} agents, sample above (default auto; KPIs always see every agent)`)
    .option('--sample <n>', `agents whose per-agent rows are kept when sampling (default ${DEFAULT_SAMPLE.toLocaleString('en-US')})`)
    .option('--max-memory <size>', "refuse to start when the estimated peak memory exceeds this, e.g. 1.5GB or 800MB (default: 80 % of this machine's memory)")
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--progress-interval <s>', 'without a terminal: seconds between progress lines (default 5, or FLOCK_LAB_PROGRESS_INTERVAL)');
}

const cmdLine = (path: string, message: string) => new ScenarioError('command line', [{ path, message }]);

function count(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw cmdLine(flag, `expected ${min === 1 ? 'a positive integer' : `an integer ≥ ${min}`}, got "${v}"`);
  return n;
}

/** The plan of an experiment from its flags; every cell is validated here (exit 2 before anything runs). */
export async function planFrom(kind: Plan['kind'], file: string, f: ExperimentFlags, cells: CellSpec[]): Promise<Plan> {
  if (f.seeds !== undefined && f.seed !== undefined) throw cmdLine('--seeds/--seed', 'use one of --seeds N and --seed S');
  if (f.out !== undefined && f.resume !== undefined && f.out !== f.resume) throw cmdLine('--out/--resume', '--resume names the directory to finish; leave out --out');
  if (f.workers !== undefined && f.queue !== undefined) throw cmdLine('--workers/--queue', 'use one: --workers runs here, --queue runs on BullMQ workers');
  try {
    faultFromEnv();
  } catch (e) {
    if (e instanceof FaultSpecError) throw new ScenarioError('environment', [{ path: FAULT_ENV, message: e.message }]);
    throw e;
  }
  const maxBytes = f.maxMemory === undefined ? undefined : (parseSize(f.maxMemory) ?? undefined);
  if (f.maxMemory !== undefined && maxBytes === undefined) throw cmdLine('--max-memory', `expected a size such as 1.5GB, 800MB or 2GiB, got "${f.maxMemory}"`);
  const rows = rowOptions(f);
  const sets: Override[] = f.set.map((s) => ({ set: s, via: `--set ${s}` }));
  if (f.days !== undefined) sets.push({ set: `days=${count('--days', f.days, 1)}`, via: `--days ${f.days}` });
  const seeds = f.seed !== undefined ? [count('--seed', f.seed, 0)] : undefined;
  const seedCount = f.seeds !== undefined ? count('--seeds', f.seeds, 1) : undefined;
  const plan = await makePlan({ kind, file, sets, cells, seeds, seedCount });
  // docs/architecture.md#size-guard: refuse before any directory or job exists.
  const { concurrent, threads } = concurrency(f, plan.jobs.length);
  guardMemory(
    plan.cells.map((c) => c.scenario),
    concurrent,
    { maxBytes, rows, threads },
  );
  if (f.paranoid) for (const j of plan.jobs) j.paranoid = true;
  setRows(plan, rows);
  return plan;
}

/** The line under a command's results when runs kept a sample of per-agent rows (docs/architecture.md#rows-at-scale); '' otherwise. */
export function sampledRowsNote(r: ExperimentResult): string {
  const sampled = r.cells.flatMap((c) => c.runs.flatMap((x) => (x.sampled ? [x.sampled] : [])));
  return sampled.length ? `${rowsLine(sampled)}; the KPIs above are over every agent (--rows all keeps every agent's rows)\n` : '';
}

/** Test knob: the population above which `--rows auto` samples (docs/architecture.md#rows-at-scale). */
export const ROWS_THRESHOLD_ENV = 'FLOCK_LAB_ROWS_THRESHOLD';

/** `--rows` and `--sample` (docs/architecture.md#rows-at-scale); bad values are exit 2 naming the flag. */
export function rowOptions(f: Pick<ExperimentFlags, 'rows' | 'sample'>, env = process.env): RowOptions {
  const mode = (f.rows ?? CLI_DEFAULT.mode) as RowsMode;
  if (!ROWS_MODES.includes(mode)) throw cmdLine('--rows', `expected one of ${ROWS_MODES.join(', ')}, got "${f.rows}"`);
  const sample = f.sample === undefined ? CLI_DEFAULT.sample : count('--sample', f.sample, 1);
  if (f.sample !== undefined && mode === 'all') throw cmdLine('--sample', '--rows all keeps every agent\'s rows: leave out --sample, or use --rows sample or auto');
  const t = env[ROWS_THRESHOLD_ENV];
  if (t === undefined || t === '') return { mode, sample };
  const threshold = Number(t);
  if (!Number.isInteger(threshold) || threshold < 0) throw new ScenarioError('environment', [{ path: ROWS_THRESHOLD_ENV, message: `expected an integer ≥ 0, got "${t}"` }]);
  return { mode, sample, threshold };
}

/** Runs held in memory at once, and the pool's threads (none in-process or on a queue): executorFor's choice. */
function concurrency(f: ExperimentFlags, jobs: number): { concurrent: number; threads: number } {
  if (f.queue !== undefined) return { concurrent: 1, threads: 0 };
  const w = f.workers === undefined ? defaultWorkers() : count('--workers', f.workers, 0);
  const threads = w === 0 ? 0 : Math.min(w, Math.max(1, jobs));
  return { concurrent: Math.max(1, threads), threads };
}

async function executorFor(f: ExperimentFlags, jobs: number): Promise<Executor> {
  // BullMQ and its Redis client load only for --queue: a local run does not pay for them at start-up.
  if (f.queue !== undefined) return new (await import('../experiments/queue.js')).QueueExecutor({ url: f.queue, queueName: f.queueName });
  const { threads } = concurrency(f, jobs);
  return threads === 0 ? new InProcessExecutor() : new PoolExecutor(threads);
}

/**
 * Runs a plan as the CLI does: the run directory, the progress view, Ctrl-C, and the errors as
 * exit codes. Returns the result, or the exit code when it did not complete.
 */
export async function executePlan(plan: Plan, f: ExperimentFlags, summaryFor?: ExperimentOptions['summaryFor']): Promise<ExperimentResult | number> {
  const s = plan.base.scenario;
  for (const w of mixWarnings(s)) process.stderr.write(w + '\n');
  const interval = progressIntervalMs(f.progressInterval);
  if (typeof interval === 'string') throw cmdLine('--progress-interval', interval);
  const meta: Record<string, unknown> = { command: commandLine() };
  if (f.question !== undefined) meta.question = f.question;
  if (f.notes !== undefined) meta.notes = readNotes(f.notes);
  const out = f.resume ?? f.out ?? `runs/${s.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const executor = await executorFor(f, plan.jobs.length);
  const view = new ExperimentProgressView(s.name, (run) => plan.cells[plan.jobs[run].cell].scenario.days, { progress: f.progress, intervalMs: interval });
  let dir: string | null = null;
  let done = 0;
  // The main thread only waits while threads or workers simulate, so a signal is handled at once.
  const interrupt = onInterrupt({
    stop: () => view.stop(),
    message: () => `interrupted: ${done} of ${plan.jobs.length} runs are in ${dir ?? out}; finish them with: ${resumeHint()} --resume ${dir ?? out}`,
    close: () => executor.close(),
  });
  try {
    const r = await runExperiment({
      plan,
      executor,
      out,
      summaryFor,
      meta,
      resume: f.resume !== undefined,
      onDirectory: (d, resumed) => {
        dir = d;
        done = resumed;
        const where = f.queue !== undefined ? `on the queue ${f.queue}` : `on ${executor.name}`;
        view.note(`${plan.jobs.length - resumed} run(s) ${where} → ${d}${resumed ? ` (resuming: ${resumed} of ${plan.jobs.length} runs already there)` : ''}`);
      },
      onNote: (line) => view.note(line),
      onProgress: (p) => {
        done = p.runsDone;
        if (p.landed) view.note(`run ${p.landed.run + 1}/${p.runsTotal} stored in ${dir}/results.duckdb`);
        view.update(p);
      },
    });
    view.stop();
    return r;
  } catch (e) {
    view.stop();
    // Stopping the executor on a signal fails its pending jobs: that is the interrupt, not an error.
    if (interrupt.interrupted) return new Promise<number>(() => {});
    return failure(e, dir);
  } finally {
    interrupt.dispose();
  }
}

/** The command as the user typed it (what a report prints as the way to reproduce it). */
export function commandLine(argv = process.argv): string {
  return `flock-lab ${argv.slice(2).map(shellWord).join(' ')}`;
}

/** An argument as a POSIX shell reads it back: bare when safe, else single-quoted. */
const shellWord = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** `--notes FILE`: its text, or bad input naming the flag. */
export function readNotes(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw cmdLine('--notes', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The command as the user typed it, without --out/--resume: what to run again with --resume. */
export function resumeHint(argv = process.argv): string {
  const kept: string[] = [];
  const rest = argv.slice(2);
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--out' || rest[i] === '--resume') i++;
    else if (!rest[i].startsWith('--out=') && !rest[i].startsWith('--resume=')) kept.push(rest[i]);
  }
  return commandLine([...argv.slice(0, 2), ...kept]);
}

/** An error as the user sees it, and its exit code. */
export function failure(e: unknown, dir: string | null = null): number {
  const cause = e instanceof JobFailed ? e.cause : e;
  if (cause instanceof ScenarioError) {
    process.stderr.write(`error: ${cause.message}\n`);
    return 2;
  }
  if (cause instanceof MemoryGuardError) {
    process.stderr.write(`error: ${cause.message}\n`);
    return 2;
  }
  if (cause instanceof OutDirError) {
    process.stderr.write(`error: --out ${cause.message}\n`);
    return 2;
  }
  if (cause instanceof RunDirError) {
    process.stderr.write(`error: --resume ${cause.message}\n`);
    return 2;
  }
  if (cause instanceof SimulationError || cause instanceof JobRefused) {
    const which = e instanceof JobFailed && (e.job.cell > 0 || e.job.run > 0) ? ` (run ${e.job.run}, seed ${e.job.seed})` : '';
    process.stderr.write(`\nrun failed${which}: ${cause.message}\n`);
    if (dir && existsSync(dir)) process.stderr.write(`the runs that finished are in ${dir} (manifest status "failed")\n`);
    return 1;
  }
  throw cause;
}

/** Runs `body`, mapping the errors of planning to exit codes. */
export async function exitCodeOf(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    return failure(e);
  }
}
