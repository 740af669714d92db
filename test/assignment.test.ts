/**
 * Validator assignment and copy scores at the simulation level (docs/model.md#validator-assignment,
 * docs/model.md#copy-detection): `offchain.selection` reaches the backend, and in a run with
 * copycats the copies' scores count in the validators' n_j (a validator can score more than the
 * day's ranked submissions). The assignment logic itself is tested by hand in
 * sim/offchain/assignment.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioSchema, type ScenarioInput } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { hashRuns } from '../sim/run/runSet.js';
import { settlementBlocks, type SettlementBlock } from '../sim/run/settlement.js';

const small = (over: Partial<ScenarioInput> = {}): ScenarioInput => ({
  name: 'assignment',
  days: 6,
  tasks: [{ startDay: 0, durationDays: 5 }],
  populations: {
    nodes: { count: 6, mix: { honest: 0.5, copycat: 0.5 } },
    validators: { count: 3, mix: { honest: 1 } },
    delegators: { count: 6 },
  },
  ...over,
});

describe('validator assignment in a run', () => {
  it('offchain.selection reaches the backend: sqrt, linear and uniform give different runs', () => {
    // Busy enough (40 nodes, 3 validators) that thinning changes who scores what before 00:00.
    const busy = (offchain: object = {}) =>
      small({ days: 3, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 40, mix: { honest: 1 } }, validators: { count: 3, mix: { honest: 1 } }, delegators: { count: 6 } }, offchain } as Partial<ScenarioInput>);
    const hash = (selection?: 'sqrt' | 'linear' | 'uniform') => hashRuns([runSimulation(ScenarioSchema.parse(busy(selection ? { selection } : {})), { seed: 3, run: 0 })]);
    const sqrt = hash('sqrt');
    expect(hash()).toBe(sqrt); // the default
    expect(hash('linear')).not.toBe(sqrt);
    expect(hash('uniform')).not.toBe(sqrt);
  });

  it('counts copies in n_j: on a day with copies a validator scores more than the day’s ranked submissions', () => {
    const days: { ranked: number; copies: number; maxN: number }[] = [];
    const audit: SettlementBlock = {
      name: 'audit',
      description: 'test: each scored task-day’s ranked submissions, copies and largest n_j',
      source: 'docs/model.md#copy-detection',
      run: (_w, day) => {
        for (const sc of day.scored) days.push({ ranked: sc.result.submissions.length, copies: day.copies, maxN: Math.max(0, ...sc.result.validators.map((v) => v.n)) });
      },
    };
    runSimulation(ScenarioSchema.parse(small()), { seed: 3, run: 0, settlement: settlementBlocks.insertAfter('score', audit) });
    const withCopies = days.filter((d) => d.copies > 0);
    expect(withCopies.length).toBeGreaterThan(0);
    expect(withCopies.some((d) => d.maxN > d.ranked)).toBe(true);
    for (const d of days) expect(d.maxN).toBeLessThanOrEqual(d.ranked + d.copies);
  });
});
