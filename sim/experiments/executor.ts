/**
 * Where an experiment's jobs run (docs/architecture.md#experiments): in this process, on a pool of
 * worker threads (pool.ts), or on BullMQ workers anywhere (queue.ts). Every executor gives the
 * same RunOutput for the same job, so results never depend on which one ran it.
 */
import type { RunOutput } from '../run/simulation.js';
import type { RunLines } from '../run/runSet.js';
import { executeJob, type JobSpec } from './job.js';
import { JobFailed } from './failure.js';
import { landRun, type LandedRun } from './landed.js';

export interface RunHooks {
  /**
   * A finished run. The executor counts it done only once this resolves (the store holds it).
   * `lines`: its hash lines, when the executor made them where the run was simulated.
   */
  onResult(out: RunOutput, job: JobSpec, lines?: RunLines): Promise<void>;
  /**
   * When given, an executor that can hands over each finished run landed (landed.ts) here instead
   * of calling onResult: made where the run was simulated, so a pool thread sends no rows. An
   * executor that cannot calls onResult, which must then accept every run too.
   */
  onLanded?(run: LandedRun, job: JobSpec): Promise<void>;
  /** A simulated day of a job ended (for progress). */
  onDay?(job: JobSpec, day: number): void;
  /** A line for the user: live workers, a retried job. */
  onNote?(line: string): void;
}

export interface Executor {
  /** For the manifest and the progress line: "in-process", "2 worker threads", "queue redis://…". */
  readonly name: string;
  /**
   * Runs every job; resolves when each has been handed to onResult, rejects with a JobFailed on the
   * first job that fails (the others are abandoned; what finished is already stored).
   */
  run(jobs: JobSpec[], hooks: RunHooks): Promise<void>;
  /** Checks, before anything is created or enqueued, that the executor can run at all (a queue: Redis answers). */
  prepare?(): Promise<void>;
  /** Starts what is slow to start (a pool's threads) once the experiment will run: its directory is accepted. */
  warm?(): void;
  close(): Promise<void>;
}

/** One job after another in this process: the library's default and the reference for the others. */
export class InProcessExecutor implements Executor {
  readonly name = 'in-process';

  async run(jobs: JobSpec[], hooks: RunHooks): Promise<void> {
    for (const job of jobs) {
      let out: RunOutput;
      try {
        out = await executeJob(job, (day) => hooks.onDay?.(job, day), { sameCode: true });
      } catch (e) {
        throw new JobFailed(job, e instanceof Error ? e : new Error(String(e)));
      }
      await deliver(hooks, out, job);
    }
  }

  async close(): Promise<void> {}
}

/** Hands a finished run to the hooks: landed when they take it so, else as it is. */
export function deliver(hooks: RunHooks, out: RunOutput, job: JobSpec): Promise<void> {
  return hooks.onLanded ? hooks.onLanded(landRun(out), job) : hooks.onResult(out, job);
}
