/**
 * FL Alliance on the real TensorFlow.js workload (docs/fl-alliance.md#workloads): what each kind of
 * update does to the FedAvg aggregate, and a poisoned round decided by stake on the FL task
 * stand-in: rejected when honest voters hold the majority of the voting stake, accepted when the
 * poisoner's side does. A few small trainings: seconds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, deployProtocol, mintGenesis } from '../contracts-mirror/genesis.js';
import type { FLTask } from '../contracts-mirror/contracts/flTask.js';
import { initBackend } from '../sim/workloads/real/backend.js';
import { RealFlWorkload } from '../sim/workloads/real/flWorkload.js';
import { FlTaskSpec } from '../sim/scenario/schema.js';
import { FlNode } from '../sim/fl/agents.js';
import { stream } from '../sim/engine/rng.js';
import type { FlUpdateKind } from '../sim/workloads/flTypes.js';

const E18 = 10n ** 18n;
const cfg = FlTaskSpec.parse({ workload: 'real', heldOutSize: 1000, shardSize: { min: 400, max: 400 } });
const members = ['a', 'b', 'c', 'd', 'e', 'f'];
const wl = () => new RealFlWorkload({ cfg, index: 0, seed: 1, cell: 0, members });
const rng = stream(1, 0, 'test');

beforeAll(async () => {
  await initBackend('wasm');
});

/** Proposals of one kind by a and b (after `warm` accepted honest rounds); improvement as voters c..f measure it; held-out before and after. */
function roundOf(kind: FlUpdateKind, warm = 0) {
  const w = wl();
  for (let i = 0; i < warm; i++) {
    w.propose([{ member: 'c', kind: 'honest' }, { member: 'd', kind: 'honest' }], rng);
    w.accept();
  }
  const before = w.quality();
  const r = w.propose([{ member: 'a', kind }, { member: 'b', kind }], rng);
  const measured = ['c', 'd', 'e', 'f'].map((v) => w.improvement(v, rng));
  return { before, after: r.aggregateQuality, measured, w };
}

describe('real FedAvg updates by behaviour', () => {
  it('honest updates improve the held-out quality and every voter sees it', () => {
    const r = roundOf('honest');
    expect(r.after).toBeLessThan(r.before - 0.05);
    expect(r.measured.every((x) => x > 0)).toBe(true);
    r.w.accept();
    expect(r.w.quality()).toBe(r.after);
  });

  it('a free-rider submits the global model: the aggregate is the global model, improvement exactly 0', () => {
    const r = roundOf('free-ride');
    expect(r.after).toBe(r.before);
    expect(r.measured).toEqual([0, 0, 0, 0]);
  });

  it('a sign-flipped update makes a trained model worse, and voters see it', () => {
    const r = roundOf('sign-flip', 2);
    expect(r.after).toBeGreaterThan(r.before);
    expect(r.measured.filter((x) => x < 0).length).toBeGreaterThanOrEqual(3);
    r.w.reject();
    expect(r.w.quality()).toBe(r.before);
  });

  it('a label-flipped update is worse than the honest one from the same model (measured: from a weak model it may still lower the loss)', () => {
    const flipped = roundOf('label-flip', 2);
    const honest = roundOf('honest', 2);
    expect(flipped.before).toBe(honest.before);
    expect(flipped.after).toBeGreaterThan(honest.after + 0.02);
    expect(flipped.measured.filter((x, i) => x < honest.measured[i]).length).toBeGreaterThanOrEqual(3);
  });
});

describe('a poisoned round on the FL task stand-in, decided by stake', () => {
  /** Poisoner `a` proposes; honest c, d and poisoner e vote; returns whether the round was accepted. */
  function poisonedRound(stakes: Record<string, number>): { accepted: boolean; votes: bigint[] } {
    const d = deployProtocol({ protocol: 'v2', time: 1_735_689_600n });
    mintGenesis(d, 'FLOCK', ADMIN, 100n * E18);
    expect(d.w.transact(() => d.flTaskManager.createTask(ADMIN, 1n, 2n, 1n, 100n * E18, 100_000n)).ok).toBe(true);
    const task = d.w.at<FLTask>(d.flTaskManager.byId.get(1n)!);
    for (const [who, x] of Object.entries(stakes)) {
      mintGenesis(d, 'FLOCK', who, BigInt(x) * E18);
      expect(d.w.transact(() => task.stake(who, BigInt(x) * E18)).ok).toBe(true);
    }
    const nodes = { a: 'poisoner', c: 'honest', d: 'honest', e: 'poisoner' } as const;
    const agent = (n: keyof typeof nodes) => new FlNode(n, nodes[n], stream(1, 0, `agent:${n}`));
    const w = wl();
    w.propose([{ member: 'a', kind: agent('a').updateKind(cfg) }], rng);
    expect(d.w.transact(() => task.startRound(ADMIN, ['a'], ['c', 'd', 'e'])).ok).toBe(true);
    const votes = (['c', 'd', 'e'] as const).map((v) => {
      const n = agent(v);
      return n.vote(n.evaluates(false) ? w.improvement(v, rng) : null, false);
    });
    (['c', 'd', 'e'] as const).forEach((v, i) => expect(d.w.transact(() => task.vote(v, votes[i])).ok).toBe(true));
    expect(d.w.transact(() => task.finalizeRound(ADMIN)).ok).toBe(true);
    return { accepted: task.owedReward('a', 0n, 'a') > 0n, votes };
  }

  it('rejected when honest voters hold the majority of the voting stake', () => {
    const r = poisonedRound({ a: 300, c: 300, d: 300, e: 200 });
    expect(r.votes).toEqual([-1n, -1n, 1n]);
    expect(r.accepted).toBe(false);
  });

  it('accepted when they do not', () => {
    const r = poisonedRound({ a: 300, c: 100, d: 100, e: 500 });
    expect(r.votes).toEqual([-1n, -1n, 1n]);
    expect(r.accepted).toBe(true);
  });
});

describe('FL on the character language task', () => {
  it('nodes hold topic-skewed text; an honest FedAvg round lowers the held-out loss per character', () => {
    const lm = FlTaskSpec.parse({ workload: 'real', dataTask: 'lm-bpc', heldOutSize: 800, shardSize: { min: 1200, max: 1200 } });
    const w = new RealFlWorkload({ cfg: lm, index: 0, seed: 1, cell: 0, members });
    const before = w.quality();
    const r = w.propose([{ member: 'a', kind: 'honest' }, { member: 'b', kind: 'honest' }], rng);
    expect(r.samples[0]).toBe(Math.round(1200 * (1 - lm.localTestShare)));
    expect(r.aggregateQuality).toBeLessThan(before - 0.2);
    expect(w.improvement('c', rng)).toBeGreaterThan(0);
    expect(w.dominantClasses('a')).not.toEqual(w.dominantClasses('b'));
  });
});

describe('an FL task linked to an AI Arena task', () => {
  it('starts from the AI Arena task\'s best model where the workload can give one, else from the base model', async () => {
    const { ScenarioSchema } = await import('../sim/scenario/schema.js');
    const { createWorkload } = await import('../sim/workloads/factory.js');
    const { runSimulation } = await import('../sim/run/simulation.js');
    const s = ScenarioSchema.parse({
      name: 'fl-arena',
      days: 2,
      seeds: [1],
      workload: { mode: 'real', task: 'tabular', shardSize: { min: 300, max: 300 }, evalSize: 300, epochs: 1, width: 16 },
      tasks: [{ startDay: 0, durationDays: 2, type: 'tabular' }],
      populations: { nodes: { count: 2 }, validators: { count: 1 } },
      flTasks: [
        { startDay: 1, rounds: 2, nodes: 4, proposers: 2, voters: 2, workload: 'real', arenaTask: 0, heldOutSize: 500 },
        { startDay: 1, rounds: 2, nodes: 4, proposers: 2, voters: 2, workload: 'real', heldOutSize: 500 },
      ],
    });
    const out = runSimulation(s, { seed: 1, run: 0, workload: await createWorkload(s, 1, 0) });
    const [linked, plain] = out.fl!.tasks;
    expect(linked.startFrom).toMatch(/^AI Arena task 1: best model [0-9a-f]{12} \(node-/);
    expect(plain.startFrom).toBe('base model');
    expect(linked.startQuality).not.toBe(plain.startQuality);
    expect(out.flRounds).toHaveLength(4);
  }, 60_000);
});

describe('FL surrogate calibration (flock-lab calibrate --fl)', () => {
  it('fits the surrogate to a few real rounds: a floor below the start, a positive honest gain, sign flips that harm', async () => {
    const { calibrateFl } = await import('../sim/workloads/real/flCalibrate.js');
    const cal = calibrateFl({ ...cfg, nodes: 6, proposers: 2, voters: 2 }, { rounds: 4, seed: 1, scenario: 't' });
    expect(cal.fit.floor).toBeLessThan(cal.fit.start);
    expect(cal.fit.honestGain).toBeGreaterThan(0);
    expect(cal.fit.signFlipHarm).toBeGreaterThan(0);
    expect(cal.fit.evalNoise).toBeGreaterThan(0);
    expect((cal.measured.honest as unknown[]).length).toBe(4);
  }, 60_000);
});
