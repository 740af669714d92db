/**
 * A finished run in the form the coordinator takes it (docs/architecture.md#experiments): what the
 * store writes (the agent rows as columns), what the summary needs (the run's KPI totals instead
 * of its rows) and its hash lines as bytes, all made where the run was simulated. A pool thread
 * sends this instead of the rows, its buffers transferred rather than copied, so the coordinator
 * (one thread for all the pool's runs) does no per-row work but the store's own.
 */
import type { RunOutput } from '../run/simulation.js';
import { runLineBytes } from '../run/runSet.js';
import type { RunLineBytes } from '../results/runHash.js';
import { columnBuffers, storedRun, type StoredRun } from '../results/columns.js';
import { runSummary, type RunSummary } from '../results/kpi.js';

export interface LandedRun {
  run: number;
  seed: number;
  stored: StoredRun;
  summary: RunSummary;
  lines: RunLineBytes;
}

export function landRun(out: RunOutput): LandedRun {
  return { run: out.run, seed: out.seed, stored: storedRun(out), summary: runSummary(out), lines: runLineBytes(out) };
}

/** The buffers a landed run can hand over to another thread (each owns its ArrayBuffer). */
export function landedBuffers(l: LandedRun): ArrayBuffer[] {
  return [...columnBuffers(l.stored.agentDays), ...Object.values(l.lines).map((b) => b.buffer as ArrayBuffer)];
}
