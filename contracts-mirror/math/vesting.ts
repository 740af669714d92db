/**
 * `LinearVestingRewards` vesting rule (docs/model.md#node-vesting): all at once when the
 * duration is 0; nothing before start; else `amount·elapsed/duration`, capped at amount.
 */
import { mul } from '../evm/revert.js';

export interface Grant {
  amount: bigint;
  claimed: bigint;
  start: bigint;
  duration: bigint;
}

export function vestedAt(g: Grant, ts: bigint): bigint {
  if (g.duration === 0n) return g.amount;
  if (ts <= g.start) return 0n;
  const elapsed = ts - g.start;
  if (elapsed >= g.duration) return g.amount;
  return mul(g.amount, elapsed) / g.duration;
}

/** What a grant still pays at `ts`: vested − claimed, or 0 when `ts` is before the last claim. */
export function dueAt(g: Grant, ts: bigint): bigint {
  const vested = vestedAt(g, ts);
  return vested > g.claimed ? vested - g.claimed : 0n;
}
