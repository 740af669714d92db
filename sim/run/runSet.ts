/**
 * `flock-lab run`: every seed of a scenario, then the run directory — results.duckdb, manifest.json
 * (scenario hash, seeds, code version, wall time, resultsHash), summary.json and the resolved
 * scenario. The directory is built under a temporary name and renamed only when complete, so a
 * failed or invalid run leaves nothing behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  /** The settlement every run uses (default: the standard `settlementBlocks`). */
  settlement?: SettlementBlocks;
}

export interface RunSetResult {
  dir: string | null;
  resultsHash: string;
  summary: Summary;
  runs: RunOutput[];
}

export function codeVersion(): { package: string; commit: string } {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return { package: pkg, commit };
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
  const workloads = new Map<number, Workload>();
  for (const [run, seed] of o.seeds.entries()) {
    const w = await createWorkload(s, seed, run);
    if (w) workloads.set(run, w);
  }
  const runs = simulateSeeds(s, o.seeds, o.onProgress, (_seed, run) => workloads.get(run), o.settlement);
  const hash = hashRuns(runs);
  const summary = summarize(runs, s.days);
  if (!o.out) return { dir: null, resultsHash: hash, summary, runs };
  const dir = resolve(o.out);
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
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
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, resultsHash: hash, summary, runs };
}

export function outExists(out: string): boolean {
  return existsSync(resolve(out));
}
