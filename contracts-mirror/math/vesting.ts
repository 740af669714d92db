/**
 * `LinearVestingRewards` vesting rule (contracts.md §4.5, protocol.md §2.5): all at once when the
 * duration is 0; nothing before start; else `amount·elapsed/duration`, capped at amount.
 */
export interface Grant {
  amount: bigint;
  claimed: bigint;
  start: bigint;
  duration: bigint;
}

export function vestedAt(g: Grant, ts: bigint): bigint {
  if (g.duration === 0n) return g.amount;
  if (ts < g.start) return 0n;
  const elapsed = ts - g.start;
  if (elapsed >= g.duration) return g.amount;
  return (g.amount * elapsed) / g.duration;
}
