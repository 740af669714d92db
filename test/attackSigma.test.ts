/**
 * σ games (docs/attacks.md#families, docs/simulation.md#sigma-games): the `sigma-gamer` node
 * behaviour and its schedule `populations.nodes.sigmaGame`, validated field by field; its σ
 * changes go through setMiniPoolSigma, so one inside the freeze around a task's end is a recorded
 * revert; and the `sigma` attack family runs, with a best strategy `run` takes as it is. Small on
 * purpose: the test network of test/fixtures/attack-small.ts, a few days, a handful of evaluations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES, FAMILY_NAMES } from '../sim/attacks/families.js';
import { fileEvaluator } from '../sim/attacks/evaluate.js';
import { InProcessExecutor } from '../sim/experiments/executor.js';
import { ROOT, runCli, tempDirs } from './support/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/attack-small.ts');
const temp = tempDirs();
const GAMERS = 'populations.nodes.mix={"honest":0.7,"sigma-gamer":0.3}';
const schedule = (switchDays: number) => `populations.nodes.sigmaGame={"lureSigma":100000,"keepSigma":900000,"switchDaysBeforeEnd":${switchDays}}`;

/**
 * One seed of the fixture with a 5-day task, run for its 5 days (so that the gamers' return to the
 * lure σ after the task, refused inside the freeze after its end, is not in it).
 */
function runOnce(dir: string, sets: string[]) {
  const r = runCli(['run', FIXTURE, '--seed', '1', '--days', '5', '--set', 'tasks=[{"startDay":0,"durationDays":5}]', ...sets.flatMap((s) => ['--set', s]), '--workers', '0', '--no-progress', '--out', dir], { timeout: 120_000 });
  return r;
}

describe('sigma-gamer nodes', () => {
  it('refuse a bad or missing schedule with exit 2, naming the field, and write nothing', () => {
    const d = temp('sigma-bad-');
    const cases: [string[], string][] = [
      [[GAMERS], 'populations.nodes.sigmaGame'],
      [[GAMERS, 'populations.nodes.sigmaGame={"lureSigma":100000,"keepSigma":1000001,"switchDaysBeforeEnd":3}'], 'populations.nodes.sigmaGame.keepSigma'],
      [[GAMERS, 'populations.nodes.sigmaGame={"lureSigma":0.5,"keepSigma":900000,"switchDaysBeforeEnd":3}'], 'populations.nodes.sigmaGame.lureSigma'],
      [[GAMERS, 'populations.nodes.sigmaGame={"lureSigma":0,"keepSigma":900000,"switchDaysBeforeEnd":31}'], 'populations.nodes.sigmaGame.switchDaysBeforeEnd'],
      [[GAMERS, 'populations.nodes.sigmaGame={"lureSigma":0,"keepSigma":900000,"switchDaysBeforeEnd":3,"extra":1}'], 'populations.nodes.sigmaGame'],
    ];
    for (const [i, [sets, field]] of cases.entries()) {
      const out = join(d, `r${i}`);
      const r = runOnce(out, sets);
      expect(r.code, r.out).toBe(2);
      expect(r.err).toContain(field);
    }
  }, 120_000);

  it('raise σ through setMiniPoolSigma: before the freeze it passes, inside it the contract refuses (counted reverts)', () => {
    const d = temp('sigma-run-');
    const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    // Switch 3 days before the end (day 2): before the 2-day freeze, no revert.
    const early = runOnce(join(d, 'early'), [GAMERS, schedule(3)]);
    expect(early.code, early.err).toBe(0);
    const e = summary(join(d, 'early'));
    expect(e.reverts.setMiniPoolSigma ?? 0).toBe(0);
    expect(e.groups.some((g: { behaviour: string }) => g.behaviour === 'sigma-gamer')).toBe(true);
    // The raise took effect: the same run with keepSigma = lureSigma pays the gamers differently.
    const flat = runOnce(join(d, 'flat'), [GAMERS, 'populations.nodes.sigmaGame={"lureSigma":100000,"keepSigma":100000,"switchDaysBeforeEnd":3}']);
    expect(flat.code, flat.err).toBe(0);
    const gamers = (x: { groups: { behaviour: string }[] }) => JSON.stringify(x.groups.find((g) => g.behaviour === 'sigma-gamer'));
    expect(gamers(summary(join(d, 'flat')))).not.toBe(gamers(e));
    // Switch 1 day before the end: inside the freeze; each of the 3 gamers is refused.
    const late = runOnce(join(d, 'late'), [GAMERS, schedule(1)]);
    expect(late.code, late.err).toBe(0);
    const l = summary(join(d, 'late'));
    expect(l.reverts.setMiniPoolSigma).toBeGreaterThanOrEqual(3);
    expect(Object.keys(l.revertReasons.setMiniPoolSigma)).toEqual(['Node pool is freezing']);
    // Without gamers, the schedule is ignored: the run is the plain run.
    const plain = runOnce(join(d, 'plain'), []);
    const ignored = runOnce(join(d, 'ignored'), [schedule(1)]);
    expect(ignored.code, ignored.err).toBe(0);
    expect(readFileSync(join(d, 'ignored', 'summary.json'), 'utf8')).toBe(readFileSync(join(d, 'plain', 'summary.json'), 'utf8'));
    expect(plain.out.match(/resultsHash: \w+/)?.[0]).toBe(ignored.out.match(/resultsHash: \w+/)?.[0]);
  }, 180_000);
});

describe('the sigma attack family', () => {
  it('is a family of continuous σ levels and switch timing, in --family all', async () => {
    const f = FAMILIES.sigma;
    expect(FAMILY_NAMES).toContain('sigma');
    expect(f.continuous.map((c) => c.key)).toEqual(['lure', 'keep', 'switchDays']);
    expect(f.overrides(0.3, { lure: 123456.7, keep: 800000.2, switchDays: 2.34567 })).toEqual([
      'populations.nodes.mix={"honest":0.7,"sigma-gamer":0.3}',
      'populations.validators.mix={"honest":1}',
      'populations.nodes.sigmaGame={"lureSigma":123457,"keepSigma":800000,"switchDaysBeforeEnd":2.346}',
    ]);
    // The coalition is the gamers: 3 of the 10 equal-stake nodes.
    const evaluator = fileEvaluator({ file: FIXTURE, sets: [{ set: 'days=3', via: '--days 3' }], executor: new InProcessExecutor() });
    const [e] = await evaluator.evaluate([{ family: f, share: 0.3, point: { lure: 0, keep: 1_000_000, switchDays: 29 } }], [1, 2]);
    expect(e.coalition).toBe(3);
    expect(Number.isFinite(e.gain.mean)).toBe(true);
  }, 120_000);

  it('runs through flock-lab attack, and its best strategy is a scenario `run` takes', () => {
    const d = temp('sigma-attack-');
    const out = join(d, 'study');
    const a = runCli(['attack', FIXTURE, '--family', 'sigma', '--budget', '4', '--grid-budget', '1', '--seeds', '2', '--fresh-seeds', '2', '--days', '2', '--workers', '0', '--no-progress', '--out', out], { timeout: 180_000 });
    expect(a.code, a.err).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.families.map((f: { family: string }) => f.family)).toEqual(['sigma']);
    expect(s.families[0].trace).toHaveLength(4);
    expect(s.families[0].best.words).toMatch(/open their pools at σ = .* and move σ to/);
    const best = join(out, s.families[0].scenarioFile);
    const scen = JSON.parse(readFileSync(best, 'utf8'));
    expect(scen.populations.nodes.mix['sigma-gamer']).toBe(0.3);
    expect(Object.keys(scen.populations.nodes.sigmaGame).sort()).toEqual(['keepSigma', 'lureSigma', 'switchDaysBeforeEnd']);
    const run = runCli(['run', best, '--seeds', '1', '--days', '2', '--workers', '0', '--no-progress', '--out', join(d, 'best-run')], { timeout: 120_000 });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('sigma-gamer');
  }, 240_000);
});
