/**
 * The off-chain scoring pipeline of one task-day, docs/model.md#off-chain-scoring: validators' scores in,
 * the ppm arrays of `uploadRewardResultsForTrainingNodes` / `uploadRewardResultsForValidators` out;
 * and the task-end percentages of `uploadFinalRewardResultsForTrainingNodes`.
 */
import { type Ppm, ppm } from '../../contracts-mirror/units.js';
import { consensusBySubmission, type Score, type SubmissionStatus } from './consensus.js';
import { DEFAULT_OFFCHAIN, OffchainInputError, type OffchainParams, validateParams } from './params.js';
import { B, effectiveStake, nodePercentages, type Share, validatorPercentages } from './percentages.js';
import { bestScorePerNode, geometricWeights } from './ranking.js';
import { validatorQuality } from './validatorQuality.js';

export interface Stake {
  /** Own stake, wei. */
  own: bigint;
  /** Stake delegated to this participant (its pool), wei. */
  delegated: bigint;
}

export interface TaskDayInput {
  /** The day's submissions; every `node` must be in `nodeStakes`, ids unique. */
  submissions: readonly { id: string; node: string }[];
  /** Validators' scores; one per (validator, submission), for known submissions (or copies) and validators. */
  scores: readonly Score[];
  /**
   * Copies of an earlier submission (docs/model.md#copy-detection): each gets a consensus from its
   * own scores and counts in its validators' n_j and D_j like any submission, but is never ranked
   * and is not in the output's `submissions`. Ids unique, distinct from `submissions`' ids.
   */
  copies?: readonly { id: string }[];
  /** Every training node staked in the task (output order = this map's order). */
  nodeStakes: ReadonlyMap<string, Stake>;
  /** Every validator staked in the task (output order = this map's order). */
  validatorStakes: ReadonlyMap<string, Stake>;
}

export interface NodeResult {
  address: string;
  pctWith: Ppm;
  pctWithout: Ppm;
  /** Best valid consensus score, null if the node has no valid submission. */
  score: number | null;
  /** Competition rank (ties share the lowest rank of their span), null if unranked. */
  rank: number | null;
  /** Geometric weight after tie averaging and the top-k₁ cut (0 if unranked or cut). */
  g: number;
}

export interface ValidatorResult {
  address: string;
  pctWith: Ppm;
  pctWithout: Ppm;
  /** F_j (coverage included when on), before the top-k₂ cut. */
  F: number;
  /** D_j, mean squared relative deviation (0 when n = 0). */
  D: number;
  /** Valid submissions scored. */
  n: number;
  /** false when cut by top-k₂ (its ppm are then 0). */
  rewarded: boolean;
}

export interface TaskDayResult {
  nodes: NodeResult[];
  validators: ValidatorResult[];
  /** Submissions invalidated by a failure-value stake majority (docs/model.md#consensus), input order. */
  invalid: string[];
  /** Submissions nobody scored (no consensus, no rank), input order. */
  unscored: string[];
  /** Per submission: its consensus c_k (null unless valid) and status, input order. */
  submissions: { id: string; node: string; consensus: number | null; status: SubmissionStatus }[];
}

function checkInput(input: TaskDayInput): void {
  for (const [side, m] of [['nodeStakes', input.nodeStakes], ['validatorStakes', input.validatorStakes]] as const) {
    for (const [addr, s] of m) {
      if (typeof s.own !== 'bigint' || typeof s.delegated !== 'bigint' || s.own < 0n || s.delegated < 0n) {
        throw new OffchainInputError(`${side}.${addr}`, s, '{own, delegated} as bigint wei ≥ 0');
      }
    }
  }
  const ids = new Set<string>();
  for (const [i, s] of input.submissions.entries()) {
    if (ids.has(s.id)) throw new OffchainInputError(`submissions[${i}].id`, s.id, 'a unique submission id');
    ids.add(s.id);
    if (!input.nodeStakes.has(s.node)) throw new OffchainInputError(`submissions[${i}].node`, s.node, 'a node listed in nodeStakes (only staked nodes submit)');
  }
  for (const [i, c] of (input.copies ?? []).entries()) {
    if (ids.has(c.id)) throw new OffchainInputError(`copies[${i}].id`, c.id, 'a unique id, not that of a submission');
    ids.add(c.id);
  }
  const pairs = new Set<string>();
  for (const [i, s] of input.scores.entries()) {
    if (!ids.has(s.submission)) throw new OffchainInputError(`scores[${i}].submission`, s.submission, 'the id of a submission in submissions or copies');
    if (!input.validatorStakes.has(s.validator)) throw new OffchainInputError(`scores[${i}].validator`, s.validator, 'a validator listed in validatorStakes');
    if (typeof s.value !== 'number') throw new OffchainInputError(`scores[${i}].value`, s.value, 'a number');
    const key = JSON.stringify([s.validator, s.submission]);
    if (pairs.has(key)) throw new OffchainInputError(`scores[${i}]`, { validator: s.validator, submission: s.submission }, 'at most one score per (validator, submission)');
    pairs.add(key);
  }
}

/**
 * One task-day of off-chain scoring (docs/model.md#off-chain-scoring):
 * 1. consensus c_k per submission, stake-weighted with s_j = own + ε·delegated (docs/model.md#consensus);
 * 2. each node's best valid score, competition ranks, tie-averaged geometric g_i, top-k₁ (docs/model.md#ranking, docs/model.md#rank-geometric-weights);
 * 3. node ppm from w_i = g_i (t_i + ε d_i)^α_t (docs/model.md#node-and-validator-percentages);
 * 4. validator D_j, n_j, F_j, coverage, top-k₂ (docs/model.md#validator-quality), and ppm from u_j = F_j (s_j + ε d_j)^α_v;
 *    copies (`input.copies`) count here, scored against their own consensus, but are never ranked.
 * Every staked node and validator appears in the output (zero ppm when unpaid), in map order; use
 * `dropZeroShares` for the V2 final upload. Σ pctWith ≤ B and pctWithout ≤ pctWith on both sides.
 * V1 uploads one array: `pctWith` (docs/model.md#node-and-validator-percentages).
 */
export function scoreTaskDay(input: TaskDayInput, params: OffchainParams = DEFAULT_OFFCHAIN): TaskDayResult {
  validateParams(params);
  checkInput(input);

  const vStake = new Map<string, number>();
  for (const [v, s] of input.validatorStakes) vStake.set(v, effectiveStake(s.own, s.delegated, params.epsilon));
  const consensus = consensusBySubmission(
    [...input.submissions.map((s) => s.id), ...(input.copies ?? []).map((c) => c.id)],
    input.scores,
    vStake,
    params,
  );

  const best = bestScorePerNode(input.submissions, consensus, params.lowerIsBetter);
  const ranked = new Map(geometricWeights(best, params).map((r) => [r.node, r]));
  const nodeShares = nodePercentages(
    [...input.nodeStakes].map(([address, s]) => ({ address, own: s.own, delegated: s.delegated, g: ranked.get(address)?.g ?? 0 })),
    params,
  );
  const nodes: NodeResult[] = nodeShares.map((sh) => {
    const r = ranked.get(sh.address);
    return { ...sh, score: r?.score ?? null, rank: r?.rank ?? null, g: r?.g ?? 0 };
  });

  const quality = validatorQuality([...input.validatorStakes.keys()], input.scores, consensus, params);
  const valShares = validatorPercentages(
    quality.map((q) => {
      const s = input.validatorStakes.get(q.validator)!;
      return { address: q.validator, own: s.own, delegated: s.delegated, F: q.rewarded ? q.F : 0 };
    }),
    params,
  );
  const validators: ValidatorResult[] = valShares.map((sh, i) => ({ ...sh, F: quality[i].F, D: quality[i].D, n: quality[i].n, rewarded: quality[i].rewarded }));

  const submissions = input.submissions.map((s) => {
    const c = consensus.get(s.id)!;
    return { id: s.id, node: s.node, consensus: c.consensus, status: c.status };
  });
  return {
    nodes,
    validators,
    invalid: submissions.filter((s) => s.status === 'invalid').map((s) => s.id),
    unscored: submissions.filter((s) => s.status === 'unscored').map((s) => s.id),
    submissions,
  };
}

/** One day's node percentages for `finalPercentages`: arrays aligned to one task-wide node list. */
export interface DayPercentages {
  pctWith: readonly bigint[];
  pctWithout: readonly bigint[];
  /** That day's training-node pool (wei), the weight of the day. */
  nodePool: bigint;
}

/**
 * Task-end percentages for `uploadFinalRewardResultsForTrainingNodes` (docs/model.md#final-percentages [A]):
 * the node-pool-weighted mean of the daily percentages,
 *   final[i] = floor( Σ_d P_d·pct_d[i] / Σ_d P_d ),
 * exact in bigint, for pctWith and pctWithout alike. Because each day has Σ_i pct_d[i] ≤ B and
 * pctWithout ≤ pctWith, the result keeps Σ ≤ B and pctWithout ≤ pctWith. All days' arrays must be
 * aligned to the same node list (a node absent on a day has 0 there); Σ P = 0 gives all zeros.
 * Use `dropZeroShares` on the result for a V2 upload.
 */
export function finalPercentages(days: readonly DayPercentages[]): { pctWith: Ppm[]; pctWithout: Ppm[] } {
  const len = days.length === 0 ? 0 : days[0].pctWith.length;
  let poolSum = 0n;
  const accW = new Array<bigint>(len).fill(0n);
  const accO = new Array<bigint>(len).fill(0n);
  for (const [d, day] of days.entries()) {
    if (day.pctWith.length !== len || day.pctWithout.length !== len) {
      throw new OffchainInputError(`days[${d}]`, { pctWith: day.pctWith.length, pctWithout: day.pctWithout.length }, `arrays of length ${len}, aligned to one node list`);
    }
    if (day.nodePool < 0n) throw new OffchainInputError(`days[${d}].nodePool`, day.nodePool, 'wei ≥ 0');
    let sumW = 0n;
    for (let i = 0; i < len; i++) {
      const w = day.pctWith[i];
      const o = day.pctWithout[i];
      if (w < 0n || o < 0n || o > w) throw new OffchainInputError(`days[${d}][${i}]`, { pctWith: w, pctWithout: o }, '0 ≤ pctWithout ≤ pctWith');
      sumW += w;
      accW[i] += day.nodePool * w;
      accO[i] += day.nodePool * o;
    }
    if (sumW > B) throw new OffchainInputError(`days[${d}].pctWith`, sumW, `Σ ≤ ${B}`);
    poolSum += day.nodePool;
  }
  const div = (x: bigint) => ppm(poolSum === 0n ? 0n : x / poolSum);
  return { pctWith: accW.map(div), pctWithout: accO.map(div) };
}

/**
 * `finalPercentages` keyed by address (docs/model.md#final-percentages): each day lists its nodes; a node missing
 * on a day counts 0 that day (its day's pool still weighs in the denominator). Output rows are in
 * first-seen order (day by day, then the day's order).
 */
export function finalPercentagesByAddress(
  days: readonly { nodePool: bigint; nodes: readonly { address: string; pctWith: bigint; pctWithout: bigint }[] }[],
): Share[] {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const day of days) {
    for (const n of day.nodes) {
      if (seen.has(n.address)) continue;
      seen.add(n.address);
      order.push(n.address);
    }
  }
  const aligned = days.map((day, d) => {
    const m = new Map<string, { pctWith: bigint; pctWithout: bigint }>();
    for (const n of day.nodes) {
      if (m.has(n.address)) throw new OffchainInputError(`days[${d}].nodes`, n.address, 'each address at most once per day');
      m.set(n.address, n);
    }
    return {
      nodePool: day.nodePool,
      pctWith: order.map((a) => m.get(a)?.pctWith ?? 0n),
      pctWithout: order.map((a) => m.get(a)?.pctWithout ?? 0n),
    };
  });
  const f = finalPercentages(aligned);
  return order.map((address, i) => ({ address, pctWith: f.pctWith[i], pctWithout: f.pctWithout[i] }));
}
