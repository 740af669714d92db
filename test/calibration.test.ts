/**
 * Surrogate calibration from real workloads, end to end: the fit from real behaviours, and a
 * surrogate run that uses it (the line fit alone is tested in sim/workloads/real/calibrate.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { CalibrationFileSchema } from '../sim/workloads/calibration.js';
import { createWorkload } from '../sim/workloads/factory.js';
import { calibrate } from '../sim/workloads/real/calibrate.js';

describe('calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flock-calibrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures real behaviours, fits the surrogate, and a surrogate run uses the fit', async () => {
    const real = ScenarioSchema.parse({
      name: 'cal-test',
      workload: { mode: 'real', shardSize: { min: 1500, max: 3000 }, evalSize: 1000, epochs: 1 },
      populations: { nodes: { count: 3 }, validators: { count: 1 } },
    });
    const cal = await calibrate(real, { days: 2, seed: 1, honestNodes: 3, noisyDraws: 2 });
    expect(() => CalibrationFileSchema.parse(cal)).not.toThrow();
    const { fit, measured } = cal;
    // bound: base, intercept and the sds come from real tfjs training and float32 evaluation, which
    // may differ in the last bits between backends and machines; the claims are the behaviours
    expect(fit.base).toBeGreaterThan(4.5); // untrained: about log2(30) bits per character
    expect(fit.honest.intercept).toBeLessThan(fit.base - 1);
    expect(fit.validators.noisySd).toBeGreaterThan(fit.validators.honestSd);
    // lazy validators draw from lazyReport × base, with the default lazyReport [0.5, 1]: exact products
    expect(fit.validators.lazyMax).toBe(fit.base);
    expect(fit.validators.lazyMin).toBe(fit.base * 0.5);
    expect((measured.oversized as { allFailure: boolean }).allFailure).toBe(true);
    const copycat = measured.copycat as { scores: number[] };
    expect(copycat.scores[0]).toBe(fit.base); // day 0: nothing to copy yet → the base model
    // bound: a trained model's BPC (tfjs floats, as above)
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
    // tolerance: a lazy node submits the base model (true score fit.base), but its consensus is the
    // mean of three validators' seeded noisy measurements around it (noise sd fitted from tfjs runs)
    expect(mean('lazy')).toBeCloseTo(fit.base, 1);
    expect(mean('honest')).toBeLessThan(fit.base - 1); // bound: the fitted honest line, with noise
    expect(out.scoreByBehaviour.oversized).toBeUndefined(); // 999.0 from every validator: invalid
  });
});
