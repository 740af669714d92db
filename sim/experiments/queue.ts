/**
 * The coordinator of the distributed queue (docs/architecture.md#the-distributed-queue): one BullMQ
 * job per JobSpec on a Redis queue, run by `flock-lab worker` processes on any machine with a
 * checkout of the same commit (sim/cli/worker.ts). A worker answers with the run's shard
 * (shard.ts) as the job's return value, or fails it with its Failure as JSON.
 *
 * Ctrl-C (close) removes this invocation's jobs that no worker has started; the running ones finish
 * on their workers but their results are dropped, and `--resume` re-enqueues what the run
 * directory lacks. Each invocation's job ids carry a nonce, so a resumed or concurrent
 * coordinator never mistakes another's jobs for its own.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { ScenarioError } from '../scenario/error.js';
import type { RunOutput } from '../run/simulation.js';
import { deliver, type Executor, type RunHooks } from './executor.js';
import type { JobSpec } from './job.js';
import { fromFailure, JobFailed, type Failure } from './failure.js';
import { decodeShard } from './shard.js';

export const DEFAULT_QUEUE = 'flock-lab';

export interface QueueOptions {
  /** redis://host:port */
  url: string;
  /** The BullMQ queue (default `flock-lab`); workers must listen on the same one. */
  queueName?: string;
  /** Tries per job, counting the first (default 2). A refused job is never retried. */
  attempts?: number;
  /** How often live workers are counted, and pending jobs' states read (ms; default 5000). */
  pollMs?: number;
}

export interface RedisAddress {
  host: string;
  port: number;
  password?: string;
  username?: string;
  db?: number;
}

/** `redis://[[user]:password@]host:port[/db]`, or a ScenarioError on `flag` (exit 2 before anything is enqueued). */
export function parseRedisUrl(url: string, flag = '--queue'): RedisAddress {
  const bad = (why: string) => new ScenarioError('command line', [{ path: flag, message: `${why}; expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379, got "${url}"` }]);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:') throw bad(`the scheme must be redis: (rediss and others are not supported)`);
  if (!u.hostname) throw bad('no host');
  if (!u.port) throw bad('no port');
  if (u.search || u.hash) throw bad('no query or fragment is accepted');
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw bad('the path may only be a database number');
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(path ? { db: Number(path) } : {}),
  };
}

/**
 * ioredis options for BullMQ. Blocking connections (Worker, QueueEvents) require
 * `maxRetriesPerRequest: null`; a short connect timeout and a bounded backoff keep a vanished
 * Redis visible in seconds instead of behind ioredis's silent reconnect loop.
 */
export function connectionOptions(a: RedisAddress, connectionName?: string): ConnectionOptions {
  return {
    host: a.host,
    port: a.port,
    ...(a.password !== undefined ? { password: a.password } : {}),
    ...(a.username !== undefined ? { username: a.username } : {}),
    ...(a.db !== undefined ? { db: a.db } : {}),
    ...(connectionName ? { connectionName } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    retryStrategy: (times: number) => Math.min(200 * times, 3000),
  };
}

/**
 * The Redis client name of a worker's connections, as `Queue.getWorkers` looks for them
 * (`bull:<base64 queue>:w:<id>`): BullMQ 6.7 names no worker connection itself, so without this a
 * coordinator would count no workers. A worker's two connections share the name; count names.
 */
export function workerConnectionName(queueName: string, id: string): string {
  return `bull:${Buffer.from(queueName).toString('base64')}:w:${id.replace(/[^\w.:-]/g, '_')}`;
}

const addressText = (a: RedisAddress) => `redis://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;

/**
 * One PING over a plain socket, before any BullMQ client exists: an unreachable or unauthorised
 * Redis is one clear error within `timeoutMs`, not an endless reconnect loop.
 */
export function pingRedis(a: RedisAddress, timeoutMs = 4000): Promise<void> {
  const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  const cmd = (...args: string[]) => `*${args.length}\r\n${args.map(bulk).join('')}`;
  let request = '';
  if (a.password !== undefined) request += a.username ? cmd('AUTH', a.username, a.password) : cmd('AUTH', a.password);
  request += cmd('PING');
  return new Promise((resolve, reject) => {
    const where = addressText(a);
    const sock = connect({ host: a.host, port: a.port });
    let got = '';
    const done = (e?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`Redis at ${where} did not answer within ${timeoutMs / 1000} s (is redis-server running there, and reachable from this machine?)`)), timeoutMs);
    sock.on('connect', () => sock.write(request));
    sock.on('error', (e: NodeJS.ErrnoException) => done(new Error(`cannot reach Redis at ${where}: ${e.code ?? e.message} (is redis-server running there, and reachable from this machine?)`)));
    sock.on('data', (d) => {
      got += d.toString('utf8');
      const err = /^-(.*)\r\n/m.exec(got);
      if (err) done(new Error(`Redis at ${where} refused: ${err[1]}`));
      else if (got.includes('+PONG\r\n')) done();
    });
    sock.on('close', () => done(new Error(`Redis at ${where} closed the connection before answering PING`)));
  });
}

/** How a worker fails a job: its Failure as JSON, so the coordinator rebuilds the error (failure.ts). */
export function failureReason(f: Failure): string {
  return JSON.stringify({ flockLabFailure: f });
}

/** The error behind a failed job's reason: a worker's Failure, or BullMQ's own words (a job stalled too often). */
export function reasonError(reason: string | undefined): Error {
  try {
    const parsed = JSON.parse(reason ?? '') as { flockLabFailure?: Failure };
    if (parsed && typeof parsed === 'object' && parsed.flockLabFailure) return fromFailure(parsed.flockLabFailure);
  } catch {
    /* not one of ours */
  }
  return new Error(`the queue failed the job: ${reason || '(no reason given)'}`);
}

/** Rejects when `p` takes longer than `ms`: a Redis that stops answering must not hang the experiment. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]);
}

const STILL_QUEUED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

export class QueueExecutor implements Executor {
  readonly name: string;
  private readonly address: RedisAddress;
  private readonly queueName: string;
  private queue: Queue | null = null;
  private events: QueueEvents | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** This invocation's jobs not yet handed to onResult, by BullMQ job id. */
  private readonly pending = new Map<string, JobSpec>();
  private abort: ((e: Error) => void) | null = null;

  constructor(readonly o: QueueOptions) {
    this.address = parseRedisUrl(o.url);
    this.queueName = o.queueName ?? DEFAULT_QUEUE;
    this.name = `queue ${o.url}${this.queueName === DEFAULT_QUEUE ? '' : ` (${this.queueName})`}`;
  }

  /** An unreachable Redis is bad input (exit 2), found before a run directory is made. */
  async prepare(): Promise<void> {
    try {
      await pingRedis(this.address);
    } catch (e) {
      throw new ScenarioError('command line', [{ path: '--queue', message: (e as Error).message }]);
    }
  }

  async run(jobs: JobSpec[], hooks: RunHooks): Promise<void> {
    if (jobs.length === 0) return;
    await pingRedis(this.address);
    const where = `${addressText(this.address)} (queue ${this.queueName})`;
    const nonce = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const queue = (this.queue = new Queue(this.queueName, {
      connection: connectionOptions(this.address),
      // Every completed event carries a shard; a shorter stream bounds what Redis holds of them. A
      // job whose event was trimmed away is still found by the poll below.
      streams: { events: { maxLen: 1000 } },
    }));
    const events = (this.events = new QueueEvents(this.queueName, { connection: connectionOptions(this.address) }));
    let redisError: Error | null = null;
    queue.on('error', (e) => (redisError = e));
    events.on('error', (e) => (redisError = e));
    // The stream is read from "now": listening must start before the first job is added.
    await within(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), 10_000, `Redis at ${where} did not get ready within 10 s`);

    return new Promise<void>((resolve, reject) => {
      let failed = false;
      let left = jobs.length;
      let stored: Promise<void> = Promise.resolve();
      const lastDay = new Map<string, number>();
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        this.abort = null;
        this.stopTimer();
        reject(e);
      };
      this.abort = fail;

      const completed = (id: string, shard: unknown) => {
        const job = this.pending.get(id);
        if (!job || failed) return;
        if (typeof shard !== 'string') return fail(new JobFailed(job, new Error(`the queue returned no shard for job ${id}: is that worker a flock-lab worker of this version?`)));
        // Taken out before the await: a second event or a poll for the same job must not store it twice.
        this.pending.delete(id);
        stored = stored.then(async () => {
          if (failed) return;
          let out: RunOutput;
          try {
            out = await decodeShard(shard);
          } catch (e) {
            return fail(new JobFailed(job, new Error(`job ${id}: unreadable shard (${(e as Error).message})`)));
          }
          await deliver(hooks, out, job);
          void queue.remove(id).catch(() => undefined);
          if (--left === 0 && !failed) {
            this.abort = null;
            this.stopTimer();
            resolve();
          }
        });
        stored.catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
      };

      const finalFailure = (id: string, reason: string | undefined) => {
        const job = this.pending.get(id);
        if (!job || failed) return;
        this.pending.delete(id);
        fail(new JobFailed(job, reasonError(reason)));
      };

      /** Reads a job's state: the events are a fast path, this is the truth (and the poll's). */
      const check = async (id: string): Promise<void> => {
        if (!this.pending.has(id) || failed) return;
        const j = await queue.getJob(id);
        if (!j) {
          const job = this.pending.get(id);
          if (job && !failed) fail(new JobFailed(job, new Error(`job ${id} vanished from the queue at ${where} (removed or the queue was obliterated)`)));
          return;
        }
        const state = await j.getState();
        if (state !== 'completed' && state !== 'failed') return;
        // `j` was read before getState: a job that finished in between holds no return value (or
        // failure reason) in it yet. Read it again now that it is finished (seen with jobs of 0.1 s).
        const done = (await queue.getJob(id)) ?? j;
        if (state === 'completed') completed(id, done.returnvalue);
        else finalFailure(id, done.failedReason);
      };
      const checkSoon = (id: string) => void check(id).catch((e: Error) => fail(new Error(`reading job ${id} from ${where}: ${e.message}`)));

      events.on('completed', ({ jobId, returnvalue }) => {
        if (typeof returnvalue === 'string') completed(jobId, returnvalue);
        else checkSoon(jobId);
      });
      events.on('failed', ({ jobId, failedReason }) => {
        const job = this.pending.get(jobId);
        if (!job) return;
        // A failed event also comes for an attempt that will be retried: only the job's state says which.
        void (async () => {
          const j = await queue.getJob(jobId);
          const state = j ? await j.getState() : 'unknown';
          if (state === 'failed') finalFailure(jobId, j?.failedReason ?? failedReason);
          else if (this.pending.has(jobId) && !failed) hooks.onNote?.(`run ${job.run} (seed ${job.seed}) failed on a worker and is retried: ${reasonError(failedReason).message.split('\n')[0]}`);
        })().catch((e: Error) => fail(new Error(`reading job ${jobId} from ${where}: ${e.message}`)));
      });
      events.on('stalled', ({ jobId }) => {
        const job = this.pending.get(jobId);
        if (job && !failed) hooks.onNote?.(`run ${job.run} (seed ${job.seed}): its worker stopped answering; the job goes back to the queue for another worker`);
      });
      events.on('progress', ({ jobId, data }) => {
        const job = this.pending.get(jobId);
        if (!job || failed || typeof data !== 'number') return;
        // A retried job reports its days again; the progress counts each day once.
        if (data <= (lastDay.get(jobId) ?? -1)) return;
        lastDay.set(jobId, data);
        hooks.onDay?.(job, data);
      });

      let workers = -1;
      let polling = false;
      const poll = async () => {
        if (polling || failed) return;
        polling = true;
        try {
          const n = new Set((await within(queue.getWorkers(), 15_000, `Redis at ${where} has not answered for 15 s${redisError ? ` (${(redisError as Error).message})` : ''}`)).map((w) => w.name)).size;
          if (n !== workers) {
            workers = n;
            hooks.onNote?.(n === 0 ? `no worker is listening on ${where}: start one with \`flock-lab worker --queue ${addressText(this.address)}${this.queueName === DEFAULT_QUEUE ? '' : ` --queue-name ${this.queueName}`}\`` : `${n} worker${n === 1 ? '' : 's'} on ${where}`);
          }
          for (const id of [...this.pending.keys()]) await within(check(id), 15_000, `Redis at ${where} has not answered for 15 s`);
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
        } finally {
          polling = false;
        }
      };

      const opts: JobsOptions = {
        attempts: this.o.attempts ?? 2,
        // Redis keeps a finished job only as long as someone may look at it: the coordinator removes
        // each completed one once stored; these ages bound what an interrupted coordinator leaves behind.
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      };
      void (async () => {
        for (const job of jobs) this.pending.set(`${nonce}-${job.run}`, job);
        const entries = [...this.pending.entries()];
        for (let i = 0; i < entries.length && !failed; i += 500)
          await within(
            queue.addBulk(entries.slice(i, i + 500).map(([id, job]) => ({ name: `run ${job.run}`, data: job, opts: { ...opts, jobId: id } }))),
            30_000,
            `Redis at ${where} did not take the jobs within 30 s`,
          );
        if (failed) return;
        await poll();
        if (!failed && this.pending.size > 0) this.timer = setInterval(() => void poll(), this.o.pollMs ?? 5000);
      })().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
    });
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Removes this invocation's jobs that no worker has started (a running one is locked by its
   * worker, and BullMQ does not remove it), then closes the connections so the process can exit.
   */
  async close(): Promise<void> {
    this.stopTimer();
    const queue = this.queue;
    const events = this.events;
    this.queue = null;
    this.events = null;
    const ids = [...this.pending.keys()];
    this.pending.clear();
    const abort = this.abort;
    this.abort = null;
    abort?.(new Error(`the queue executor was closed with ${ids.length} run${ids.length === 1 ? '' : 's'} unfinished`));
    if (queue) {
      try {
        await within(
          (async () => {
            for (let i = 0; i < ids.length; i += 100)
              await Promise.all(
                ids.slice(i, i + 100).map(async (id) => {
                  const state = await queue.getJobState(id);
                  if (STILL_QUEUED.has(state)) await queue.remove(id);
                }),
              );
          })(),
          10_000,
          'removing pending jobs took over 10 s',
        );
      } catch {
        /* Redis is gone or slow: a worker may still run what is left, and its result ages out unread */
      }
    }
    await Promise.all(
      [events, queue].map(async (c) => {
        if (!c) return;
        try {
          await within(c.close(), 5000, 'close timed out');
        } catch {
          await c.disconnect().catch(() => undefined);
        }
      }),
    );
  }
}
