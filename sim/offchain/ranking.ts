/**
 * Training-node ranking and geometric rank weights, docs/model.md#ranking and
 * docs/model.md#rank-geometric-weights.
 */
import type { SubmissionConsensus } from './consensus.js';
import type { OffchainParams } from './params.js';

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each node's best valid consensus score (docs/model.md#ranking: of a node's several
 * submissions, the best one counts). Nodes without a valid submission are absent from the map.
 * Best = lowest when `lowerIsBetter`, else highest.
 */
export function bestScorePerNode(
  submissions: readonly { id: string; node: string }[],
  consensus: ReadonlyMap<string, SubmissionConsensus>,
  lowerIsBetter: boolean,
): Map<string, number> {
  const best = new Map<string, number>();
  for (const s of submissions) {
    const c = consensus.get(s.id);
    if (!c || c.status !== 'valid' || c.consensus === null) continue;
    const prev = best.get(s.node);
    if (prev === undefined || (lowerIsBetter ? c.consensus < prev : c.consensus > prev)) best.set(s.node, c.consensus);
  }
  return best;
}

/**
 * Groups of tied entries, best first, with their competition rank ("1224": a group's rank is the
 * number of entries strictly better than it, plus 1). Ties are exact float equality: a tolerance
 * would not be transitive. Inside a group, entries are ordered by key, for a stable output only.
 * Shared by the top-k₁ (docs/model.md#rank-geometric-weights) and top-k₂ (docs/model.md#validator-quality) cuts.
 */
export function tieGroups<T extends { key: string; value: number }>(
  entries: readonly T[],
  higherIsBetter: boolean,
): { rank: number; members: T[] }[] {
  const sorted = [...entries].sort((a, b) => (higherIsBetter ? b.value - a.value : a.value - b.value) || byKey(a.key, b.key));
  const groups: { rank: number; members: T[] }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const last = groups[groups.length - 1];
    if (last && last.members[0].value === sorted[i].value) last.members.push(sorted[i]);
    else groups.push({ rank: i + 1, members: [sorted[i]] });
  }
  return groups;
}

/**
 * Whether a group of competition rank `rank` survives a top-k cut (k₁ of docs/model.md#rank-geometric-weights, k₂ of docs/model.md#validator-quality).
 * [ASSUMPTION] A tie across the cut keeps the whole tied group: an entry is kept iff its
 * competition rank ≤ k (so more than k entries may be paid, never fewer when ≥ k are ranked).
 * This is order-independent, as ties must be (ASSUMPTIONS.md O-ties). k = null keeps everyone.
 */
export function survivesCut(rank: number, k: number | null): boolean {
  return k === null || rank <= k;
}

export interface RankedNode {
  node: string;
  /** The node's best consensus score. */
  score: number;
  /** Competition rank (1 = best; tied nodes share the lowest rank of their span). */
  rank: number;
  /** Geometric weight g_i after tie averaging and the top-k₁ cut; Σ g = 1 over paid nodes (0 if cut). */
  g: number;
}

/**
 * Geometric rank weights, docs/model.md#rank-geometric-weights:
 * g_i = q^(r_i−1) / Σ_k q^(r_k−1), best first, r = 1..n over the ranked nodes.
 *
 * - Ties (ASSUMPTIONS.md O-ties): a group spanning ranks r..r+m−1 gets a = (Σ_{r'=r}^{r+m−1} q^(r'−1))/m,
 *   computed once for the group; every member is assigned that same float, and g = a/Z is also
 *   computed once per group, so tied nodes get bit-identical g (and so bit-identical ppm).
 * - Top-k₁ (optional): groups of competition rank > k₁ get g = 0 (tie across the cut: see
 *   `survivesCut`). The tied group straddling the cut keeps the average over its full span.
 * - Z = Σ a over the kept nodes, summed best first, so Σ g = 1 over the paid nodes (the calculator
 *   form's Σ g = 1; the normalisation does not change the ppm, which divide by Σ w anyway).
 * q^(r−1) is built by repeated multiplication (q^0 = 1, q^r = q^(r−1)·q), deterministic on every platform.
 */
export function geometricWeights(
  scores: ReadonlyMap<string, number>,
  params: Pick<OffchainParams, 'q' | 'k1' | 'lowerIsBetter'>,
): RankedNode[] {
  const entries = [...scores].map(([key, value]) => ({ key, value }));
  const groups = tieGroups(entries, !params.lowerIsBetter);
  let qPow = 1; // q^(r−1) for the next rank r
  const avg: number[] = [];
  for (const g of groups) {
    let sum = 0;
    for (let i = 0; i < g.members.length; i++) {
      sum += qPow;
      qPow *= params.q;
    }
    avg.push(sum / g.members.length);
  }
  let z = 0;
  groups.forEach((g, gi) => {
    if (survivesCut(g.rank, params.k1)) for (let i = 0; i < g.members.length; i++) z += avg[gi];
  });
  const out: RankedNode[] = [];
  groups.forEach((g, gi) => {
    const weight = survivesCut(g.rank, params.k1) && z > 0 ? avg[gi] / z : 0;
    for (const m of g.members) out.push({ node: m.key, score: m.value, rank: g.rank, g: weight });
  });
  return out;
}
