/**
 * FL Alliance round reward (docs/model.md#fl-round-rewards; the integer form of the legacy
 * contract that the FL task stand-in of docs/contracts.md#fl-alliance-task-interface uses): `roundReward = pool/roundsLeft`; each eligible participant is owed
 * `roundReward·proportion/(100·1e18)` with `proportion = stake·1e18·100/Σ eligible stake`.
 */
import { E18 } from '../units.js';
import { mul } from '../evm/revert.js';

export function roundReward(rewardPool: bigint, roundsLeft: bigint): bigint {
  return rewardPool / roundsLeft;
}

export function owedFor(reward: bigint, stake: bigint, totalEligible: bigint): bigint {
  const proportion = (stake * E18 * 100n) / totalEligible;
  return (reward * proportion) / (100n * E18);
}

/** Slash: `s = min(roundStake·pct/1e6, stake)`; 9/10 of it back to the pool, the rest to the caller. */
export function slashAmounts(roundStake: bigint, slashPpm: bigint, stake: bigint): { slashed: bigint; toPool: bigint; toCaller: bigint } {
  const want = mul(roundStake, slashPpm) / 1_000_000n;
  const slashed = want < stake ? want : stake;
  const toPool = (slashed * 9n) / 10n;
  return { slashed, toPool, toCaller: slashed - toPool };
}
