/**
 * A local JSON-RPC node for tests: `hardhat node --hostname 127.0.0.1 --port <free port>` (Hardhat
 * 2, configured by hardhat.config.cjs at the repository root: no Solidity sources, compile task
 * disabled, so it never downloads a compiler), started as a child process and stopped again.
 *
 * Bounded in every direction:
 * - it listens on 127.0.0.1 only;
 * - `startLocalNode` gives up after `startTimeoutMs` (the node is killed) and says why;
 * - the node runs under a guard process (nodeGuard.mjs) that leads its own process group and
 *   kills the group when the starting process goes away (its stdin pipe closes), after
 *   `maxLifetimeMs`, or on `stop()`; `stop()` also SIGKILLs the group if it is slow to go;
 * - the node's output goes to a log file (never an undrained pipe that could stall it); its
 *   tail is quoted in start-up errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
const HARDHAT_CONFIG = join(REPO_ROOT, 'hardhat.config.cjs');
const GUARD = join(here, 'nodeGuard.mjs');

export interface LocalNodeOptions {
  /** Chain id the node reports (default 31337). */
  chainId?: number;
  /** Give up starting after this long (default 60 s). */
  startTimeoutMs?: number;
  /** The node is killed after this long whatever happens (default 10 minutes). */
  maxLifetimeMs?: number;
}

export interface LocalNode {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  chainId: number;
  /** The guard's pid, which is also the process group id. */
  pid: number;
  /** Stops the node (the whole process group) and waits until it is gone (≤ ~5 s). Idempotent. */
  stop(): Promise<void>;
  /** The node's log so far (stdout and stderr). */
  log(): string;
}

function hardhatCli(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('hardhat/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; bin: Record<string, string> };
  if (!pkg.version.startsWith('2.')) throw new Error(`hardhat ${pkg.version} is installed; flock-lab's local node needs Hardhat 2 (Hardhat 3 refuses Node 20)`);
  return join(dirname(pkgPath), pkg.bin.hardhat);
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? ok(port) : fail(new Error('no free port'))));
    });
  });
}

/** One JSON-RPC call with a timeout; throws on transport errors and JSON-RPC errors. */
export async function rpcCall(url: string, method: string, params: unknown[] = [], timeoutMs = 2000): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const j = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}

const live = new Set<ChildProcess>();
let exitHook = false;
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function startOnce(o: Required<LocalNodeOptions>): Promise<LocalNode> {
  const port = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), 'flock-lab-node-'));
  const logFile = join(logDir, 'hardhat.log');
  const fd = openSync(logFile, 'w');
  const args = [String(o.maxLifetimeMs), hardhatCli(), '--config', HARDHAT_CONFIG, 'node', '--hostname', '127.0.0.1', '--port', String(port)];
  const child = spawn(process.execPath, [GUARD, ...args], {
    cwd: REPO_ROOT,
    detached: true, // its own process group, so stop() can kill hardhat with it
    stdio: ['pipe', fd, fd],
    env: {
      ...process.env,
      FLOCK_LAB_CHAIN_ID: String(o.chainId),
      FLOCK_LAB_NODE_LOG_DIR: logDir,
      HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
      NO_COLOR: '1',
    },
  });
  closeSync(fd);
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) killGroup(c, 'SIGKILL');
    });
  }
  let exited = child.exitCode !== null;
  const gone = new Promise<void>((ok) => child.once('exit', () => ok()));
  void gone.then(() => {
    exited = true;
    live.delete(child);
  });
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      killGroup(child, 'SIGTERM');
      const timer = new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 3000).unref());
      if ((await Promise.race([gone.then(() => 'gone' as const), timer])) === 'timeout') {
        killGroup(child, 'SIGKILL');
        await Promise.race([gone, new Promise((ok) => setTimeout(ok, 2000).unref())]);
      }
      killGroup(child, 'SIGKILL'); // anything hardhat left in the group
      child.stdin?.destroy();
      live.delete(child);
      rmSync(logDir, { recursive: true, force: true });
    }
    await Promise.resolve();
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + o.startTimeoutMs;
  for (;;) {
    if (exited) {
      const log = readLog();
      await stop();
      const e = new Error(`hardhat node exited before it answered on ${url}:\n${log.slice(-2000)}`);
      (e as Error & { addressInUse?: boolean }).addressInUse = /EADDRINUSE|address already in use/i.test(log);
      throw e;
    }
    try {
      const id = await rpcCall(url, 'eth_chainId', [], 1000);
      const chainId = Number(id);
      if (chainId !== o.chainId) {
        await stop();
        throw new Error(`the node on ${url} reports chain id ${chainId}, expected ${o.chainId} (is another node on that port?)`);
      }
      return { url, port, chainId, pid: child.pid!, stop, log: readLog };
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('the node on')) throw e;
    }
    if (Date.now() > deadline) {
      const log = readLog();
      await stop();
      throw new Error(`hardhat node did not answer on ${url} within ${o.startTimeoutMs} ms:\n${log.slice(-2000)}`);
    }
    await new Promise((ok) => setTimeout(ok, 150));
  }
}

/** Starts a local Hardhat 2 node on 127.0.0.1 and waits until it answers `eth_chainId`. */
export async function startLocalNode(opts: LocalNodeOptions = {}): Promise<LocalNode> {
  const o: Required<LocalNodeOptions> = {
    chainId: opts.chainId ?? 31337,
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
    maxLifetimeMs: opts.maxLifetimeMs ?? 10 * 60_000,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(o);
    } catch (e) {
      // Another process may take the free port between the probe and hardhat's bind: try again.
      if (attempt < 3 && (e as { addressInUse?: boolean }).addressInUse) continue;
      throw e;
    }
  }
}

/** Runs `fn` with a fresh local node and always stops the node afterwards. */
export async function withLocalNode<T>(fn: (node: LocalNode) => Promise<T>, opts: LocalNodeOptions = {}): Promise<T> {
  const node = await startLocalNode(opts);
  try {
    return await fn(node);
  } finally {
    await node.stop();
  }
}
