/**
 * The real workload's behaviours: deterministic training per seed (weight hashes), copycats and
 * lazy nodes by hash, the 999.0 sentinel for oversized models, the validator kinds, no tensor
 * leaks, the tabular task, and a surrogate driven by a calibration file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stream } from '../../engine/rng.js';
import { RealWorkloadSchema, ScenarioSchema, type RealWorkloadConfig } from '../../scenario/schema.js';
import { CALIBRATION_FORMAT, type CalibrationFile } from '../calibration.js';
import { createWorkload } from '../factory.js';
import { SurrogateWorkload } from '../surrogate.js';
import { FAILURE_SCORE, type NodeProfile, type Submission, type ValidatorProfile } from '../types.js';
import { initBackend, tf } from './backend.js';
import { hashMlp, initMlp } from './model.js';
import { RealWorkload } from './workload.js';

const cfg = (over: Record<string, unknown> = {}): RealWorkloadConfig =>
  RealWorkloadSchema.parse({ mode: 'real', shardSize: { min: 1500, max: 3000 }, evalSize: 1500, epochs: 1, ...over });

async function workload(seed: number, over: Record<string, unknown> = {}): Promise<RealWorkload> {
  const w = new RealWorkload(cfg(over), seed, 0);
  await w.init();
  return w;
}

const node = (name: string, behaviour: NodeProfile['behaviour'], skill = 0.8): NodeProfile => ({ name, behaviour, skill });
const val = (behaviour: ValidatorProfile['behaviour']): ValidatorProfile => ({ name: `v-${behaviour}`, behaviour });

function train(w: RealWorkload, n: NodeProfile, day: number, copyOf?: Submission): Submission {
  const m = w.train({ node: n, taskId: 1, day, at: 0, rng: stream(1, 0, `test/${n.name}`), copyOf });
  return { ...m, id: `${n.name}/${day}`, node: n.name, taskId: 1, day, at: 0 };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('deterministic training', () => {
  it('gives the same weight hash twice for a seed, and another for another seed', async () => {
    const a = train(await workload(11), node('n1', 'honest'), 0);
    const b = train(await workload(11), node('n1', 'honest'), 0);
    const c = train(await workload(12), node('n1', 'honest'), 0);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(b.trueScore).toBe(a.trueScore);
    expect(c.hash).not.toBe(a.hash);
  });

  it('hashes the weights: the registry holds the model under its content hash', async () => {
    const w = await workload(11);
    const s = train(w, node('n1', 'honest'), 0);
    expect(hashMlp(w.registry.get(s.hash)!)).toBe(s.hash);
    // A different initialisation stream gives a different hash.
    expect(hashMlp(initMlp(w.honestSpec, stream(1, 0, 'x')))).not.toBe(hashMlp(initMlp(w.honestSpec, stream(1, 0, 'y'))));
  });

  it('continues each node from its own previous model, and training lowers BPC below the base model', async () => {
    const w = await workload(3);
    const base = w.base(1);
    const d0 = train(w, node('n1', 'honest'), 0);
    const d1 = train(w, node('n1', 'honest'), 1);
    // bound: BPC of real tfjs training (float32 kernels, may differ in the last bits between
    // backends and machines); the claim is the direction and rough size of the improvement
    expect(d0.trueScore).toBeLessThan(base.score - 1);
    expect(d1.hash).not.toBe(d0.hash);
    expect(d1.trueScore).toBeLessThan(d0.trueScore);
    // Asking again on the same day does not train twice.
    expect(train(w, node('n1', 'honest'), 1).hash).toBe(d1.hash);
  });

  it('leaks no tensors over training and evaluation', async () => {
    const w = await workload(4);
    train(w, node('warm', 'honest'), 0);
    const before = tf.memory().numTensors;
    const s = train(w, node('n1', 'honest'), 0);
    train(w, node('big', 'oversized'), 0);
    for (const b of ['honest', 'noisy', 'colluding', 'lazy'] as const) w.evaluate({ validator: val(b), submission: s, evalSet: 'B', rng: stream(1, 0, b) });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('behaviours on real models', () => {
  it('lazy nodes submit the untrained base model: one hash per task', async () => {
    const w = await workload(5);
    const l1 = train(w, node('lazy-1', 'lazy'), 0);
    const l2 = train(w, node('lazy-2', 'lazy'), 2);
    expect(l1.hash).toBe(w.base(1).hash);
    expect(l2.hash).toBe(l1.hash);
    // tolerance: the base model has small random initial weights (not exactly uniform) and is
    // evaluated by tfjs in float32: about log2(30) = 4.91, within ±0.5
    expect(l1.trueScore).toBeCloseTo(Math.log2(30), 0);
  });

  it('copycats resubmit the copied weights unchanged (same hash), the base model with nothing to copy', async () => {
    const w = await workload(5);
    const original = train(w, node('n1', 'honest'), 0);
    const copy = train(w, node('cc', 'copycat'), 1, original);
    expect(copy.hash).toBe(original.hash);
    expect(copy.params).toBe(original.params);
    expect(copy.trueScore).toBe(original.trueScore);
    // The validator loads the copy by its hash and measures exactly what the original measures.
    const v = (s: Submission) => w.evaluate({ validator: val('honest'), submission: s, evalSet: 'A', rng: stream(1, 0, 'v') });
    expect(v(copy)).toBe(v(original));
    expect(train(w, node('cc2', 'copycat'), 0).hash).toBe(w.base(1).hash);
  });

  it('sybil identities submit one entity model with distinct hashes and near-equal quality', async () => {
    const w = await workload(5);
    const a = train(w, node('node-001.1', 'sybil'), 0);
    const b = train(w, node('node-001.2', 'sybil'), 0);
    expect(a.hash).not.toBe(b.hash);
    // tolerance: both copies are the same trained model with independently perturbed weights,
    // scored by tfjs: near-equal, not equal
    expect(Math.abs(a.trueScore - b.trueScore)).toBeLessThan(0.01);
  });

  it('oversized models exceed max_params and are scored 999.0 by every validator that evaluates', async () => {
    const w = await workload(6);
    const big = train(w, node('big', 'oversized'), 0);
    // width 4·64 = 256 (oversizeFactor 4): 240·256 + 256 + 256·30 + 30 = 69406 > maxParams 50000
    expect(w.oversizedSpec).toEqual({ inputDim: 240, width: 256, classes: 30 });
    expect(big.params).toBe(69406);
    expect(big.params).toBeGreaterThan(w.cfg.maxParams);
    expect(big.trueScore).toBe(FAILURE_SCORE);
    for (const b of ['honest', 'noisy', 'colluding'] as const)
      for (const set of ['A', 'B'] as const) expect(w.evaluate({ validator: val(b), submission: big, evalSet: set, rng: stream(1, 0, b) })).toBe(FAILURE_SCORE);
    // A lazy validator skips evaluation and reports noise instead: base score × (0.5 + 0.5·u), u its draw.
    const u = stream(1, 0, 'l').next();
    expect(w.evaluate({ validator: val('lazy'), submission: big, evalSet: 'A', rng: stream(1, 0, 'l') })).toBe(w.base(1).score * (0.5 + 0.5 * u));
    // The parameter count is read from the weights, not from what the submission claims.
    expect(w.evaluate({ validator: val('honest'), submission: { ...big, params: 10 }, evalSet: 'A', rng: stream(1, 0, 'h') })).toBe(FAILURE_SCORE);
    // An honest model over a lowered max_params is oversized too.
    const tight = await workload(6, { maxParams: 1000 });
    expect(train(tight, node('n1', 'honest'), 0).trueScore).toBe(FAILURE_SCORE);
  });

  it('gives the 999.0 sentinel for a model with a non-finite loss and for an unknown hash', async () => {
    const w = await workload(6);
    const m = initMlp(w.honestSpec, stream(1, 0, 'nan'));
    m.weights[2][0] = NaN;
    const hash = w.registry.put(m);
    const sub: Submission = { id: 's', node: '', taskId: 1, day: 0, at: 0, hash, params: 0, trueScore: 0 };
    expect(w.evaluate({ validator: val('honest'), submission: sub, evalSet: 'A', rng: stream(1, 0, 'h') })).toBe(FAILURE_SCORE);
    expect(w.evaluate({ validator: val('noisy'), submission: sub, evalSet: 'A', rng: stream(1, 0, 'h') })).toBe(FAILURE_SCORE);
    expect(w.evaluate({ validator: val('honest'), submission: { ...sub, hash: 'f'.repeat(64) }, evalSet: 'A', rng: stream(1, 0, 'h') })).toBe(FAILURE_SCORE);
  });
});

describe('validators on real models', () => {
  it('honest ones score their assigned set exactly; noisy ones a subsample; colluders shift; lazy ones report noise', async () => {
    const w = await workload(7);
    const s = train(w, node('n1', 'honest'), 0);
    const ev = (b: ValidatorProfile['behaviour'], set: 'A' | 'B', key: string, friends?: Set<string>) =>
      w.evaluate({ validator: val(b), submission: s, evalSet: set, rng: stream(1, 0, key), friendHashes: friends });
    const a = ev('honest', 'A', 'x');
    const b = ev('honest', 'B', 'x');
    expect(ev('honest', 'A', 'y')).toBe(a);
    expect(a).not.toBe(b);
    // tolerance: set A alone is a sample of A ∪ B (the true score), so they differ a little
    expect(Math.abs(a - s.trueScore)).toBeLessThan(0.1);
    // tolerance: A and B have equal sizes and ASCII targets, so the mean of their BPC equals the BPC
    // of the pooled tallies in exact arithmetic; the two double computations round differently
    expect((a + b) / 2).toBeCloseTo(s.trueScore, 10);
    const noisy = [1, 2, 3, 4, 5, 6].map((i) => ev('noisy', 'A', `n${i}`));
    expect(new Set(noisy).size).toBe(6);
    // tolerance: a noisy validator scores a random subsample of A, so it lands near the full-set score
    expect(Math.max(...noisy.map((x) => Math.abs(x - a)))).toBeLessThan(1);
    // a colluder returns the honest score on A (cached, the same double as `a`) ∓ collusionBias
    expect(ev('colluding', 'A', 'c', new Set([s.hash]))).toBe(a - w.cfg.collusionBias);
    expect(ev('colluding', 'A', 'c', new Set())).toBe(a + w.cfg.collusionBias);
    const base = w.base(1).score;
    for (let i = 0; i < 20; i++) {
      const l = ev('lazy', 'A', `l${i}`);
      // bound: the lazy report is a uniform draw in lazyReport × base; the exact draw is checked next
      expect(l).toBeGreaterThanOrEqual(base * w.cfg.lazyReport.min);
      expect(l).toBeLessThanOrEqual(base * w.cfg.lazyReport.max);
      const { min, max } = w.cfg.lazyReport;
      expect(l).toBe(base * (min + (max - min) * stream(1, 0, `l${i}`).next()));
    }
  });
});

describe('tabular task', () => {
  it('trains a classifier whose cross-entropy beats the base model, deterministically', async () => {
    const w = await workload(8, { task: 'tabular' });
    const s = train(w, node('n1', 'honest'), 0);
    expect(w.describe()).toMatchObject({ mode: 'real', task: { type: 'tabular' } });
    // bound: cross-entropy of real tfjs training (floats may differ between backends and machines)
    expect(s.trueScore).toBeLessThan(w.base(1).score - 0.3);
    const again = train(await workload(8, { task: 'tabular' }), node('n1', 'honest'), 0);
    expect(again.hash).toBe(s.hash);
    expect(train(w, node('big', 'oversized'), 0).trueScore).toBe(FAILURE_SCORE);
  });

  it('runs on the CPU backend as well, and names the backend in describe()', async () => {
    const w = await workload(8, { task: 'tabular', backend: 'cpu', shardSize: { min: 300, max: 400 }, evalSize: 300 });
    const s = train(w, node('n1', 'honest'), 0);
    expect(s.trueScore).toBeLessThan(w.base(1).score); // bound: real tfjs training, as above
    expect(w.describe()).toMatchObject({ backend: { backend: 'cpu', library: '@tensorflow/tfjs', version: '4.22.0' } });
    const wasm = await workload(8, { task: 'tabular' });
    expect(wasm.describe()).toMatchObject({ backend: { backend: 'wasm', threads: 1 } });
  });
});

describe('factory and calibration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flock-cal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds an initialised real workload for mode 'real'", async () => {
    const s = ScenarioSchema.parse({ name: 'r', workload: { mode: 'real', evalSize: 500 }, populations: { nodes: { count: 2 }, validators: { count: 1 } } });
    const w = await createWorkload(s, 1, 0);
    expect(w).toBeInstanceOf(RealWorkload);
    expect(w!.describe()).toMatchObject({ mode: 'real', maxParams: 50_000 });
  });

  it('builds a surrogate from a calibration file, and describe() names it', async () => {
    const cal: CalibrationFile = {
      format: CALIBRATION_FORMAT,
      scenario: 'test',
      createdWith: {},
      fit: { base: 4.9, honest: { intercept: 2.1, slope: 0.4, residualSd: 0 }, validators: { honestSd: 0, noisySd: 0.1, lazyMin: 2.45, lazyMax: 4.9 } },
      measured: {},
    };
    const path = join(dir, 'cal.json');
    writeFileSync(path, JSON.stringify(cal));
    const s = ScenarioSchema.parse({ name: 's', workload: { calibration: path }, populations: { nodes: { count: 2 }, validators: { count: 1 } } });
    const w = (await createWorkload(s, 1, 0)) as SurrogateWorkload;
    expect(w).toBeInstanceOf(SurrogateWorkload);
    expect(w.describe()).toMatchObject({ mode: 'surrogate', calibration: { path, scenario: 'test' } });
    expect((w.describe().calibration as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    const rng = stream(1, 0, 'r');
    // intercept − slope·skill + N(0, residualSd = 0) = 2.1 − 0.4·1 = 1.7000000000000002 in doubles
    expect(w.train({ node: node('h', 'honest', 1), taskId: 1, day: 0, at: 0, rng }).trueScore).toBe(2.1 - 0.4 * 1);
    expect(w.train({ node: node('l', 'lazy'), taskId: 1, day: 0, at: 0, rng }).trueScore).toBe(4.9);
    const big = w.train({ node: node('o', 'oversized'), taskId: 1, day: 0, at: 0, rng });
    const sub: Submission = { ...big, id: 'x', node: '', taskId: 1, day: 0, at: 0 };
    expect(w.evaluate({ validator: val('honest'), submission: sub, evalSet: 'A', rng })).toBe(FAILURE_SCORE);
    // Without a calibration the factory leaves the default surrogate to the simulation.
    expect(await createWorkload(ScenarioSchema.parse({ name: 'd', populations: { nodes: { count: 1 }, validators: { count: 1 } } }), 1, 0)).toBeUndefined();
    // A missing file is bad input naming the field.
    const bad = ScenarioSchema.parse({ name: 'b', workload: { calibration: join(dir, 'none.json') }, populations: { nodes: { count: 1 }, validators: { count: 1 } } });
    await expect(createWorkload(bad, 1, 0)).rejects.toThrow(/workload\.calibration/);
  });
});
