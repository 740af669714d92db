/**
 * FL Alliance in the simulation (docs/fl-alliance.md), without TensorFlow.js: FedAvg and the sign
 * flip on hand-computed weights, the contract's vote aggregation and its accept/reject edge at
 * zero, every behaviour's proposal and vote, round-level invariants, the scenario's checks, the
 * store round trip, and that a scenario without `flTasks` records nothing of FL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN, deployProtocol, mintGenesis } from '../contracts-mirror/genesis.js';
import type { FLTask } from '../contracts-mirror/contracts/flTask.js';
import { fedAvg, signFlip } from '../sim/workloads/real/fedavg.js';
import type { Mlp } from '../sim/workloads/real/model.js';
import { FlNode } from '../sim/fl/agents.js';
import { stream } from '../sim/engine/rng.js';
import { FlTaskSpec, ScenarioSchema, type ScenarioInput } from '../sim/scenario/schema.js';
import { validateScenario } from '../sim/scenario/load.js';
import { ScenarioError } from '../sim/scenario/error.js';
import { runSimulation, SimulationError } from '../sim/run/simulation.js';
import { settlementBlocks } from '../sim/run/settlement.js';
import { leakOneWei } from '../sim/run/faults.js';
import { hashRuns } from '../sim/run/runSet.js';
import { summarize } from '../sim/results/kpi.js';
import { ResultsStore } from '../sim/results/store.js';

const E18 = 10n ** 18n;

const mlp = (w: number[][]): Mlp => ({ spec: { inputDim: 1, width: 1, classes: 2 }, weights: w.map((x) => Float32Array.from(x)) as Mlp['weights'] });

describe('FedAvg (docs/fl-alliance.md#fedavg)', () => {
  it('weights every tensor by sample counts, computed by hand', () => {
    const a = mlp([[1], [2], [3, -1], [0.5, 0]]);
    const b = mlp([[5], [-2], [7, 3], [0.5, 4]]);
    // (1·1 + 3·5)/4 = 4, (1·2 + 3·(−2))/4 = −1, (3 + 21)/4 = 6, (−1 + 9)/4 = 2, 0.5, 3
    const avg = fedAvg([a, b], [1, 3]);
    expect(avg.weights.map((w) => [...w])).toEqual([[4], [-1], [6, 2], [0.5, 3]]);
    // Equal counts: the plain mean; one model: itself.
    expect([...fedAvg([a, b], [2, 2]).weights[2]]).toEqual([5, 1]);
    expect(fedAvg([a], [7]).weights.map((w) => [...w])).toEqual(a.weights.map((w) => [...w]));
    // A zero-sample proposal counts for nothing.
    expect(fedAvg([a, b], [0, 5]).weights.map((w) => [...w])).toEqual(b.weights.map((w) => [...w]));
  });

  it('refuses what it cannot average', () => {
    const a = mlp([[1], [2], [3, -1], [0.5, 0]]);
    expect(() => fedAvg([], [])).toThrow(/at least one model/);
    expect(() => fedAvg([a], [0])).toThrow(/positive sum/);
    expect(() => fedAvg([a, { ...a, spec: { ...a.spec, width: 2 } }], [1, 1])).toThrow(/different shapes/);
  });

  it('a sign-flipped update is global − scale·(trained − global)', () => {
    const g = mlp([[1], [0], [0, 0], [0, 0]]);
    const t = mlp([[2], [1], [-1, 0.5], [0, 0]]);
    expect(signFlip(g, t, 3).weights.map((w) => [...w])).toEqual([[-2], [-3], [3, -1.5], [0, 0]]);
  });
});

/** A deployed mirror with one FL task whose participants hold the given stakes (whole FLOCK). */
function taskWith(stakes: Record<string, number>, slashPpm = 100_000n): { task: FLTask; d: ReturnType<typeof deployProtocol> } {
  const d = deployProtocol({ protocol: 'v2', time: 1_735_689_600n });
  mintGenesis(d, 'FLOCK', ADMIN, 1000n * E18);
  expect(d.w.transact(() => d.flTaskManager.createTask(ADMIN, 1n, 3n, 1n, 1000n * E18, slashPpm)).ok).toBe(true);
  const task = d.w.at<FLTask>(d.flTaskManager.byId.get(1n)!);
  for (const [who, x] of Object.entries(stakes)) {
    mintGenesis(d, 'FLOCK', who, BigInt(x) * E18);
    expect(d.w.transact(() => task.stake(who, BigInt(x) * E18)).ok).toBe(true);
  }
  return { task, d };
}

function round(task: FLTask, d: ReturnType<typeof deployProtocol>, proposers: string[], votes: Record<string, bigint>): { accepted: boolean; slashable: string[] } {
  expect(d.w.transact(() => task.startRound(ADMIN, proposers, Object.keys(votes))).ok).toBe(true);
  const index = task.currentRound();
  for (const [v, s] of Object.entries(votes)) expect(d.w.transact(() => task.vote(v, s)).ok).toBe(true);
  expect(d.w.transact(() => task.finalizeRound(ADMIN)).ok).toBe(true);
  const accepted = task.rewardPool() >= 0n && [...proposers].every((p) => task.owedReward(p, index, p) > 0n);
  const slashable = [...proposers, ...Object.keys(votes)].filter((u) => task.slashable.get(`${index}|${u}`) === true);
  return { accepted, slashable };
}

describe('vote aggregation on the FL task stand-in (docs/contracts.md#fl-alliance-task-interface)', () => {
  it('Σ sign(vote)·stake = 0 accepts; one wei of stake more against rejects', () => {
    const { task, d } = taskWith({ p: 100, a: 100, b: 100 });
    // +1·100 − 1·100 = 0: accepted; the proposer and the ≥ 0 voter are paid, the negative voter slashable.
    expect(round(task, d, ['p'], { a: 1n, b: -1n })).toEqual({ accepted: true, slashable: ['b'] });
    // Scores count by sign only, and 0 counts for nothing: 0 + 0 = 0 is accepted, both voters paid.
    expect(round(task, d, ['p'], { a: 0n, b: 0n })).toEqual({ accepted: true, slashable: [] });
    mintGenesis(d, 'FLOCK', 'b', 1n);
    expect(d.w.transact(() => task.stake('b', 1n)).ok).toBe(true);
    // 100·10¹⁸ − (100·10¹⁸ + 1): rejected; the proposer and the positive voter slashable, b paid.
    const r = round(task, d, ['p'], { a: 1000n, b: -1n });
    expect(r).toEqual({ accepted: false, slashable: ['p', 'a'] });
    expect(task.owedReward('b', 2n, 'b')).toBeGreaterThan(0n);
  });
});

describe('FL node behaviours (docs/fl-alliance.md#behaviours)', () => {
  const cfg = FlTaskSpec.parse({});
  const node = (b: FlNode['behaviour']) => new FlNode(`n-${b}`, b, stream(1, 0, `agent:n-${b}`));

  it('what each submits as a proposer', () => {
    expect(node('honest').updateKind(cfg)).toBe('honest');
    expect(node('lazy-voter').updateKind(cfg)).toBe('honest');
    expect(node('free-rider').updateKind(cfg)).toBe('free-ride');
    expect(node('poisoner').updateKind(cfg)).toBe('sign-flip');
    expect(node('poisoner').updateKind({ ...cfg, poisonMode: 'label-flip' })).toBe('label-flip');
    expect(node('colluding').updateKind(cfg)).toBe('sign-flip');
    expect(node('colluding').updateKind({ ...cfg, colludersPropose: 'honest' })).toBe('honest');
  });

  it('how each votes', () => {
    const h = node('honest');
    expect([h.vote(0.2, false), h.vote(-0.2, false), h.vote(0, false)]).toEqual([1n, -1n, 0n]);
    expect(h.evaluates(false)).toBe(true);
    for (const b of ['free-rider', 'poisoner'] as const) {
      expect(node(b).evaluates(false)).toBe(false);
      expect(node(b).vote(null, false)).toBe(1n);
    }
    const c = node('colluding');
    expect([c.evaluates(true), c.vote(null, true)]).toEqual([false, 1n]);
    expect([c.evaluates(false), c.vote(-0.5, false)]).toEqual([true, -1n]);
    const lazy = node('lazy-voter');
    expect(lazy.evaluates(false)).toBe(false);
    const votes = Array.from({ length: 200 }, () => lazy.vote(null, false));
    const up = votes.filter((v) => v === 1n).length;
    expect(votes.every((v) => v === 1n || v === -1n)).toBe(true);
    expect(up).toBeGreaterThan(70);
    expect(up).toBeLessThan(130);
  });
});

const base: ScenarioInput = { name: 'fl-test', days: 3, seeds: [1], populations: { nodes: { count: 1 }, validators: { count: 1 } } };
const flTask = { rounds: 6, roundsPerDay: 3, nodes: 8, proposers: 3, voters: 4, mix: { honest: 0.5, 'free-rider': 0.125, poisoner: 0.125, 'lazy-voter': 0.125, colluding: 0.125 } };

describe('FL rounds in a run (surrogate workload)', () => {
  it('a scenario without flTasks records nothing of FL', () => {
    const out = runSimulation(ScenarioSchema.parse(base), { seed: 1, run: 0 });
    expect('flRounds' in out || 'fl' in out).toBe(false);
    expect(out.agentRows.some((r) => r.role.startsWith('fl'))).toBe(false);
    expect('fl' in summarize([out], 3)).toBe(false);
  });

  it('every round lands, the task keeps pool + stakes + owed, and the rows survive the store', async () => {
    const s = ScenarioSchema.parse({ ...base, flTasks: [flTask] });
    const out = runSimulation(s, { seed: 1, run: 0 });
    expect(out.flRounds!.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5]);
    const t = out.fl!.tasks[0];
    expect(t.finished).toBe(true);
    expect(BigInt(t.holdings.rewardPool) + BigInt(t.holdings.stakes) + BigInt(t.holdings.owed)).toBe(BigInt(t.holdings.balance));
    expect(out.agentRows.filter((r) => r.day === 0 && r.role === 'fl-node')).toHaveLength(8);
    const again = runSimulation(s, { seed: 1, run: 0 });
    expect(hashRuns([again])).toBe(hashRuns([out]));
    const dir = mkdtempSync(join(tmpdir(), 'fl-store-'));
    try {
      const store = await ResultsStore.open(join(dir, 'results.duckdb'));
      await store.commitRun(out, 0);
      const back = await store.loadRun(0);
      await store.close();
      expect(back.flRounds).toEqual(out.flRounds);
      expect(back.fl).toEqual(JSON.parse(JSON.stringify(out.fl)));
      expect(hashRuns([back])).toBe(hashRuns([out]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const k = summarize([out], 3).fl!;
    expect(Object.keys(k.behaviours)).toEqual(['colluding', 'free-rider', 'honest', 'lazy-voter', 'poisoner']);
    expect(k.qualityByRound).toHaveLength(6);
  });

  it('the invariants run at round level: a wei leaked after the day-0 settlement stops the next round', () => {
    const s = ScenarioSchema.parse({ ...base, flTasks: [flTask] });
    const leak = settlementBlocks.insertAfter('invariants', {
      name: 'leakFromFlTask',
      description: 'test: 1 wei out of FLTask:1 after the day-0 check',
      run: (w, day) => {
        if (day.day === 0) leakOneWei(w.d, 'FLTask:1');
      },
    });
    let err: unknown;
    try {
      runSimulation(s, { seed: 1, run: 0, settlement: leak });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimulationError);
    expect((err as SimulationError).day).toBe(1);
    expect((err as SimulationError).check).toMatch(/after finalizeRound 3 of FL task 1/);
  });

  it('bad FL input names the field', () => {
    const bad = (fl: object) => () => validateScenario({ ...base, flTasks: [{ ...flTask, ...fl }] }, 'x.json');
    expect(bad({ nodes: 6 })).toThrow(/flTasks\.0\.nodes: 6 FL nodes cannot fill 3 proposers and 4 voters/);
    expect(bad({ stake: { min: 10, max: 20 } })).toThrow(/flTasks\.0\.stake\.min: 10 is below minStake = 100/);
    expect(bad({ arenaTask: 3 })).toThrow(/flTasks\.0\.arenaTask: there is no tasks\[3\]/);
    expect(bad({ poisonMode: 'nope' })).toThrow(ScenarioError);
    expect(bad({ mix: { honest: 0.5 } })).toThrow(/flTasks\.0\.mix/);
  });
});

describe('FL scenarios through the loader', () => {
  it('--set reaches inside an flTasks entry, and a list index past the end is refused naming the key', () => {
    const s = validateScenario({ ...base, flTasks: [flTask] }, 'x.json', ['flTasks.0.skew=0.6', 'flTasks.0.mix={"honest":0.75,"poisoner":0.25}']);
    expect(s.flTasks![0].skew).toBe(0.6);
    expect(s.flTasks![0].mix).toEqual({ honest: 0.75, poisoner: 0.25 });
    expect(() => validateScenario({ ...base, flTasks: [flTask] }, 'x.json', ['flTasks.3.skew=0.6'])).toThrow(/flTasks\.3\.skew/);
  });

  it('the surrogate reads a calibration file, and a bad one is an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-cal-'));
    try {
      const file = join(dir, 'cal.json');
      const fit = { start: 2, floor: 1, honestGain: 0.5, honestSd: 0, labelFlipSlope: 0, labelFlipIntercept: 0, signFlipHarm: 1, evalNoise: 0, samples: 100 };
      writeFileSync(file, JSON.stringify({ format: 'flock-lab-fl-calibration/1', scenario: 't', createdWith: {}, fit, measured: {} }));
      const s = ScenarioSchema.parse({ ...base, flTasks: [{ ...flTask, mix: { honest: 1 }, calibration: file }] });
      const out = runSimulation(s, { seed: 1, run: 0 });
      // Noise-free honest rounds: every round accepted, each closing half the gap to the floor.
      expect(out.flRounds!.map((r) => r.accepted)).toEqual([true, true, true, true, true, true]);
      expect(out.flRounds![0].quality).toBeCloseTo(1.5, 12);
      expect(out.flRounds![5].quality).toBeCloseTo(1 + 0.5 ** 6, 12);
      writeFileSync(file, '{"format":"nope"}');
      expect(() => runSimulation(s, { seed: 1, run: 0 })).toThrow(/cal\.json: not an FL calibration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
