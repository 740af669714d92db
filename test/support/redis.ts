/**
 * The Redis the queue tests use: the one at FLOCK_LAB_TEST_REDIS (CI starts one, .ci/run), else a
 * redis-server started for the test file on a free port and stopped after it, with the file's
 * child processes. Call once at the top of a test file; `redisUrl()` is valid inside its tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parseRedisUrl, pingRedis } from '../../sim/experiments/queue.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Registers the file's beforeAll/afterAll; `children` are killed after the file's tests. */
export function useTestRedis(children: ChildProcess[]): () => string {
  let url = process.env.FLOCK_LAB_TEST_REDIS ?? '';
  let redis: ChildProcess | null = null;
  beforeAll(async () => {
    if (url) return;
    const port = await freePort();
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const spawned = await new Promise<Error | null>((resolve) => {
      proc.once('error', resolve);
      proc.once('spawn', () => resolve(null));
    });
    if (spawned) throw new Error(`these tests need Redis: install redis-server (apt-get install redis-server), or set FLOCK_LAB_TEST_REDIS=redis://HOST:PORT (${spawned.message})`);
    redis = proc;
    const candidate = `redis://127.0.0.1:${port}`;
    const t0 = Date.now();
    for (;;) {
      try {
        await pingRedis(parseRedisUrl(candidate), 1000);
        url = candidate;
        return;
      } catch (e) {
        if (Date.now() - t0 > 10_000) throw new Error(`redis-server on port ${port} did not answer within 10 s: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    redis?.kill('SIGKILL');
  });
  return () => {
    if (!url) throw new Error('redisUrl() was called before the test file’s beforeAll ran');
    return url;
  };
}
