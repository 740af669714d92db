/**
 * The parameter registry seen from outside sim/scenario: `protocolParamsOf` converts exactly as
 * the simulation's genesis always has (sim/agents/context.ts `toWei`, sim/engine/calendar.ts
 * `DAY`), and `flock-lab params` prints the registry (its `--markdown` is docs/parameters.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { protocolParamsOf } from '../sim/scenario/units.js';
import { PARAMETERS } from '../sim/scenario/registry.js';
import { paramsJson } from '../sim/scenario/paramsDoc.js';
import { toWei } from '../sim/agents/context.js';
import { DAY } from '../sim/engine/calendar.js';
import { runCli } from './support/cli.js';

const ROOT = join(import.meta.dirname, '..');
const cli = (...args: string[]) => runCli(args);

describe('protocolParamsOf', () => {
  it('gives what applyParams has always passed to the setters, for any valid params', () => {
    const tokens = fc.double({ min: 0, max: 1e9, noNaN: true });
    const ppm = fc.integer({ min: 0, max: 1_000_000 });
    const arb = fc.record({
      rewardTokenPerDay: tokens,
      maxRewardTokenPerDay: fc.option(tokens, { nil: undefined }),
      gamma: fc.integer({ min: 0, max: 500_000 }),
      lockedRewardPercentage: ppm,
      feePercentage: ppm,
      protocolFeePercentage: ppm,
      minNodeStakes: tokens,
      validatorMinStake: tokens,
      dailyMintResetCount: fc.integer({ min: 1, max: 1000 }),
      dailyMintDecayPercentage: ppm,
      vestingDays: fc.integer({ min: 0, max: 3650 }),
      sigmaCooldownDays: fc.double({ min: 0, max: 1000, noNaN: true }),
      exchangeFeeBps: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(arb, (raw) => {
        const params = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
        const s = ScenarioSchema.parse({ name: 'p', params, populations: { nodes: { count: 1 }, validators: { count: 1 } } });
        const p = s.params;
        // the formulas of applyParams (sim/run), written out
        expect(protocolParamsOf(s)).toEqual({
          rewardTokenPerDay: toWei(p.rewardTokenPerDay),
          maxRewardTokenPerDay: toWei(p.maxRewardTokenPerDay ?? p.rewardTokenPerDay),
          gamma: BigInt(p.gamma),
          lockedRewardPercentage: BigInt(p.lockedRewardPercentage),
          unlockedRewardPercentage: 1_000_000n - BigInt(p.lockedRewardPercentage),
          rewardPercentageBase: 1_000_000n,
          feePercentage: BigInt(p.feePercentage),
          protocolFeePercentage: BigInt(p.protocolFeePercentage),
          minNodeStakes: toWei(p.minNodeStakes),
          validatorMinStake: toWei(p.validatorMinStake),
          dailyMintResetCount: BigInt(p.dailyMintResetCount),
          dailyMintDecayPercentage: BigInt(p.dailyMintDecayPercentage),
          vestingDays: BigInt(p.vestingDays),
          sigmaCooldown: BigInt(Math.round(p.sigmaCooldownDays * DAY)),
          exchangeFee: BigInt(p.exchangeFeeBps),
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('flock-lab params', () => {
  it('filters by path (a section or a parameter), else by a path segment containing the word', () => {
    const paths = (f: string) => (paramsJson(f) as { path: string }[]).map((p) => p.path);
    expect(paths('params.gamma')).toEqual(['params.gamma']);
    expect(paths('gamma')).toEqual(['params.gamma']);
    expect(paths('selection')).toEqual(['offchain.selection']);
    expect(paths('offchain').every((p) => p.startsWith('offchain.'))).toBe(true);
    expect(paths('offchain')).toHaveLength(14);
    expect(paths('zzz')).toEqual([]);
  });

  it('prints every parameter (exit 0), and --markdown is docs/parameters.md', () => {
    const table = cli('params');
    expect(table.code).toBe(0);
    for (const p of PARAMETERS) expect(table.out).toContain(p.path);
    const md = cli('params', '--markdown');
    expect(md.code).toBe(0);
    expect(md.out).toBe(readFileSync(join(ROOT, 'docs', 'parameters.md'), 'utf8'));
  }, 60_000);
});
