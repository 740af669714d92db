/**
 * What `run` does around its run directory: say which stale partial directories (left by a run
 * killed with -9) it removes, and watch the partial directory of this run so that it goes when the
 * process ends by a signal (Ctrl-C, SIGTERM, kill -9) instead of staying behind.
 *
 * The watcher is a small child process holding a pipe from this one: the simulation is synchronous,
 * so a signal handler in this process would only run after it; the pipe closes however this process
 * ends, and the watcher then removes the partial directory if it is still there (a finished run has
 * renamed it, a failed one removed it).
 */
import { spawn } from 'node:child_process';
import { removeStalePartials } from '../run/runSet.js';

export function reportStalePartials(out: string): void {
  for (const p of removeStalePartials(out)) process.stderr.write(`note: removed ${p}, the partial run directory of an interrupted run (its process is gone)\n`);
}

const WATCHER = `
const { existsSync, rmSync } = require('node:fs');
const [partial, tty] = process.argv.slice(1);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.stdin.on('data', () => {});
process.stdin.on('close', () => {
  if (!existsSync(partial)) return;
  rmSync(partial, { recursive: true, force: true });
  process.stderr.write((tty === '1' ? '\\x1b[?25h\\n' : '') + 'interrupted: removed the partial run directory ' + partial + '\\n');
});
`;

/** Starts the watcher of `partial`; it never keeps this process alive. */
export function watchPartial(partial: string): void {
  try {
    const child = spawn(process.execPath, ['-e', WATCHER, partial, process.stderr.isTTY ? '1' : '0'], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', () => {});
    child.stdin.on('error', () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
  } catch {
    /* no watcher: the next run in this directory removes the stale partial directory */
  }
}
