/**
 * Paired differences with confidence intervals (docs/simulation.md#comparing-rule-sets). `compare` runs
 * the baseline and the proposal on the same seeds (common random numbers), so each seed gives one
 * difference and the seed-to-seed noise both share cancels: the interval is that of the mean of
 * the differences (Student t by default, or a percentile bootstrap from its own seeded stream).
 * The unpaired (Welch) interval of the same two samples is reported beside it, to show what
 * pairing bought.
 */
import { RandomStream } from '../engine/rng.js';
import { mean, sampleStandardDeviation, tDistributionValue } from '../results/stats.js';

export type CiMethod = 't' | 'bootstrap';

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** 95 % interval of the mean of xs: mean ± t(n−1)·s/√n. */
export function tInterval(xs: number[]): Interval {
  const m = mean(xs);
  const h = xs.length < 2 ? NaN : (tDistributionValue(xs.length - 1) * sampleStandardDeviation(xs)) / Math.sqrt(xs.length);
  return { mean: m, lo: m - h, hi: m + h, n: xs.length };
}

/** 95 % percentile bootstrap interval of the mean of xs: `draws` resamples from the named stream `compare/bootstrap/<name>` of `seed`. */
export function bootstrapInterval(xs: number[], seed: number, name: string, draws = 10_000): Interval {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { mean: m, lo: NaN, hi: NaN, n };
  const rng = new RandomStream(seed, 0, `compare/bootstrap/${name}`);
  const means = new Float64Array(draws);
  for (let b = 0; b < draws; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)];
    means[b] = s / n;
  }
  means.sort();
  // The 2.5th and 97.5th percentiles, by the nearest-rank rule.
  const at = (p: number) => means[Math.min(draws - 1, Math.max(0, Math.ceil(p * draws) - 1))];
  return { mean: m, lo: at(0.025), hi: at(0.975), n };
}

/** The paired difference proposal − baseline, seed by seed (same index = same seed). */
export function pairedDifference(baseline: number[], proposal: number[], method: CiMethod, seed: number, name: string): Interval {
  if (baseline.length !== proposal.length) throw new Error(`paired samples differ in length: ${baseline.length} and ${proposal.length}`);
  const d = proposal.map((p, i) => p - baseline[i]);
  return method === 't' ? tInterval(d) : bootstrapInterval(d, seed, name);
}

/**
 * The Welch interval of mean(proposal) − mean(baseline) as if the two had been run on independent
 * seeds: what the same number of runs would give without pairing.
 */
export function unpairedDifference(baseline: number[], proposal: number[]): Interval {
  const na = baseline.length;
  const nb = proposal.length;
  const m = mean(proposal) - mean(baseline);
  if (na < 2 || nb < 2) return { mean: m, lo: NaN, hi: NaN, n: Math.min(na, nb) };
  const va = sampleStandardDeviation(baseline) ** 2 / na;
  const vb = sampleStandardDeviation(proposal) ** 2 / nb;
  const se = Math.sqrt(va + vb);
  // Welch–Satterthwaite degrees of freedom (rounded down: the conservative t value).
  const df = se === 0 ? na + nb - 2 : (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1));
  const h = tDistributionValue(Math.max(1, Math.floor(df))) * se;
  return { mean: m, lo: m - h, hi: m + h, n: Math.min(na, nb) };
}

/** Whether the interval excludes zero, and on which side. */
export function verdict(i: Interval): 'higher' | 'lower' | 'unclear' {
  if (i.lo > 0) return 'higher';
  if (i.hi < 0) return 'lower';
  return 'unclear';
}
