/**
 * The statistics of `compare` (docs/simulation.md#comparing-rule-sets) on hand-derived vectors: the t
 * interval, the Welch interval, the percentile bootstrap from its own stream, and the reason
 * pairing exists: on samples that share their seed-to-seed noise it narrows the interval.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bootstrapInterval, pairedDifference, tInterval, unpairedDifference, verdict } from '../sim/experiments/pairing.js';

describe('intervals', () => {
  it('t: [1, 2, 3] → 2 ± 4.303·1/√3', () => {
    const i = tInterval([1, 2, 3]);
    expect(i.mean).toBe(2);
    expect(i.hi - 2).toBeCloseTo(4.303 / Math.sqrt(3), 12);
    expect(2 - i.lo).toBeCloseTo(4.303 / Math.sqrt(3), 12);
  });

  it('Welch: equal variances and sizes give the pooled interval with 2n − 2 degrees of freedom', () => {
    // a = [1, 3] (s² = 2), b = [4, 6] (s² = 2): difference 3, se = √(2/2 + 2/2) = √2, df = 2 → t = 4.303.
    const i = unpairedDifference([1, 3], [4, 6]);
    expect(i.mean).toBe(3);
    expect(i.hi - 3).toBeCloseTo(4.303 * Math.SQRT2, 12);
  });

  it('paired: proposal − baseline seed by seed; a constant shift has a zero-width interval', () => {
    const base = [10, 20, 30, 40];
    const prop = base.map((x) => x + 1.5);
    const p = pairedDifference(base, prop, 't', 1, 'k');
    expect([p.mean, p.lo, p.hi]).toEqual([1.5, 1.5, 1.5]);
    expect(verdict(p)).toBe('higher');
    const u = unpairedDifference(base, prop);
    expect(u.lo).toBeLessThan(0); // unpaired, the same shift is lost in the seeds' spread
    expect(verdict(u)).toBe('unclear');
  });

  it('bootstrap: the same stream gives the same interval; another stream another; it lies within the sample', () => {
    const xs = [0.3, -0.1, 0.8, 0.2, 0.5, 0.1, 0.4];
    const a = bootstrapInterval(xs, 7, 'k');
    expect(bootstrapInterval(xs, 7, 'k')).toEqual(a);
    expect(bootstrapInterval(xs, 8, 'k')).not.toEqual(a);
    expect(a.lo).toBeGreaterThanOrEqual(Math.min(...xs));
    expect(a.hi).toBeLessThanOrEqual(Math.max(...xs));
    expect(a.lo).toBeLessThan(a.mean);
    expect(a.hi).toBeGreaterThan(a.mean);
  });

  it('one seed has no interval (NaN), never a false certainty', () => {
    expect(Number.isNaN(tInterval([3]).lo)).toBe(true);
    expect(verdict(tInterval([3]))).toBe('unclear');
  });
});

describe('pairing narrows the interval', () => {
  it('whenever the two samples share seed-to-seed noise larger than their own', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 4, maxLength: 12 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (noise, effect, seed) => {
          fc.pre(Math.max(...noise) - Math.min(...noise) > 100);
          // Each seed's own small wobble, drawn from a fixed pattern.
          const wobble = (i: number) => (((seed * (i + 1)) % 7) - 3) * 0.01;
          const base = noise.map((x, i) => x + wobble(i));
          const prop = noise.map((x, i) => x + effect - wobble(i));
          const p = pairedDifference(base, prop, 't', seed, 'k');
          const u = unpairedDifference(base, prop);
          return p.hi - p.lo < u.hi - u.lo;
        },
      ),
    );
  });
});
