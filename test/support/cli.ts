/**
 * What the end-to-end tests share: the CLI as a user runs it, with a deadline (a CLI that hangs
 * or spins fails its test, signal SIGTERM, instead of hanging the suite), and temporary folders
 * that are removed after the test file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'flock-lab.mjs');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
  signal: NodeJS.Signals | null;
  ms: number;
  pid: number;
}

/** `flock-lab <args>` in `cwd` (default the repository), with extra environment and a deadline. */
export function runCli(args: readonly string[], o: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: o.cwd ?? ROOT, timeout: o.timeout ?? 60_000, env: { ...process.env, ...o.env } });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal, ms: Date.now() - t0, pid: r.pid };
}

/** A maker of fresh folders under the OS's temporary folder, all removed after the calling test file. */
export function tempDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
