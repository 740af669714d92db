/**
 * `flock-lab attack` (docs/attacks.md): the known weakness (a heavy colluding validator stake pulls
 * the stake-weighted mean consensus; the median resists it), fresh-seed re-evaluation, the same
 * study on any number of workers, resume, and bad input as exit 2 naming the field. Small on
 * purpose: the 7-day test network of test/fixtures/attack-small.ts and a handful of evaluations.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it, vi } from 'vitest';
import { FAMILIES, SHARE_GRID } from '../sim/attacks/families.js';
import { runStudy } from '../sim/attacks/study.js';
import { codeId } from '../sim/experiments/job.js';
import { fileEvaluator } from '../sim/attacks/evaluate.js';
import { runAttack } from '../sim/attacks/attack.js';
import { InProcessExecutor } from '../sim/experiments/executor.js';
import { attackCommand } from '../sim/cli/attack.js';
import { ROOT, runCli, tempDirs } from './support/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/attack-small.ts');
const temp = tempDirs();

async function collusionAt30(consensus: 'mean' | 'median') {
  const evaluator = fileEvaluator({ file: FIXTURE, sets: [{ set: `offchain.consensus=${consensus}`, via: 'test' }], executor: new InProcessExecutor() });
  const [r] = await runAttack({
    plan: { families: [FAMILIES.collusion], share: 0.3, budget: 8, gridBudget: 1, grid: [], seeds: [1, 2, 3, 4], freshSeeds: [5, 6, 7, 8, 9, 10, 11, 12] },
    evaluator,
  });
  return r;
}

describe('the known weakness: collusion against the stake-weighted mean', () => {
  it('is profitable at 30 % of validator stake with the mean consensus, and the median cuts it by half or to no evidence', async () => {
    const mean = await collusionAt30('mean');
    const median = await collusionAt30('median');
    const m = mean.best!;
    const d = median.best!;
    // 30 % of equal-stake validators and nodes: the coalition holds 30 % of the stake.
    expect(m.stakeShare).toBeCloseTo(0.3, 6);
    expect(m.freshGain.n).toBe(8);
    expect(m.freshGain.lo).toBeGreaterThan(0);
    expect(m.profitable).toBe(true);
    expect(d.freshGain.mean <= m.freshGain.mean / 2 || d.freshGain.lo <= 0).toBe(true);
    // The trace is the running best of the search's 8 evaluations.
    expect(mean.trace).toHaveLength(8);
    expect(mean.trace.at(-1)).toBe(m.searchGain.mean);
  }, 60_000);
});

describe('delegation herding', () => {
  it('puts the herding delegators in the coalition, with their stake, and herds only to colluding validators', async () => {
    const evaluator = fileEvaluator({ file: FIXTURE, sets: [{ set: 'days=2', via: '--days 2' }], executor: new InProcessExecutor() });
    const [e] = await evaluator.evaluate([{ family: FAMILIES.herding, share: 0.3, point: {} }], [1, 2]);
    // 3 of 10 validators and 6 of 20 delegators.
    expect(e.coalition).toBe(9);
    expect(e.stakeShare).toBeGreaterThan(0);
    expect(Number.isFinite(e.gain.mean)).toBe(true);
    // At 5 % of 6 validators no validator colludes (0.3 rounds to none), so nobody herds either.
    const [none] = await fileEvaluator({ file: FIXTURE, sets: [{ set: 'days=2', via: '--days 2' }, { set: 'populations.validators.count=6', via: 'test' }], executor: new InProcessExecutor() }).evaluate(
      [{ family: FAMILIES.herding, share: 0.05, point: {} }],
      [1, 2],
    );
    expect(none.coalition).toBe(0);
    expect(Number.isNaN(none.gain.mean)).toBe(true);
  }, 60_000);
});

describe('flock-lab attack', () => {
  const args = (out: string, workers: number, extra: string[] = []) => [
    'attack', FIXTURE, '--family', 'collusion,lazy', '--budget', '3', '--grid-budget', '1', '--seeds', '2', '--fresh-seeds', '2', '--days', '2', '--workers', String(workers), '--no-progress', '--out', out, ...extra,
  ];
  const rows = async (dir: string) => {
    const db = await DuckDBInstance.create(join(dir, 'attack.duckdb'));
    const c = await db.connect();
    const r = (await c.runAndReadAll('SELECT * FROM attack_evals ORDER BY family, phase, share, idx')).getRowObjects();
    c.closeSync();
    db.closeSync();
    return JSON.stringify(r);
  };

  it('gives the same study on 0 and 2 workers, exports the best strategy, and resumes to the same result', async () => {
    const d = temp('attack-');
    const a = runCli(args(join(d, 'w0'), 0), { timeout: 120_000 });
    expect(a.code, a.err).toBe(0);
    const summary = (x: string) => readFileSync(join(d, x, 'summary.json'), 'utf8');
    const first = summary('w0');
    const firstRows = await rows(join(d, 'w0'));
    const s = JSON.parse(summary('w0'));
    expect(s.families.map((f: { family: string }) => f.family)).toEqual(['collusion', 'lazy']);
    expect(s.families[0].grid.map((g: { share: number }) => g.share)).toEqual([0.05, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(a.out).toMatch(/minimum profitable coalition share/);
    // Fresh seeds are seeds the search never used.
    expect(s.plan.seeds).toEqual([1, 2]);
    expect(s.plan.freshSeeds).toEqual([3, 4]);
    expect(s.families[0].best.freshGain.n).toBe(2);
    // An interrupted study: a partial manifest, the store missing its later evaluations. Resumed in
    // this process (whose code id the manifest is given: a shared working tree may change between
    // two CLI starts), as the CLI's --resume does.
    const dir = join(d, 'w0');
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, status: 'partial', code: codeId() }));
    rmSync(join(dir, 'summary.json'));
    const db = await DuckDBInstance.create(join(dir, 'attack.duckdb'));
    const c = await db.connect();
    await c.run("DELETE FROM attack_evals WHERE family = 'lazy' OR phase LIKE 'grid%'");
    c.closeSync();
    db.closeSync();
    let stored = -1;
    const plan = { families: [FAMILIES.collusion, FAMILIES.lazy], share: 0.3, budget: 3, gridBudget: 1, grid: SHARE_GRID, seeds: [1, 2], freshSeeds: [3, 4] };
    await runStudy({ file: FIXTURE, sets: [{ set: 'days=2', via: '--days 2' }], plan, executor: new InProcessExecutor(), executorName: 'in-process', out: dir, resume: true, onDirectory: (_d, n) => (stored = n) });
    expect(stored).toBeGreaterThan(0);
    expect(summary('w0')).toBe(first);
    expect(await rows(dir)).toBe(firstRows);
    // Another plan is refused, naming the difference.
    await expect(runStudy({ file: FIXTURE, sets: [{ set: 'days=2', via: '--days 2' }], plan: { ...plan, share: 0.2 }, executor: new InProcessExecutor(), executorName: 'in-process', out: dir, resume: true })).rejects.toThrow(/share/);
    // Two worker threads: the same study.
    const b = runCli(args(join(d, 'w2'), 2), { timeout: 120_000 });
    expect(b.code, b.err).toBe(0);
    expect(summary('w2')).toBe(first);
    expect(await rows(join(d, 'w2'))).toBe(firstRows);
    // The report understands an attack directory: its own section and charts.
    const rep = runCli(['report', dir, '--out', join(d, 'report')], { timeout: 120_000 });
    expect(rep.code, rep.err).toBe(0);
    const md = readFileSync(join(d, 'report', 'report.md'), 'utf8');
    expect(md).toMatch(/^## Attacks$/m);
    expect(md).toMatch(/minimum profitable share/);
    for (const c of ['attack-gain-by-share', 'attack-convergence']) {
      expect(readFileSync(join(d, 'report', `${c}.csv`), 'utf8').split('\n').length).toBeGreaterThan(2);
      expect(readFileSync(join(d, 'report', 'index.html'), 'utf8')).toContain(`id="${c}"`);
    }
    // The best strategy is a scenario `run` takes as it is.
    const best = join(d, 'w0', s.families[0].scenarioFile);
    const scen = JSON.parse(readFileSync(best, 'utf8'));
    expect(scen.populations.validators.mix.colluding).toBe(0.3);
    const run = runCli(['run', best, '--seeds', '1', '--days', '1', '--workers', '0', '--no-progress', '--out', join(d, 'best-run')], { timeout: 120_000 });
    expect(run.code, run.err).toBe(0);
  }, 240_000);

  it('refuses bad input with exit 2, naming the field, before anything runs', async () => {
    const d = temp('attack-bad-');
    const flags = { budget: '24', seeds: '4', freshSeeds: '8', share: '0.3', set: [] as string[], progress: false, out: join(d, 'x') };
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (errors.push(String(s)), true));
    try {
      const cases: [Record<string, unknown>, string][] = [
        [{ family: 'bogus' }, '--family'],
        [{ family: 'sybil', budget: '0' }, '--budget'],
        [{ family: 'sybil', share: '0.9' }, '--share'],
        [{ family: 'sybil', seeds: '1' }, '--seeds'],
        [{ family: 'sybil', set: ['params.bogus=1'] }, 'params.bogus'],
      ];
      for (const [extra, field] of cases) {
        errors.length = 0;
        expect(await attackCommand(FIXTURE, { ...flags, ...extra } as Parameters<typeof attackCommand>[1])).toBe(2);
        expect(errors.join('')).toContain(field);
      }
    } finally {
      spy.mockRestore();
    }
    expect(existsSync(join(d, 'x'))).toBe(false);
    // And through the CLI as a user meets it.
    const none = runCli(['attack', FIXTURE, '--out', join(d, 'y')]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('--family');
  }, 120_000);
});
