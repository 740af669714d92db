/**
 * Progress of an experiment, in a terminal (a cli-progress bar) or in a log / CI (a line at a
 * steady interval, since a log cannot show a bar's frames): simulated days, runs stored, the ETA
 * and a running KPI, e.g.
 * `baseline: 412/960 days · seed 3 · 2/8 runs · ETA 14 s · honest nodes' share 71.2% · 9.8 s`.
 */
import cliProgress from 'cli-progress';
import type { ExperimentProgress } from '../experiments/runner.js';
import { formatKpi, runKpis, type KpiValue } from '../experiments/kpis.js';

/** `--progress-interval <s>` (default 5, or FLOCK_LAB_PROGRESS_INTERVAL): seconds between lines. */
export function progressIntervalMs(flag: string | undefined): number | string {
  const v = flag ?? process.env.FLOCK_LAB_PROGRESS_INTERVAL ?? '5';
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || v.trim() === '') return `expected a number of seconds ≥ 0, got "${v}"`;
  return n * 1000;
}

/** The KPI a progress line shows: the honest nodes' share where there are adversaries, else their APR. */
const RUNNING = ['node.honestShare', 'node/honest.apr', 'validator/honest.apr'];

export class ExperimentProgressView {
  private readonly t0 = Date.now();
  private last = -Infinity;
  private readonly bar: cliProgress.SingleBar | null;
  private readonly kpis: KpiValue[][] = [];
  private seed = 0;

  constructor(
    private readonly name: string,
    private readonly days: (run: number) => number,
    mode: { progress: boolean; intervalMs: number },
    private readonly write: (line: string) => void = (l) => void process.stderr.write(l + '\n'),
  ) {
    const tty = process.stderr.isTTY === true;
    this.lineMode = mode.progress && !tty;
    this.intervalMs = mode.intervalMs;
    this.bar = mode.progress && tty
      ? new cliProgress.SingleBar(
          { format: `${name} |{bar}| {value}/{total} days · {runs} runs · ETA {eta_formatted} · {kpi}`, stream: process.stderr, hideCursor: true, etaBuffer: 200 },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  private readonly lineMode: boolean;
  private readonly intervalMs: number;
  private started = false;

  /** A line before the first day: what runs where. */
  note(line: string): void {
    if (this.bar && this.started) return; // the bar owns the terminal; notes would tear it
    if (this.bar || this.lineMode) this.write(`${this.name}: ${line}`);
  }

  update(p: ExperimentProgress): void {
    if (p.job) this.seed = p.job.seed;
    // The running KPI costs a summary per run: only worth it when someone sees it.
    if (p.landed && (this.bar || this.lineMode)) this.kpis.push(runKpis(p.landed, this.days(p.landed.run)));
    const kpi = this.runningKpi();
    const runs = `${p.runsDone}/${p.runsTotal}`;
    if (this.bar) {
      if (!this.started) {
        this.bar.start(Math.max(1, p.daysTotal), 0, { runs, kpi });
        this.started = true;
      }
      this.bar.update(p.daysDone, { runs, kpi });
      return;
    }
    if (!this.lineMode) return;
    const now = Date.now();
    const final = p.runsDone === p.runsTotal && !p.job;
    if (now - this.last < this.intervalMs && !final && !p.landed) return;
    this.last = now;
    const secs = (now - this.t0) / 1000;
    const eta = p.daysDone > 0 && p.daysDone < p.daysTotal ? ` · ETA ${Math.ceil((secs * (p.daysTotal - p.daysDone)) / p.daysDone)} s` : '';
    this.write(`${this.name}: ${p.daysDone}/${p.daysTotal} days · seed ${this.seed} · ${runs} runs${eta}${kpi ? ` · ${kpi}` : ''} · ${secs.toFixed(1)} s`);
  }

  private runningKpi(): string {
    if (!this.kpis.length) return '';
    for (const key of RUNNING) {
      const vals = this.kpis.map((k) => k.find((x) => x.key === key)).filter((x): x is KpiValue => x !== undefined && Number.isFinite(x.value));
      if (!vals.length) continue;
      const m = vals.reduce((a, x) => a + x.value, 0) / vals.length;
      return `${vals[0].label} ${formatKpi(vals[0].unit, m)}`;
    }
    return '';
  }

  /** Stops the bar (its redraw timer would keep the process alive): call on every exit path. */
  stop(): void {
    if (this.bar && this.started) this.bar.stop();
  }
}
