/**
 * Benchmark (not a test): the worker pool's speed-up, timed as a user meets it — whole
 * `flock-lab run` processes (start-up, the pool's start, the simulation, the store write), on the
 * same job with --workers 1 and --workers 2. Target (issue 11): 2 workers ≥ 1.8× one worker on a
 * job that takes one worker at least 20 s. Both runs must give the same resultsHash.
 *
 * Two jobs, because the pool can only share out the work done on its threads
 * (docs/architecture.md#worker-pool):
 * - compute: scenarios/real-small.ts, 16 seeds — real TF.js training and evaluation, seconds of
 *   work per seed on its thread and a few hundred rows to store. The target is checked on it.
 * - store: scenarios/baseline.ts, 240 seeds × 120 days — the surrogate workload, about 60 ms of
 *   simulation per seed but 9,360 agent-day rows, which one coordinator stores in one DuckDB file
 *   while V8's GC and compiler threads run beside each isolate. One worker already keeps about 1.5
 *   cores busy, so two cores allow about 1.3×; the line says how much.
 *
 * On a shared machine other processes steal the cores, so each line shows the 1-minute load
 * average before and after it; with --reps N the two are timed alternately N times and the
 * speed-up is that of the fastest of each (the run least disturbed), with the median beside it.
 *
 *   node --import tsx bench/workers.ts [--job compute|store|both] [--reps 1]
 *   node --import tsx bench/workers.ts --scenario scenarios/x.ts [--seeds 16] [--days 30]   (your own job)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface Job {
  name: string;
  scenario: string;
  seeds: string;
  days?: string;
  /** Whether the 1.8× target is judged on this job. */
  target: boolean;
}

const JOBS: Record<'compute' | 'store', Job> = {
  compute: { name: 'compute-bound', scenario: 'scenarios/real-small.ts', seeds: '16', target: true },
  store: { name: 'store-bound', scenario: 'scenarios/baseline.ts', seeds: '240', days: '120', target: false },
};

const { values } = parseArgs({
  options: {
    job: { type: 'string', default: 'both' },
    scenario: { type: 'string' },
    seeds: { type: 'string' },
    days: { type: 'string' },
    reps: { type: 'string', default: '1' },
  },
});
const ROOT = join(import.meta.dirname, '..');
const reps = Math.max(1, Number(values.reps) || 1);
const CORES = availableParallelism();

function jobs(): Job[] {
  if (values.scenario) return [{ name: 'your job', scenario: values.scenario, seeds: values.seeds ?? '16', days: values.days, target: true }];
  const picked = values.job === 'both' ? [JOBS.compute, JOBS.store] : values.job === 'compute' || values.job === 'store' ? [JOBS[values.job]] : null;
  if (!picked) {
    console.error(`--job: expected compute, store or both, got "${values.job}"`);
    process.exit(2);
  }
  return picked.map((j) => ({ ...j, seeds: values.seeds ?? j.seeds, days: values.days ?? j.days }));
}

/**
 * CPU seconds (user + sys) of this process's finished children, from /proc (Linux; null elsewhere):
 * on a shared machine a run's CPU time says more than its wall time, and how much of it the second
 * core can take over is what the speed-up is made of.
 */
function childrenCpu(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

interface Timed {
  seconds: number;
  cpu: number | null;
  hash: string;
}

function timeRun(job: Job, workers: number, out: string): Timed {
  const load = loadavg()[0];
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const days = job.days ? ['--days', job.days] : [];
  const args = [join(ROOT, 'bin', 'flock-lab.mjs'), 'run', job.scenario, '--seeds', job.seeds, ...days, '--workers', String(workers), '--out', out, '--no-progress'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childrenCpu();
  const cpu = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null;
  if (r.status !== 0) throw new Error(`run --workers ${workers} failed (exit ${r.status}):\n${r.stderr}`);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  const rss = typeof m.peakRssBytes === 'number' ? `, peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MiB` : '';
  const busy = cpu !== null ? `, CPU ${cpu.toFixed(1)} s = ${(cpu / seconds).toFixed(2)} cores busy` : '';
  console.log(`  --workers ${workers}: ${seconds.toFixed(1)} s (load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}${busy}${rss})`);
  return { seconds, cpu, hash: m.resultsHash };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times the job with one and two workers; false when the two gave different results. */
function bench(job: Job, tmp: string): boolean {
  const days = job.days ? ` × ${job.days} days` : '';
  console.log(`${job.name}: ${job.scenario}, ${job.seeds} seeds${days}, whole processes (${CORES} cores${reps > 1 ? `, ${reps} repetitions` : ''})`);
  const one: Timed[] = [];
  const two: Timed[] = [];
  const hashes = new Set<string>();
  for (let rep = 0; rep < reps; rep++) {
    for (const [w, into] of [[1, one], [2, two]] as const) {
      const r = timeRun(job, w, join(tmp, `${job.name}-w${w}-${rep}`));
      into.push(r);
      hashes.add(r.hash);
    }
  }
  const fastest = (xs: Timed[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const [f1, f2] = [fastest(one), fastest(two)];
  const speedup = f1.seconds / f2.seconds;
  const med = reps > 1 ? ` (medians ${(median(one.map((x) => x.seconds)) / median(two.map((x) => x.seconds))).toFixed(2)}×)` : '';
  // One worker that keeps p cores busy leaves two workers at most CORES / p of its speed, if they
  // need the CPU it needed; on a busier machine the figure is only indicative.
  const ceiling = f1.cpu !== null ? `; one worker kept ${(f1.cpu / f1.seconds).toFixed(2)} cores busy, so ${CORES} cores allow about ${(CORES / (f1.cpu / f1.seconds)).toFixed(2)}×` : '';
  const long = f1.seconds >= 20 ? '' : ' (one worker took under 20 s: choose more seeds)';
  const verdict = job.target ? ` — target ≥ 1.8×: ${speedup >= 1.8 ? 'met' : 'MISSED'}${long}` : '';
  const same = hashes.size === 1;
  console.log(`  speed-up ${speedup.toFixed(2)}×${med}${ceiling}${verdict}; resultsHash ${same ? 'identical' : 'DIFFERENT'} (${[...hashes][0].slice(0, 12)}…)`);
  return same;
}

const tmp = mkdtempSync(join(tmpdir(), 'flock-bench-workers-'));
try {
  const todo = jobs();
  let same = true;
  for (const job of todo) same = bench(job, tmp) && same;
  if (!same) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
