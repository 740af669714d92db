/**
 * Runs a plan (docs/architecture.md#experiments): every job on an executor, each finished run
 * committed to the store in its own transaction and counted in the manifest, then the summaries,
 * the resultsHash and `"status": "complete"`. With `resume`, the directory's plan must be this
 * one (same code, scenario, cells and seeds); only the runs the store lacks are run, and the result
 * is the same, byte for byte, as an uninterrupted experiment's.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runLineBytes } from '../run/runSet.js';
import { removeEmptyDirs } from '../run/outDirs.js';
import { SimulationError } from '../run/errors.js';
import { ResultsStore } from '../results/store.js';
import { runSummary, summarize, type RunSummary, type Summary } from '../results/kpi.js';
import { RunsHash } from '../results/runHash.js';
import { canonicalJson } from '../../contracts-mirror/replay/encode.js';
import type { Executor } from './executor.js';
import { codeVersion, JobRefused, type JobSpec } from './job.js';
import { ScenarioError } from '../scenario/error.js';
import { JobFailed } from './failure.js';
import { landRun, type LandedRun } from './landed.js';
import { planDifference, rowsRecord, type Plan, type PlannedCell } from './plan.js';
import { createRunDir, MANIFEST, readManifest, RUN_FORMAT, RunDirError, STORE, writeManifest, type Manifest } from './runDir.js';

export interface ExperimentProgress {
  /** Runs stored so far (with a resume: those found first, too). */
  runsDone: number;
  runsTotal: number;
  /** Simulated days so far, of this invocation's runs only. */
  daysDone: number;
  daysTotal: number;
  /** The job whose day this is, when a day ended. */
  job?: JobSpec;
  /** The run that just landed, when one did. */
  landed?: RunSummary;
}

export interface ExperimentOptions {
  plan: Plan;
  executor: Executor;
  /** Run directory: created (must not exist), or with `resume` finished. Without it nothing is written. */
  out?: string;
  resume?: boolean;
  onProgress?: (p: ExperimentProgress) => void;
  /** What summary.json holds (default: the KPI summary of a run, or each cell's). */
  summaryFor?: (cells: CellResult[]) => unknown;
  /** Recorded in the manifest as given: the command line, the question, the notes (a report's words). */
  meta?: Record<string, unknown>;
  /** A line from the executor for the user: live workers, a retried job. */
  onNote?: (line: string) => void;
  /** Once the directory exists (before any run), e.g. to report it on an interrupt. */
  onDirectory?: (dir: string, resumed: number) => void;
}

export interface CellResult {
  cell: PlannedCell;
  /** The cell's runs in seed order, as the summary sees them (their KPI totals, not their rows). */
  runs: RunSummary[];
  summary: Summary;
  resultsHash: string;
}

export interface ExperimentResult {
  dir: string | null;
  resultsHash: string;
  cells: CellResult[];
  /** Runs found in the directory and not run again (resume). */
  resumed: number;
  wallSeconds: number;
}

function manifestOf(plan: Plan, executor: Executor, t0: number, done: number): Manifest {
  const s = plan.base.scenario;
  return {
    format: RUN_FORMAT,
    kind: plan.kind,
    status: 'partial',
    scenario: s.name,
    scenarioHash: plan.base.hash,
    protocol: s.protocol,
    seeds: plan.seeds,
    days: s.days,
    cells: plan.cells.map((c) => ({ cell: c.cell, label: c.label, values: c.values, sets: c.sets.map((x) => x.via), scenarioHash: c.scenarioHash })),
    runs: { done, total: plan.jobs.length },
    mode: s.workload.mode,
    code: plan.code,
    codeVersion: codeVersion(),
    node: process.version,
    executor: executor.name,
    startedAt: new Date(t0).toISOString(),
    settlement: plan.settlement,
    rows: rowsRecord(plan.rows),
    files: [STORE, 'scenario.json', MANIFEST],
  };
}

export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const t0 = Date.now();
  const { plan } = o;
  let dir: string | null = null;
  let madeParent: string | undefined;
  let manifest: Manifest | null = null;
  let store: ResultsStore | null = null;
  const have = new Map<number, RunSummary>();
  // resultsHash per cell, and over every run when there are several cells: fed as runs land.
  const cellHash = plan.cells.map((c) => new RunsHash(plan.jobs.filter((j) => j.cell === c.cell).map((j) => j.run)));
  const allHash = plan.cells.length > 1 ? new RunsHash(plan.jobs.map((j) => j.run)) : null;
  const cellOf = new Map(plan.jobs.map((j) => [j.run, j.cell]));
  const hashRun = (run: number, lines: LandedRun['lines']) => {
    cellHash[cellOf.get(run) as number].add(run, lines);
    allHash?.add(run, lines);
  };
  let resumed = 0;
  let priorWall = 0;
  try {
    await o.executor.prepare?.();
    if (o.out && o.resume) {
      const m = readManifest(o.out);
      const diff = planDifference(plan, m);
      if (diff) throw new RunDirError(o.out, `cannot resume: ${diff}`);
      o.executor.warm?.();
      dir = resolve(o.out);
      // A store that is not DuckDB's (damaged, or another file put there) is bad input, not a crash.
      store = await ResultsStore.open(join(dir, STORE)).catch((e: Error) => {
        throw new RunDirError(o.out as string, `cannot resume: its ${STORE} cannot be opened (${e.message})`);
      });
      for (const run of await store.runIndices()) {
        const out = await store.loadRun(run);
        have.set(run, runSummary(out));
        hashRun(run, runLineBytes(out));
      }
      resumed = have.size;
      manifest = { ...m, status: m.status === 'complete' ? 'complete' : 'partial', runs: { done: have.size, total: plan.jobs.length } };
      priorWall = typeof m.wallSeconds === 'number' ? m.wallSeconds : 0;
      delete manifest.error;
    } else if (o.out) {
      ({ dir, madeParent } = createRunDir(o.out));
      o.executor.warm?.();
      store = await ResultsStore.open(join(dir, STORE));
      await store.writeCells(plan.cells.map((c) => ({ cell: c.cell, label: c.label, scenarioHash: c.scenarioHash, values: c.values })));
      writeFileSync(join(dir, 'scenario.json'), canonicalJson(plan.base.scenario));
      manifest = { ...manifestOf(plan, o.executor, t0, 0), ...o.meta };
      writeManifest(dir, manifest);
    }
    if (dir) o.onDirectory?.(dir, resumed);
    const todo = plan.jobs.filter((j) => !have.has(j.run));
    const daysTotal = todo.reduce((a, j) => a + plan.cells[j.cell].scenario.days, 0);
    let daysDone = 0;
    const seenDays = new Map<number, number>();
    const progress = (extra: Partial<ExperimentProgress>) =>
      o.onProgress?.({ runsDone: have.size, runsTotal: plan.jobs.length, daysDone, daysTotal, ...extra });
    const land = async (l: LandedRun, job: JobSpec) => {
      if (have.has(job.run)) return; // a retried job that had already landed: each run once
      await store?.commit(l.stored, job.cell);
      have.set(job.run, l.summary);
      hashRun(job.run, l.lines);
      daysDone += plan.cells[job.cell].scenario.days - (seenDays.get(job.run) ?? 0);
      // The wall time so far, kept with each run so that a resumed experiment adds to it.
      if (dir && manifest) writeManifest(dir, (manifest = { ...manifest, runs: { done: have.size, total: plan.jobs.length }, wallSeconds: priorWall + (Date.now() - t0) / 1000 }));
      progress({ landed: l.summary });
    };
    try {
      await o.executor.run(todo, {
        onNote: o.onNote,
        onDay: (job) => {
          // A thread's day messages may arrive after its result: a landed run's days are counted already.
          if (have.has(job.run)) return;
          seenDays.set(job.run, (seenDays.get(job.run) ?? 0) + 1);
          daysDone++;
          progress({ job });
        },
        onLanded: land,
        // An executor that hands over rows (one that does not know onLanded): landed here.
        onResult: (out, job) => land(landRun(out), job),
      });
    } catch (e) {
      if (dir && manifest) {
        const cause = e instanceof JobFailed ? e.cause : e;
        // A run that cannot be run (a broken invariant, a refused job) with nothing landed leaves
        // nothing worth keeping; anything else (an interrupt, a lost worker) leaves it to resume.
        const broken = cause instanceof SimulationError || cause instanceof JobRefused || cause instanceof ScenarioError;
        if (broken && have.size === 0 && !o.resume) {
          await store?.close();
          store = null;
          rmSync(dir, { recursive: true, force: true });
          removeEmptyDirs(madeParent, dir);
          dir = null;
        } else {
          const failed = cause instanceof SimulationError;
          writeManifest(dir, { ...manifest, status: failed ? 'failed' : 'partial', ...(failed ? { error: (e as Error).message } : {}) });
        }
      }
      throw e;
    } finally {
      await o.executor.close();
    }
    const cells: CellResult[] = plan.cells.map((cell, i) => {
      const runs = plan.jobs.filter((j) => j.cell === cell.cell).map((j) => have.get(j.run) as RunSummary);
      return { cell, runs, summary: summarize(runs, cell.scenario.days), resultsHash: cellHash[i].digest() };
    });
    const all = plan.jobs.map((j) => have.get(j.run) as RunSummary);
    // One cell holds every run (a `run`): its hash is the experiment's.
    const resultsHash = allHash ? allHash.digest() : cells[0].resultsHash;
    const wallSeconds = (Date.now() - t0) / 1000;
    if (dir && manifest) {
      const summary = o.summaryFor ? o.summaryFor(cells) : plan.kind === 'run' ? cells[0].summary : { cells: cells.map((c) => ({ cell: c.cell.cell, label: c.cell.label, values: c.cell.values, resultsHash: c.resultsHash, summary: c.summary })) };
      writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
      writeManifest(dir, {
        ...manifest,
        status: 'complete',
        workload: all[0]?.workload ?? {},
        wallSeconds: priorWall + wallSeconds,
        // This invocation's peak resident memory, pool threads included (ru_maxrss is in KiB).
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        resultsHash,
        files: [STORE, 'scenario.json', 'summary.json', MANIFEST],
      });
    }
    return { dir, resultsHash, cells, resumed, wallSeconds };
  } finally {
    // Also when the store failed before any run: a warm pool has threads up.
    await o.executor.close();
    await store?.close();
  }
}
