/**
 * Worker threads that stay up for a whole attack study. A search evaluates many small batches one
 * after another (a CMA-ES generation waits for the previous one), so starting threads per batch,
 * as sim/experiments/pool.ts does per experiment, would cost more than the runs. The threads run
 * the experiments' own pool body (poolThread.mjs → poolWorker.ts: executeJob), so a job's result
 * is the same as on any other executor (docs/architecture.md#experiments).
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Executor, RunHooks } from '../experiments/executor.js';
import type { JobSpec } from '../experiments/job.js';
import { fromFailure, JobFailed } from '../experiments/failure.js';
import type { PoolAnswer } from '../experiments/poolWorker.js';

export class StudyThreads implements Executor {
  readonly name: string;
  private pool: Piscina | null = null;

  constructor(readonly threads: number) {
    this.name = `${threads} worker thread${threads === 1 ? '' : 's'}`;
  }

  async run(jobs: JobSpec[], hooks: RunHooks): Promise<void> {
    const pool = (this.pool ??= new Piscina({
      filename: new URL('../experiments/poolThread.mjs', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
    }));
    let failed: JobFailed | null = null;
    let stored = Promise.resolve();
    await Promise.all(
      jobs.map(async (job) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (day: number) => hooks.onDay?.(job, day));
        let answer: PoolAnswer;
        try {
          answer = (await pool.run({ job, port: port2 }, { transferList: [port2] })) as PoolAnswer;
        } catch (e) {
          answer = { ok: false, failure: { kind: 'error', message: (e as Error).message, stack: (e as Error).stack } };
        } finally {
          port1.close();
        }
        if (failed) return;
        if (!answer.ok) throw (failed = new JobFailed(job, fromFailure(answer.failure)));
        const { out, lines } = answer;
        stored = stored.then(() => hooks.onResult(out, job, lines));
        await stored;
      }),
    );
  }

  /** The threads stay up between batches; `close` ends them (once the study is done). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await p.destroy();
  }
}

/**
 * An executor made afresh for every batch and closed after it: how a study uses an executor built
 * for one experiment, such as the BullMQ queue (sim/experiments/queue.ts), whose connections
 * belong to one `run`.
 */
export class PerBatch implements Executor {
  readonly name: string;
  constructor(private readonly make: () => Executor) {
    this.name = make().name;
  }

  async prepare(): Promise<void> {
    const ex = this.make();
    try {
      await ex.prepare?.();
    } finally {
      await ex.close();
    }
  }

  async run(jobs: JobSpec[], hooks: RunHooks): Promise<void> {
    const ex = this.make();
    try {
      await ex.run(jobs, hooks);
    } finally {
      await ex.close();
    }
  }

  async close(): Promise<void> {}
}
