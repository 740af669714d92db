/**
 * Benchmark (not a test): the worker pool's speed-up, timed as a user meets it — whole
 * `flock-lab run` processes (start-up, the pool's start, the simulation, the store write), on the
 * same job with --workers 1 and --workers 2. Target: 2 workers ≥ 1.8× one worker on a job that
 * takes one worker at least 20 s. Both runs must give the same resultsHash.
 *
 * On a shared machine other processes steal the cores, so each line shows the 1-minute load
 * average before and after it; with --reps N the two are timed alternately N times and the
 * speed-up is that of the fastest of each (the run least disturbed), with the median beside it.
 *
 *   node --import tsx bench/workers.ts [--seeds 240] [--days 120] [--scenario scenarios/baseline.ts] [--reps 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '240' }, days: { type: 'string', default: '120' }, scenario: { type: 'string', default: 'scenarios/baseline.ts' }, reps: { type: 'string', default: '1' } },
});
const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'flock-bench-workers-'));
const reps = Math.max(1, Number(values.reps) || 1);

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

function timeRun(workers: number, rep: number): { seconds: number; hash: string } {
  const out = join(tmp, `w${workers}-${rep}`);
  const load = loadavg()[0];
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'flock-lab.mjs'), 'run', values.scenario, '--seeds', values.seeds, '--days', values.days, '--workers', String(workers), '--out', out, '--no-progress'], { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childrenCpu();
  const cpu = cpu0 !== null && cpu1 !== null ? `, CPU ${(cpu1 - cpu0).toFixed(1)} s` : '';
  if (r.status !== 0) throw new Error(`run --workers ${workers} failed (exit ${r.status}):\n${r.stderr}`);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  const rss = typeof m.peakRssBytes === 'number' ? `, peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MiB` : '';
  console.log(`  --workers ${workers}: ${seconds.toFixed(1)} s (load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}${cpu}${rss})`);
  return { seconds, hash: m.resultsHash };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  console.log(`worker pool: ${values.scenario}, ${values.seeds} seeds × ${values.days} days, whole processes (${availableParallelism()} cores${reps > 1 ? `, ${reps} repetitions` : ''})`);
  const one: number[] = [];
  const two: number[] = [];
  const hashes = new Set<string>();
  for (let rep = 0; rep < reps; rep++) {
    for (const [w, into] of [[1, one], [2, two]] as const) {
      const r = timeRun(w, rep);
      into.push(r.seconds);
      hashes.add(r.hash);
    }
  }
  const speedup = Math.min(...one) / Math.min(...two);
  const same = hashes.size === 1;
  const med = reps > 1 ? ` (medians ${median(one).toFixed(1)} s / ${median(two).toFixed(1)} s: ${(median(one) / median(two)).toFixed(2)}×)` : '';
  console.log(
    `  speed-up ${speedup.toFixed(2)}×${med} (target ≥ 1.8× on 2 cores, with one worker ≥ 20 s: ${Math.min(...one) >= 20 ? 'yes' : 'NO, choose more seeds'}); resultsHash ${same ? 'identical' : 'DIFFERENT'} (${[...hashes][0].slice(0, 12)}…)`,
  );
  if (!same) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
