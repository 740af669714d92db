/**
 * A run with `tokenizer-gaming` nodes (docs/model.md#validator-score): the validators' warnings
 * reach the run's summary (`summary.workload.tokenizer`), and the gaming nodes are still ranked
 * and paid, since the check only logs.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { summarize } from '../sim/results/kpi.js';

describe('tokenizer-gaming nodes in a run', () => {
  it('are logged in the summary and still paid', () => {
    const s = ScenarioSchema.parse({
      name: 'tokenizer-gaming',
      days: 4,
      tasks: [{ startDay: 0, durationDays: 3 }],
      populations: { nodes: { count: 4, mix: { honest: 0.5, 'tokenizer-gaming': 0.5 } }, validators: { count: 2 } },
    });
    const out = runSimulation(s, { seed: 1, run: 0 });
    const summary = summarize([out], s.days);
    const t = summary.workload.tokenizer as { gamingSubmissions: number; warnings: number };
    expect(t.gamingSubmissions).toBeGreaterThan(0);
    expect(t.warnings).toBeGreaterThan(0);
    const gaming = summary.groups.find((g) => g.role === 'node' && g.behaviour === 'tokenizer-gaming');
    expect(gaming?.identities).toBe(2);
    const paid = out.agentRows.filter((r) => r.agent.startsWith('node') && r.reward > 0n).map((r) => r.agent);
    const gamingNames = new Set(out.agentRows.filter((r) => r.behaviour === 'tokenizer-gaming').map((r) => r.agent));
    expect(gamingNames.size).toBe(2);
    for (const n of gamingNames) expect(paid).toContain(n);
  });

  it('leaves runs without them unchanged: no tokenizer report', () => {
    const s = ScenarioSchema.parse({ name: 'plain', days: 2, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 2 }, validators: { count: 1 } } });
    expect(runSimulation(s, { seed: 1, run: 0 }).workload).not.toHaveProperty('tokenizer');
  });
});
