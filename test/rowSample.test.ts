/**
 * Rows at scale (docs/architecture.md#rows-at-scale): at or below the threshold a run keeps every
 * row and hashes as before; above it, exactly the sample's rows, group sums equal to the full
 * rows' sums, and KPIs equal to the bit, because the recorder's totals see every agent. The
 * threshold is lowered here so that small runs sample.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioSchema, type Scenario } from '../sim/scenario/schema.js';
import { runSimulation, type RunOutput } from '../sim/run/simulation.js';
import { hashRuns, runLineBytes } from '../sim/run/runSet.js';
import { runSummary, runTotals, summarize } from '../sim/results/kpi.js';
import { chooseSample, CLI_DEFAULT, type RowOptions } from '../sim/results/rowSample.js';
import { ResultsStore } from '../sim/results/store.js';
import { landRun } from '../sim/experiments/landed.js';
import { estimateRunBytes, guardMemory, MemoryGuardError } from '../sim/run/memoryGuard.js';
import { loadScenario } from '../sim/scenario/load.js';
import { join } from 'node:path';
import { tempDirs } from './support/cli.js';

const newDir = tempDirs();
const small: Scenario = ScenarioSchema.parse({
  name: 'small',
  days: 5,
  tasks: [{ startDay: 0, durationDays: 4 }],
  populations: { nodes: { count: 6, mix: { honest: 0.5, lazy: 0.5 } }, validators: { count: 4 }, delegators: { count: 20 } },
});
const SAMPLED: RowOptions = { mode: 'auto', sample: 7, threshold: 10 };
const run = (rows: RowOptions | undefined, seed = 3, index = 0) => runSimulation(small, { seed, run: index, rows });
/** The summary as the bytes summary.json would hold. */
const summaryJson = (rs: Parameters<typeof summarize>[0]) => JSON.stringify(summarize(rs, small.days));
/** Every number by its shortest round-trip digits (which name one double), -0 apart: equal strings are equal bits. */
const bits = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v));

describe('rows at scale', () => {
  const all = run(undefined);

  it("the recorder's in-run totals are runTotals over the rows, to the bit", () => {
    expect(all.totals).toBeDefined();
    expect(bits(all.totals)).toBe(bits(runTotals(all.agentRows)));
    const { totals: _t, ...withoutTotals } = all;
    expect(summaryJson([all])).toBe(summaryJson([withoutTotals as RunOutput]));
  });

  it('at or below the threshold keeps every row: the same rows and resultsHash as without row options', () => {
    const auto = run(CLI_DEFAULT);
    const atThreshold = run({ mode: 'auto', sample: 3, threshold: 30 }); // 30 agents: not above 30
    for (const r of [auto, atThreshold]) {
      expect(r.sampled).toBeUndefined();
      expect(r.groupRows).toBeUndefined();
      expect(r.agentRows).toEqual(all.agentRows);
      expect(hashRuns([r])).toBe(hashRuns([all]));
    }
  });

  it('above it keeps exactly the sample, group sums equal to the full rows, KPIs equal to the bit, the simulation untouched', () => {
    const s = run(SAMPLED);
    expect(s.sampled).toMatchObject({ population: 30, kept: 7, sample: 7, threshold: 10 });
    const agents = new Set(s.agentRows.map((r) => r.agent));
    expect(agents.size).toBe(7);
    expect(s.agentRows.length).toBe(7 * small.days);
    // Every group is in the sample (stratified), and each kept row is the full run's row.
    expect(new Set(s.agentRows.map((r) => `${r.role}/${r.behaviour}`))).toEqual(new Set(all.agentRows.map((r) => `${r.role}/${r.behaviour}`)));
    expect(s.agentRows).toEqual(all.agentRows.filter((r) => agents.has(r.agent)));
    expect(s.dayRows).toEqual(all.dayRows);
    expect(s.reverts).toEqual(all.reverts);
    expect(s.scoreByBehaviour).toEqual(all.scoreByBehaviour);
    // group_days: per (day, role, behaviour), the sums of every agent's full row.
    const sums = new Map<string, { agents: number; stake: bigint; reward: bigint; rewardCum: bigint }>();
    for (const r of all.agentRows) {
      const k = `${r.day}|${r.role}|${r.behaviour}`;
      const g = sums.get(k) ?? { agents: 0, stake: 0n, reward: 0n, rewardCum: 0n };
      sums.set(k, { agents: g.agents + 1, stake: g.stake + r.stake, reward: g.reward + r.reward, rewardCum: g.rewardCum + r.rewardCum });
    }
    expect(s.groupRows!.length).toBe(sums.size);
    for (const g of s.groupRows!) expect({ agents: g.agents, stake: g.stake, reward: g.reward, rewardCum: g.rewardCum }).toEqual(sums.get(`${g.day}|${g.role}|${g.behaviour}`));
    expect(s.groupRows!.reduce((a, g) => a + g.reward, 0n)).toBe(all.agentRows.reduce((a, r) => a + r.reward, 0n));
    // The KPIs see every agent: the same totals and summary as the full run, not the sample's.
    expect(bits(s.totals)).toBe(bits(all.totals));
    expect(summaryJson([runSummary(s)])).toBe(summaryJson([all]));
    expect(summaryJson([s])).not.toBe(summaryJson([{ ...s, totals: undefined }]));
    // The hash takes group_days, and only for the sampled run.
    expect(Object.keys(runLineBytes(s)).sort()).toEqual(['agent_days', 'days', 'group_days']);
    expect(Object.keys(runLineBytes(all)).sort()).toEqual(['agent_days', 'days']);
  });

  it('the sample depends on the seed and the population, not on agent order; --rows sample samples a small run', () => {
    const agents = all.agentRows.filter((r) => r.day === 0).map((r) => ({ name: r.agent, role: r.role, behaviour: r.behaviour }));
    const a = chooseSample(3, agents, 7);
    expect(chooseSample(3, [...agents].reverse(), 7)).toEqual(a);
    expect(chooseSample(4, agents, 7)).not.toEqual(a);
    expect(chooseSample(3, agents, 100).size).toBe(30);
    expect(run({ mode: 'sample', sample: 5 }).sampled?.kept).toBe(5);
    expect(run({ mode: 'all', sample: 5, threshold: 1 }).sampled).toBeUndefined();
  });

  it('a sampled run stored and read back gives the same hash lines and KPI totals (what --resume reads)', async () => {
    const s = run(SAMPLED, 3, 1);
    const store = await ResultsStore.open(join(newDir('flock-rows-'), 'results.duckdb'));
    try {
      await store.commit(landRun(all).stored, 0);
      await store.commit(landRun(s).stored, 0);
      const back = await store.loadRun(1);
      expect(back.groupRows).toEqual(s.groupRows);
      expect(back.sampled).toEqual(s.sampled);
      expect(runLineBytes(back)).toEqual(runLineBytes(s));
      expect(bits(runSummary(back).totals)).toBe(bits(all.totals));
      expect((await store.loadRun(0)).groupRows).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe('the size guard counts the rows kept', () => {
  it('accepts a paper-scale year with a sample and refuses every row, naming the estimate', async () => {
    const { scenario } = await loadScenario('scenarios/paper-scale.ts', []);
    const machineBytes = 23e9;
    expect(estimateRunBytes(scenario, CLI_DEFAULT)).toBeLessThan(estimateRunBytes(scenario) / 10);
    expect(guardMemory([scenario], 1, { machineBytes, rows: CLI_DEFAULT }).bytes).toBeLessThan(0.8 * machineBytes);
    expect(() => guardMemory([scenario], 1, { machineBytes, rows: { mode: 'all', sample: 1000 } })).toThrow(MemoryGuardError);
    expect(() => guardMemory([scenario], 1, { machineBytes })).toThrow(/64,919 agents\) for 365 days, every agent's rows kept would need an estimated [\d.]+ GB.*--rows sample/);
  });
});
