/**
 * `flock-lab attack --queue` end to end (docs/attacks.md#search, docs/architecture.md#the-distributed-queue):
 * a coordinator child process, a real `flock-lab worker` child process, and a real Redis: the one at
 * FLOCK_LAB_TEST_REDIS (CI starts one, .ci/run), else a redis-server this file starts and stops,
 * as test/queue.test.ts does. The study on the queue must be the study run here: the same
 * summary and the same evaluation rows, since an evaluation depends only on its overrides and seeds.
 */
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { BIN, ROOT, runCli, tempDirs } from './support/cli.js';
import { useTestRedis } from './support/redis.js';

const tmp = tempDirs();
const children: ChildProcess[] = [];
const redisUrl = useTestRedis(children);
const FIXTURE = join(ROOT, 'test/fixtures/attack-small.ts');


/** A child with a deadline, its stderr and stdout collected: a hung one is killed instead of hanging the suite. */
function child(args: string[], deadlineMs: number) {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => proc.kill('SIGKILL'), deadlineMs);
  timer.unref();
  children.push(proc);
  const io = { out: '', err: '' };
  proc.stdout!.on('data', (d: Buffer) => (io.out += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => (io.err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    }),
  );
  return { proc, io, exited };
}


async function rows(dir: string): Promise<string> {
  const db = await DuckDBInstance.create(join(dir, 'attack.duckdb'));
  const c = await db.connect();
  const r = (await c.runAndReadAll('SELECT * FROM attack_evals ORDER BY family, phase, share, idx')).getRowObjects();
  c.closeSync();
  db.closeSync();
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

describe('attack --queue, as a user runs it', () => {
  it('a coordinator and a `flock-lab worker`: the study equals the one run here, summary and rows', async () => {
    const q = `flock-lab-test-${process.pid}-attack`;
    const dir = tmp('flock-attack-queue-');
    // Two families: sigma (CMA-ES over three continuous parameters) and lazy (one point), a handful of batches each.
    const study = ['attack', FIXTURE, '--family', 'sigma,lazy', '--budget', '3', '--grid-budget', '1', '--seeds', '2', '--fresh-seeds', '2', '--days', '2', '--no-progress'];
    // Worker and coordinator start together: each names its code by the working tree, and a shared
    // tree edited between the two starts makes the worker refuse the jobs (its own test in
    // test/queue.test.ts); that, and only that, is tried again.
    const attempt = async (k: number) => {
      const worker = child(['worker', '--queue', redisUrl(), '--queue-name', `${q}-${k}`, '--stalled-seconds', '2'], 230_000);
      const coordinator = child([...study, '--queue', redisUrl(), '--queue-name', `${q}-${k}`, '--out', join(dir, `queue-${k}`)], 220_000);
      const code = await coordinator.exited;
      worker.proc.kill('SIGTERM');
      return { worker, coordinator, code, k };
    };
    let r = await attempt(0);
    for (let k = 1; k < 3 && r.code !== 0 && /was made by code/.test(r.coordinator.io.err); k++) r = await attempt(k);
    const { worker, coordinator, code } = r;
    const queued = `queue-${r.k}`;
    expect(code, `${coordinator.io.err}\n--- worker:\n${worker.io.err}`).toBe(0);
    // The worker ran the evaluations, and the study says where they ran.
    expect(worker.io.err).toMatch(/run \d+ \(seed \d\) done in/);
    const local = runCli([...study, '--workers', '0', '--out', join(dir, 'local')], { timeout: 120_000 });
    expect(local.code, local.err).toBe(0);
    const summary = (x: string) => JSON.parse(readFileSync(join(dir, x, 'summary.json'), 'utf8'));
    const [a, b] = [summary(queued), summary('local')];
    expect(a.families.map((f: { family: string }) => f.family)).toEqual(['sigma', 'lazy']);
    // The numbers: each family's best, its search and fresh-seed gains, the grid, the minimum profitable share, the trace.
    expect(a.families).toEqual(b.families);
    expect(await rows(join(dir, queued))).toBe(await rows(join(dir, 'local')));
    const manifest = JSON.parse(readFileSync(join(dir, queued, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.executor).toBe(`queue ${redisUrl()} (${q}-${r.k})`);
  }, 240_000);
});
