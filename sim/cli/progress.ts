/**
 * Progress without a terminal (a log file, CI): one line at a steady interval instead of a bar
 * whose frames a log cannot show, e.g. `baseline: 12/30 days · seed 2 · 4.1 s`, and a line for each
 * phase (workload setup, the store write). With a TTY, `run` keeps the cli-progress bar.
 */
import type { RunPhase } from '../run/runSet.js';

export class ProgressLines {
  private readonly t0 = Date.now();
  private last = -Infinity;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly write: (line: string) => void = (l) => void process.stderr.write(l + '\n'),
  ) {}

  private secs(): string {
    return `${((Date.now() - this.t0) / 1000).toFixed(1)} s`;
  }

  phase(p: RunPhase): void {
    if (p.phase === 'setup') {
      if (p.run === 0 || Date.now() - this.last >= this.intervalMs) {
        this.last = Date.now();
        this.write(`${this.name}: setting up workloads, run ${p.run + 1}/${p.runs} · ${this.secs()}`);
      }
    } else if (p.phase === 'write') {
      this.write(`${this.name}: writing ${p.file} · ${this.secs()}`);
    } else this.last = -Infinity;
  }

  /** A line when the interval has passed since the last one, and always for the last day. */
  day(done: number, total: number, seed: number): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs && done < total) return;
    this.last = now;
    this.write(`${this.name}: ${done}/${total} days · seed ${seed} · ${this.secs()}`);
  }
}

/** `--progress-interval <s>` (default 5, or FLOCK_LAB_PROGRESS_INTERVAL): seconds between lines. */
export function progressIntervalMs(flag: string | undefined): number | string {
  const v = flag ?? process.env.FLOCK_LAB_PROGRESS_INTERVAL ?? '5';
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || v.trim() === '') return `expected a number of seconds ≥ 0, got "${v}"`;
  return n * 1000;
}
