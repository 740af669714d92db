/**
 * The attack search's optimiser (docs/attacks.md#search): CMA-ES finds a shifted sphere's minimum,
 * deterministically from its seed; successive halving keeps the arm with the better optimum.
 */
import { describe, expect, it } from 'vitest';
import { CmaEs, symmetricEigen } from '../sim/attacks/cmaes.js';
import { search } from '../sim/attacks/search.js';

const centre = [0.23, 0.71, 0.56];
const sphere = (x: number[]) => x.reduce((a, xi, i) => a + (xi - centre[i]) ** 2, 0);

function minimise(seed: number, generations: number): { x: number[]; f: number } {
  const es = new CmaEs(3, { seed });
  let best = { x: [] as number[], f: Infinity };
  for (let g = 0; g < generations; g++) {
    const xs = es.ask();
    const fs = xs.map(sphere);
    fs.forEach((f, i) => f < best.f && (best = { x: xs[i], f }));
    es.tell(xs, fs);
  }
  return best;
}

describe('CMA-ES', () => {
  it('finds the minimum of a shifted sphere in the unit box', () => {
    const r = minimise(7, 120);
    expect(r.f).toBeLessThan(1e-10);
    r.x.forEach((xi, i) => expect(xi).toBeCloseTo(centre[i], 4));
  });

  it('is deterministic from its seed, and the seed matters', () => {
    expect(minimise(3, 10)).toEqual(minimise(3, 10));
    expect(minimise(3, 10).x).not.toEqual(minimise(4, 10).x);
  });

  it('finds a minimum on the box boundary (repair by clamping)', () => {
    const es = new CmaEs(2, { seed: 1 });
    for (let g = 0; g < 80; g++) {
      const xs = es.ask();
      es.tell(xs, xs.map((x) => (x[0] - 1.4) ** 2 + (x[1] - 0.3) ** 2));
    }
    expect(es.mean[0]).toBeGreaterThan(0.999);
    expect(es.mean[1]).toBeCloseTo(0.3, 3);
  });

  it('decomposes a symmetric matrix', () => {
    const a = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const { values, vectors } = symmetricEigen(a);
    for (let k = 0; k < 3; k++) {
      const v = vectors.map((r) => r[k]);
      const av = a.map((r) => r.reduce((s, x, j) => s + x * v[j], 0));
      av.forEach((x, i) => expect(x).toBeCloseTo(values[k] * v[i], 10));
    }
  });
});

describe('search (successive halving × CMA-ES)', () => {
  const param = { key: 'x', label: 'x', unit: '', min: -2, max: 2 };
  // Arm "b" has the higher optimum (1 at x = 0.5); arm "a" peaks at 0.2.
  const value = (p: Record<string, string | number>) => (p.arm === 'b' ? 1 : 0.2) - (Number(p.x) - 0.5) ** 2;

  it('spends exactly the budget, keeps the better arm and converges near its optimum', async () => {
    const batches: number[] = [];
    const r = await search({
      budget: 60,
      seed: 1,
      continuous: [param],
      arms: [{ arm: 'a' }, { arm: 'b' }],
      evaluate: async (ps) => (batches.push(ps.length), ps.map(value)),
    });
    expect(r.trials).toHaveLength(60);
    expect(batches[0]).toBe(8); // round 0: both arms, λ = 4 each
    expect(r.trials.slice(8).every((t) => t.point.arm === 'b')).toBe(true);
    expect(r.best?.point.arm).toBe('b');
    expect(Number(r.best?.point.x)).toBeCloseTo(0.5, 2);
    // The trace is the running best: never decreasing, ending at the best value.
    r.trace.forEach((v, i) => i > 0 && expect(v).toBeGreaterThanOrEqual(r.trace[i - 1]));
    expect(r.trace.at(-1)).toBe(r.best?.value);
  });

  it('evaluates each arm once when there is nothing continuous; NaN never wins', async () => {
    const r = await search({ budget: 10, seed: 1, continuous: [], arms: [{ k: 2 }, { k: 3 }, { k: 4 }], evaluate: async (ps) => ps.map((p) => (p.k === 3 ? NaN : Number(p.k))) });
    expect(r.trials.map((t) => t.point.k)).toEqual([2, 3, 4]);
    expect(r.best?.point.k).toBe(4);
  });
});
