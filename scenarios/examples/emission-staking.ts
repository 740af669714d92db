/**
 * Example: a toy FLOCK emission and staking model on the kernel's fixed-step block API
 * (sim/engine/blocks.ts, the cadCAD/radCAD shape). Abstract and stand-alone: plain numbers, no
 * contracts. One timestep is one day; each day runs two blocks:
 *
 *   1. mint and stake. Policy `emission` mints the day's emission, all of it paid to stakers and
 *      restaked; policy `stakers` stakes liquid tokens while the staking APR is above the APR
 *      stakers want, and unstakes below it. Both give a `stake` signal: they are summed.
 *   2. decay. Every `decayEvery` days the daily emission is multiplied by `decay`.
 *
 * With decay = 1/2 the supply after m whole periods of N days has a closed form:
 * supply₀ + N·emission₀·(2 − 2^(1−m)).
 *
 *   npx tsx scenarios/examples/emission-staking.ts [days]
 */
import { pathToFileURL } from 'node:url';
import { runFixedStep, type History, type PartialStateUpdateBlock } from '../../sim/engine/blocks.js';

export type State = { emission: number; supply: number; staked: number };
export type Params = { decay: number; decayEvery: number; targetApr: number; speed: number };

export const initialState: State = { emission: 100_000, supply: 1_000_000_000, staked: 300_000_000 };
export const params: Params = { decay: 0.5, decayEvery: 365, targetApr: 0.08, speed: 0.01 };

const apr = (s: State): number => (s.emission * 365) / s.staked;

export const blocks: PartialStateUpdateBlock<State, Params>[] = [
  {
    label: 'mint and stake',
    policies: {
      emission: (_p, _substep, _history, s) => ({ minted: s.emission, stake: s.emission }),
      stakers: (p, _substep, _history, s) => {
        // The relative APR gap, capped at ±1, moves a `speed` share of liquid (or staked) tokens a day.
        const gap = Math.max(-1, Math.min(1, (apr(s) - p.targetApr) / p.targetApr));
        return { stake: p.speed * gap * (gap > 0 ? s.supply - s.staked : s.staked) };
      },
    },
    variables: {
      supply: (_p, _substep, _history, s, signals) => s.supply + signals.minted,
      staked: (_p, _substep, _history, s, signals) => s.staked + signals.stake,
    },
  },
  {
    label: 'decay',
    // history.length is the day being computed (1, 2, …).
    variables: { emission: (p, _substep, history, s) => (history.length % p.decayEvery === 0 ? s.emission * p.decay : s.emission) },
  },
];

/** Runs the model for `days` days; the history has days + 1 states (index 0 = genesis). */
export function run(days = 4 * 365, p: Params = params): History<State> {
  return runFixedStep({ initialState, params: p, blocks, timesteps: days });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const days = Number(process.argv[2] ?? 4 * 365);
  const h = run(days);
  for (let day = 0; day < h.length; day += 365) {
    const s = h.at(day);
    console.log(
      `day ${String(day).padStart(4)}: emission ${s.emission.toFixed(0).padStart(7)}/day, supply ${s.supply.toFixed(0)}, ` +
        `staked ${((100 * s.staked) / s.supply).toFixed(1)}%, APR ${(100 * apr(s)).toFixed(2)}%`,
    );
  }
}
