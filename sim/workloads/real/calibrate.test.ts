/** The least-squares line the calibration fits (the whole calibration, end to end: test/calibration.test.ts). */
import { describe, expect, it } from 'vitest';
import { linearFit } from './calibrate.js';

describe('linearFit', () => {
  it('fits a line exactly when the points lie on one', () => {
    // pure double arithmetic on values that are exact in binary: mean x = 0.5, mean y = 2.5,
    // sxx = 0.5, sxy = −0.5, so b = −1, a = 3 and every residual is 0
    const f = linearFit([0, 0.5, 1], [3, 2.5, 2]);
    expect(f.a).toBe(3);
    expect(f.b).toBe(-1);
    expect(f.residualSd).toBe(0);
    expect(f.r2).toBe(1);
  });
});
