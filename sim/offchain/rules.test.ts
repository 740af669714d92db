/**
 * Hand-computed known answers for off-chain rules that had none: the exact
 * integer floor of docs/model.md#ppm-rounding, c_k = 0, pctWithout with α ≠ 1, all-failure
 * submissions, non-finite scores and ε ≠ 1 in the consensus weight (docs/model.md#off-chain-scoring).
 * Every expected number is derived in the comment above it; all inputs are chosen so the floats
 * involved are exact (small integers, halves and quarters).
 */
import { describe, expect, it } from 'vitest';
import { submissionConsensus } from './consensus.js';
import { DEFAULT_OFFCHAIN, offchainParams } from './params.js';
import { B, sharePercentages } from './percentages.js';
import { scoreTaskDay } from './pipeline.js';

import { day, stake, tok } from './taskDayFixture.js';

describe('exact integer floor (docs/model.md#ppm-rounding)', () => {
  it('two tied nodes staking 1,000 and 3,000 get exactly 250,000 and 750,000', () => {
    // Tied at rank 1 of 2: a = (1 + 0.9)/2 = 0.95 (the double 1.9/2), Z = 0.95 + 0.95 = 1.9 (a doubling),
    // g = 0.95/1.9 = 0.5 exactly. w = 0.5·1000 = 500, 0.5·3000 = 1500, Σw = 2000:
    // ⌊1e6·500/2000⌋ = 250,000, ⌊1e6·1500/2000⌋ = 750,000. (The 2^52-quantised form gave 249,999.)
    const r = scoreTaskDay(day({ nodes: { a: stake(1000), b: stake(3000) }, validators: { v: stake(1000) }, truth: { a: 1.5, b: 1.5 } }));
    expect(r.nodes.map((n) => n.g)).toEqual([0.5, 0.5]);
    expect(r.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[250_000n, 250_000n], [750_000n, 750_000n]]);
  });

  it('stakes 1:2:7 at equal quality get exactly 100,000 / 200,000 / 700,000', () => {
    // w = 100, 200, 700 (tokens(k·1e20 wei) is exact), Σw = 1000: ⌊1e6·w/1000⌋ = 1000·w.
    // (The 2^52-quantised form gave 99,999 / 200,000 / 699,999.)
    const rows = sharePercentages([100, 200, 700].map((s, i) => ({ address: `p${i}`, own: tok(s), delegated: 0n, quality: 1 })), 1, 1);
    expect(rows.map((r) => [r.pctWith, r.pctWithout])).toEqual([[100_000n, 100_000n], [200_000n, 200_000n], [700_000n, 700_000n]]);
    // the same with quality 0.5 (an exact halving of every weight) and with the stake split into own + delegated
    const half = sharePercentages([100, 200, 700].map((s, i) => ({ address: `p${i}`, own: tok(s / 2), delegated: tok(s / 2), quality: 0.5 })), 1, 1);
    // w = 0.5·s = 50, 100, 350 (Σ 500); o = 0.5·s/2 = 25, 50, 175: ⌊1e6·o/500⌋ = 50,000 / 100,000 / 350,000
    expect(half.map((r) => [r.pctWith, r.pctWithout])).toEqual([[100_000n, 50_000n], [200_000n, 100_000n], [700_000n, 350_000n]]);
  });

  it('only the division is exact: three tied nodes (g = the double nearest 1/3) staking 100, 200, 700 get 99,999 / 199,999 / 700,000', () => {
    // g·100, g·200 = 2·(g·100) and g·700 are rounded doubles, not exactly 1:2:7. Not derived by hand: checked
    // against the exact rational floor of those doubles (each double is n/2^k, found by doubling).
    const r = scoreTaskDay(day({ nodes: { a: stake(100), b: stake(200), c: stake(700) }, validators: { v: stake(1) }, truth: { a: 1.5, b: 1.5, c: 1.5 } }));
    const g = r.nodes[0].g;
    const rat = (x: number): [bigint, bigint] => {
      let n = x;
      let d = 1n;
      for (; !Number.isInteger(n); d *= 2n) n *= 2;
      return [BigInt(n), d];
    };
    const w = [100, 200, 700].map((s) => rat(g * s));
    const den = w.reduce((m, [, d]) => (d > m ? d : m), 1n); // all denominators are powers of two
    const num = w.map(([n, d]) => n * (den / d));
    const tot = num.reduce((a, b) => a + b, 0n);
    expect(num.map((n) => (B * n) / tot)).toEqual([99_999n, 199_999n, 700_000n]);
    expect(r.nodes.map((n) => n.pctWith)).toEqual([99_999n, 199_999n, 700_000n]);
  });

  it('a tiny weight beside a large one takes the leader 1 ppm below B (the exact floor, not a rounded one)', () => {
    // w = 3000 and 2^−40·1 (quality 2^−40, 1 token); Σw = 3000 + 2^−40 > 3000, so ⌊1e6·3000/Σw⌋ = 999,999 and the tiny one gets 0.
    const rows = sharePercentages([
      { address: 'big', own: tok(3000), delegated: 0n, quality: 1 },
      { address: 'tiny', own: tok(1), delegated: 0n, quality: 2 ** -40 },
    ], 1, 1);
    expect(rows.map((r) => r.pctWith)).toEqual([999_999n, 0n]);
  });
});

describe('rules with no hand-computed test before', () => {
  it('c_k = 0: the deviation falls back to the absolute x − c (denominator 1)', () => {
    // v1 (3000) reports −0.25, v2 (1000) reports 0.75: c = (3000·(−0.25) + 1000·0.75)/4000 = (−750 + 750)/4000 = 0.
    // δ1 = (−0.25 − 0)/1 = −0.25 → D1 = 0.0625; δ2 = 0.75 → D2 = 0.5625.
    // linear, fScale 1: F1 = 1 − √0.0625 = 0.75, F2 = 1 − 0.75 = 0.25 (coverage: n = 1 each, factor 1).
    // u = 0.75·3000 = 2250, 0.25·1000 = 250, Σu = 2500: ⌊1e6·2250/2500⌋ = 900,000, ⌊1e6·250/2500⌋ = 100,000.
    const r = scoreTaskDay(
      day({ nodes: { a: stake(1) }, validators: { v1: stake(3000), v2: stake(1000) }, truth: { a: 0 }, override: { v1: { a: -0.25 }, v2: { a: 0.75 } } }),
      offchainParams({ fMode: 'linear', fScale: 1 }),
    );
    expect(r.submissions[0]).toMatchObject({ status: 'valid', consensus: 0 });
    expect(r.validators.map((v) => [v.D, v.F])).toEqual([[0.0625, 0.75], [0.5625, 0.25]]);
    expect(r.validators.map((v) => [v.pctWith, v.pctWithout])).toEqual([[900_000n, 900_000n], [100_000n, 100_000n]]);
    expect(r.nodes[0]).toMatchObject({ score: 0, rank: 1, pctWith: B });
  });

  it('pctWithout with α ≠ 1 is g·t^α / Σw, not pctWith·t/(t + εd)', () => {
    // Nodes tied (g = 0.5 each, as above). a: own 900 + delegated 700, b: own 400. αt = 0.5:
    // w_a = 0.5·√1600 = 20, w_b = 0.5·√400 = 10, Σw = 30 → pctWith ⌊1e6·20/30⌋ = 666,666, ⌊1e6·10/30⌋ = 333,333.
    // o_a = 0.5·√900 = 15 → ⌊1e6·15/30⌋ = 500,000 (the α = 1 ratio would give 666,666·900/1600 ≈ 375,000); o_b = w_b.
    const nodes = { a: stake(900, 700), b: stake(400) };
    const r = scoreTaskDay(day({ nodes, validators: { v: stake(1) }, truth: { a: 1.5, b: 1.5 } }), offchainParams({ alphaT: 0.5 }));
    expect(r.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[666_666n, 500_000n], [333_333n, 333_333n]]);
    // α = 1 for contrast: w = 0.5·1600 = 800, 0.5·400 = 200 (Σ 1000), o_a = 0.5·900 = 450 → 800,000 / 450,000 and 200,000
    const lin = scoreTaskDay(day({ nodes, validators: { v: stake(1) }, truth: { a: 1.5, b: 1.5 } }));
    expect(lin.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[800_000n, 450_000n], [200_000n, 200_000n]]);
    // validators, αv = 0.5: both report the consensus (D = 0, F = exp(0) = 1, n = 1 each):
    // u = √1600 = 40, √400 = 20 (Σ 60) → 666,666 / 333,333; v1 without: √900 = 30 → ⌊1e6·30/60⌋ = 500,000
    const v = scoreTaskDay(day({ nodes: { a: stake(1) }, validators: { v1: stake(900, 700), v2: stake(400) }, truth: { a: 1.5 } }), offchainParams({ alphaV: 0.5 }));
    expect(v.validators.map((x) => [x.pctWith, x.pctWithout])).toEqual([[666_666n, 500_000n], [333_333n, 333_333n]]);
  });

  it('a submission whose every score is a failure value is invalid, and earns its scorers no coverage', () => {
    // s-a: v1 (1000) reports 999, v2 (3000) reports −999 → failure stake 4000, score stake 0 → invalid, no c, no rank.
    // s-b: both report 1.5 → c = 1.5, b is the only ranked node → pctWith = B.
    // Validators: only s-b is valid, δ = 0 → D = 0, F = 1, n = 1 each (s-a does not count):
    // u = 1000, 3000 (Σ 4000) → 250,000 / 750,000.
    const r = scoreTaskDay(day({ nodes: { a: stake(1), b: stake(1) }, validators: { v1: stake(1000), v2: stake(3000) }, truth: { a: 1.2, b: 1.5 }, override: { v1: { a: 999 }, v2: { a: -999 } } }));
    expect(r.invalid).toEqual(['s-a']);
    expect(r.submissions[0]).toMatchObject({ status: 'invalid', consensus: null });
    expect(r.nodes.map((n) => [n.address, n.rank, n.pctWith])).toEqual([['a', null, 0n], ['b', 1, B]]);
    expect(r.validators.map((v) => [v.n, v.D, v.F, v.pctWith])).toEqual([[1, 0, 1, 250_000n], [1, 0, 1, 750_000n]]);
    const c = submissionConsensus('k', [{ validator: 'v1', submission: 'k', value: 999 }, { validator: 'v2', submission: 'k', value: -999 }], (x) => (x === 'v1' ? 1000 : 3000), DEFAULT_OFFCHAIN);
    expect(c).toMatchObject({ status: 'invalid', consensus: null, failureStake: 4000, scoreStake: 0, validators: 2 });
    // one zero-stake scorer reporting a failure: the one-vote fallback counts it 1 → failure 1 > score 0 → invalid
    const z = submissionConsensus('k', [{ validator: 'v', submission: 'k', value: 999 }], () => 0, DEFAULT_OFFCHAIN);
    expect(z).toMatchObject({ status: 'invalid', failureStake: 1, scoreStake: 0 });
  });

  it('non-finite scores count as failure values in the consensus (NaN, ±∞)', () => {
    // v1 (1000) NaN, v2 (1000) +∞, v3 (3000) 1.5: failure stake 2000 < score stake 3000 → valid;
    // c = 3000·1.5/3000 = 1.5 (NaN and ∞ are not averaged in).
    // linear F: v1, v2 have δ = 1 → D = 1 → F = 1 − 1 = 0; v3 δ = 0 → F = 1. u = (0, 0, 3000) → (0, 0, B).
    const r = scoreTaskDay(
      day({ nodes: { a: stake(1) }, validators: { v1: stake(1000), v2: stake(1000), v3: stake(3000) }, truth: { a: 1.5 }, override: { v1: { a: Number.NaN }, v2: { a: Number.POSITIVE_INFINITY } } }),
      offchainParams({ fMode: 'linear', fScale: 1 }),
    );
    expect(r.submissions[0]).toMatchObject({ status: 'valid', consensus: 1.5 });
    expect(r.validators.map((v) => [v.D, v.F, v.pctWith])).toEqual([[1, 0, 0n], [1, 0, 0n], [0, 1, B]]);
    // −∞ from a stake majority: 3000 > 1000 → invalid, the node gets 0
    const inv = scoreTaskDay(day({ nodes: { a: stake(1) }, validators: { v1: stake(3000), v2: stake(1000) }, truth: { a: 1.5 }, override: { v1: { a: Number.NEGATIVE_INFINITY } } }));
    expect(inv.invalid).toEqual(['s-a']);
    expect(inv.nodes[0].pctWith).toBe(0n);
  });

  it('ε ≠ 1 in the consensus weight s_j = own + ε·delegated', () => {
    // v1: own 1000 + delegated 2000 reports 1.0; v2: own 2000 reports 2.0.
    // ε = 0.5: s = 2000, 2000 → c = (2000·1 + 2000·2)/4000 = 1.5
    // ε = 1:   s = 3000, 2000 → c = (3000 + 4000)/5000 = 1.4 (the double nearest 7/5)
    // ε = 0:   s = 1000, 2000 → c = (1000 + 4000)/3000 = 5/3 (the double nearest)
    const validators = { v1: stake(1000, 2000), v2: stake(2000) };
    const input = day({ nodes: { a: stake(1), b: stake(1) }, validators, truth: { a: 1, b: 1 }, override: { v2: { a: 2 }, v1: { b: 999 } } });
    const c = (epsilon: number) => scoreTaskDay(input, offchainParams({ epsilon }));
    expect(c(0.5).submissions[0].consensus).toBe(1.5);
    expect(c(1).submissions[0].consensus).toBe(1.4);
    expect(c(0).submissions[0].consensus).toBe(5 / 3);
    // and the failure majority on s-b (v1 reports 999, v2 reports 1): ε = 0.5 splits the stake 2000/2000
    // exactly → not a strict majority → valid with c = 1; ε = 1 gives 3000 > 2000 → invalid; ε = 0 gives 1000 < 2000 → valid.
    expect(c(0.5).submissions[1]).toMatchObject({ status: 'valid', consensus: 1 });
    expect(c(1).submissions[1]).toMatchObject({ status: 'invalid', consensus: null });
    expect(c(0).submissions[1]).toMatchObject({ status: 'valid', consensus: 1 });
  });
});
