/** Small statistics helpers on top of simple-statistics. */
import * as ss from 'simple-statistics';

export const mean = (xs: number[]): number => (xs.length ? ss.mean(xs) : NaN);
export const sampleStandardDeviation = (xs: number[]): number => (xs.length > 1 ? ss.sampleStandardDeviation(xs) : 0);

/** Two-sided 95 % Student-t critical value for `df` degrees of freedom. */
export function tDistributionValue(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  return df <= table.length ? table[df - 1] : 1.96;
}

/** Gini coefficient of `xs` (0 = equal, → 1 = one holds everything); 0 when empty or all zero. */
export function gini(xs: number[]): number {
  const n = xs.length;
  const s = xs.reduce((a, b) => a + b, 0);
  if (n === 0 || s === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  let acc = 0;
  sorted.forEach((x, i) => (acc += (2 * (i + 1) - n - 1) * x));
  return acc / (n * s);
}

/** The fewest holders of more than half of the total (0 with nothing held). */
export function nakamoto(stakes: number[]): number {
  const total = stakes.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const sorted = [...stakes].sort((a, b) => b - a);
  let acc = 0;
  for (let i = 0; i < sorted.length; i++) {
    acc += sorted[i];
    if (acc > total / 2) return i + 1;
  }
  return sorted.length;
}
