/**
 * A set of runs in this process, for the library and the tests: every seed of a scenario in order
 * (run index = position), their resultsHash and their KPI summary. The CLI's experiments (run,
 * sweep, compare, with a run directory, workers and resume) are sim/experiments/.
 */
import { runSimulation, type RunOutput } from './simulation.js';
import { faultFromEnv } from './faults.js';
import type { SettlementBlocks } from './settlement.js';
import { createWorkload } from '../workloads/factory.js';
import type { Workload } from '../workloads/types.js';
import type { Scenario } from '../scenario/schema.js';
import { hashLines, hashOfLines, lineBytes } from '../results/hash.js';
import { summarize, type Summary } from '../results/kpi.js';
import type { RunLineBytes } from '../results/runHash.js';

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

/** The tables a run's hash covers, each as `T`. */
type HashedTables<T> = {
  agent_days: T;
  days: T;
  /** Only for runs with FL rounds (docs/fl-alliance.md#results), so a run without FL tasks hashes as before. */
  fl_rounds?: T;
  /** Only for runs whose rows are sampled (docs/architecture.md#rows-at-scale), so every other run hashes as before. */
  group_days?: T;
};

/** A run's rows as hash lines (sim/results/hash.ts), made where the run was simulated. */
export type RunLines = HashedTables<string[]>;

/** Each hashed table of `r` made by `encode` (lines as text, or their bytes): the one list of them, for both. */
function encodeTables<T>(r: RunOutput, encode: (rows: readonly object[]) => T): HashedTables<T> {
  const out: HashedTables<T> = { agent_days: encode(r.agentRows), days: encode(r.dayRows) };
  if (r.flRounds?.length) out.fl_rounds = encode(r.flRounds);
  if (r.groupRows?.length) out.group_days = encode(r.groupRows);
  return out;
}

export function runLines(r: RunOutput): RunLines {
  return encodeTables(r, hashLines);
}

/** sha256 over the runs' rows: each table (by name) with its lines in run order (sim/results/hash.ts). */
export function hashRuns(runs: RunOutput[], lines?: (r: RunOutput) => RunLines): string {
  const ls = runs.map((r): Partial<Record<string, string[]>> => ({ ...(lines?.(r) ?? runLines(r)) }));
  const names = [...new Set(ls.flatMap((l) => Object.keys(l)))];
  return hashOfLines(Object.fromEntries(names.map((n) => [n, ls.flatMap((l) => l[n] ?? [])])));
}

/** A run's hash lines as UTF-8 bytes, one buffer per table: they cross threads by transfer, not by copy. */
export function runLineBytes(r: RunOutput): RunLineBytes {
  return encodeTables(r, lineBytes);
}

export interface RunSetResult {
  resultsHash: string;
  summary: Summary;
  runs: RunOutput[];
}

/** Every seed of `scenario`, its workloads created first; no files are written. */
export async function runSet(o: { scenario: Scenario; seeds: number[]; settlement?: SettlementBlocks }): Promise<RunSetResult> {
  const workloads = new Map<number, Workload>();
  for (const [run, seed] of o.seeds.entries()) {
    const w = await createWorkload(o.scenario, seed);
    if (w) workloads.set(run, w);
  }
  const runs = simulateSeeds(o.scenario, o.seeds, undefined, (_seed, run) => workloads.get(run), o.settlement);
  return { resultsHash: hashRuns(runs), summary: summarize(runs, o.scenario.days), runs };
}
