/**
 * The body of a pool thread (pool.ts): runs one job and answers with its output or its failure
 * as data; each simulated day is posted on the job's port for the progress bar. Asked for a landed
 * run (landed.ts), it answers with that instead of the rows: the columns, KPI totals and hash lines
 * are made here, in parallel, and their buffers are transferred, not copied.
 */
import type { MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { RunOutput } from '../run/simulation.js';
import { runLines, type RunLines } from '../run/runSet.js';
import { executeJob, type JobSpec } from './job.js';
import { toFailure, type Failure } from './failure.js';
import { landedBuffers, landRun, type LandedRun } from './landed.js';

/** The answer to a task without `landed`: the rows, and their hash lines made here. */
export type PoolAnswer = { ok: true; out: RunOutput; lines: RunLines } | { ok: false; failure: Failure };
/** The answer to a task with `landed`. */
export type LandedAnswer = { ok: true; landed: LandedRun } | { ok: false; failure: Failure };

export interface PoolTask {
  job: JobSpec;
  port: MessagePort;
  /** Answer with the landed run rather than the rows. */
  landed?: boolean;
  /**
   * Post the day at most this often (ms), the latest day each time, rather than every day: one
   * message costs a thread about 0.2 ms (measured), a run has a message per simulated day, and a
   * progress bar needs a few a second. The receiver counts the days in between itself.
   */
  dayEveryMs?: number;
}

export default async function runPoolJob({ job, port, landed, dayEveryMs }: PoolTask): Promise<PoolAnswer | LandedAnswer | ReturnType<typeof move>> {
  try {
    // The pool runs this very checkout: the coordinator's code check would only cost a git call.
    let last = 0;
    const onDay = dayEveryMs
      ? (day: number) => {
          const now = Date.now();
          if (now - last < dayEveryMs) return;
          last = now;
          port.postMessage(day);
        }
      : (day: number) => port.postMessage(day);
    const out = await executeJob(job, onDay, { sameCode: true });
    // Hash lines are made here, in parallel, not on the coordinator after the last run.
    if (!landed) return { ok: true, out, lines: runLines(out) };
    const l = landRun(out);
    const answer: LandedAnswer = { ok: true, landed: l };
    return move({ [transferableSymbol]: landedBuffers(l), [valueSymbol]: answer });
  } catch (e) {
    return { ok: false, failure: toFailure(e) };
  } finally {
    port.close();
  }
}
