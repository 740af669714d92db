/**
 * A scenario that changes the settlement (docs/model.md#settlement-order): a TypeScript scenario
 * exports `settlement`, an edit of the block list; the run settles with the edited list, the
 * manifest names its blocks and the scenarioHash covers the file's source. Bad edits are bad
 * input (exit 2) naming the `settlement` field.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '../sim/scenario/load.js';
import { runSimulation } from '../sim/run/simulation.js';
import { settlementBlocks, settlementFor, type SettlementEdit } from '../sim/run/settlement.js';
import { tempDirs } from './support/cli.js';

const ROOT = join(import.meta.dirname, '..');
const fixture = (name: string) => join(ROOT, 'test', 'fixtures', name);
const newDir = tempDirs();
const tempDir = () => newDir('flock-settle-');

async function loadError(file: string): Promise<ScenarioError> {
  try {
    const l = await loadScenario(file, ['days=3']);
    settlementFor(l.settlement as SettlementEdit | undefined, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error(`${file} loaded without error`);
}

describe('a scenario that edits the settlement', () => {
  it('runs its block where it put it; rewards are untouched and the fees are burned each day', async () => {
    const burn = await loadScenario(join(ROOT, 'scenarios', 'burn-fees.ts'), ['days=6']);
    const base = await loadScenario(join(ROOT, 'scenarios', 'baseline.ts'), ['days=6']);
    const blocks = settlementFor(burn.settlement as SettlementEdit, burn.file);
    expect(blocks.names()).toEqual([...settlementBlocks.names().slice(0, -2), 'burnFees', 'invariants', 'record']);
    // The baseline, observed by a block of the same API: the FLOCK waiting at the token address.
    const waiting: bigint[] = [];
    const observed = settlementBlocks.insertBefore('invariants', { name: 'observe', description: 'test probe', run: (w) => void waiting.push(w.d.flock.bal(w.d.flock.address)) });
    const b = runSimulation(base.scenario, { seed: 1, run: 0, settlement: observed });
    const p = runSimulation(burn.scenario, { seed: 1, run: 0, settlement: blocks });
    expect(p.agentRows).toEqual(b.agentRows);
    expect(b.dayRows.every((r) => r.burned === 0n)).toBe(true);
    // What the baseline leaves at the token address is exactly what the proposal has burned.
    expect(p.dayRows.map((r) => r.burned)).toEqual(waiting);
    expect(waiting.at(-1)).toBeGreaterThan(0n); // bound: claims happen within 6 days, so some fee was paid
    expect(p.dayRows.map((r) => r.supply)).toEqual(b.dayRows.map((r, i) => r.supply - waiting[i]));
  });

  it("covers the file's source in the scenarioHash", async () => {
    const burn = await loadScenario(join(ROOT, 'scenarios', 'burn-fees.ts'));
    const dir = tempDir();
    const json = join(dir, 'same.json');
    writeFileSync(json, JSON.stringify(burn.scenario));
    const plain = await loadScenario(json);
    expect(plain.scenario).toEqual(burn.scenario);
    expect(plain.hash).not.toBe(burn.hash);
  });

  it('refuses code in a JSON scenario, naming the field', async () => {
    const dir = tempDir();
    const json = join(dir, 's.json');
    writeFileSync(json, JSON.stringify({ name: 'j', populations: { nodes: { count: 2 }, validators: { count: 1 } }, settlement: 'insertAfter mint' }));
    const e = await loadError(json);
    expect(e.issues).toEqual([{ path: 'settlement', message: expect.stringMatching(/^a JSON scenario cannot carry code; write the scenario in TypeScript/) }]);
  });

  it.each([
    ['settlement-in-object.ts', /^not a field of the scenario object; write the scenario in TypeScript/],
    ['settlement-not-function.ts', /^expected a function of the block list/],
    ['settlement-bad-anchor.ts', /^BlockList\.insertAfter: no block named "mnt" \(blocks: openDay, mint, fundFlTasks, score, nodeUploads, validatorUploads, finalUploads, poolFunding, invariants, record\)$/],
  ])('refuses %s with a message naming settlement', async (name, message) => {
    const e = await loadError(fixture(name));
    expect(e.issues.map((i) => i.path)).toEqual(['settlement']);
    expect(e.issues[0].message).toMatch(message);
  });
});
