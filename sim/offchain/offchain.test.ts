/**
 * Known answers for the off-chain scoring pipeline (docs/model.md#off-chain-scoring). Expected ppm values were
 * derived by hand and checked with exact rational arithmetic (Python `fractions`), not by running
 * this code.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { stakeWeightedMean, stakeWeightedMedian, submissionConsensus, type Score } from './consensus.js';
import { DEFAULT_OFFCHAIN, OffchainInputError, offchainParams, type OffchainParams } from './params.js';
import { B, dropZeroShares, sharePercentages, vestedShare } from './percentages.js';
import { finalPercentages, finalPercentagesByAddress, scoreTaskDay, type Stake } from './pipeline.js';
import { geometricWeights } from './ranking.js';
import { relativeDeviation } from './validatorQuality.js';

import { day, E18, stake, tok } from './taskDayFixture.js';

const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const pctOf = (r: { nodes: { address: string; pctWith: bigint }[] }, a: string) => r.nodes.find((n) => n.address === a)!.pctWith;

describe('defaults (docs/model.md#off-chain-scoring)', () => {
  it('DEFAULT_OFFCHAIN holds the documented defaults and validates', () => {
    expect(DEFAULT_OFFCHAIN).toMatchObject({ q: 0.9, k1: null, alphaT: 1, alphaV: 1, epsilon: 1, consensus: 'mean', tau: 0.01, fMode: 'exp', fScale: 1, coverage: true, k2: null, lowerIsBetter: true });
    expect([...DEFAULT_OFFCHAIN.failureValues]).toEqual([999, -999]);
    expect(() => offchainParams()).not.toThrow();
  });
  it('rejects out-of-range parameters with an OffchainInputError naming the field', () => {
    expect(() => offchainParams({ q: 0 })).toThrow(OffchainInputError);
    expect(() => offchainParams({ q: 1.5 })).toThrow(/params\.q/);
    expect(() => offchainParams({ k1: 2.5 })).toThrow(/params\.k1/);
    expect(() => offchainParams({ tau: 0 })).toThrow(/params\.tau/);
    expect(() => offchainParams({ epsilon: -1 })).toThrow(/params\.epsilon/);
    // the spec's ranges, shared with the scenario's offchain section: 0 < q < 1, k1/k2 ≥ 1 (null = off)
    expect(() => offchainParams({ q: 1 })).toThrow(/params\.q: got 1; expected a finite number in \(0, 1\)/);
    expect(() => offchainParams({ k1: 0 })).toThrow(/params\.k1/);
    expect(() => offchainParams({ k2: 0 })).toThrow(/params\.k2/);
  });
});

describe('node ranking and geometric weights (docs/model.md#rank-geometric-weights)', () => {
  const validators = { v1: stake(3000), v2: stake(5000) };

  it('identical scores and equal stakes give identical ppm to the wei (tie averaging)', () => {
    const nodes = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => [n, stake(3000)]));
    const truth = Object.fromEntries(Object.keys(nodes).map((n) => [n, 1.2345]));
    const r = scoreTaskDay(day({ nodes, validators, truth }));
    for (const n of r.nodes) {
      expect(n.pctWith).toBe(142857n);
      expect(n.pctWithout).toBe(142857n);
      expect(n.rank).toBe(1);
      expect(n.g).toBe(r.nodes[0].g); // bit-identical float
    }
  });

  it('distinct scores give geometric ratios: 3 nodes, q = 0.9 → 369003, 332103, 298892', () => {
    const r = scoreTaskDay(day({ nodes: { a: stake(3000), b: stake(3000), c: stake(3000) }, validators, truth: { a: 1.1, b: 1.2, c: 1.3 } }));
    expect(r.nodes.map((n) => n.pctWith)).toEqual([369003n, 332103n, 298892n]);
    expect(r.nodes.map((n) => n.pctWithout)).toEqual([369003n, 332103n, 298892n]);
    expect(r.nodes.map((n) => n.rank)).toEqual([1, 2, 3]);
    // g = (1, .9, .9·.9)/Z with Z = 1 + .9 + .81 summed best first; the ratio of the doubles is exactly 0.9
    const z = 1 + 0.9 + 0.9 * 0.9;
    expect(r.nodes.map((n) => n.g)).toEqual([1 / z, 0.9 / z, (0.9 * 0.9) / z]);
    expect(r.nodes[1].g / r.nodes[0].g).toBe(0.9);
  });

  it('a tie in the middle averages the weights it spans, independent of input order', () => {
    // raw 1, .9, .81, .729 → tied (.9+.81)/2 = .855; Z = 3.439
    const truth = { a: 1.0, b: 2.0, c: 2.0, d: 3.0 };
    const nodes = { a: stake(10), b: stake(10), c: stake(10), d: stake(10) };
    const r = scoreTaskDay(day({ nodes, validators, truth }));
    expect(r.nodes.map((n) => n.pctWith)).toEqual([290782n, 248618n, 248618n, 211980n]);
    expect(r.nodes.map((n) => n.rank)).toEqual([1, 2, 2, 4]);
    const rev = day({ nodes, validators, truth });
    const r2 = scoreTaskDay({ ...rev, submissions: [...rev.submissions].reverse(), scores: [...rev.scores].reverse() });
    expect(r2.nodes).toEqual(r.nodes);
  });

  it('higher-is-better metrics rank descending (lowerIsBetter = false)', () => {
    const r = scoreTaskDay(
      day({ nodes: { a: stake(1), b: stake(1), c: stake(1) }, validators, truth: { a: 0.3, b: 0.9, c: 0.6 } }),
      offchainParams({ lowerIsBetter: false }),
    );
    expect(r.nodes.map((n) => [n.address, n.pctWith])).toEqual([['a', 298892n], ['b', 369003n], ['c', 332103n]]);
  });

  it("a node's best submission counts", () => {
    const input = day({ nodes: { a: stake(1), b: stake(1) }, validators, truth: { a: 1.5, b: 1.2 } });
    input.submissions = [...input.submissions, { id: 'a-2', node: 'a' }];
    input.scores = [...input.scores, { validator: 'v1', submission: 'a-2', value: 1.0 }, { validator: 'v2', submission: 'a-2', value: 1.0 }];
    const r = scoreTaskDay(input);
    expect(r.nodes.find((n) => n.address === 'a')).toMatchObject({ score: 1.0, rank: 1 });
    // 2 nodes: 1/1.9 and .9/1.9 → 526315, 473684
    expect(r.nodes.map((n) => n.pctWith)).toEqual([526315n, 473684n]);
  });

  it('a copied submission (identical scores) gets exactly the original ppm', () => {
    const r = scoreTaskDay(day({ nodes: { orig: stake(5000), copy: stake(5000), other: stake(5000) }, validators, truth: { orig: 0.8123, copy: 0.8123, other: 0.9 } }));
    expect(pctOf(r, 'orig')).toBe(pctOf(r, 'copy'));
  });

  it('staked nodes without a submission stay in the arrays with 0', () => {
    const r = scoreTaskDay(day({ nodes: { a: stake(1), idle: stake(1) }, validators, truth: { a: 1 } }));
    expect(r.nodes.find((n) => n.address === 'idle')).toMatchObject({ pctWith: 0n, pctWithout: 0n, rank: null, score: null, g: 0 });
    expect(pctOf(r, 'a')).toBe(B);
  });

  it('top-k₁ cut: nodes outside get 0; the top k₁ share as among themselves', () => {
    const nodes = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n) => [n, stake(100)]));
    const r = scoreTaskDay(day({ nodes, validators, truth: { a: 1, b: 2, c: 3, d: 4, e: 5 } }), offchainParams({ k1: 3 }));
    expect(r.nodes.map((n) => n.pctWith)).toEqual([369003n, 332103n, 298892n, 0n, 0n]);
    expect(r.nodes.map((n) => n.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('top-k₁ cut: a tie across the cut keeps the whole tied group, with the average over its full span', () => {
    // ranks 1,2,3,3,5; k1 = 3 keeps 4 nodes; tied weight (.81 + .729)/2 = .7695; Z = 3.439
    const nodes = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n) => [n, stake(100)]));
    const r = scoreTaskDay(day({ nodes, validators, truth: { a: 1, b: 2, c: 3, d: 3, e: 4 } }), offchainParams({ k1: 3 }));
    expect(r.nodes.map((n) => n.pctWith)).toEqual([290782n, 261703n, 223756n, 223756n, 0n]);
    expect(r.nodes.map((n) => n.rank)).toEqual([1, 2, 3, 3, 5]);
  });

  it('geometricWeights: Σ g = 1 and tied g are the same float', () => {
    const g = geometricWeights(new Map([['x', 1], ['y', 1], ['z', 1], ['w', 0.5]]), DEFAULT_OFFCHAIN);
    // Z = 1 + 3·a with a = (.9 + .81 + .729)/3; the four doubles a_i/Z happen to sum to exactly 1
    expect(g.reduce((a, r) => a + r.g, 0)).toBe(1);
    expect(Object.is(g[1].g, g[2].g) && Object.is(g[2].g, g[3].g)).toBe(true);
  });
});

describe('delegation: pctWith vs pctWithout (docs/model.md#node-and-validator-percentages)', () => {
  const validators = { v: stake(3000) };

  it('delegation raises pctWith; pctWithout follows t/(t+εd)', () => {
    // a: 3000 own + 1000 delegated, b: 4000 own; tied → equal effective stakes 4000/4000
    const r = scoreTaskDay(day({ nodes: { a: stake(3000, 1000), b: stake(4000) }, validators, truth: { a: 1, b: 1 } }));
    expect(r.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[500000n, 375000n], [500000n, 500000n]]);
  });

  it('ε scales the delegated stake (ε = 0.5)', () => {
    // effective a = 3500, b = 4000: pctWith 466666 / 533333; pctWithout a = 1e6·3000/7500 = 400000
    const r = scoreTaskDay(day({ nodes: { a: stake(3000, 1000), b: stake(4000) }, validators, truth: { a: 1, b: 1 } }), offchainParams({ epsilon: 0.5 }));
    expect(r.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[466666n, 400000n], [533333n, 533333n]]);
  });

  it('with ranks: adding delegation to the leader moves pctWith, not its own-stake pctWithout numerator', () => {
    const base = scoreTaskDay(day({ nodes: { a: stake(1000), b: stake(1000) }, validators, truth: { a: 1, b: 2 } }));
    expect(base.nodes.map((n) => n.pctWith)).toEqual([526315n, 473684n]);
    // a gets 1000 delegated: w = (1·2000, .9·1000), Σ = 2900: pctWith 689655 / 310344; pctWithout a = 1e6·1000/2900 = 344827
    const r = scoreTaskDay(day({ nodes: { a: stake(1000, 1000), b: stake(1000) }, validators, truth: { a: 1, b: 2 } }));
    expect(r.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[689655n, 344827n], [310344n, 310344n]]);
  });

  it('a node with only delegated stake has pctWithout = 0', () => {
    const r = scoreTaskDay(day({ nodes: { a: stake(0, 1000), b: stake(1000) }, validators, truth: { a: 1, b: 1 } }));
    expect(r.nodes.map((n) => [n.pctWith, n.pctWithout])).toEqual([[500000n, 0n], [500000n, 500000n]]);
  });
});

describe('consensus and failure values (docs/model.md#consensus)', () => {
  it('stake-weighted mean c_k = Σ s x / Σ s, with s = own + ε·delegated', () => {
    const r = scoreTaskDay(day({ nodes: { a: stake(1) }, validators: { v1: stake(1000), v2: stake(2000, 1000) }, truth: { a: 1 }, override: { v1: { a: 1.0 }, v2: { a: 2.0 } } }));
    expect(r.submissions[0].consensus).toBe(1.75); // (1000·1 + 3000·2)/4000, exact in doubles
  });

  it('a failure-value stake majority invalidates a submission; exactly half does not', () => {
    const nodes = { a: stake(1), b: stake(1) };
    const half = scoreTaskDay(day({ nodes, validators: { v1: stake(3000), v2: stake(3000) }, truth: { a: 1.2, b: 1.5 }, override: { v1: { a: 999 } } }));
    expect(half.invalid).toEqual([]);
    expect(half.submissions[0].consensus).toBe(1.2);
    const major = scoreTaskDay(day({ nodes, validators: { v1: stake(3000), v2: stake(3000), v3: stake(1000) }, truth: { a: 1.2, b: 1.5 }, override: { v1: { a: 999 }, v3: { a: -999 } } }));
    expect(major.invalid).toEqual(['s-a']);
    expect(major.nodes.find((n) => n.address === 'a')).toMatchObject({ pctWith: 0n, rank: null });
    expect(pctOf(major, 'b')).toBe(B);
    // many small failure reporters do not beat one large honest stake
    const minority = scoreTaskDay(day({ nodes, validators: { big: stake(10000), s1: stake(3000), s2: stake(3000), s3: stake(3000) }, truth: { a: 1.2, b: 1.5 }, override: { s1: { a: 999 }, s2: { a: 999 }, s3: { a: 999 } } }));
    expect(minority.invalid).toEqual([]);
    expect(minority.submissions[0].consensus).toBe(1.2); // failure values excluded from c_k
  });

  it('a failure value reported for a valid submission counts as δ = 1', () => {
    expect(relativeDeviation(999, 1.2, [999, -999])).toBe(1);
    expect(relativeDeviation(Number.NaN, 1.2, [999, -999])).toBe(1);
    // (1.5 − 1.2)/1.2 in doubles: 1.5 − 1.2 = 0.30000000000000004, so δ is one ulp above 0.25
    expect(relativeDeviation(1.5, 1.2, [999, -999])).toBe(0.25000000000000006);
    const r = scoreTaskDay(day({ nodes: { a: stake(1) }, validators: { v1: stake(3000), v2: stake(1000) }, truth: { a: 1.2 }, override: { v2: { a: 999 } } }));
    expect(r.validators.find((v) => v.address === 'v2')).toMatchObject({ D: 1, n: 1 });
  });

  it('unscored submissions get no rank and are listed apart from invalid ones', () => {
    const input = day({ nodes: { a: stake(1), b: stake(1) }, validators: { v: stake(1) }, truth: { a: 1 } });
    input.submissions = [...input.submissions, { id: 's-b', node: 'b' }];
    const r = scoreTaskDay(input);
    expect(r.unscored).toEqual(['s-b']);
    expect(r.invalid).toEqual([]);
    expect(r.nodes.map((n) => n.pctWith)).toEqual([B, 0n]);
  });

  it('stake-weighted median: tie handling at exactly half the stake, zero weights ignored', () => {
    expect(stakeWeightedMedian([{ value: 3, weight: 1, key: 'a' }, { value: 1, weight: 1, key: 'b' }, { value: 2, weight: 1, key: 'c' }])).toBe(2);
    expect(stakeWeightedMedian([{ value: 1, weight: 1, key: 'a' }, { value: 4, weight: 1, key: 'b' }])).toBe(2.5);
    expect(stakeWeightedMedian([{ value: 1, weight: 1, key: 'a' }, { value: 2, weight: 1, key: 'b' }, { value: 10, weight: 3, key: 'c' }])).toBe(10);
    expect(stakeWeightedMedian([{ value: 1, weight: 1, key: 'a' }, { value: 2, weight: 1, key: 'b' }, { value: 10, weight: 2, key: 'c' }])).toBe(6);
    expect(stakeWeightedMedian([{ value: 1, weight: 1, key: 'a' }, { value: 2, weight: 0, key: 'b' }, { value: 3, weight: 1, key: 'c' }])).toBe(2);
    expect(stakeWeightedMean([{ value: 1, weight: 1 }, { value: 4, weight: 3 }])).toBe(3.25);
  });

  it('zero-stake scorers fall back to one vote each', () => {
    const c = submissionConsensus('k', [{ validator: 'x', submission: 'k', value: 1 }, { validator: 'y', submission: 'k', value: 3 }], () => 0, DEFAULT_OFFCHAIN);
    expect(c).toMatchObject({ status: 'valid', consensus: 2 });
  });

  it('colluding validators with a large stake share shift c_k (mean); the median resists a minority', () => {
    const nodes = { a: stake(1), b: stake(1), c: stake(1) };
    const truth = { a: 1.0, b: 1.1, c: 1.2 };
    const inverted = { a: 1.4, b: 1.1, c: 0.8 };
    const honest = { h1: stake(1000), h2: stake(1000) };
    // colluders hold 80%: the ranking flips
    const big = scoreTaskDay(day({ nodes, truth, validators: { ...honest, x1: stake(4000), x2: stake(4000) }, override: { x1: inverted, x2: inverted } }));
    // Σ s·x / Σ s = (2000·1.0 + 8000·1.4)/10000 = 1.32 (8000·1.4 rounds to 11200 exactly)
    expect(big.submissions[0].consensus).toBe(1.32);
    expect(big.nodes.map((n) => n.rank)).toEqual([3, 2, 1]);
    // honest validators now deviate more than the colluders
    const F = Object.fromEntries(big.validators.map((v) => [v.address, v.F]));
    expect(F.h1).toBeLessThan(F.x1);
    // colluders hold 20%: the mean shifts c_k but not the ranking
    const small = scoreTaskDay(day({ nodes, truth, validators: { h1: stake(4000), h2: stake(4000), x1: stake(1000), x2: stake(1000) }, override: { x1: inverted, x2: inverted } }));
    // (8000·1.0 + 2000·1.4)/10000 = 1.08
    expect(small.submissions[0].consensus).toBe(1.08);
    expect(small.nodes.map((n) => n.rank)).toEqual([1, 2, 3]);
    // the stake-weighted median ignores a 40% minority entirely
    const med = scoreTaskDay(
      day({ nodes, truth, validators: { h1: stake(3000), h2: stake(3000), x1: stake(2000), x2: stake(2000) }, override: { x1: inverted, x2: inverted } }),
      offchainParams({ consensus: 'median' }),
    );
    expect(med.submissions.map((s) => s.consensus)).toEqual([1.0, 1.1, 1.2]);
    expect(med.validators.find((v) => v.address === 'h1')!.D).toBe(0);
  });
});

describe('validator quality (docs/model.md#validator-quality)', () => {
  function noisyDay(seed: string, lazy: boolean) {
    const rng = seedrandom.alea(seed);
    const nodes: Record<string, Stake> = {};
    const truth: Record<string, number> = {};
    for (let i = 0; i < 12; i++) {
      nodes[`n${i}`] = stake(3000);
      truth[`n${i}`] = 0.8 + 0.05 * i;
    }
    const validators = { h1: stake(3000), h2: stake(3000), h3: stake(3000), h4: stake(3000), lazy: stake(3000) };
    const override: Record<string, Record<string, number>> = {};
    for (const v of Object.keys(validators)) {
      override[v] = {};
      for (const [n, x] of Object.entries(truth)) {
        override[v][n] = v === 'lazy' && lazy ? 0.5 + 2.5 * rng() : x * (1 + 0.005 * (2 * rng() - 1));
      }
    }
    return day({ nodes, validators, truth, override });
  }

  it('a lazy validator (random scores) gets a much lower F than honest ones', () => {
    // Mean consensus: the lazy validator (20% of the stake) also drags c_k, so honest F drop too
    // (≈ 0.07 here with τ = 0.01), but the lazy one's F is ~1e−19 and it gets no ppm.
    const r = scoreTaskDay(noisyDay('lazy-1', true));
    const by = Object.fromEntries(r.validators.map((v) => [v.address, v]));
    // bound: the scores are pseudo-random (seeded alea noise), so the claims about D and F are
    // bands around the ideal values; the exact ppm below pin this seed's output.
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      expect(by[h].D).toBeLessThan(0.05);
      expect(by.lazy.F).toBeLessThan(by[h].F * 1e-6);
      expect(by[h].pctWith).toBeGreaterThan(200000n);
    }
    expect(by.lazy.D).toBeGreaterThan(0.1);
    expect(by.lazy.pctWith).toBe(0n);
    // regression values: this code's output for seed 'lazy-1' (deterministic; not derived by hand)
    expect(r.validators.map((v) => v.pctWith)).toEqual([256470n, 237610n, 251149n, 254769n, 0n]);
    // The stake-weighted median is not dragged: honest F stay ≈ 1.
    const med = scoreTaskDay(noisyDay('lazy-1', true), offchainParams({ consensus: 'median' }));
    // bound: honest noise is ±0.5% (seeded), so their F is near 1, not exactly 1
    for (const v of med.validators) {
      if (v.address === 'lazy') expect(v.F).toBeLessThan(1e-6);
      else expect(v.F).toBeGreaterThan(0.99);
    }
    // regression values, as above
    expect(med.validators.map((v) => v.pctWith)).toEqual([249901n, 249895n, 250070n, 250132n, 0n]);
    // without the lazy one, all five score about the same
    const honest = scoreTaskDay(noisyDay('lazy-1', false));
    const pcts = honest.validators.map((v) => Number(v.pctWith));
    // tolerance: the five reports carry independent seeded ±0.5% noise, so their ppm differ a little
    expect(Math.max(...pcts) - Math.min(...pcts)).toBeLessThan(5000);
    // regression values, as above
    expect(pcts).toEqual([199979, 199938, 200049, 200082, 199949]);
  });

  it('known F: exp(−D/τ) and the linear option', () => {
    // one submission, c = (3000·1 + 1000·2)/4000 = 1.25; δ_v1 = −0.2, δ_v2 = 0.6
    const input = day({ nodes: { a: stake(1) }, validators: { v1: stake(3000), v2: stake(1000) }, truth: { a: 1 }, override: { v2: { a: 2 } } });
    const r = scoreTaskDay(input, offchainParams({ tau: 0.1 }));
    // D = δ² in doubles: 0.2·0.2 = 0.04000000000000001, 0.6·0.6 = 0.36; F = exp(−D/τ) of those doubles
    expect(r.validators[0].D).toBe(0.2 * 0.2);
    expect(r.validators[0].D).toBe(0.04000000000000001);
    expect(r.validators[1].D).toBe(0.36);
    expect(r.validators[0].F).toBe(Math.exp(-(0.2 * 0.2) / 0.1));
    expect(r.validators[1].F).toBe(Math.exp(-0.36 / 0.1));
    // linear: F = 1 − √D: 1 − 0.2 = 0.8, 1 − 0.6 = 0.4
    const lin = scoreTaskDay(input, offchainParams({ fMode: 'linear', fScale: 1 }));
    expect(lin.validators[0].F).toBe(0.8);
    expect(lin.validators[1].F).toBe(0.4);
    // u = (0.8·3000, 0.4·1000) → 857142, 142857
    expect(lin.validators.map((v) => v.pctWith)).toEqual([857142n, 142857n]);
  });

  it('coverage factor n_j / max n: half the work, half the F', () => {
    const input = day({ nodes: { a: stake(1), b: stake(1) }, validators: { v1: stake(1000), v2: stake(1000) }, truth: { a: 1, b: 2 } });
    input.scores = input.scores.filter((s) => !(s.validator === 'v2' && s.submission === 's-b'));
    const r = scoreTaskDay(input);
    expect(r.validators.map((v) => [v.n, v.F])).toEqual([[2, 1], [1, 0.5]]);
    expect(r.validators.map((v) => v.pctWith)).toEqual([666666n, 333333n]);
    const off = scoreTaskDay(input, offchainParams({ coverage: false }));
    expect(off.validators.map((v) => v.pctWith)).toEqual([500000n, 500000n]);
  });

  it('validators who scored nothing valid stay in the arrays with 0', () => {
    const input = day({ nodes: { a: stake(1) }, validators: { v1: stake(1000), idle: stake(1000) }, truth: { a: 1 } });
    input.scores = input.scores.filter((s) => s.validator !== 'idle');
    const r = scoreTaskDay(input, offchainParams({ coverage: false }));
    expect(r.validators[1]).toMatchObject({ address: 'idle', n: 0, F: 0, D: 0, pctWith: 0n });
    expect(r.validators[0].pctWith).toBe(B);
  });

  it('validator delegation: pctWithout = F·s_own^α / Σu', () => {
    const r = scoreTaskDay(day({ nodes: { a: stake(1) }, validators: { v1: stake(3000, 1000), v2: stake(4000) }, truth: { a: 1 } }));
    expect(r.validators.map((v) => [v.pctWith, v.pctWithout])).toEqual([[500000n, 375000n], [500000n, 500000n]]);
  });

  it('top-k₂ cut by F; a tie at the cut keeps the tied group', () => {
    // c = 1.0 (v1..v3 at 1.0 hold most stake), v4 off by 10%, v5 by 20%
    const validators = { v1: stake(100000), v2: stake(100000), v3: stake(100000), v4: stake(1), v5: stake(1) };
    const input = day({ nodes: { a: stake(1) }, validators, truth: { a: 1.0 }, override: { v4: { a: 1.1 }, v5: { a: 1.2 } } });
    const all = scoreTaskDay(input, offchainParams({ tau: 1 }));
    expect(all.validators.every((v) => v.pctWith > 0n)).toBe(true);
    // u = F·s: v1..v3 ≈ 1·100000 each, v4 = exp(−0.01)·1 ≈ 0.990, v5 = exp(−0.04)·1 ≈ 0.961 (δ ≈ 0.1, 0.2),
    // Σu ≈ 300001.95: floor(1e6·100000/Σu) = 333331, floor(1e6·0.990/Σu) = floor(1e6·0.961/Σu) = 3
    expect(all.validators.map((v) => v.pctWith)).toEqual([333331n, 333331n, 333331n, 3n, 3n]);
    const k2 = scoreTaskDay(input, offchainParams({ tau: 1, k2: 2 }));
    expect(k2.validators.map((v) => v.rewarded)).toEqual([true, true, true, false, false]);
    expect(k2.validators.slice(3).map((v) => v.pctWith)).toEqual([0n, 0n]);
    expect(k2.validators.slice(0, 3).map((v) => v.pctWith)).toEqual([333333n, 333333n, 333333n]);
    const k4 = scoreTaskDay(input, offchainParams({ tau: 1, k2: 4 }));
    expect(k4.validators.map((v) => v.rewarded)).toEqual([true, true, true, true, false]);
  });
});

describe('percentages (docs/model.md#node-and-validator-percentages, docs/model.md#ppm-rounding)', () => {
  it('zero-weight participants get 0; all-zero weights give all zeros', () => {
    const z = sharePercentages([{ address: 'a', own: tok(1), delegated: 0n, quality: 0 }, { address: 'b', own: 0n, delegated: 0n, quality: 1 }], 1, 1);
    expect(z.map((s) => s.pctWith)).toEqual([0n, 0n]);
  });

  it('Σ pctWith ≤ B, pctWithout ≤ pctWith, and each ppm equal to the exact rational floor (property)', () => {
    // Independent exact-rational reference: a finite double is n/2^k, found by doubling until it is an
    // integer (each doubling is exact); sums are exact fractions; the floor is bigint division.
    const rat = (x: number): [bigint, bigint] => {
      let n = x;
      let d = 1n;
      while (!Number.isInteger(n)) {
        n *= 2;
        d *= 2n;
      }
      return [BigInt(n), d];
    };
    const entry = fc.record({
      own: fc.bigInt({ min: 0n, max: 10n ** 27n }),
      delegated: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 27n })),
      quality: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-12, max: 1e-6, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.constantFrom(0.5, 1, 1.5), fc.constantFrom(0, 0.5, 1), (es, alpha, eps) => {
        const rows = sharePercentages(es.map((e, i) => ({ address: `p${i}`, ...e })), alpha, eps);
        expect(sum(rows.map((r) => r.pctWith)) <= B).toBe(true);
        // the float weights of docs/model.md#node-and-validator-percentages (α = 1 is not passed through Math.pow)
        const pow = (x: number) => (alpha === 1 ? x : Math.pow(x, alpha));
        const w = es.map((e) => (e.quality === 0 ? 0 : e.quality * pow(Number(e.own) / 1e18 + eps * (Number(e.delegated) / 1e18))));
        const o = es.map((e, i) => Math.min(w[i], e.quality === 0 ? 0 : e.quality * pow(Number(e.own) / 1e18)));
        let [sn, sd] = [0n, 1n];
        for (const x of w) {
          const [n, d] = rat(x);
          [sn, sd] = [sn * d + n * sd, sd * d];
        }
        const floorShare = (x: number) => {
          if (sn === 0n) return 0n;
          const [n, d] = rat(x);
          return (B * n * sd) / (d * sn);
        };
        rows.forEach((r, i) => {
          expect(r.pctWith).toBe(floorShare(w[i]));
          expect(r.pctWithout).toBe(floorShare(o[i]));
          expect(r.pctWithout <= r.pctWith).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('full pipeline over random task-days keeps Σ ≤ B and pctWithout ≤ pctWith on both sides (property)', () => {
    const arb = fc.record({
      nNodes: fc.integer({ min: 1, max: 12 }),
      nVal: fc.integer({ min: 1, max: 6 }),
      seed: fc.integer(),
      params: fc.record({
        q: fc.double({ min: 0.05, max: 1, maxExcluded: true, noNaN: true }), // 0 < q < 1 (docs/model.md#rank-geometric-weights; the registry)
        k1: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }), // k ≥ 1, null = off
        k2: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        consensus: fc.constantFrom('mean' as const, 'median' as const),
        fMode: fc.constantFrom('exp' as const, 'linear' as const),
        coverage: fc.boolean(),
        lowerIsBetter: fc.boolean(),
        epsilon: fc.constantFrom(0, 0.5, 1),
      }),
    });
    fc.assert(
      fc.property(arb, ({ nNodes, nVal, seed, params }) => {
        const rng = seedrandom.alea(String(seed));
        const nodeStakes = new Map<string, Stake>();
        const validatorStakes = new Map<string, Stake>();
        for (let i = 0; i < nNodes; i++) nodeStakes.set(`n${i}`, { own: BigInt(Math.floor(rng() * 1e6)) * 10n ** 16n, delegated: rng() < 0.5 ? 0n : BigInt(Math.floor(rng() * 1e6)) * 10n ** 16n });
        for (let j = 0; j < nVal; j++) validatorStakes.set(`v${j}`, { own: BigInt(Math.floor(rng() * 1e6)) * 10n ** 16n, delegated: rng() < 0.5 ? 0n : tok(1) });
        const submissions = [...nodeStakes.keys()].filter(() => rng() < 0.9).map((n, i) => ({ id: `s${i}`, node: n }));
        const scores: Score[] = [];
        for (const s of submissions) {
          for (const v of validatorStakes.keys()) {
            if (rng() < 0.3) continue;
            const x = rng() < 0.1 ? 999 : rng() < 0.3 ? 1.5 : Math.round(rng() * 100) / 50; // repeated values → ties
            scores.push({ validator: v, submission: s.id, value: x });
          }
        }
        const p: OffchainParams = offchainParams(params);
        const r = scoreTaskDay({ submissions, scores, nodeStakes, validatorStakes }, p);
        for (const side of [r.nodes, r.validators]) {
          expect(sum(side.map((x) => x.pctWith)) <= B).toBe(true);
          for (const x of side) expect(x.pctWithout <= x.pctWith && x.pctWithout >= 0n).toBe(true);
        }
        // nodes with the same score and the same stake get the same ppm
        for (const a of r.nodes) {
          for (const b of r.nodes) {
            const sa = nodeStakes.get(a.address)!;
            const sb = nodeStakes.get(b.address)!;
            if (a.score !== null && a.score === b.score && sa.own === sb.own && sa.delegated === sb.delegated) expect(a.pctWith).toBe(b.pctWith);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('dropZeroShares: plain (pctWith = 0) and exact V2 vested share', () => {
    const rows = [
      { address: 'a', pctWith: 600000n, pctWithout: 600000n },
      { address: 'b', pctWith: 0n, pctWithout: 0n },
      { address: 'c', pctWith: 5n, pctWithout: 5n },
      { address: 'd', pctWith: 300000n, pctWithout: 0n },
    ];
    expect(dropZeroShares(rows).map((r) => r.address)).toEqual(['a', 'c', 'd']);
    // L = 100000 wei: c gets floor(100000·5/1e6) = 0; d has σ = 0 and pctWithout = 0 → node part 0
    const sigma: Record<string, bigint> = { a: 0n, b: 0n, c: 1_000_000n, d: 0n };
    expect(dropZeroShares(rows, { lockedPot: 100000n, sigmaOf: (x) => sigma[x] }).map((r) => r.address)).toEqual(['a']);
    expect(vestedShare(tok(900), 300000n, 100000n, 500000n)).toBe(tok(90) + (tok(270) - tok(90)) / 2n);
  });
});

describe('finalPercentages (docs/model.md#final-percentages)', () => {
  it('node-pool-weighted mean of the daily percentages, floored', () => {
    const f = finalPercentages([
      { pctWith: [600000n, 400000n], pctWithout: [300000n, 400000n], nodePool: 100n },
      { pctWith: [200000n, 800000n], pctWithout: [200000n, 0n], nodePool: 300n },
    ]);
    // (100·600000 + 300·200000)/400 = 300000; (100·400000 + 300·800000)/400 = 700000
    expect(f.pctWith).toEqual([300000n, 700000n]);
    expect(f.pctWithout).toEqual([225000n, 100000n]);
    const g = finalPercentages([
      { pctWith: [1n, 0n], pctWithout: [1n, 0n], nodePool: 1n },
      { pctWith: [0n, 1n], pctWithout: [0n, 1n], nodePool: 2n },
    ]);
    expect(g.pctWith).toEqual([0n, 0n]); // floor(1/3), floor(2/3)
  });

  it('by address: a node absent on a day counts 0 that day; zero pools give zeros', () => {
    const f = finalPercentagesByAddress([
      { nodePool: tok(100), nodes: [{ address: 'a', pctWith: 1_000_000n, pctWithout: 500_000n }] },
      { nodePool: tok(100), nodes: [{ address: 'b', pctWith: 500_000n, pctWithout: 500_000n }, { address: 'a', pctWith: 500_000n, pctWithout: 0n }] },
    ]);
    expect(f).toEqual([
      { address: 'a', pctWith: 750_000n, pctWithout: 250_000n },
      { address: 'b', pctWith: 250_000n, pctWithout: 250_000n },
    ]);
    expect(finalPercentages([{ pctWith: [5n], pctWithout: [5n], nodePool: 0n }]).pctWith).toEqual([0n]);
  });

  it('Σ ≤ B and pctWithout ≤ pctWith over random days (property); rejects malformed days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 2 ** 30 }), { minLength: 1, maxLength: 10 }), fc.integer(), (n, pools, seed) => {
        const rng = seedrandom.alea(String(seed));
        const days = pools.map((pool) => {
          const raw = Array.from({ length: n }, () => rng());
          const tot = raw.reduce((a, b) => a + b, 0) || 1;
          const w = raw.map((x) => BigInt(Math.floor((1e6 * x) / tot)));
          return { pctWith: w, pctWithout: w.map((x) => (x * BigInt(Math.floor(rng() * 100))) / 100n), nodePool: BigInt(pool) * E18 };
        });
        const f = finalPercentages(days);
        expect(sum(f.pctWith) <= B).toBe(true);
        f.pctWith.forEach((w, i) => expect(f.pctWithout[i] <= w).toBe(true));
      }),
      { numRuns: 300 },
    );
    expect(() => finalPercentages([{ pctWith: [600000n, 600000n], pctWithout: [0n, 0n], nodePool: 1n }])).toThrow(OffchainInputError);
    expect(() => finalPercentages([{ pctWith: [1n], pctWithout: [1n], nodePool: 1n }, { pctWith: [], pctWithout: [], nodePool: 1n }])).toThrow(/aligned/);
  });
});

describe('input checks', () => {
  const base = () => day({ nodes: { a: stake(1) }, validators: { v: stake(1) }, truth: { a: 1 } });
  it('rejects duplicate scores, unknown validators and submissions, unstaked submitters', () => {
    const dup = base();
    dup.scores = [...dup.scores, dup.scores[0]];
    expect(() => scoreTaskDay(dup)).toThrow(/at most one score/);
    const unk = base();
    unk.scores = [{ validator: 'ghost', submission: 's-a', value: 1 }];
    expect(() => scoreTaskDay(unk)).toThrow(/scores\[0\]\.validator/);
    const unkSub = base();
    unkSub.scores = [{ validator: 'v', submission: 'nope', value: 1 }];
    expect(() => scoreTaskDay(unkSub)).toThrow(/scores\[0\]\.submission/);
    const unstaked = base();
    unstaked.submissions = [{ id: 's-x', node: 'x' }];
    expect(() => scoreTaskDay(unstaked)).toThrow(/submissions\[0\]\.node/);
  });
});
