/**
 * The γ split's floor order (docs/model.md, γ split), by hand, against the pinned trace
 * `traces/gamma-split-uneven-v2.json`. Its stakes do not divide evenly (7000 vs 4000, 3000 vs
 * 8000), so the floor inside `f = γ + ⌊(B − 2γ)·side/(N + V)⌋` leaves a visible 1 ppm that a
 * floor taken only at the end (`⌊T0·(γ(N+V) + (B − 2γ)·side)/((N+V)·B)⌋`) would not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../replay/replay.js';

const trace = JSON.parse(readFileSync(new URL('../traces/gamma-split-uneven-v2.json', import.meta.url), 'utf8'));
const B = 1_000_000n;
const E18 = 10n ** 18n;
const GAMMA = 200_000n;
/** Two tasks of equal weight (11000 each) share the 1074-FLOCK day: T0 = 537 FLOCK each. */
const T0 = 537n * E18;

describe('γ split floor order (uneven stakes)', () => {
  const views = replayTrace(trace).views as Record<string, string>;

  it('task 1 (N 7000, V 4000): f_N = 200000 + ⌊600000·7000/11000⌋ = 581818, f_V = 418181', () => {
    const tNode = (T0 * 581_818n) / B; // 312.436266 FLOCK
    const tVal = (T0 * 418_181n) / B; // 224.563197 FLOCK
    expect(tNode).toBe(312_436_266n * 10n ** 12n);
    expect(BigInt(views.task1Locked)).toBe((900_000n * tNode) / B);
    expect(BigInt(views.node1Rewards)).toBe((100_000n * tNode * 700_000n) / (B * B));
    expect(BigInt(views.node2Rewards)).toBe((100_000n * tNode * 300_000n) / (B * B));
    expect(BigInt(views.validator1Rewards)).toBe(tVal);
    // The two floors inside f lose 1 ppm of T0 between them: 537 FLOCK · 1e-6 = 537e12 wei.
    expect(BigInt(views.task1NodePlusValidatorPots)).toBe(T0 - 537n * 10n ** 12n);
    // A floor only at the end would pay the node pool 312.436363… FLOCK instead.
    expect((T0 * (GAMMA * 11_000n + (B - 2n * GAMMA) * 7_000n)) / (11_000n * B)).not.toBe(tNode);
  });

  it('task 2 (N 3000, V 8000): f_N = 200000 + ⌊600000·3000/11000⌋ = 363636, f_V = 636363', () => {
    const tNode = (T0 * 363_636n) / B;
    const tVal = (T0 * 636_363n) / B;
    expect(BigInt(views.task2Locked)).toBe((900_000n * tNode) / B);
    expect(BigInt(views.node3Rewards)).toBe((100_000n * tNode * 1_000_000n) / (B * B));
    expect(BigInt(views.validator2Rewards)).toBe((tVal * 600_000n) / B);
    expect(BigInt(views.validator3Rewards)).toBe((tVal * 400_000n) / B);
    expect(BigInt(views.task2NodePlusValidatorPots)).toBe(tNode + tVal);
  });
});
