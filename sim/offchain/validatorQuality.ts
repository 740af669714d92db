/**
 * Validator quality, docs/model.md#validator-quality (the lab's default for an unpublished rule):
 * relative deviation from consensus, D_j, F_j, the coverage factor and the top-k₂ cut.
 */
import { isFailureValue, type Score, type SubmissionConsensus } from './consensus.js';
import type { OffchainParams } from './params.js';
import { survivesCut, tieGroups } from './ranking.js';

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * δ_{j,k} = (x_{j,k} − c_k)/|c_k| (docs/model.md#validator-quality). A failure value reported for a valid
 * submission counts as δ = 1 ([A]). [ASSUMPTION] If c_k = 0 the relative deviation is
 * undefined; the absolute deviation x − c is used instead (denominator 1).
 */
export function relativeDeviation(x: number, c: number, failureValues: readonly number[]): number {
  if (isFailureValue(x, failureValues)) return 1;
  const den = Math.abs(c);
  return (x - c) / (den === 0 ? 1 : den);
}

/**
 * Performance before coverage (docs/model.md#validator-quality): 'exp' F = exp(−D/τ);
 * 'linear' F = max(0, 1 − √D/scale).
 */
export function performance(D: number, params: Pick<OffchainParams, 'fMode' | 'tau' | 'fScale'>): number {
  return params.fMode === 'exp' ? Math.exp(-D / params.tau) : Math.max(0, 1 - Math.sqrt(D) / params.fScale);
}

export interface ValidatorQuality {
  validator: string;
  /** D_j = mean δ² over the valid submissions j scored (0 when n = 0). */
  D: number;
  /** n_j = number of valid submissions j scored that day. */
  n: number;
  /** F_j, coverage factor included when `params.coverage` (not zeroed by the top-k₂ cut; see `rewarded`). */
  F: number;
  /** false when the top-k₂ cut excludes the validator: its weight u_j is then 0. */
  rewarded: boolean;
}

/**
 * D_j, n_j, F_j and the top-k₂ cut for every validator in `validators` (docs/model.md#validator-quality).
 *
 * - [ASSUMPTION] n_j counts the *valid* submissions j scored (the same set D_j averages over);
 *   scoring an invalid or unscored submission earns no coverage. A validator with n_j = 0 gets
 *   D_j = 0 and F_j = 0 (no evidence of quality, so no reward), also with coverage off.
 * - Coverage (switchable): F_j ·= n_j / max_k n_k, the max over `validators`.
 * - Top-k₂ [ASSUMPTION]: validators are ranked by F_j (the quality measure, as nodes are ranked
 *   by quality for k₁, not by stake-weighted reward); competition rank ≤ k₂ keeps them, so a tie
 *   across the cut keeps the whole tied group (`survivesCut`).
 * Sums over a validator's submissions run in submission-id order (deterministic).
 */
export function validatorQuality(
  validators: readonly string[],
  scores: readonly Score[],
  consensus: ReadonlyMap<string, SubmissionConsensus>,
  params: Pick<OffchainParams, 'fMode' | 'tau' | 'fScale' | 'coverage' | 'k2' | 'failureValues'>,
): ValidatorQuality[] {
  const byValidator = new Map<string, Score[]>();
  for (const v of validators) byValidator.set(v, []);
  for (const s of scores) {
    const c = consensus.get(s.submission);
    if (c && c.status === 'valid') byValidator.get(s.validator)?.push(s);
  }
  const rows = validators.map((v) => {
    const list = [...(byValidator.get(v) ?? [])].sort((a, b) => byKey(a.submission, b.submission));
    let sumSq = 0;
    for (const s of list) {
      const d = relativeDeviation(s.value, consensus.get(s.submission)!.consensus!, params.failureValues);
      sumSq += d * d;
    }
    const n = list.length;
    const D = n === 0 ? 0 : sumSq / n;
    return { validator: v, D, n, F: n === 0 ? 0 : performance(D, params) };
  });
  let maxN = 0;
  for (const r of rows) maxN = Math.max(maxN, r.n);
  if (params.coverage) for (const r of rows) r.F = maxN === 0 ? 0 : r.F * (r.n / maxN);

  const kept = new Set<string>();
  for (const g of tieGroups(rows.map((r) => ({ key: r.validator, value: r.F })), true)) {
    if (survivesCut(g.rank, params.k2)) for (const m of g.members) kept.add(m.key);
  }
  return rows.map((r) => ({ ...r, rewarded: kept.has(r.validator) }));
}
