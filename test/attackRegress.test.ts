/**
 * The attack guard of `flock-lab regress` (sim/attacks/regress.ts, docs/attacks.md#regression): an
 * attack that got cheaper (its minimum profitable coalition share fell a grid step or more) is
 * `lower` and fails; one that got dearer is `higher`, an improvement; `--update` re-pins. On the
 * small test network, where collusion pays (test/fixtures/attack-small.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACK_BASELINE_FORMAT, checkAttacks, readAttackBaseline } from '../sim/attacks/regress.js';
import { InProcessExecutor } from '../sim/experiments/executor.js';
import { RegressInputError } from '../sim/experiments/regress.js';
import { tempDirs } from './support/cli.js';

const temp = tempDirs();

function pinFile(minProfitableShare: number | null, extra: Record<string, unknown> = {}): string {
  const f = join(temp('attack-pin-'), 'attacks.json');
  const pin = { ci: true, gridBudget: 1, seeds: [1, 2], freshSeeds: [3, 4, 5, 6], minProfitableShare, grid: [] };
  writeFileSync(f, JSON.stringify({ format: ATTACK_BASELINE_FORMAT, scenario: 'test/fixtures/attack-small.ts', sets: ['days=3'], grid: [0.05, 0.1, 0.2, 0.3, 0.4, 0.5], families: { collusion: pin }, ...extra }));
  return f;
}

describe('attack regression guard', () => {
  it('fails a fall of the minimum profitable share, reports a rise as an improvement, and re-pins', async () => {
    const f = pinFile(null);
    const [lower] = await checkAttacks({ executor: new InProcessExecutor(), file: f });
    expect(lower.family).toBe('collusion');
    expect(lower.now).not.toBeNull();
    expect(lower.status).toBe('lower');
    const g = pinFile(0.05);
    const [higher] = await checkAttacks({ executor: new InProcessExecutor(), file: g, update: true });
    expect(higher.now).toBe(lower.now);
    expect(higher.now! > 0.05 ? higher.status : 'higher').toBe('higher');
    const pinned = JSON.parse(readFileSync(g, 'utf8'));
    expect(pinned.families.collusion.minProfitableShare).toBe(lower.now);
    expect(pinned.families.collusion.grid).toHaveLength(6);
    const [same] = await checkAttacks({ executor: new InProcessExecutor(), file: g });
    expect(same.status).toBe('identical');
  }, 90_000);

  it('refuses a malformed pin file as bad input', () => {
    expect(() => readAttackBaseline(pinFile(0.07))).toThrow(RegressInputError);
    expect(() => readAttackBaseline(pinFile(null, { grid: [0.1, 0.2] }))).toThrow(/grid/);
    expect(() => readAttackBaseline(pinFile(null, { families: { bogus: {} } }))).toThrow(/bogus/);
  });
});
