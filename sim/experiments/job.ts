/**
 * One unit of an experiment (docs/architecture.md#experiments): one seed of one cell. A job names
 * its scenario by file and overrides, not by value, because a TypeScript scenario may carry code
 * (its settlement edit) that cannot travel between threads or machines; whoever runs the job loads
 * the file itself and must arrive at the same scenario hash, on the same code, or refuse.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, type LoadedScenario, type Override } from '../scenario/load.js';
import { settlementFor, type SettlementEdit } from '../run/settlement.js';
import { runSimulation, type RunOutput } from '../run/simulation.js';
import { faultFromEnv } from '../run/faults.js';
import { createWorkload } from '../workloads/factory.js';
import type { RowOptions } from '../results/rowSample.js';

export interface JobSpec {
  /** The run's index in the experiment (its `run` column): cells in order, then seeds in order. */
  run: number;
  cell: number;
  seed: number;
  /** Absolute path of the scenario file where the coordinator runs. */
  file: string;
  /**
   * The same file relative to the lab's folder, when it lies inside it: a queue worker on another
   * machine, with its own checkout, finds it there when `file` does not exist on that machine.
   */
  fileInRepo?: string;
  /** The overrides of this cell: the command's `--set`s, then the cell's own keys. */
  sets: Override[];
  /** What loading `file` with `sets` must give (sim/scenario/load.ts `hash`). */
  scenarioHash: string;
  /** The code the coordinator runs (`codeId`); a runner on other code refuses the job. */
  code: string;
  /** `--paranoid`: the full invariant rescan every simulated day (docs/architecture.md#incremental-checks); results are the same. */
  paranoid?: boolean;
  /** `--rows`/`--sample` (docs/architecture.md#rows-at-scale); without it every row is kept. */
  rows?: RowOptions;
}

/** A job its runner would not run: other code or another scenario. Never retried. */
export class JobRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobRefused';
  }
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The package version, the commit and whether the working tree had local changes (`git status
 * --porcelain` not empty); outside a git checkout commit and dirty are both 'unknown'.
 */
export function codeVersion(): { package: string; commit: string; dirty: boolean | 'unknown' } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
  let commit = 'unknown';
  let dirty: boolean | 'unknown' = 'unknown';
  try {
    commit = git('rev-parse', 'HEAD').trim();
    dirty = git('status', '--porcelain').trim() !== '';
  } catch {
    /* not a git checkout (or no git) */
  }
  return { package: pkg, commit, dirty };
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();
}

let cachedId: string | undefined;

/**
 * One string that differs whenever the code differs: `<version>@<commit>`, and with local changes
 * `+dirty.<sha256 of git diff HEAD, 12 hex>`, so two machines with the same edits agree and
 * different edits never merge. (Untracked files are not in the diff: commit what a run depends on.)
 */
export function codeId(): string {
  if (cachedId) return cachedId;
  const v = codeVersion();
  let id = `${v.package}@${v.commit}`;
  if (v.dirty === true) {
    let diff = '';
    try {
      diff = git('diff', 'HEAD');
    } catch {
      /* unreadable diff: the id still says dirty */
    }
    id += `+dirty.${createHash('sha256').update(diff).digest('hex').slice(0, 12)}`;
  }
  return (cachedId = id);
}

/** `fileInRepo` for a scenario file: its path inside the lab's folder, or undefined outside it. */
export function repoRelative(file: string): string | undefined {
  const r = relative(ROOT, resolve(file));
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : undefined;
}

/** Where this runner finds the job's scenario file. */
export function jobFile(job: JobSpec): string {
  if (existsSync(job.file)) return job.file;
  if (job.fileInRepo && existsSync(join(ROOT, job.fileInRepo))) return join(ROOT, job.fileInRepo);
  throw new JobRefused(`job for run ${job.run}: scenario file ${job.file} is not on this machine${job.fileInRepo ? `, nor is ${job.fileInRepo} in ${ROOT}` : ''}; put it on a path every worker sees, or inside the lab's folder`);
}

const loaded = new Map<string, Promise<LoadedScenario>>();

function load(job: JobSpec): Promise<LoadedScenario> {
  const file = jobFile(job);
  const key = JSON.stringify([file, job.sets]);
  let p = loaded.get(key);
  if (!p) loaded.set(key, (p = loadScenario(file, job.sets)));
  return p;
}

/** Runs one job where it is called (a pool thread, a queue worker, or in process); `sameCode` when the caller is this checkout. */
export async function executeJob(job: JobSpec, onDay?: (day: number) => void, o: { sameCode?: boolean } = {}): Promise<RunOutput> {
  if (!o.sameCode && job.code !== codeId()) throw new JobRefused(`job for run ${job.run} was made by code ${job.code}; this runner is ${codeId()}. Run the same commit (and the same local changes) everywhere.`);
  const l = await load(job);
  if (l.hash !== job.scenarioHash)
    throw new JobRefused(`job for run ${job.run}: ${job.file} with its overrides gives scenario hash ${l.hash.slice(0, 12)} here, not ${job.scenarioHash.slice(0, 12)}; the scenario file differs between coordinator and runner.`);
  const s = l.scenario;
  const settlement = settlementFor(l.settlement as SettlementEdit | undefined, l.file);
  const workload = await createWorkload(s, job.seed);
  return runSimulation(s, { seed: job.seed, run: job.run, workload, settlement, beforeInvariants: faultFromEnv(), onDay, paranoid: job.paranoid, rows: job.rows });
}
