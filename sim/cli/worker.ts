/**
 * `flock-lab worker --queue redis://HOST:PORT`: runs experiment jobs from a BullMQ queue for any
 * coordinator (`run|sweep|compare --queue`; docs/architecture.md#the-distributed-queue) and answers
 * each with its shard (sim/experiments/shard.ts) or its failure.
 *
 * A run is one synchronous stretch of CPU work, so it runs on a worker thread (the pool's body,
 * sim/experiments/poolWorker.ts): this thread's event loop stays free to renew the job's lock.
 * Were the run on this thread, every run longer than --stalled-seconds would look stalled and be
 * taken over by another worker while still running here.
 */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { ScenarioError } from '../scenario/error.js';
import { codeId, type JobSpec } from '../experiments/job.js';
import type { PoolAnswer } from '../experiments/poolWorker.js';
import { connectionOptions, DEFAULT_QUEUE, failureReason, parseRedisUrl, pingRedis, workerConnectionName } from '../experiments/queue.js';
import { encodeShard } from '../experiments/shard.js';
import { THREAD_LIMITS } from '../experiments/pool.js';

interface WorkerFlags {
  queue: string;
  concurrency: string;
  stalledSeconds: string;
  queueName: string;
}

function intFlag(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ScenarioError('command line', [{ path: flag, message: `expected an integer ≥ ${min}, got "${v}"` }]);
  return n;
}

export async function workerCommand(f: WorkerFlags): Promise<number> {
  const me = `worker ${hostname()}:${process.pid}`;
  const say = (line: string) => process.stderr.write(`${me}: ${line}\n`);
  let address, concurrency: number, stalledSeconds: number;
  try {
    address = parseRedisUrl(f.queue);
    concurrency = intFlag('--concurrency', f.concurrency, 1);
    stalledSeconds = intFlag('--stalled-seconds', f.stalledSeconds, 1);
    if (!f.queueName || f.queueName.includes(':')) throw new ScenarioError('command line', [{ path: '--queue-name', message: `a non-empty name without ':', got "${f.queueName}"` }]);
  } catch (e) {
    if (e instanceof ScenarioError) {
      for (const i of e.issues) process.stderr.write(`flock-lab worker: ${i.path}: ${i.message}\n`);
      return 2;
    }
    throw e;
  }
  try {
    await pingRedis(address);
  } catch (e) {
    process.stderr.write(`${me}: ${(e as Error).message}\n`);
    return 2;
  }

  const pool = new Piscina({
    filename: new URL('../experiments/poolThread.mjs', import.meta.url).href,
    minThreads: concurrency,
    maxThreads: concurrency,
    maxQueue: 'auto',
    resourceLimits: THREAD_LIMITS,
  });

  // A thread that cannot even start fails its job (pool.run rejects); this keeps it from also killing the worker.
  pool.on('error', (e: Error) => say(`worker thread: ${e.message}`));

  const processor = async (job: Job<JobSpec, string>): Promise<string> => {
    const spec = job.data;
    const what = `run ${spec.run} (seed ${spec.seed})`;
    const t0 = Date.now();
    say(`${what} started${job.attemptsStarted > 1 ? ` (attempt ${job.attemptsStarted})` : ''}`);
    // The pool's body skips the code check (its coordinator is this checkout); a queue's may not be.
    if (spec.code !== codeId()) {
      const message = `job for run ${spec.run} was made by code ${spec.code}; this runner is ${codeId()}. Run the same commit (and the same local changes) everywhere.`;
      say(`${what} refused: ${message}`);
      throw new UnrecoverableError(failureReason({ kind: 'refused', message }));
    }
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (day: number) => void job.updateProgress(day).catch(() => undefined));
    let answer: PoolAnswer;
    try {
      answer = (await pool.run({ job: spec, port: port2 }, { transferList: [port2] })) as PoolAnswer;
    } catch (e) {
      answer = { ok: false, failure: { kind: 'error', message: `the worker thread died: ${(e as Error).message}`, stack: (e as Error).stack } };
    } finally {
      port1.close();
    }
    if (!answer.ok) {
      const f = answer.failure;
      // A refusal (other code, another scenario) or a bad scenario gives the same answer on every
      // retry and every worker of this checkout: never retried, so the coordinator hears it at once.
      if (f.kind === 'refused' || f.kind === 'scenario') {
        say(`${what} refused: ${f.kind === 'refused' ? f.message : `invalid scenario ${f.file}`}`);
        throw new UnrecoverableError(failureReason(f));
      }
      say(`${what} failed after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${f.kind === 'simulation' ? `day ${f.day}: ${f.check}` : f.message}`);
      throw new Error(failureReason(f));
    }
    const shard = await encodeShard(answer.out);
    say(`${what} done in ${((Date.now() - t0) / 1000).toFixed(1)} s (shard ${(shard.length / 1024).toFixed(0)} KiB)`);
    return shard;
  };

  const worker = new Worker<JobSpec, string>(f.queueName, processor, {
    connection: connectionOptions(address, workerConnectionName(f.queueName, `${hostname()}:${process.pid}`)),
    name: me,
    concurrency,
    // A worker killed mid-job stops renewing its lock: after lockDuration the lock is gone, and the
    // next stalled check of any live worker puts the job back for another one to take.
    lockDuration: stalledSeconds * 1000,
    stalledInterval: stalledSeconds * 1000,
    maxStalledCount: 1,
  });
  let lastError = '';
  worker.on('error', (e) => {
    // ioredis repeats the same error on every reconnect attempt: once is enough.
    if (e.message !== lastError) say(`Redis: ${e.message}`);
    lastError = e.message;
  });
  worker.on('ready', () => (lastError = ''));
  worker.on('stalled', (jobId) => say(`job ${jobId} stalled on its worker (killed or hung); it goes back to the queue`));

  await worker.waitUntilReady();
  say(`listening on redis://${address.host}:${address.port} (queue ${f.queueName}), ${concurrency} at a time, a job taken over ${stalledSeconds} s after its worker stops answering; code ${codeId()}`);

  return new Promise<number>((resolve) => {
    let closing = false;
    const stop = (signal: string) => {
      if (closing) {
        say(`${signal} again: stopping now; a running job goes back to the queue after ${stalledSeconds} s`);
        process.exit(130);
      }
      closing = true;
      say(`${signal}: finishing the running job${concurrency === 1 ? '' : 's'}, then exiting (${signal} again to stop now)`);
      void (async () => {
        await worker.close();
        await pool.destroy();
        say('closed');
        resolve(0);
      })();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      [
        'Run experiment jobs from a Redis queue (BullMQ) until stopped: start one or more on each machine, on a checkout of the same commit as the coordinator (`run|sweep|compare <scenario> --queue redis://HOST:PORT`).',
        'Each job is one seed of one cell; the run goes back to the coordinator through Redis. A job from other code, or whose scenario file differs here, is refused (never retried). A worker killed mid-job has its job taken over by another after --stalled-seconds.',
        'Ctrl-C (or SIGTERM) finishes the running job, then exits; a second Ctrl-C exits at once.',
        'Exit 0: stopped; 2: bad flags or Redis unreachable.',
      ].join('\n'),
    )
    .requiredOption('--queue <url>', 'Redis holding the queue: redis://HOST:PORT (redis://:PASSWORD@HOST:PORT/DB also works)')
    .option('--concurrency <n>', 'jobs run at once on this machine, each on its own thread', '1')
    .option('--stalled-seconds <s>', "how long after this worker stops answering (killed, machine gone) its job is given to another worker; also how often this worker checks others'", '30')
    .option('--queue-name <name>', 'the queue name, the same as the coordinator uses', DEFAULT_QUEUE)
    .action(async (f: WorkerFlags) => {
      process.exitCode = await workerCommand(f);
    });
}
