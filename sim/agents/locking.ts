/**
 * Getting the stake token (docs/simulation.md#stake-acquisition): under V2 an agent locks FLOCK in the
 * gmFLOCK exchange (docs/model.md#lock-multiplier) for 365 days; under V1 FLOCK is staked directly. The FLOCK it needs is minted to it at
 * genesis, so it counts as minted supply.
 */
import { mintGenesis } from '../../contracts-mirror/genesis.js';
import { DAY } from '../../contracts-mirror/units.js';
import type { SimContext } from './context.js';

export const LOCK_PERIOD = 365n * DAY;

/** Ensures `who` holds at least `gm` of the stake token, locking freshly minted FLOCK if needed. */
export function lockForGm(ctx: SimContext, who: string, gm: bigint): void {
  const d = ctx.chain.d;
  if (!d.exchange) {
    mintGenesis(d, 'FLOCK', who, gm);
    return;
  }
  const ex = d.exchange;
  const mult = ex.getExchangeMultiplier(who, LOCK_PERIOD);
  const base = ex.s.base;
  // gm = flock·mult/base (floored), so flock = ceil(gm·base/mult) suffices.
  const flock = (gm * base + mult - 1n) / mult;
  mintGenesis(d, 'FLOCK', who, flock);
  const r = ctx.chain.tx('exchangeFlock', () => ex.exchangeFlock(who, flock, LOCK_PERIOD, who));
  if (!r.ok) throw new Error(`${who} could not lock FLOCK for gmFLOCK: ${r.reason}`);
}
