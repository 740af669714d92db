/**
 * Real training and validation with TensorFlow.js behind the simulation's Workload interface.
 *
 * Training nodes: each node has its own local shard (size and corruption drawn per node: its data
 * provider) and fine-tunes its own model from the task's base model, continuing from its previous
 * day's model, for a budget of `epochs × shard × (0.25 + 0.75·skill)` examples. Behaviours:
 * - honest: trains its model of `width` hidden units;
 * - lazy: submits the untrained base model (one hash per task, shared by every lazy node);
 * - copycat: resubmits another node's model unchanged (same hash), the base model while it has
 *   nothing to copy; the backend resolves hash-identical copies by earliest submission;
 * - oversized: trains a model `oversizeFactor` times wider, over `maxParams` → 999.0;
 * - tokenizer-gaming: trains like an honest node, submits with a 16-characters-per-token tokenizer
 *   (language task): validators that evaluate log the token/byte warning, the score counts;
 * - sybil: the entity trains one model a day; each identity submits it with a tiny perturbation
 *   of its output bias (a distinct hash, near-equal quality).
 *
 * Validators load a submission from the registry by its hash, count its parameters (999.0 above
 * `maxParams`) and evaluate it on their assigned held-out set: honest on the whole set; noisy on
 * a random `noisySubsample` of it; colluding honestly ± `collusionBias`; lazy validators skip
 * evaluation and report a uniform draw in `lazyReport` × the base model's score.
 *
 * Randomness comes only from the run's named streams (sim/engine/rng.ts) and the requests' rngs;
 * results are deterministic for (seed, cell, backend).
 */
import { stream } from '../../engine/rng.js';
import type { RealWorkloadConfig } from '../../scenario/schema.js';
import { FAILURE_SCORE, type EvalRequest, type TrainRequest, type Workload } from '../types.js';
import { backendInfo, initBackend, useBackend } from './backend.js';
import type { ExampleSet } from './data.js';
import { addTallies, cloneMlp, countWeights, evaluateMlp, initMlp, paramCount, trainMlp, type Mlp, type MlpSpec } from './model.js';
import { ModelRegistry } from './registry.js';
import { makeTask, type RealTask } from './tasks.js';
import { GAMING_CHARS_PER_TOKEN, tokenizerGamingSuspected, tokensOf } from './metrics.js';

interface NodeState {
  shard: ExampleSet;
  noise: number;
  model: Mlp;
  lastDay: number;
  lastHash: string;
}

export interface SubmittedModel {
  hash: string;
  params: number;
  trueScore: number;
  charsPerToken?: number;
}

export class RealWorkload implements Workload {
  readonly mode = 'real' as const;
  readonly task: RealTask;
  /** The task's metric direction (BPC, cross-entropy: lower is better). */
  get lowerIsBetter(): boolean {
    return this.task.lowerIsBetter;
  }
  readonly registry = new ModelRegistry();
  readonly honestSpec: MlpSpec;
  readonly oversizedSpec: MlpSpec;
  private readonly bases = new Map<number, { honest: Mlp; oversized: Mlp; hash: string; score: number }>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly entities = new Map<string, { day: number; model: Mlp }>();
  private readonly scoreCache = new Map<string, number>();
  private initialised = false;
  /** Examples trained on and evaluated so far (for benchmarks and the manifest). */
  readonly counters = { trainedExamples: 0, evaluatedExamples: 0, trainings: 0, evaluations: 0 };
  /** Tokenizer check (docs/model.md#validator-score): submissions with a gaming tokenizer, evaluations that logged the warning. */
  readonly tokenizer = { gamingSubmissions: 0, warnings: 0 };

  constructor(
    readonly cfg: RealWorkloadConfig,
    readonly seed: number,
    /** The sweep cell (0 until sweeps): with the seed's value, it keys every stream. */
    readonly cell: number,
  ) {
    this.task = makeTask(cfg.task, { dataSeed: cfg.dataSeed, evalSize: cfg.evalSize, context: cfg.context });
    this.honestSpec = { inputDim: this.task.inputDim, width: cfg.width, classes: this.task.classes };
    this.oversizedSpec = { ...this.honestSpec, width: Math.max(Math.ceil(cfg.width * cfg.oversizeFactor), minWidthOver(this.honestSpec, cfg.maxParams)) };
  }

  async init(): Promise<void> {
    await initBackend(this.cfg.backend);
    this.initialised = true;
  }

  private ready(): void {
    if (!this.initialised) throw new Error('RealWorkload: await init() before training or evaluating');
    useBackend(this.cfg.backend);
  }

  describe(): Record<string, unknown> {
    const c = this.cfg;
    return {
      mode: 'real',
      task: this.task.describe(),
      model: `MLP: one-hot inputs (${this.honestSpec.inputDim}) → ReLU(width) → ${this.honestSpec.classes} logits; Adam, softmax cross-entropy, manual loop`,
      backend: backendInfo(c.backend),
      maxParams: c.maxParams,
      params: { honest: paramCount(this.honestSpec), oversized: paramCount(this.oversizedSpec) },
      budget: { epochs: c.epochs, width: c.width, oversizedWidth: this.oversizedSpec.width, batchSize: c.batchSize, learningRate: c.learningRate, skillScaling: '0.25 + 0.75·skill' },
      shards: { size: c.shardSize, noise: c.shardNoise },
      validators: { evalSize: c.evalSize, noisySubsample: c.noisySubsample, lazyReport: c.lazyReport, collusionBias: c.collusionBias },
      hash: 'sha256 of architecture + float32 weight bytes',
      work: { ...this.counters, modelsRegistered: this.registry.size },
      // Only runs with tokenizer-gaming nodes report the check (the other runs' manifests are unchanged).
      ...(this.tokenizer.gamingSubmissions > 0 ? { tokenizer: { ...this.tokenizer } } : {}),
    };
  }

  // ------------------------------------------------------------------ base models and scores

  /** The task's base model: a deterministic initialisation from the run's stream for the task. */
  base(taskId: number): { honest: Mlp; oversized: Mlp; hash: string; score: number } {
    let b = this.bases.get(taskId);
    if (!b) {
      const honest = initMlp(this.honestSpec, stream(this.seed, this.cell, `workload/base:${taskId}`));
      const oversized = initMlp(this.oversizedSpec, stream(this.seed, this.cell, `workload/base:${taskId}/oversized`));
      const hash = this.registry.put(honest);
      b = { honest, oversized, hash, score: this.trueScore(hash) };
      this.bases.set(taskId, b);
    }
    return b;
  }

  /** Score on set A or B (whole set), cached per model hash: evaluation is deterministic. */
  scoreOn(hash: string, set: 'A' | 'B'): number {
    const key = `${hash}/${set}`;
    let s = this.scoreCache.get(key);
    if (s === undefined) {
      const m = this.registry.get(hash);
      if (!m || countWeights(m) > this.cfg.maxParams) s = FAILURE_SCORE;
      else {
        const data = this.task.evalSets[set];
        s = this.task.score(evaluateMlp(m, data));
        this.counters.evaluatedExamples += data.size;
        this.counters.evaluations += 1;
      }
      this.scoreCache.set(key, s);
    }
    return s;
  }

  /** What a perfect validator measures: the score over A and B together (999.0 when oversized). */
  trueScore(hash: string): number {
    const key = `${hash}/AB`;
    let s = this.scoreCache.get(key);
    if (s === undefined) {
      const m = this.registry.get(hash);
      if (!m || countWeights(m) > this.cfg.maxParams) s = FAILURE_SCORE;
      else s = this.task.score(addTallies(evaluateMlp(m, this.task.evalSets.A), evaluateMlp(m, this.task.evalSets.B)));
      this.scoreCache.set(key, s);
    }
    return s;
  }

  private submit(m: Mlp): SubmittedModel {
    const hash = this.registry.put(m);
    return { hash, params: countWeights(m), trueScore: this.trueScore(hash) };
  }

  // ------------------------------------------------------------------ training

  private nodeState(name: string, taskId: number, oversized: boolean): NodeState {
    const key = `${name}/${taskId}`;
    let st = this.nodes.get(key);
    if (!st) {
      const provider = stream(this.seed, this.cell, `workload/provider:${name}/${taskId}`);
      const { shardSize: sz, shardNoise: nz } = this.cfg;
      const size = Math.round(sz.min + provider.next() * (sz.max - sz.min));
      const noise = nz.min + provider.next() * (nz.max - nz.min);
      const shard = this.task.shard(stream(this.seed, this.cell, `workload/shard:${name}/${taskId}`), size, noise);
      const base = this.base(taskId);
      st = { shard, noise, model: oversized ? base.oversized : base.honest, lastDay: -1, lastHash: '' };
      this.nodes.set(key, st);
    }
    return st;
  }

  /** One day's training of a node's own model (at most once per node, task and day). */
  private trainNode(name: string, taskId: number, day: number, skill: number, oversized: boolean): Mlp {
    const st = this.nodeState(name, taskId, oversized);
    if (st.lastDay !== day) {
      const s = Math.min(1, Math.max(0, skill));
      const samples = Math.round(this.cfg.epochs * st.shard.size * (0.25 + 0.75 * s));
      st.model = trainMlp(st.model, st.shard, {
        samples,
        batchSize: this.cfg.batchSize,
        learningRate: this.cfg.learningRate,
        rng: stream(this.seed, this.cell, `workload/train:${name}/${taskId}/${day}`),
      });
      st.lastDay = day;
      this.counters.trainedExamples += samples;
      this.counters.trainings += 1;
    }
    return st.model;
  }

  train(r: TrainRequest): SubmittedModel {
    this.ready();
    if (r.copyOf) {
      // The copied weights are already in the registry under this hash: nothing changes.
      return { hash: r.copyOf.hash, params: r.copyOf.params, trueScore: r.copyOf.trueScore, ...(r.copyOf.charsPerToken ? { charsPerToken: r.copyOf.charsPerToken } : {}) };
    }
    const b = r.node.behaviour;
    if (b === 'lazy' || b === 'copycat') return this.submit(this.base(r.taskId).honest);
    if (b === 'sybil') {
      const entity = r.node.name.replace(/\.\d+$/, '');
      const model = this.trainNode(entity, r.taskId, r.day, r.node.skill, false);
      const variant = cloneMlp(model);
      const p = stream(this.seed, this.cell, `workload/sybil:${r.node.name}/${r.taskId}/${r.day}`);
      const bias = variant.weights[3];
      for (let i = 0; i < bias.length; i++) bias[i] += p.normal(0, 1e-3);
      return this.submit(variant);
    }
    const model = this.submit(this.trainNode(r.node.name, r.taskId, r.day, r.node.skill, b === 'oversized'));
    if (b === 'tokenizer-gaming' && this.task.type === 'lm-bpc') {
      // Its own honestly trained model, submitted with a tokenizer of 16 characters per token.
      this.tokenizer.gamingSubmissions += 1;
      return { ...model, charsPerToken: GAMING_CHARS_PER_TOKEN };
    }
    return model;
  }

  /** A node's current shard (for calibration and tests). */
  shardOf(name: string, taskId: number): { size: number; noise: number } | undefined {
    const st = this.nodes.get(`${name}/${taskId}`);
    return st && { size: st.shard.size, noise: st.noise };
  }

  // ------------------------------------------------------------------ validation

  private checkTokenizer(charsPerToken: number | undefined, data: ExampleSet, idx?: ArrayLike<number>): void {
    if (tokenizerWarning(charsPerToken, data, idx)) this.tokenizer.warnings += 1;
  }

  evaluate(r: EvalRequest): number {
    this.ready();
    const v = r.validator.behaviour;
    if (v === 'lazy') {
      // Skips evaluation: a plausible-looking number around the (public) base model's score.
      const { min, max } = this.cfg.lazyReport;
      return this.base(r.submission.taskId).score * (min + (max - min) * r.rng.next());
    }
    const m = this.registry.get(r.submission.hash);
    if (!m || countWeights(m) > this.cfg.maxParams) return FAILURE_SCORE;
    if (v === 'noisy') {
      const data = this.task.evalSets[r.evalSet];
      const k = Math.max(1, Math.round(this.cfg.noisySubsample * data.size));
      const idx = new Int32Array(k);
      for (let i = 0; i < k; i++) idx[i] = Math.floor(r.rng.next() * data.size);
      this.counters.evaluatedExamples += k;
      this.counters.evaluations += 1;
      this.checkTokenizer(r.submission.charsPerToken, data, idx);
      return this.task.score(evaluateMlp(m, data, idx));
    }
    this.checkTokenizer(r.submission.charsPerToken, this.task.evalSets[r.evalSet]);
    const s = this.scoreOn(r.submission.hash, r.evalSet);
    if (v === 'colluding' && s !== FAILURE_SCORE) {
      const friend = r.friendHashes?.has(r.submission.hash) ?? false;
      return s + (friend ? -this.cfg.collusionBias : this.cfg.collusionBias);
    }
    return s;
  }
}

/**
 * The validator's tokenizer check on the evaluated target (docs/model.md#validator-score): the
 * submission's tokenizer gives ⌈characters / charsPerToken⌉ tokens over the target's UTF-8 bytes; a
 * ratio below 0.1 is logged (counted), and the score still counts. The BPC itself does not change:
 * the loss per token times the tokens is the same total in nats whatever the tokenization.
 */
function tokenizerWarning(charsPerToken: number | undefined, data: ExampleSet, idx?: ArrayLike<number>): boolean {
  if (charsPerToken === undefined || !data.targetBytes) return false;
  const n = idx ? idx.length : data.size;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += data.targetBytes[idx ? idx[i] : i];
  return tokenizerGamingSuspected(tokensOf(n, charsPerToken), bytes);
}

/** The smallest hidden width whose MLP exceeds `maxParams`. */
function minWidthOver(spec: MlpSpec, maxParams: number): number {
  const perUnit = spec.inputDim + 1 + spec.classes;
  return Math.floor((maxParams - spec.classes) / perUnit) + 1;
}

/** Builds and initialises a real workload for one run. */
export async function createRealWorkload(cfg: RealWorkloadConfig, seed: number, cell = 0): Promise<RealWorkload> {
  const w = new RealWorkload(cfg, seed, cell);
  await w.init();
  return w;
}
