/**
 * The body of a pool thread (pool.ts): runs one job and answers with its output or its failure
 * as data; each simulated day is posted on the job's port for the progress bar.
 */
import type { MessagePort } from 'node:worker_threads';
import type { RunOutput } from '../run/simulation.js';
import { runLines, type RunLines } from '../run/runSet.js';
import { executeJob, type JobSpec } from './job.js';
import { toFailure, type Failure } from './failure.js';

export type PoolAnswer = { ok: true; out: RunOutput; lines: RunLines } | { ok: false; failure: Failure };

export default async function runPoolJob({ job, port }: { job: JobSpec; port: MessagePort }): Promise<PoolAnswer> {
  try {
    // The pool runs this very checkout: the coordinator's code check would only cost a git call.
    const out = await executeJob(job, (day) => port.postMessage(day), { sameCode: true });
    // Hash lines are made here, in parallel, not on the coordinator after the last run.
    return { ok: true, out, lines: runLines(out) };
  } catch (e) {
    return { ok: false, failure: toFailure(e) };
  } finally {
    port.close();
  }
}
