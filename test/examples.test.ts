import { describe, expect, it } from 'vitest';
import { blocks, initialState, params, run } from '../scenarios/examples/emission-staking.js';

describe('scenarios/examples/emission-staking', () => {
  it('mints emission₀ for N days, then half as much each period: supply = supply₀ + N·emission₀·(2 − 2^(1−m))', () => {
    const N = params.decayEvery;
    const h = run(4 * N);
    expect(h.length).toBe(4 * N + 1);
    for (const m of [1, 2, 3, 4]) {
      expect(h.get(m * N, 'supply')).toBe(initialState.supply + N * initialState.emission * (2 - 2 ** (1 - m)));
      expect(h.get(m * N, 'emission')).toBe(initialState.emission / 2 ** m);
    }
    expect(h.get(4 * N, 'supply')).toBe(1_068_437_500);
    expect(blocks.map((b) => b.label)).toEqual(['mint and stake', 'decay']);
  });
});
