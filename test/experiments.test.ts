/**
 * The experiment layer as a user meets it (docs/architecture.md#experiments): results that do not
 * depend on the worker count, a run killed with -9 and finished by --resume to the same bytes, a
 * sweep's cells in one store, a comparison whose pairing narrows the interval, and bad input that
 * starts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDirs } from './support/cli.js';

const newDir = tempDirs();
const cli = (args: string[]) => runCli(args, { timeout: 120_000 });

const tiny = { name: 'tiny', days: 3, tasks: [{ startDay: 0, durationDays: 3 }], populations: { nodes: { count: 4, mix: { honest: 0.75, lazy: 0.25 } }, validators: { count: 3 }, delegators: { count: 6 } } };
/** About a second of simulating per seed: long enough to kill between two runs. */
const long = { name: 'long', days: 30, tasks: [{ startDay: 0, durationDays: 30 }], populations: { nodes: { count: 10 }, validators: { count: 5 }, delegators: { count: 300 } } };

function scenarioIn(dir: string, s: object = tiny): string {
  const file = join(dir, 's.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

async function query(dir: string, sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(join(dir, 'results.duckdb'));
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const ALL_ROWS = 'SELECT * FROM agent_days ORDER BY run, day, agent';

describe('run --workers', () => {
  it('gives the same resultsHash, the same rows and the same summary with 0, 1 and 2 workers', async () => {
    const dir = newDir('flock-workers-');
    const file = scenarioIn(dir);
    const results = [];
    for (const w of ['0', '1', '2']) {
      const out = join(dir, `w${w}`);
      const r = cli(['run', file, '--seeds', '3', '--workers', w, '--out', out, '--no-progress']);
      expect(r.code, r.err).toBe(0);
      results.push({ out, hash: manifest(out).resultsHash, rows: JSON.stringify(await query(out, ALL_ROWS), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)), summary: readFileSync(join(out, 'summary.json'), 'utf8') });
    }
    expect(manifest(results[2].out).executor).toBe('2 worker threads');
    expect(manifest(results[0].out).executor).toBe('in-process');
    for (const r of results.slice(1)) {
      expect(r.hash).toBe(results[0].hash);
      expect(r.rows).toBe(results[0].rows);
      expect(r.summary).toBe(results[0].summary);
    }
    // 3 seeds × 3 days × 13 agents, each (run, day, agent) once.
    expect(await query(results[2].out, 'SELECT count(*)::INTEGER, count(DISTINCT (run, day, agent))::INTEGER FROM agent_days')).toEqual([[117, 117]]);
    expect(manifest(results[2].out).status).toBe('complete');
  }, 120_000);
});

describe('--resume after kill -9', () => {
  it('finishes only the missing runs, never duplicates one, and ends with the uninterrupted resultsHash', async () => {
    const dir = newDir('flock-resume-');
    const file = scenarioIn(dir, long);
    const out = join(dir, 'out');
    const args = ['run', file, '--seeds', '4', '--workers', '1', '--progress-interval', '0'];
    const child = spawn(process.execPath, [BIN, ...args, '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 90_000);
    let err = '';
    let killed = false;
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      // One run is in the store and the next is simulating: kill the process where it stands.
      if (!killed && /stored in/.test(err)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    const [, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
    clearTimeout(deadline);
    expect(killed, err).toBe(true);
    expect(sig).toBe('SIGKILL');
    const m = manifest(out);
    expect(m.status).toBe('partial');
    const landed = m.runs.done as number;
    expect(landed).toBeGreaterThanOrEqual(1);
    expect(landed).toBeLessThan(4);
    // A reader refuses it, naming what is missing and how to finish it.
    const exp = cli(['export', out]);
    expect(exp.code).toBe(2);
    expect(exp.err).toMatch(/is partial: \d of 4 runs landed/);

    // The same command with --resume on other overrides is refused: another scenario.
    const other = cli([...args, '--set', 'params.gamma=200000', '--resume', out]);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/cannot resume: its scenario hash is [0-9a-f]{12}…; this command's is [0-9a-f]{12}…/);

    const r = cli([...args, '--resume', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`(resuming: ${landed} of 4 runs already there)`);
    expect((r.err.match(/stored in/g) ?? []).length).toBe(4 - landed);
    expect(await query(out, 'SELECT count(*)::INTEGER, count(DISTINCT run)::INTEGER FROM runs')).toEqual([[4, 4]]);
    expect(await query(out, 'SELECT count(*)::INTEGER, count(DISTINCT (run, day, agent))::INTEGER FROM agent_days')).toEqual([[4 * 30 * 315, 4 * 30 * 315]]);
    expect(manifest(out).status).toBe('complete');

    const whole = cli([...args, '--out', join(dir, 'whole')]);
    expect(whole.code).toBe(0);
    expect(manifest(out).resultsHash).toBe(manifest(join(dir, 'whole')).resultsHash);
    expect(r.out.split('resultsHash: ')[1]).toBe(whole.out.split('resultsHash: ')[1]);
  }, 240_000);
});

describe('sweep', () => {
  it('runs the grid on the same seeds into one store with its cells, and prints a table of cells', async () => {
    const dir = newDir('flock-sweep-');
    const file = scenarioIn(dir);
    const out = join(dir, 'out');
    const r = cli(['sweep', file, '--grid', 'params.gamma=100000,300000', '--grid', 'params.rewardTokenPerDay=1000,2000', '--seeds', '2', '--workers', '2', '--out', out, '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('tiny: sweep of 4 cells × 2 seed(s) × 3 days');
    expect(r.out).toMatch(/^cell\s+params\.gamma\s+params\.rewardTokenPerDay\s+delegator rewards \(FLOCK\)/m);
    expect(r.out).toMatch(/^3\s+300000\s+2000\s+/m);
    expect(await query(out, 'SELECT cell, key, value FROM cells ORDER BY cell, key')).toEqual([
      [0, 'params.gamma', '100000'],
      [0, 'params.rewardTokenPerDay', '1000'],
      [1, 'params.gamma', '100000'],
      [1, 'params.rewardTokenPerDay', '2000'],
      [2, 'params.gamma', '300000'],
      [2, 'params.rewardTokenPerDay', '1000'],
      [3, 'params.gamma', '300000'],
      [3, 'params.rewardTokenPerDay', '2000'],
    ]);
    expect(await query(out, 'SELECT run, cell, seed FROM runs ORDER BY run')).toEqual([
      [0, 0, 1], [1, 0, 2], [2, 1, 1], [3, 1, 2], [4, 2, 1], [5, 2, 2], [6, 3, 1], [7, 3, 2],
    ]);
    // Doubling the emission doubles every role's reward (to the rounding of wei), seed by seed.
    const byCell = await query(out, "SELECT r.cell, sum(a.reward)::DOUBLE FROM agent_days a JOIN runs r USING (run) WHERE a.role = 'node' GROUP BY r.cell ORDER BY r.cell");
    expect(Number(byCell[1][1]) / Number(byCell[0][1])).toBeCloseTo(2, 6);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.cells.map((c: { label: string }) => c.label)).toEqual([
      'params.gamma=100000 params.rewardTokenPerDay=1000',
      'params.gamma=100000 params.rewardTokenPerDay=2000',
      'params.gamma=300000 params.rewardTokenPerDay=1000',
      'params.gamma=300000 params.rewardTokenPerDay=2000',
    ]);
    const apr = summary.cells[0].kpis.find((k: { key: string }) => k.key === 'node/honest.apr');
    expect(apr.estimate.perSeed).toHaveLength(2);
    expect(apr.estimate.ci95).toBeGreaterThan(0);
    // A cell is the scenario with its values set: cell 0 is, byte for byte, `run --set` of them.
    const alone = cli(['run', file, '--seeds', '2', '--set', 'params.gamma=100000', '--set', 'params.rewardTokenPerDay=1000', '--workers', '0', '--out', join(dir, 'alone'), '--no-progress']);
    expect(alone.code).toBe(0);
    expect(summary.cells[0].resultsHash).toBe(manifest(join(dir, 'alone')).resultsHash);
  }, 120_000);

  const bad: [string, string[], RegExp][] = [
    ['an unknown key', ['--grid', 'params.bogus=1,2'], /params\.bogus/],
    ['an empty value', ['--grid', 'params.gamma=1,,2'], /--grid params\.gamma=1,,2: an empty value/],
    ['a bad value', ['--grid', 'params.gamma=100000,-5'], /--grid params\.gamma=-5: invalid scenario\n\s+params\.gamma: Too small/],
    ['no grid', [], /--grid: give at least one --grid key=v1,v2/],
  ];
  for (const [what, flags, message] of bad)
    it(`refuses ${what} with exit 2 and runs nothing`, () => {
      const dir = newDir('flock-sweep-bad-');
      const file = scenarioIn(dir);
      const r = cli(['sweep', file, ...flags, '--out', join(dir, 'out'), '--no-progress']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(readdirSync(dir)).toEqual(['s.json']);
    });
});

describe('compare', () => {
  it('pairs the seeds: the paired interval is narrower than the unpaired one, and --ci bootstrap is reproducible', () => {
    const dir = newDir('flock-compare-');
    // Built for it: nodes' skills and stakes vary a lot between seeds, and the proposal moves a
    // little of the emission from nodes to validators, the same way on every seed.
    const file = scenarioIn(dir, { ...tiny, name: 'pairing', populations: { nodes: { count: 6 }, validators: { count: 3 }, delegators: { count: 0 } } });
    const out = join(dir, 'out');
    const r = cli(['compare', file, '--proposal', 'params.gamma=220000', '--seeds', '6', '--name', 'gamma-0.22', '--out', out, '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('pairing: baseline vs gamma-0.22 (params.gamma=220000), 6 seed(s) × 3 days on common random numbers');
    expect(r.out).toMatch(/^validator rewards \(FLOCK\)\s+[\d,.]+\s+[\d,.]+\s+\+[\d,.]+ \[\+[\d,.]+, \+[\d,.]+\]\s+▲/m);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const v = s.comparisons.find((c: { key: string }) => c.key === 'validator.rewards');
    const paired = v.difference.hi - v.difference.lo;
    const unpaired = v.unpaired.hi - v.unpaired.lo;
    expect(v.difference.n).toBe(6);
    expect(v.verdict).toBe('higher');
    expect(paired).toBeLessThan(unpaired / 2);
    // The paired difference is the mean of the per-seed differences.
    const d = v.proposal.perSeed.map((x: number, i: number) => x - v.baseline.perSeed[i]);
    expect(v.difference.mean).toBeCloseTo(d.reduce((a: number, b: number) => a + b, 0) / 6, 9);
    expect(s.cells.map((c: { label: string }) => c.label)).toEqual(['baseline', 'gamma-0.22']);

    const boot = (o: string) => cli(['compare', file, '--proposal', 'params.gamma=220000', '--seeds', '6', '--ci', 'bootstrap', '--out', join(dir, o), '--no-progress']);
    expect(boot('b1').code).toBe(0);
    expect(boot('b2').code).toBe(0);
    const b1 = JSON.parse(readFileSync(join(dir, 'b1', 'summary.json'), 'utf8'));
    const b2 = JSON.parse(readFileSync(join(dir, 'b2', 'summary.json'), 'utf8'));
    expect(b1.comparisons).toEqual(b2.comparisons);
    const bv = b1.comparisons.find((c: { key: string }) => c.key === 'validator.rewards');
    expect(bv.difference.method).toBe('bootstrap');
    expect(bv.difference.lo).toBeGreaterThan(Math.min(...d) - 1e-9);
    expect(bv.difference.hi).toBeLessThan(Math.max(...d) + 1e-9);
  }, 120_000);

  it('says when agents react to the proposal, and refuses bad input with exit 2', () => {
    const dir = newDir('flock-compare-note-');
    const file = scenarioIn(dir);
    const r = cli(['compare', file, '--proposal', 'params.gamma=200000', '--seeds', '2', '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("note: params.gamma can change what agents decide (6 delegators choose pools by their recent yield). Common random numbers pair the exogenous draws (agents, skills, arrivals), not the agents' reactions");
    for (const [flags, message] of [
      [['--proposal', 'params.nope=1'], /params\.nope/],
      [['--proposal', 'params.gamma=200000', '--ci', 'normal'], /--ci: expected t or bootstrap, got "normal"/],
      [[], /--proposal: give at least one --proposal key=value/],
      [['--proposal', 'params.gamma=0'], /proposal: gives the same scenario as baseline/],
    ] as [string[], RegExp][]) {
      const bad = cli(['compare', file, ...flags, '--out', join(dir, 'bad'), '--no-progress']);
      expect(bad.code, bad.err).toBe(2);
      expect(bad.err).toMatch(message);
      expect(existsSync(join(dir, 'bad'))).toBe(false);
    }
  }, 120_000);
});
