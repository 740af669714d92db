/**
 * Daily emission, docs/model.md#emission-and-decay (V2 `mintDailyReward`): each mint bumps
 * the counter; on reaching `dailyMintResetCount` the per-day amount decays by
 * `dailyMintDecayPercentage/base` (floored) and the counter resets; then the amount is minted.
 */
import { add, div, mul } from '../evm/revert.js';

export interface EmissionState {
  rewardTokenPerDay: bigint;
  currentDailyMintCount: bigint;
  dailyMintResetCount: bigint;
  dailyMintDecayPercentage: bigint;
  rewardPercentageBase: bigint;
}

/** The (rewardTokenPerDay, currentDailyMintCount) after one mint; the mint amount is the new rewardTokenPerDay. */
export function afterMint(s: EmissionState): { rewardTokenPerDay: bigint; currentDailyMintCount: bigint } {
  const count = add(s.currentDailyMintCount, 1n);
  if (count >= s.dailyMintResetCount) {
    return {
      rewardTokenPerDay: div(mul(s.rewardTokenPerDay, s.dailyMintDecayPercentage), s.rewardPercentageBase),
      currentDailyMintCount: 0n,
    };
  }
  return { rewardTokenPerDay: s.rewardTokenPerDay, currentDailyMintCount: count };
}

/** V2 mints are at least 12 h apart (`now − lastMintTimestamp ≥ 1 days / 2`). */
export const MIN_MINT_SPACING = 43_200n;
