/**
 * Benchmark (not a test): the worker pool's speed-up, timed as a user meets it — whole
 * `flock-lab run` processes (start-up, the pool's start, the simulation, the store write), on the
 * same job with --workers 1 and --workers 2. Target: 2 workers ≥ 1.8× one worker on a job that
 * takes one worker at least 20 s. Both runs must give the same resultsHash.
 *
 *   node --import tsx bench/workers.ts [--seeds 64] [--days 120] [--scenario scenarios/baseline.ts]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '64' }, days: { type: 'string', default: '120' }, scenario: { type: 'string', default: 'scenarios/baseline.ts' } } });
const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'flock-bench-workers-'));

function timeRun(workers: number): { seconds: number; hash: string } {
  const out = join(tmp, `w${workers}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'flock-lab.mjs'), 'run', values.scenario, '--seeds', values.seeds, '--days', values.days, '--workers', String(workers), '--out', out, '--no-progress'], { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`run --workers ${workers} failed (exit ${r.status}):\n${r.stderr}`);
  return { seconds, hash: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).resultsHash };
}

try {
  console.log(`worker pool: ${values.scenario}, ${values.seeds} seeds × ${values.days} days, whole processes (${availableParallelism()} cores)`);
  const one = timeRun(1);
  console.log(`  --workers 1: ${one.seconds.toFixed(1)} s`);
  const two = timeRun(2);
  console.log(`  --workers 2: ${two.seconds.toFixed(1)} s`);
  const speedup = one.seconds / two.seconds;
  const same = one.hash === two.hash;
  console.log(`  speed-up ${speedup.toFixed(2)}× (target ≥ 1.8× on 2 cores, with one worker ≥ 20 s: ${one.seconds >= 20 ? 'yes' : 'NO, choose more seeds'}); resultsHash ${same ? 'identical' : 'DIFFERENT'} (${one.hash.slice(0, 12)}…)`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
