/**
 * From quality and stake to the ppm arrays the reward operator uploads: docs/model.md#node-and-validator-percentages,
 * docs/model.md#ppm-rounding and docs/model.md#upload-lists.
 *
 * Weights are floats in token units (off-chain scoring may use floats); the final floor is the
 * EXACT integer floor of the rule as written, computed in bigint:
 *   pctWith[i] = floor(B·w_i / Σ w),  pctWithout[i] = floor(B·min(o_i, w_i) / Σ w),
 * where w_i, o_i are the float weights taken at their exact binary values (every finite double is a
 * dyadic rational m·2^e) and Σ w is their exact, unrounded sum. `exactDyadic` decomposes each
 * double, all are brought to the smallest exponent present, summed exactly and divided with bigint
 * division. So Σ pctWith ≤ floor(B·Σw/Σw) = B always, pctWithout ≤ pctWith always (the min with w_i
 * guards against a non-monotone `Math.pow`), equal float weights give equal ppm, and the result is
 * independent of input order. (The direct float form floor(B·w_i/Σw) could land above the exact
 * rational and break Σ ≤ B; an earlier version quantised w_i/w_max to 2^52 first, which could fall
 * 1 ppm short of the exact floor, e.g. 249,999 for a 1:3 split.)
 */
import { pctOf, sigmaSplit } from '../../contracts-mirror/math/rewardSplit.js';
import { PPM_BASE, ppm, type Ppm } from '../../contracts-mirror/units.js';
import { OffchainInputError, type OffchainParams } from './params.js';

/** `rewardPercentageBase` B = 1,000,000 (docs/model.md#ppm). */
export const B: bigint = PPM_BASE;

/** Wei → token units as a float (`Number(wei)/1e18`, correctly rounded twice), for the off-chain weights of docs/model.md#off-chain-scoring only. */
export function tokens(amountWei: bigint): number {
  return Number(amountWei) / 1e18;
}

/** Effective stake own + ε·delegated in token units (ε of docs/model.md#consensus and docs/model.md#node-and-validator-percentages). */
export function effectiveStake(own: bigint, delegated: bigint, epsilon: number): number {
  return tokens(own) + epsilon * tokens(delegated);
}

/** x^α, exact for α = 1 (the default) so the calculator form is not perturbed by `Math.pow`. */
function powStake(x: number, alpha: number): number {
  return alpha === 1 ? x : Math.pow(x, alpha);
}

export interface ShareInput {
  address: string;
  /** Own stake (t_i or s_j), wei. */
  own: bigint;
  /** Stake delegated to the participant (d_i or d_j), wei. */
  delegated: bigint;
  /** g_i for a node, F_j for a validator (0 when cut or unranked). */
  quality: number;
}

export interface Share {
  address: string;
  pctWith: Ppm;
  pctWithout: Ppm;
}

/**
 * The two ppm arrays for one side (docs/model.md#ppm-rounding):
 * w_i = quality_i·(own_i + ε·delegated_i)^α, o_i = quality_i·own_i^α,
 * pctWith = floor(B·w_i/Σw), pctWithout = floor(B·min(o_i, w_i)/Σw), exact in bigint on the
 * doubles' binary values (module comment). Participants of zero weight get 0 and keep their place; if Σw = 0 every entry is 0.
 * Output order = input order.
 */
export function sharePercentages(entries: readonly ShareInput[], alpha: number, epsilon: number): Share[] {
  const w: number[] = [];
  const o: number[] = [];
  for (const [i, e] of entries.entries()) {
    if (e.own < 0n || e.delegated < 0n) throw new OffchainInputError(`entries[${i}].stake`, { own: e.own, delegated: e.delegated }, 'stakes ≥ 0 wei');
    if (!Number.isFinite(e.quality) || e.quality < 0) throw new OffchainInputError(`entries[${i}].quality`, e.quality, 'a finite number ≥ 0');
    const q = e.quality;
    const wi = q === 0 ? 0 : q * powStake(effectiveStake(e.own, e.delegated, epsilon), alpha);
    const oi = q === 0 ? 0 : q * powStake(tokens(e.own), alpha);
    if (!Number.isFinite(wi) || !Number.isFinite(oi)) throw new OffchainInputError(`entries[${i}].weight`, wi, 'a finite weight (stake^α overflowed)');
    w.push(wi);
    o.push(oi);
  }
  const wd = w.map(exactDyadic);
  const od = o.map((x, i) => exactDyadic(x < w[i] ? x : w[i]));
  let emin = Infinity;
  for (const d of [...wd, ...od]) if (d.m !== 0n && d.e < emin) emin = d.e;
  if (emin === Infinity) return entries.map((e) => ({ address: e.address, pctWith: ppm(0n), pctWithout: ppm(0n) }));
  const scale = (d: Dyadic) => d.m << BigInt(d.e - emin);
  const W = wd.map(scale);
  const O = od.map(scale);
  let sum = 0n;
  for (const x of W) sum += x;
  return entries.map((e, i) => ({
    address: e.address,
    pctWith: ppm(sum === 0n ? 0n : (B * W[i]) / sum),
    pctWithout: ppm(sum === 0n ? 0n : (B * O[i]) / sum),
  }));
}

/** A finite double's exact value m·2^e (m ≥ 0 an integer below 2^53). */
export interface Dyadic {
  m: bigint;
  e: number;
}

/**
 * The exact binary value of a finite double x ≥ 0 as m·2^e, read from its IEEE-754 bits:
 * normal numbers m = 2^52 + fraction, e = exponent − 1075; subnormals m = fraction, e = −1074; 0 → m = 0.
 */
export function exactDyadic(x: number): Dyadic {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`exactDyadic: expected a finite double ≥ 0, got ${x}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return expBits === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: expBits - 1075 };
}

/** Training-node ppm (docs/model.md#node-and-validator-percentages): w_i = g_i (t_i + ε d_i)^α_t. */
export function nodePercentages(
  nodes: readonly { address: string; own: bigint; delegated: bigint; g: number }[],
  params: Pick<OffchainParams, 'alphaT' | 'epsilon'>,
): Share[] {
  return sharePercentages(nodes.map((n) => ({ address: n.address, own: n.own, delegated: n.delegated, quality: n.g })), params.alphaT, params.epsilon);
}

/** Validator ppm (docs/model.md#node-and-validator-percentages): u_j = F_j (s_j + ε d_j)^α_v (F_j = 0 when cut by k₂). */
export function validatorPercentages(
  validators: readonly { address: string; own: bigint; delegated: bigint; F: number }[],
  params: Pick<OffchainParams, 'alphaV' | 'epsilon'>,
): Share[] {
  return sharePercentages(validators.map((v) => ({ address: v.address, own: v.own, delegated: v.delegated, quality: v.F })), params.alphaV, params.epsilon);
}

/**
 * The vested share a V2 final upload deposits for one node (docs/model.md#final-node-upload,
 * docs/model.md#upload-lists): a = floor(L·pw/B), b = floor(L·po/B),
 * node = floor((a − b)·σ/B) + b — the mirror's own `sigmaSplit`, so parity is by construction.
 */
export function vestedShare(lockedPot: bigint, pctWith: bigint, pctWithout: bigint, sigma: bigint): bigint {
  return sigmaSplit(pctOf(lockedPot, pctWith, B), pctOf(lockedPot, pctWithout, B), sigma, B)[0];
}

/**
 * Drops the entries a V2 final upload cannot list (docs/model.md#upload-lists: every listed node's vested
 * share must be > 0, else LinearVestingRewards reverts "amount=0", docs/contracts.md#quiet-reverts-and-panics).
 * Without `onChain`, drops pctWith = 0. With `onChain` ({lockedPot L, σ per address}), drops
 * exactly the entries whose `vestedShare` is 0 (which also catches pctWith > 0 with L·pctWith < B,
 * or σ small with pctWithout = 0). The rest keep their order. Dropped nodes' delegators get nothing
 * either; the mass stays in the task manager (docs/model.md#ppm-rounding).
 */
export function dropZeroShares<T extends { address: string; pctWith: bigint; pctWithout: bigint }>(
  rows: readonly T[],
  onChain?: { lockedPot: bigint; sigmaOf: (address: string) => bigint },
): T[] {
  if (!onChain) return rows.filter((r) => r.pctWith > 0n);
  return rows.filter((r) => vestedShare(onChain.lockedPot, r.pctWith, r.pctWithout, onChain.sigmaOf(r.address)) > 0n);
}
