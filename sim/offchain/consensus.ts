/**
 * Consensus per submission, docs/model.md#consensus (the lab's default for an unpublished rule): the stake-weighted
 * mean (or median) of the validators' scores, failure values excluded, and the stake-majority
 * failure rule that invalidates a submission.
 *
 * Determinism: every sum runs over the scores sorted by validator address (UTF-16 code-unit order),
 * so the result does not depend on the order of the input arrays, and two submissions scored
 * identically by the same validators get bit-identical consensus values (needed for tie detection
 * in ranking.ts).
 */
import type { OffchainParams } from './params.js';

/** One validator's reported score for one submission (x_jk of docs/model.md#consensus). */
export interface Score {
  validator: string;
  submission: string;
  value: number;
}

/**
 * 'valid': ranked; 'invalid': a stake majority reported a failure value (docs/model.md#consensus); 'unscored': no
 * validator scored it that day, so it has no consensus and no rank either.
 */
export type SubmissionStatus = 'valid' | 'invalid' | 'unscored';

export interface SubmissionConsensus {
  submission: string;
  status: SubmissionStatus;
  /** c_k; null unless status is 'valid'. */
  consensus: number | null;
  /** Σ weight of the validators that reported a failure value for k. */
  failureStake: number;
  /** Σ weight of the validators that reported a real score for k. */
  scoreStake: number;
  /** How many validators scored k (failure reports included). */
  validators: number;
}

/**
 * Whether `x` is a failure value (docs/model.md#validator-score, docs/model.md#consensus): equal to one of
 * `failureValues`, or not finite (validators report 999.0 for a non-finite loss, so NaN/±∞ count as failures).
 */
export function isFailureValue(x: number, failureValues: readonly number[]): boolean {
  return !Number.isFinite(x) || failureValues.includes(x);
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Stake-weighted mean Σ w_j x_j / Σ w_j (docs/model.md#consensus). Sums in the given order; callers pass
 * entries sorted by validator. Requires Σ w > 0.
 */
export function stakeWeightedMean(entries: readonly { value: number; weight: number }[]): number {
  let sw = 0;
  let swx = 0;
  for (const e of entries) {
    sw += e.weight;
    swx += e.weight * e.value;
  }
  return swx / sw;
}

/**
 * Stake-weighted median (the `median` option of docs/model.md#consensus). Entries of zero weight are ignored. The rest are
 * sorted by value (then by key); with W = Σ w and C_i the cumulative weight through entry i, the
 * median is x_i for the first i with 2·C_i ≥ W, except that when 2·C_i = W exactly (the lower half
 * balances the upper half) it is (x_i + x_{i+1})/2, the midpoint of the two middle values. With equal
 * weights this is the ordinary median. Requires at least one entry of positive weight.
 */
export function stakeWeightedMedian(entries: readonly { value: number; weight: number; key: string }[]): number {
  const xs = entries.filter((e) => e.weight > 0).sort((a, b) => a.value - b.value || byKey(a.key, b.key));
  let total = 0;
  for (const e of xs) total += e.weight;
  let cum = 0;
  for (let i = 0; i < xs.length; i++) {
    cum += xs[i].weight;
    if (2 * cum === total && i + 1 < xs.length) return (xs[i].value + xs[i + 1].value) / 2;
    if (2 * cum >= total) return xs[i].value;
  }
  return xs[xs.length - 1].value; // unreachable with positive weights (float guard)
}

/**
 * Consensus of one submission (docs/model.md#consensus). `scores` are all the scores for this submission
 * (one per validator); `stakeOf` gives each validator's consensus weight s_j = own + ε·delegated
 * in token units.
 *
 * - Invalid when the validators reporting a failure value hold more than half of the stake that
 *   scored k: tested as failureStake > scoreStake (strict, so an exact 50/50 split stays valid).
 * - c_k = stake-weighted mean (or median) of the non-failure scores.
 * - Zero-stake fallback [ASSUMPTION]: if every validator that scored k has weight 0, each counts 1
 *   (both for the majority test and for c_k), so the rule degrades to a plain vote / plain mean.
 */
export function submissionConsensus(
  submission: string,
  scores: readonly Score[],
  stakeOf: (validator: string) => number,
  params: Pick<OffchainParams, 'consensus' | 'failureValues'>,
): SubmissionConsensus {
  if (scores.length === 0) {
    return { submission, status: 'unscored', consensus: null, failureStake: 0, scoreStake: 0, validators: 0 };
  }
  const sorted = [...scores].sort((a, b) => byKey(a.validator, b.validator));
  let anyStake = false;
  for (const s of sorted) if (stakeOf(s.validator) > 0) anyStake = true;
  const weightOf = (v: string) => (anyStake ? stakeOf(v) : 1);

  let failureStake = 0;
  let scoreStake = 0;
  const good: { value: number; weight: number; key: string }[] = [];
  for (const s of sorted) {
    const w = weightOf(s.validator);
    if (isFailureValue(s.value, params.failureValues)) failureStake += w;
    else {
      scoreStake += w;
      good.push({ value: s.value, weight: w, key: s.validator });
    }
  }
  const base = { submission, failureStake, scoreStake, validators: sorted.length };
  // failureStake > scoreStake ⇔ failureStake > (failureStake + scoreStake)/2; also catches "only failures".
  if (failureStake > scoreStake || good.length === 0 || scoreStake === 0) {
    return { ...base, status: 'invalid', consensus: null };
  }
  const c = params.consensus === 'median' ? stakeWeightedMedian(good) : stakeWeightedMean(good);
  return { ...base, status: 'valid', consensus: c };
}

/**
 * Consensus for every submission of a task-day (docs/model.md#consensus). Returns a map keyed by
 * submission id, in the order of `submissionIds`; `stakes` maps validator → weight s_j (token units).
 */
export function consensusBySubmission(
  submissionIds: readonly string[],
  scores: readonly Score[],
  stakes: ReadonlyMap<string, number>,
  params: Pick<OffchainParams, 'consensus' | 'failureValues'>,
): Map<string, SubmissionConsensus> {
  const bySub = new Map<string, Score[]>();
  for (const id of submissionIds) bySub.set(id, []);
  for (const s of scores) bySub.get(s.submission)?.push(s);
  const stakeOf = (v: string) => stakes.get(v) ?? 0;
  const out = new Map<string, SubmissionConsensus>();
  for (const [id, list] of bySub) out.set(id, submissionConsensus(id, list, stakeOf, params));
  return out;
}
