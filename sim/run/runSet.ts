/**
 * `flock-lab run`: every seed of a scenario, then the run directory — results.duckdb, manifest.json
 * (scenario hash, seeds, code version and whether the tree was dirty, wall time, resultsHash),
 * summary.json and the resolved scenario. The directory is reserved as `<out>.partial-<pid>` before
 * simulating (an --out that cannot be created is an OutDirError before any work) and renamed only
 * when complete, so a failed or invalid run leaves nothing behind; `run` removes it on a signal too
 * (sim/cli/outDir.ts) and the next run removes stale ones (removeStalePartials).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { runSimulation, type RunOutput } from './simulation.js';
import { faultFromEnv } from './faults.js';
import { settlementBlocks, type SettlementBlocks } from './settlement.js';
import { createWorkload } from '../workloads/factory.js';
import type { Workload } from '../workloads/types.js';
import type { Scenario } from '../scenario/schema.js';
import { resultsHash } from '../results/hash.js';
import { summarize, type Summary } from '../results/kpi.js';
import { writeResults } from '../results/store.js';
import { canonicalJson } from '../../contracts-mirror/replay/encode.js';

export interface RunSetOptions {
  scenario: Scenario;
  scenarioHash: string;
  seeds: number[];
  out?: string;
  onProgress?: (done: number, total: number) => void;
  /** Called as the run enters each phase: workload setup (per run), the simulation, the store write. */
  onPhase?: (phase: RunPhase) => void;
  /** Called once the partial directory `<out>.partial-<pid>` exists (before any simulating). */
  onReserved?: (partial: string) => void;
  /** The settlement every run uses (default: the standard `settlementBlocks`). */
  settlement?: SettlementBlocks;
}

export type RunPhase = { phase: 'setup'; run: number; runs: number } | { phase: 'simulate' } | { phase: 'write'; file: string };

/** `--out` (or a file to write) cannot be created: bad input, found before any simulating. */
export class OutDirError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'OutDirError';
  }
}

function why(e: unknown, at: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTDIR':
      return `${at} is below a file, not a directory`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied creating ${at}`;
    case 'EROFS':
      return `read-only file system at ${at}`;
    case 'ENOSPC':
      return `no space left creating ${at}`;
    case 'ENOENT':
      return `cannot create ${at} (the file system refuses new entries there)`;
    default:
      return `cannot create ${at}: ${code ?? (e as Error).message}`;
  }
}

/**
 * `mkdir -p` that ends on the first failure: one non-recursive mkdir per missing level, from the
 * nearest existing ancestor down (Node's recursive mkdir can retry forever, e.g. under /proc).
 * Returns the topmost directory it created (undefined if none); throws OutDirError.
 */
export function makeDirs(path: string, label = path): string | undefined {
  const dir = resolve(path);
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way up; the walk finds it and says so.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new OutDirError(label, why(e, at));
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!st.isDirectory()) throw new OutDirError(label, `${at} is a file, not a directory`);
    break;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (missing[0] !== m) removeEmptyDirs(missing[0], m);
      throw new OutDirError(label, why(e, m));
    }
  }
  return missing[0];
}

/** Removes `leaf`'s empty directories up to and including `top` (what makeDirs created). */
function removeEmptyDirs(top: string | undefined, leaf: string): void {
  if (!top) return;
  for (let d = dirname(leaf); ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}

const PARTIAL = /^(.*)\.partial-(\d+)$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the partial run directories (`<name>.partial-<pid>`) next to `out` whose process is gone
 * (a run killed with -9, or a crash); returns the paths it removed.
 */
export function removeStalePartials(out: string): string[] {
  const parent = dirname(resolve(out));
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = PARTIAL.exec(n);
    if (!m || Number(m[2]) === process.pid || alive(Number(m[2]))) continue;
    const p = join(parent, n);
    try {
      if (!statSync(p).isDirectory()) continue;
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch {
      /* not ours to judge: leave it */
    }
  }
  return removed;
}

export function partialDir(out: string): string {
  return `${resolve(out)}.partial-${process.pid}`;
}

export interface RunSetResult {
  dir: string | null;
  resultsHash: string;
  summary: Summary;
  runs: RunOutput[];
}

/**
 * The package version, the commit and whether the working tree had local changes (`git status
 * --porcelain` not empty); outside a git checkout commit and dirty are both 'unknown'.
 */
export function codeVersion(): { package: string; commit: string; dirty: boolean | 'unknown' } {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  let commit = 'unknown';
  let dirty: boolean | 'unknown' = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString().trim() !== '';
  } catch {
    /* not a git checkout (or no git) */
  }
  return { package: pkg, commit, dirty };
}

/** Runs every seed in order (run index = position); results do not depend on which process runs which. */
export function simulateSeeds(
  s: Scenario,
  seeds: number[],
  onProgress?: (done: number, total: number) => void,
  workloadFor?: (seed: number, run: number) => Workload | undefined,
  settlement?: SettlementBlocks,
): RunOutput[] {
  const total = seeds.length * s.days;
  let done = 0;
  const beforeInvariants = faultFromEnv();
  return seeds.map((seed, run) =>
    runSimulation(s, {
      seed,
      run,
      workload: workloadFor?.(seed, run),
      onDay: () => onProgress?.(++done, total),
      beforeInvariants,
      settlement,
    }),
  );
}

export function hashRuns(runs: RunOutput[]): string {
  return resultsHash({ agent_days: runs.flatMap((r) => r.agentRows), days: runs.flatMap((r) => r.dayRows) });
}

export async function runSet(o: RunSetOptions): Promise<RunSetResult> {
  const t0 = Date.now();
  const s = o.scenario;
  // The run directory is reserved first, so an --out that cannot be created ends the run before
  // any simulating; whatever happens later, the partial directory (and the parents made for it) go.
  const dir = o.out ? resolve(o.out) : null;
  const tmp = o.out ? partialDir(o.out) : null;
  let madeParent: string | undefined;
  if (dir && tmp) {
    madeParent = makeDirs(dirname(dir), o.out);
    rmSync(tmp, { recursive: true, force: true });
    try {
      mkdirSync(tmp);
    } catch (e) {
      removeEmptyDirs(madeParent, tmp);
      throw new OutDirError(o.out as string, why(e, dir));
    }
    o.onReserved?.(tmp);
  }
  try {
    const workloads = new Map<number, Workload>();
    for (const [run, seed] of o.seeds.entries()) {
      o.onPhase?.({ phase: 'setup', run, runs: o.seeds.length });
      const w = await createWorkload(s, seed);
      if (w) workloads.set(run, w);
    }
    o.onPhase?.({ phase: 'simulate' });
    const runs = simulateSeeds(s, o.seeds, o.onProgress, (_seed, run) => workloads.get(run), o.settlement);
    const hash = hashRuns(runs);
    const summary = summarize(runs, s.days);
    if (!dir || !tmp) return { dir: null, resultsHash: hash, summary, runs };
    o.onPhase?.({ phase: 'write', file: join(dir, 'results.duckdb') });
    await writeResults(join(tmp, 'results.duckdb'), runs.flatMap((r) => r.agentRows), runs.flatMap((r) => r.dayRows));
    writeFileSync(join(tmp, 'scenario.json'), canonicalJson(s));
    writeFileSync(join(tmp, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    const manifest = {
      format: 'flock-lab-run/1',
      scenario: s.name,
      scenarioHash: o.scenarioHash,
      protocol: s.protocol,
      seeds: o.seeds,
      days: s.days,
      mode: runs[0]?.workload.mode ?? 'surrogate',
      workload: runs[0]?.workload ?? {},
      codeVersion: codeVersion(),
      node: process.version,
      startedAt: new Date(t0).toISOString(),
      wallSeconds: (Date.now() - t0) / 1000,
      resultsHash: hash,
      settlement: (o.settlement ?? settlementBlocks).names(),
      files: ['results.duckdb', 'scenario.json', 'summary.json', 'manifest.json'],
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (existsSync(dir)) throw new OutDirError(o.out as string, `${dir} appeared while this run was simulating (another run with the same --out?); nothing was written`);
    renameSync(tmp, dir);
    return { dir, resultsHash: hash, summary, runs };
  } catch (e) {
    if (tmp) {
      rmSync(tmp, { recursive: true, force: true });
      removeEmptyDirs(madeParent, tmp);
    }
    throw e;
  }
}

export function outExists(out: string): boolean {
  return existsSync(resolve(out));
}
