/**
 * gmFLOCK lock multiplier (docs/model.md#lock-multiplier), as the deployed exchange computes it:
 * `base` if lockPeriod ≤ t0, else `epsilon·(min(lockPeriod, t1) − t0) / t1 + base`.
 * It divides by t1, not t1 − t0, as deployed and as the docs write it.
 */
import { add, div, mul } from '../evm/revert.js';

export interface ExchangeParams {
  t0: bigint;
  t1: bigint;
  epsilon: bigint;
  base: bigint;
}

export function exchangeMultiplier(p: ExchangeParams, lockPeriod: bigint): bigint {
  if (lockPeriod <= p.t0) return p.base;
  const capped = lockPeriod > p.t1 ? p.t1 : lockPeriod;
  return add(div(mul(p.epsilon, capped - p.t0), p.t1), p.base);
}

/** gmFLOCK minted for a deposit: `flockAmount·multiplier/base`, on the gross amount (before the fee). */
export function gmFlockFor(p: ExchangeParams, flockAmount: bigint, lockPeriod: bigint): bigint {
  return div(mul(flockAmount, exchangeMultiplier(p, lockPeriod)), p.base);
}

/** Exchange fee in bps of 10 000, taken from the deposited FLOCK. */
export function exchangeFee(flockAmount: bigint, protocolFeeBps: bigint): bigint {
  return mul(flockAmount, protocolFeeBps) / 10_000n;
}
