/**
 * Score direction (ASSUMPTIONS.md W-direction): every workload declares whether its score is
 * lower-is-better, and a run whose `offchain.lowerIsBetter` disagrees is bad input (exit 2,
 * naming the field) instead of paying the worst models most.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { ScenarioError } from '../sim/scenario/error.js';
import { runSimulation } from '../sim/run/simulation.js';
import { runCommand } from '../sim/cli/run.js';
import { SurrogateWorkload, type SurrogateParams } from '../sim/workloads/surrogate.js';
import { makeTask } from '../sim/workloads/real/tasks.js';
import { checkScoreDirection, type Workload } from '../sim/workloads/types.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const tiny = (offchain: Record<string, unknown> = {}) => ({
  name: 'direction',
  days: 2,
  tasks: [{ startDay: 0, durationDays: 2 }],
  populations: { nodes: { count: 2 }, validators: { count: 1 } },
  offchain,
});

describe('score direction', () => {
  it('the surrogate and both real tasks declare lower-is-better (BPC, cross-entropy)', () => {
    const s = ScenarioSchema.parse(tiny());
    expect(new SurrogateWorkload(s.workload as SurrogateParams).lowerIsBetter).toBe(true);
    for (const type of ['lm-bpc', 'tabular'] as const) expect(makeTask(type, { dataSeed: 0, evalSize: 16, context: 8 }).lowerIsBetter).toBe(true);
  });

  it('a run with the default (true) and the surrogate goes ahead', () => {
    const s = ScenarioSchema.parse(tiny());
    expect(s.offchain.lowerIsBetter).toBe(true);
    expect(runSimulation(s, { seed: 1, run: 0 }).dayRows).toHaveLength(2);
  });

  it('a mismatch is a ScenarioError naming offchain.lowerIsBetter, before any day is simulated', () => {
    const s = ScenarioSchema.parse(tiny({ lowerIsBetter: false }));
    const onDay = vi.fn();
    let err: unknown;
    try {
      runSimulation(s, { seed: 1, run: 0, onDay });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).issues).toEqual([
      { path: 'offchain.lowerIsBetter', message: expect.stringMatching(/^is false \(higher is better\), but the surrogate workload's score is lower is better; set offchain.lowerIsBetter to true/) },
    ]);
    expect(onDay).not.toHaveBeenCalled();
  });

  it('checks a workload declaring higher-is-better the other way round', () => {
    const higher = { mode: 'real', lowerIsBetter: false } as unknown as Workload;
    expect(() => checkScoreDirection({ name: 'x', offchain: { lowerIsBetter: false } }, higher)).not.toThrow();
    expect(() => checkScoreDirection({ name: 'x', offchain: { lowerIsBetter: true } }, higher)).toThrow(/offchain\.lowerIsBetter: is true \(lower is better\), but the real workload's score is higher is better/);
  });

  it('the CLI exits 2 with the field path and leaves no run directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flock-direction-'));
    made.push(dir);
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(tiny()));
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    try {
      const code = await runCommand(file, { set: ['offchain.lowerIsBetter=false'], out: join(dir, 'out'), progress: false });
      expect(code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toMatch(/error: direction: invalid scenario\n\s+offchain\.lowerIsBetter: is false \(higher is better\)/);
    expect(readdirSync(dir)).toEqual(['s.json']);
  });
});
