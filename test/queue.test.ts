/**
 * The distributed queue end to end (docs/architecture.md#the-distributed-queue): a QueueExecutor
 * in this process, `flock-lab worker` child processes, and a real Redis: the one at
 * FLOCK_LAB_TEST_REDIS (CI starts one, .ci/run), else a redis-server this file starts and stops.
 * Each test has its own queue name, so a shared Redis never mixes their jobs.
 */
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOutput } from '../sim/run/simulation.js';
import { hashRuns } from '../sim/run/runSet.js';
import { makePlan } from '../sim/experiments/plan.js';
import { InProcessExecutor } from '../sim/experiments/executor.js';
import { JobFailed } from '../sim/experiments/failure.js';
import type { JobSpec } from '../sim/experiments/job.js';
import { QueueExecutor } from '../sim/experiments/queue.js';
import { ScenarioError } from '../sim/scenario/error.js';
import { BIN, ROOT, runCli, tempDirs } from './support/cli.js';
import { freePort, useTestRedis } from './support/redis.js';

const tmp = tempDirs();
const children: ChildProcess[] = [];
const redisUrl = useTestRedis(children);


/** A child with a deadline: a hung one is killed instead of hanging the suite. */
function child(cmd: string, args: string[], env: Record<string, string> = {}, deadlineMs = 85_000): ChildProcess {
  const c = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => c.kill('SIGKILL'), deadlineMs);
  timer.unref();
  c.once('exit', () => clearTimeout(timer));
  children.push(c);
  return c;
}

interface Worker {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first stderr line matching `re` (rejects if the worker exits first). */
  waitFor(re: RegExp, ms?: number): Promise<string>;
}

/**
 * The code a worker runs, from its first line. Jobs are made with it, not with this process's
 * codeId: with uncommitted edits going on in the checkout, the two may differ by the time the
 * worker starts, and the refusal has its own test.
 */
async function workerCode(w: Worker): Promise<string> {
  return / code (\S+)$/.exec(await w.waitFor(/listening/))![1];
}

function startWorker(queueName: string, env: Record<string, string> = {}): Worker {
  const proc = child(process.execPath, [BIN, 'worker', '--queue', redisUrl(), '--queue-name', queueName, '--stalled-seconds', '2'], env);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  proc.stderr!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters])
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  proc.stdout!.resume();
  return {
    proc,
    lines,
    waitFor: (re, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`no line ${re} from the worker within ${ms / 1000} s:\n${lines.join('\n')}`)), ms);
        const done = (l: string) => {
          clearTimeout(timer);
          resolve(l);
        };
        waiters.push({ re, resolve: done });
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the worker exited (${code ?? signal}) before ${re}:\n${lines.join('\n')}`));
        });
      }),
  };
}


const queueName = (what: string) => `flock-lab-test-${process.pid}-${what}`;

async function jobsFor(seeds: number[]): Promise<JobSpec[]> {
  const file = join(tmp('flock-queue-'), 'q.json');
  // About 1 s a run on an idle core, after the worker thread has loaded (seconds): a worker is killed well within its first run.
  writeFileSync(file, JSON.stringify({ name: 'q', days: 30, tasks: [{ startDay: 0, durationDays: 30 }], populations: { nodes: { count: 10 }, validators: { count: 5 }, delegators: { count: 300 } } }));
  const plan = await makePlan({ kind: 'run', file, sets: [], cells: [{ label: 'base', values: {}, sets: [] }], seeds });
  return plan.jobs;
}

describe('QueueExecutor and flock-lab worker', () => {
  let survivor: Worker | null = null;
  const main = queueName('main');

  it('a worker killed mid-job (-9) has its job retried by another; every run arrives once, with the in-process hash', async () => {
    const a = startWorker(main);
    const b = startWorker(main);
    const [code, codeB] = await Promise.all([workerCode(a), workerCode(b)]);
    expect(codeB).toBe(code);
    const jobs = (await jobsFor([1, 2, 3, 4])).map((j) => ({ ...j, code }));
    const ex = new QueueExecutor({ url: redisUrl(), queueName: main, pollMs: 1000 });
    const got: RunOutput[] = [];
    const notes: string[] = [];
    let days = 0;
    // The first worker to start a job is killed in the middle of it.
    const victimRun = Promise.race([a, b].map((w) => w.waitFor(/started/).then((line) => ({ w, line })))).then(({ w, line }) => {
      w.proc.kill('SIGKILL');
      return { w, run: Number(/run (\d+)/.exec(line)![1]) };
    });
    try {
      await ex.run(jobs, {
        onResult: async (out) => {
          got.push(out);
        },
        onDay: () => void days++,
        onNote: (l) => void notes.push(l),
      });
    } finally {
      await ex.close();
    }
    const victim = await victimRun;
    survivor = victim.w === a ? b : a;
    expect(victim.w.lines.some((l) => /done/.test(l)), victim.w.lines.join('\n')).toBe(false);
    expect(survivor.lines.filter((l) => new RegExp(`run ${victim.run} \\(seed \\d+\\) done`).test(l))).toHaveLength(1);
    expect(got.map((o) => o.run).sort()).toEqual([0, 1, 2, 3]);
    expect(notes.some((n) => /^[12] workers? on /.test(n)), notes.join('\n')).toBe(true);
    expect(days).toBeGreaterThan(0);
    expect(days).toBeLessThanOrEqual(4 * 30);

    const ref: RunOutput[] = [];
    await new InProcessExecutor().run(jobs, {
      onResult: async (out) => {
        ref.push(out);
      },
    });
    expect(hashRuns([...got].sort((x, y) => x.run - y.run))).toBe(hashRuns(ref));
  });

  it('a worker on other code refuses the job at once (no retry) and the coordinator hears both code versions', async () => {
    expect(survivor, 'the first test leaves a live worker').not.toBeNull();
    const [job] = await jobsFor([1]);
    const ex = new QueueExecutor({ url: redisUrl(), queueName: main, pollMs: 1000 });
    const before = survivor!.lines.length;
    let err: unknown;
    try {
      await ex.run([{ ...job, code: 'other' }], { onResult: async () => {} });
    } catch (e) {
      err = e;
    } finally {
      await ex.close();
    }
    expect(err).toBeInstanceOf(JobFailed);
    expect((err as Error).message).toContain('other');
    expect((err as Error).message).toContain(await workerCode(survivor!));
    await new Promise((r) => setTimeout(r, 500));
    expect(survivor!.lines.slice(before).filter((l) => /refused/.test(l))).toHaveLength(1);
    expect(survivor!.lines.slice(before).filter((l) => /started/.test(l))).toHaveLength(1);
  });

  it('a run that breaks an invariant on the worker fails after its attempts; run rejects naming the day and the check', async () => {
    const q = queueName('fault');
    const w = startWorker(q, { FLOCK_LAB_FAULT: 'leak:1' });
    const code = await workerCode(w);
    const [job] = (await jobsFor([5])).map((j) => ({ ...j, code }));
    const ex = new QueueExecutor({ url: redisUrl(), queueName: q, pollMs: 1000, attempts: 2 });
    let err: unknown;
    try {
      await ex.run([job], { onResult: async () => {} });
    } catch (e) {
      err = e;
    } finally {
      await ex.close();
    }
    expect(err).toBeInstanceOf(JobFailed);
    expect((err as Error).message).toMatch(/day 1/);
    expect((err as Error).message).toMatch(/conservation/i);
    expect(w.lines.filter((l) => /failed after/.test(l))).toHaveLength(2);
    w.proc.kill('SIGTERM');
  });

  it('a bad --queue is a ScenarioError before anything is enqueued; an unreachable Redis is a clear error within seconds', async () => {
    expect(() => new QueueExecutor({ url: 'http://127.0.0.1:6379' })).toThrow(ScenarioError);
    expect(() => new QueueExecutor({ url: 'redis://127.0.0.1' })).toThrow(/--queue/);
    const port = await freePort();
    const ex = new QueueExecutor({ url: `redis://127.0.0.1:${port}` });
    const [job] = await jobsFor([1]);
    const t0 = Date.now();
    await expect(ex.run([job], { onResult: async () => {} })).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(Date.now() - t0).toBeLessThan(6000);
    await ex.close();
  });

  it('flock-lab worker exits 2 on a bad --queue', async () => {
    const c = child(process.execPath, [BIN, 'worker', '--queue', 'localhost:6379'], {}, 30_000);
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
    expect(code).toBe(2);
    expect(err).toMatch(/--queue/);
  });
});

describe('run --queue, as a user runs it', () => {
  it('a coordinator and two `flock-lab worker`s, one killed mid-job: the run directory is complete, each run once, with the local resultsHash', async () => {
    const q = queueName('cli');
    const dir = tmp('flock-queue-cli-');
    const file = join(dir, 'q.json');
    writeFileSync(file, JSON.stringify({ name: 'q', days: 30, tasks: [{ startDay: 0, durationDays: 30 }], populations: { nodes: { count: 10 }, validators: { count: 5 }, delegators: { count: 300 } } }));
    const a = startWorker(q);
    const b = startWorker(q);
    await Promise.all([workerCode(a), workerCode(b)]);
    const out = join(dir, 'out');
    const coordinator = child(process.execPath, [BIN, 'run', file, '--seeds', '4', '--queue', redisUrl(), '--queue-name', q, '--out', out, '--progress-interval', '0']);
    let err = '';
    coordinator.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    let stdout = '';
    coordinator.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const victim = await Promise.race([a, b].map((w) => w.waitFor(/started/).then(() => w)));
    victim.proc.kill('SIGKILL');
    const code = await new Promise<number | null>((resolve) => coordinator.once('exit', (c) => resolve(c)));
    expect(code, err).toBe(0);
    expect(err).toMatch(/q: 4 run\(s\) on the queue redis:\/\/127\.0\.0\.1:\d+ → /);
    expect(err).toMatch(/q: [12] workers? on /);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.runs).toEqual({ done: 4, total: 4 });
    const local = runCli(['run', file, '--seeds', '4', '--workers', '0', '--out', join(dir, 'local'), '--no-progress']);
    expect(local.code).toBe(0);
    expect(manifest.resultsHash).toBe(JSON.parse(readFileSync(join(dir, 'local', 'manifest.json'), 'utf8')).resultsHash);
    expect(stdout).toContain(`resultsHash: ${manifest.resultsHash}`);
  });

  it('an unreachable Redis is exit 2 before a run directory is made', () => {
    const dir = tmp('flock-queue-down-');
    const file = join(dir, 'q.json');
    writeFileSync(file, JSON.stringify({ name: 'q', days: 2, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 2 }, validators: { count: 2 } } }));
    const r = runCli(['run', file, '--queue', 'redis://127.0.0.1:1', '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--queue: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(readdirSync(dir)).toEqual(['q.json']);
  });
});
