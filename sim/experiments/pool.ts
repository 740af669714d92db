/**
 * A pool of worker threads on this machine (piscina). Each thread loads the scenario and runs whole
 * jobs; a run never depends on which thread ran it or when (its random streams are keyed by its
 * seed), so the results are byte-identical for any pool size.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Executor, RunHooks } from './executor.js';
import type { JobSpec } from './job.js';
import { fromFailure, JobFailed } from './failure.js';
import type { LandedAnswer, PoolAnswer, PoolTask } from './poolWorker.js';

/** How often a thread reports the day it is on (the progress bar redraws a few times a second). */
const DAY_EVERY_MS = 100;

/**
 * A run allocates fast and keeps much of it for a day or so (agents' rows, the day's events): with
 * V8's default young generation (16 MB semi-spaces) most of it is scavenged again and again, then
 * promoted and marked. 192 MB (64 MB semi-spaces) cut a thread's CPU on the workers bench from
 * 12.3 s to 8.7-9.7 s and the V8 helper threads' (GC) from 6.6 s to 4.4 s, for ~55 MB more peak RSS
 * with 2 threads (docs/architecture.md#worker-pool). GC never changes a result.
 */
export const THREAD_LIMITS = { maxYoungGenerationSizeMb: 192 };

/**
 * Jobs handed to the pool per thread at a time: one running and one waiting, so a thread starts its
 * next run as soon as it answers, whatever the coordinator is doing.
 */
export const IN_FLIGHT = 2;
/** How far, in jobs per thread, the pool may run ahead of the earliest run still on a thread. */
export const AHEAD = 4;
/**
 * Finished runs that may wait for the store before the pool is given more jobs: the store is
 * usually faster than the threads, and this bounds what a slower one (a slow disk) holds.
 */
const MAX_UNSTORED = 8;

/** A thread's answer for a run that finished. */
type Finished = Extract<PoolAnswer | LandedAnswer, { ok: true }>;

/** `--workers` when not given: one thread per core. */
export const defaultWorkers = (): number => availableParallelism();

export class PoolExecutor implements Executor {
  readonly name: string;
  private pool: Piscina | null = null;

  constructor(readonly threads: number) {
    this.name = `${threads} worker thread${threads === 1 ? '' : 's'}`;
  }

  /**
   * Starts the threads while the coordinator opens the store and writes the directory: a thread
   * spends its first second or so loading the lab's modules.
   */
  warm(): void {
    this.start(this.threads);
  }

  private start(threads: number): Piscina {
    return (this.pool ??= new Piscina({
      filename: new URL('./poolThread.mjs', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 1000,
      resourceLimits: THREAD_LIMITS,
    }));
  }

  async run(jobs: JobSpec[], hooks: RunHooks): Promise<void> {
    const threads = Math.max(1, Math.min(this.threads, jobs.length));
    const pool = this.start(threads);
    let failed: unknown = null;
    let waiters: Array<() => void> = [];
    const wake = () => {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    };
    const fail = (e: unknown) => {
      failed ??= e;
      void pool.destroy();
      wake();
    };
    /** One job on a thread: its run, or null once the experiment has failed (this job or another). */
    const simulate = async (job: JobSpec): Promise<Finished | null> => {
      const { port1, port2 } = new MessageChannel();
      // The thread posts the latest day a few times a second (poolWorker.ts dayEveryMs): every
      // day since the last message is one onDay here, so the counts are as if it posted each.
      let seen = -1;
      port1.on('message', (day: number) => {
        for (let d = seen + 1; d <= day && !failed; d++) hooks.onDay?.(job, d);
        seen = Math.max(seen, day);
      });
      // With onLanded the thread sends the run landed (columns, totals, hash bytes), not its rows.
      const landed = hooks.onLanded !== undefined;
      let answer: PoolAnswer | LandedAnswer;
      try {
        const task: PoolTask = { job, port: port2, landed, dayEveryMs: DAY_EVERY_MS };
        answer = (await pool.run(task, { transferList: [port2] })) as PoolAnswer | LandedAnswer;
      } catch (e) {
        // The pool was destroyed after another job failed, or the thread died.
        if (failed) return null;
        answer = { ok: false, failure: { kind: 'error', message: (e as Error).message, stack: (e as Error).stack } };
      } finally {
        port1.close();
      }
      if (failed) return null;
      if (!answer.ok) {
        fail(new JobFailed(job, fromFailure(answer.failure)));
        return null;
      }
      return answer;
    };
    // One store write at a time, in the order the runs finish; at most MAX_UNSTORED runs wait for it.
    let stored = Promise.resolve();
    let unstored = 0;
    const store = (a: Finished, job: JobSpec) => {
      unstored++;
      const hand = () => ('landed' in a ? hooks.onLanded!(a.landed, job) : hooks.onResult(a.out, job, a.lines));
      stored = stored
        .then(() => (failed ? undefined : hand()))
        .catch(fail)
        .finally(() => void unstored--);
    };
    // Jobs go to the pool in plan order, IN_FLIGHT per thread, the next as soon as one finishes,
    // and never AHEAD per thread past the earliest unfinished one (docs/architecture.md#worker-pool).
    // Runs then land close to plan order, so the hash holds at most that many runs' lines waiting
    // for an earlier run (sim/results/runHash.ts). Handed every job at once, piscina ran them out
    // of order and the coordinator held most runs' lines (2 MB a baseline run) to the end.
    const finished = new Uint8Array(jobs.length);
    let next = 0;
    let earliest = 0;
    const lane = async () => {
      for (;;) {
        while (!failed && next < jobs.length && next >= earliest + AHEAD * threads) await new Promise<void>((r) => waiters.push(r));
        if (failed || next >= jobs.length) return;
        const at = next++;
        const a = await simulate(jobs[at]);
        finished[at] = 1;
        while (earliest < jobs.length && finished[earliest]) earliest++;
        wake();
        if (!a) return;
        store(a, jobs[at]);
        if (unstored > MAX_UNSTORED) await stored;
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs.length, IN_FLIGHT * threads) }, lane));
    await stored;
    if (failed) throw failed;
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await p.destroy();
  }
}
