/**
 * Typed access to a scenario's protocol parameters in the contracts' own units: the scenario
 * writes whole tokens, ppm as numbers and days; the mirror's setters take wei, ppm, bps and
 * seconds as bigints. `protocolParamsOf` is the one place that converts, with the brands of
 * contracts-mirror/units.ts, so that `gamma` is a `Ppm` all the way to `setGamma`.
 *
 * The conversions are exactly those the simulation's genesis (`applyParams` in
 * sim/run/simulation.ts) has always made: `toWei` of whole tokens (sim/agents/context.ts, rounded
 * to the micro-token), `BigInt(x)` of the integer ppm, bps and counts, and
 * `BigInt(Math.round(sigmaCooldownDays · 86 400))` seconds.
 */
import { DAY, E18, PPM_BASE, ppm, seconds, wei, type Bps, type Ppm, type Seconds, type Wei } from '../../contracts-mirror/units.js';
import type { Scenario } from './schema.js';

export type { Bps, Ppm, Seconds, Wei } from '../../contracts-mirror/units.js';

/** Whole tokens (a float from the scenario) to wei, rounded to the nearest micro-token: `toWei` of sim/agents/context.ts. */
export function tokensToWei(tokens: number): Wei {
  return wei(BigInt(Math.round(tokens * 1e6)) * (E18 / 1_000_000n));
}

/** Days (a float from the scenario) to whole seconds, rounded to the nearest second. */
export function daysToSeconds(days: number): Seconds {
  return seconds(BigInt(Math.round(days * Number(DAY))));
}

export const bps = (x: bigint) => x as Bps;

/** The protocol parameters as the contracts take them. */
export interface MirrorParams {
  /** Daily emission E (V1 `setRewardTokenPerDay`; V2 the perDay of `setRewardParameters`). */
  readonly rewardTokenPerDay: Wei;
  /** V2 `setMaxRewardTokenPerDay`: the scenario's value, else the emission. */
  readonly maxRewardTokenPerDay: Wei;
  readonly gamma: Ppm;
  /** λ. */
  readonly lockedRewardPercentage: Ppm;
  /** V1 `setUnlockedRewardPercentage`: B − λ (V2 computes it itself). */
  readonly unlockedRewardPercentage: Ppm;
  /** The base λ and the fees are in: `rewardPercentageBase` (V2 `setRewardParameters`). */
  readonly rewardPercentageBase: Ppm;
  readonly feePercentage: Ppm;
  readonly protocolFeePercentage: Ppm;
  readonly minNodeStakes: Wei;
  readonly validatorMinStake: Wei;
  /** V2 `setDailyMintResetCount`: mints between decays. */
  readonly dailyMintResetCount: bigint;
  readonly dailyMintDecayPercentage: Ppm;
  /** V2 `setUpLinearDepositor`: the vesting length in whole days, as the contract takes it. */
  readonly vestingDays: bigint;
  /** `setSigmaModificationCooldown`. */
  readonly sigmaCooldown: Seconds;
  /** V2 `Exchange.setProtocolFee`. */
  readonly exchangeFee: Bps;
}

/** A validated scenario's `params` in the contracts' units (see the file comment for the conversions). */
export function protocolParamsOf(s: Pick<Scenario, 'params'>): MirrorParams {
  const p = s.params;
  const locked = ppm(BigInt(p.lockedRewardPercentage));
  return {
    rewardTokenPerDay: tokensToWei(p.rewardTokenPerDay),
    maxRewardTokenPerDay: tokensToWei(p.maxRewardTokenPerDay ?? p.rewardTokenPerDay),
    gamma: ppm(BigInt(p.gamma)),
    lockedRewardPercentage: locked,
    unlockedRewardPercentage: ppm(PPM_BASE - locked),
    rewardPercentageBase: ppm(PPM_BASE),
    feePercentage: ppm(BigInt(p.feePercentage)),
    protocolFeePercentage: ppm(BigInt(p.protocolFeePercentage)),
    minNodeStakes: tokensToWei(p.minNodeStakes),
    validatorMinStake: tokensToWei(p.validatorMinStake),
    dailyMintResetCount: BigInt(p.dailyMintResetCount),
    dailyMintDecayPercentage: ppm(BigInt(p.dailyMintDecayPercentage)),
    vestingDays: BigInt(p.vestingDays),
    sigmaCooldown: daysToSeconds(p.sigmaCooldownDays),
    exchangeFee: bps(BigInt(p.exchangeFeeBps)),
  };
}
