/**
 * The AI Arena reward arithmetic (docs/model.md#ai-arena-rewards), as pure functions. Every `/` is a Solidity
 * floor division in the order the contract evaluates it; checked arithmetic panics as 0.8 does.
 */
import { add, div, mul, sub } from '../evm/revert.js';

/** docs/model.md#per-task-share: a task's share of the AI Arena pot, `R_arena·w_t/W`. */
export function taskPot(rArena: bigint, taskWeight: bigint, totalWeight: bigint): bigint {
  return div(mul(rArena, taskWeight), totalWeight);
}

/**
 * docs/model.md#gamma-split, floor inside first: `f = γ + ((B − 2γ)·side)/(N + V)`, then `T = T0·f/B`.
 * `side` is N for the node pool and V for the validator pool.
 */
export function gammaSplit(t0: bigint, gamma: bigint, base: bigint, side: bigint, n: bigint, v: bigint): bigint {
  const f = add(gamma, div(mul(sub(base, mul(2n, gamma)), side), add(n, v)));
  return div(mul(t0, f), base);
}

/** docs/model.md#locked-and-unlocked-node-rewards: the locked 90 % of the node pool, `lockedRewardPercentage·T_node/B`. */
export function lockedPart(lockedPct: bigint, tNode: bigint, base: bigint): bigint {
  return div(mul(lockedPct, tNode), base);
}

/**
 * docs/model.md#locked-and-unlocked-node-rewards: a node's unlocked daily share, `unlockedRewardPercentage·T_node·p/(B·B)`, every product
 * checked. V1 applies it to the node's percentage; V2 to each of the two percentages (a and b).
 */
export function unlockedNodeShare(unlockedPct: bigint, tNode: bigint, pct: bigint, base: bigint): bigint {
  return div(mul(mul(unlockedPct, tNode), pct), mul(base, base));
}

/**
 * V1 delegators' cut of a node or validator reward (docs/model.md#v1-delegator-cut): `((B − σ)·r·d)/(d + ownStake)/B`,
 * with d the participant's captured delegation.
 */
export function v1DelegatorCut(reward: bigint, sigma: bigint, delegation: bigint, ownStake: bigint, base: bigint): bigint {
  return div(div(mul(mul(sub(base, sigma), reward), delegation), add(delegation, ownStake)), base);
}

/**
 * V2.1 with/without-delegation split of a node or validator reward (docs/model.md#sigma-split): the participant keeps `(a − b)·σ/B + b` and its
 * pool gets the rest, where a and b are its shares with and without delegation.
 * Returns [participant, delegators].
 */
export function sigmaSplit(a: bigint, b: bigint, sigma: bigint, base: bigint): [bigint, bigint] {
  const own = add(div(mul(sub(a, b), sigma), base), b);
  // σ above the base makes own > a: the deployed `a − own` underflows (panic 0x11).
  return [own, sub(a, own)];
}

/** A ppm share of `amount` scaled by `scale`: `amount·pct/scale` (scale B, or B·B with a factor folded in). */
export function pctOf(amount: bigint, pct: bigint, scale: bigint): bigint {
  return div(mul(amount, pct), scale);
}

/** Claim fee (docs/model.md#claim-fees): `amount·feePercentage/B`, floored, so the claimer keeps the rounding remainder. */
export function claimFee(amount: bigint, feePct: bigint, base: bigint): bigint {
  return div(mul(amount, feePct), base);
}
