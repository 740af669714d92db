/**
 * A run landed (sim/experiments/landed.ts, docs/architecture.md#experiments) says exactly what its
 * rows say: the columns give the rows back and store them value for value, the KPI totals give
 * the summary to the bit, and the hash fed run by run in any landing order is hashRuns in plan order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { hashRuns, runLineBytes } from '../sim/run/runSet.js';
import { fromColumns, toColumns } from '../sim/results/columns.js';
import { runSummary, summarize } from '../sim/results/kpi.js';
import { RunsHash } from '../sim/results/runHash.js';
import { ResultsStore } from '../sim/results/store.js';
import { landRun } from '../sim/experiments/landed.js';
import type { AgentRow, RunOutput } from '../sim/results/recorder.js';

const tiny = { name: 'tiny', days: 4, tasks: [{ startDay: 0, durationDays: 3 }], populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 4 } } };

let runs: RunOutput[];
const dir = mkdtempSync(join(tmpdir(), 'flock-landed-'));

beforeAll(() => {
  const s = ScenarioSchema.parse(tiny);
  runs = [1, 2, 3].map((seed, run) => runSimulation(s, { seed, run }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a landed run', () => {
  const odd = (): AgentRow[] => {
    const base = { ...runs[0].agentRows[0], run: 7 };
    return [
      { ...base, stake: 2n ** 100n + 7n, reward: -(2n ** 90n) - 3n, rewardCum: 0n },
      { ...base, day: base.day + 1, stake: -1n, reward: 2n ** 64n, rewardCum: 2n ** 63n - 1n },
      { ...base, day: base.day + 2, behaviour: 'lazy', stake: 1n, reward: -(2n ** 64n), rewardCum: -(2n ** 63n) },
    ];
  };

  it('columns give the rows back, wei exact past 2^64, negative and zero included, and agents that change group kept apart', () => {
    const base = runs[0].agentRows[0];
    for (const rows of [runs[0].agentRows, odd()]) expect(fromColumns(toColumns(rows, rows[0].run, base.seed))).toEqual(rows);
    expect(() => toColumns([{ ...base, run: 9 }], base.run, base.seed)).toThrow(/says run 9/);
  });

  it('stored from columns, the store gives the run back as it was simulated', async () => {
    const store = await ResultsStore.open(join(dir, 'results.duckdb'));
    try {
      // A run of more rows than a data chunk holds (2,048), and one with odd wei.
      const long = ScenarioSchema.parse({ ...tiny, days: 80, populations: { nodes: { count: 20 }, validators: { count: 10 }, delegators: { count: 40 } } });
      const all = [...runs, runSimulation(long, { seed: 4, run: 3 }), { ...runs[0], run: 7, agentRows: odd(), dayRows: [] }];
      expect(all[3].agentRows.length).toBeGreaterThan(2 * 2048);
      for (const r of all) await store.commit(landRun(r).stored, 0);
      for (const r of all) expect(await store.loadRun(r.run)).toEqual(r);
    } finally {
      await store.close();
    }
  });

  it('its KPI totals give the same summary as its rows, to the bit', () => {
    expect(summarize(runs.map(runSummary), tiny.days)).toEqual(summarize(runs, tiny.days));
  });

  it('its hash lines fed in any landing order give hashRuns in plan order, one table or several', () => {
    const want = hashRuns(runs);
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const h = new RunsHash(runs.map((r) => r.run));
      for (const i of order) h.add(runs[i].run, runLineBytes(runs[i]));
      expect(h.digest()).toBe(want);
    }
    const h = new RunsHash([0, 1]);
    h.add(0, runLineBytes(runs[0]));
    expect(() => h.digest()).toThrow(/1 of 2 runs are not hashed/);
    expect(() => h.add(0, runLineBytes(runs[0]))).toThrow(/hashed already/);
  });
});
