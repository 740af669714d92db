/** Surrogate calibration from real workloads: the fit, and a surrogate run that uses it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../scenario/schema.js';
import { runSimulation } from '../../run/simulation.js';
import { CalibrationFileSchema } from '../calibration.js';
import { createWorkload } from '../factory.js';
import { calibrate, linearFit } from './calibrate.js';

describe('calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flock-calibrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fits a line exactly when the points lie on one', () => {
    const f = linearFit([0, 0.5, 1], [3, 2.5, 2]);
    expect(f.a).toBeCloseTo(3, 12);
    expect(f.b).toBeCloseTo(-1, 12);
    expect(f.residualSd).toBeCloseTo(0, 12);
  });

  it('measures real behaviours, fits the surrogate, and a surrogate run uses the fit', async () => {
    const real = ScenarioSchema.parse({
      name: 'cal-test',
      workload: { mode: 'real', shardSize: { min: 1500, max: 3000 }, evalSize: 1000, epochs: 1 },
      populations: { nodes: { count: 3 }, validators: { count: 1 } },
    });
    const cal = await calibrate(real, { days: 2, seed: 1, honestNodes: 3, noisyDraws: 2 });
    expect(() => CalibrationFileSchema.parse(cal)).not.toThrow();
    const { fit, measured } = cal;
    expect(fit.base).toBeGreaterThan(4.5); // untrained: about log2(30) bits per character
    expect(fit.honest.intercept).toBeLessThan(fit.base - 1);
    expect(fit.validators.noisySd).toBeGreaterThan(fit.validators.honestSd);
    expect(fit.validators.lazyMax).toBeCloseTo(fit.base, 10);
    expect((measured.oversized as { allFailure: boolean }).allFailure).toBe(true);
    const copycat = measured.copycat as { scores: number[] };
    expect(copycat.scores[0]).toBe(fit.base); // day 0: nothing to copy yet → the base model
    expect(copycat.scores[1]).toBeLessThan(fit.base - 1); // day 1: yesterday's best model

    const path = join(dir, 'cal.json');
    writeFileSync(path, JSON.stringify(cal));
    const s = ScenarioSchema.parse({
      name: 'calibrated',
      days: 4,
      workload: { calibration: path },
      tasks: [{ startDay: 0, durationDays: 4 }],
      populations: { nodes: { count: 4, mix: { honest: 0.5, lazy: 0.25, oversized: 0.25 } }, validators: { count: 3 } },
    });
    const w = await createWorkload(s, 1, 0);
    const out = runSimulation(s, { seed: 1, run: 0, workload: w });
    expect(out.workload).toMatchObject({ mode: 'surrogate', calibration: { path, scenario: 'cal-test' } });
    const mean = (b: string) => out.scoreByBehaviour[b].sum / out.scoreByBehaviour[b].n;
    expect(mean('lazy')).toBeCloseTo(fit.base, 1);
    expect(mean('honest')).toBeLessThan(fit.base - 1);
    expect(out.scoreByBehaviour.oversized).toBeUndefined(); // 999.0 from every validator: invalid
  });
});
