/**
 * Benchmark (not a test): the AI Arena paper's population (scenarios/paper-scale.ts: 603 training
 * nodes, 1,051 validators, 63,265 delegators, 16 live tasks) timed as a user meets it — whole
 * `flock-lab run --workers 0 --seeds 1` processes: start-up, setup, the simulation and the store
 * write. The scaling line runs 1/8, 1/4, 1/2 and 1× the population for a fixed number of days
 * (and for one day, so the fixed cost of start-up and setup can be taken out): the marginal time
 * per agent-day should be flat. Then the full 365-day year at 1× when the scaling line says it
 * fits in --year-limit seconds. Targets (issue 13): a seed-year ≤ 15 s at ≤ 1.5 GB peak RSS.
 *
 *   node --import tsx bench/paperScale.ts [--days 6] [--year-limit 300] [--no-year]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { days: { type: 'string', default: '6' }, 'year-limit': { type: 'string', default: '300' }, 'no-year': { type: 'boolean', default: false } },
});
const ROOT = join(import.meta.dirname, '..');
const SCENARIO = 'scenarios/paper-scale.ts';
const FULL = { nodes: 603, validators: 1051, delegators: 63_265 };
const DAYS = Number(values.days);
const TIME = '/usr/bin/time';
const tmp = mkdtempSync(join(tmpdir(), 'flock-bench-paper-'));
let runs = 0;

interface Timed {
  seconds: number;
  /** User + system CPU seconds (from /usr/bin/time -v), or null where missing: steadier than wall time on a shared machine. */
  cpu: number | null;
  /** Peak resident set size in MB (from /usr/bin/time -v), or null where it is missing. */
  rssMb: number | null;
  hash: string;
}

function timeRun(scale: number, days: number): Timed {
  const pop = { nodes: Math.round(FULL.nodes * scale), validators: Math.round(FULL.validators * scale), delegators: Math.round(FULL.delegators * scale) };
  const out = join(tmp, `run${runs++}`);
  const args = [join(ROOT, 'bin', 'flock-lab.mjs'), 'run', SCENARIO, '--workers', '0', '--seeds', '1', '--days', String(days), '--out', out, '--no-progress'];
  for (const [k, v] of Object.entries(pop)) args.push('--set', `populations.${k}.count=${v}`);
  const withTime = existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = withTime ? spawnSync(TIME, ['-v', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 }) : spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`run at ${scale}× for ${days} days failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : null;
  const hash = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).resultsHash as string;
  rmSync(out, { recursive: true, force: true });
  return { seconds, cpu, rssMb: m ? Number(m[1]) / 1024 : null, hash };
}

const mb = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} MB`);

try {
  console.log(`paper scale: ${SCENARIO}, whole processes (--workers 0, one seed), ${DAYS} days per point`);
  console.log('  scale  agents   1 day (s)  ' + `${DAYS} days (s)`.padEnd(12) + '  µs/agent-day  marginal µs/agent-day  marginal CPU µs/agent-day  peak RSS');
  const rows: { scale: number; agents: number; marginal: number; marginalCpu: number | null; perDay: number }[] = [];
  for (const scale of [1 / 8, 1 / 4, 1 / 2, 1]) {
    const agents = Math.round(FULL.nodes * scale) + Math.round(FULL.validators * scale) + Math.round(FULL.delegators * scale);
    const one = timeRun(scale, 1);
    const many = timeRun(scale, DAYS);
    const per = (many.seconds / (agents * DAYS)) * 1e6;
    const marginal = ((many.seconds - one.seconds) / (agents * (DAYS - 1))) * 1e6;
    const marginalCpu = many.cpu !== null && one.cpu !== null ? ((many.cpu - one.cpu) / (agents * (DAYS - 1))) * 1e6 : null;
    rows.push({ scale, agents, marginal, marginalCpu, perDay: (many.seconds - one.seconds) / (DAYS - 1) });
    const label = scale === 1 ? '1' : `1/${1 / scale}`;
    const cpuCol = (marginalCpu === null ? 'n/a' : marginalCpu.toFixed(2)).padStart(25);
    console.log(`  ${label.padEnd(5)}  ${String(agents).padStart(6)}  ${one.seconds.toFixed(1).padStart(10)}  ${many.seconds.toFixed(1).padStart(12)}  ${per.toFixed(2).padStart(12)}  ${marginal.toFixed(2).padStart(21)}  ${cpuCol}  ${mb(many.rssMb)}`);
  }
  const ms = rows.map((r) => r.marginal);
  const spread = Math.max(...ms) / Math.min(...ms);
  console.log(`  marginal time per agent-day: max/min ${spread.toFixed(2)} (target: flat within ±30 %)`);
  const cpus = rows.map((r) => r.marginalCpu).filter((x): x is number => x !== null);
  if (cpus.length === rows.length) console.log(`  marginal CPU per agent-day: max/min ${(Math.max(...cpus) / Math.min(...cpus)).toFixed(2)} (the same, from user + system CPU)`);
  const full = rows[rows.length - 1];
  // The year ≈ a one-day run (start-up, setup) plus 364 marginal days.
  const estimate = full.perDay * 364;
  if (values['no-year']) {
    console.log(`  year at 1×: skipped (--no-year); about ${estimate.toFixed(0)} s plus start-up from the line above`);
  } else if (estimate > Number(values['year-limit'])) {
    console.log(`  year at 1×: not run, the line above puts it at about ${estimate.toFixed(0)} s plus start-up (> --year-limit ${values['year-limit']} s)`);
  } else {
    const year = timeRun(1, 365);
    console.log(`  year at 1× (365 days): ${year.seconds.toFixed(1)} s, peak RSS ${mb(year.rssMb)} (targets ≤ 15 s, ≤ 1.5 GB); resultsHash ${year.hash.slice(0, 12)}…`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
