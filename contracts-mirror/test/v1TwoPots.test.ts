/**
 * V1's two pots (docs/model.md#per-task-share), by hand: V1 weighs the node pot by NODE weights and
 * the validator pot by VALIDATOR weights, then applies the γ split to each. Across tasks whose
 * node/validator mix differs, the node share of one pot and the validator share of the other add up
 * to more than the day's AI Arena emission. V2 weighs both by NODE_VALIDATOR and never does.
 * The numbers are the rule's, not a bug of the mirror: the rule is contract-sourced.
 */
import { describe, expect, it } from 'vitest';
import { gammaSplit, taskPot } from '../math/rewardSplit.js';

const B = 1_000_000n;
const E18 = 10n ** 18n;
const E = 1000n * E18;
/** Task A: node-heavy (N 90, V 10); task B: validator-heavy (N 10, V 90); no delegation, so weights = stakes. */
const tasks = [
  { n: 90n * E18, v: 10n * E18 },
  { n: 10n * E18, v: 90n * E18 },
];

function payout(version: 'v1' | 'v2', gamma: bigint): bigint {
  const wN = tasks.reduce((a, t) => a + t.n, 0n);
  const wV = tasks.reduce((a, t) => a + t.v, 0n);
  let total = 0n;
  for (const t of tasks) {
    const t0Node = version === 'v1' ? taskPot(E, t.n, wN) : taskPot(E, t.n + t.v, wN + wV);
    const t0Val = version === 'v1' ? taskPot(E, t.v, wV) : t0Node;
    total += gammaSplit(t0Node, gamma, B, t.n, t.n, t.v) + gammaSplit(t0Val, gamma, B, t.v, t.n, t.v);
  }
  return total;
}

describe('V1 two pots over-allocate across unlike tasks', () => {
  it('γ = 0: node pots 900 + 100, validator pots 100 + 900; pays 810 + 10 + 10 + 810 = 1640 FLOCK of a 1000-FLOCK day', () => {
    expect(payout('v1', 0n)).toBe(1640n * E18);
  });

  it('γ = 15 %: f_N(A) = 150000 + ⌊700000·90/100⌋ = 780000, f_V(A) = 220000; pays 702 + 22 + 22 + 702 = 1448 FLOCK', () => {
    expect(payout('v1', 150_000n)).toBe(1448n * E18);
  });

  it('V2 on the same tasks pays exactly the day: 450 + 50 + 50 + 450', () => {
    expect(payout('v2', 0n)).toBe(E);
    expect(payout('v2', 150_000n)).toBe(E);
  });
});
