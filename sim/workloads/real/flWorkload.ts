/**
 * Real FL Alliance rounds on TensorFlow.js (docs/fl-alliance.md#workloads): the tabular task's
 * teacher gives every FL node a private non-IID shard (fedavg.ts `nonIidShard`) with a local test
 * split; proposers train the global model on their train split; the aggregate is FedAvg by sample
 * counts; a voter measures the aggregate against the global model on its own test split; the true
 * quality is the mean cross-entropy on a held-out set no member sees (analysis only).
 *
 * Streams: the held-out set `fl:<index>/held-out` and data `fl:<index>/data:<member>`, keyed by the task's dataSeed (a node's data is the same
 * in every run seed), training `fl:<index>/train:<member>` keyed by (seed, cell); the base model
 * `fl:<index>/base` by dataSeed, so every seed starts from the same model.
 */
import { stream, type RandomStream } from '../../engine/rng.js';
import type { FlProposal, FlRoundModels, FlTaskWorkload, FlWorkloadRequest } from '../flTypes.js';
import { useBackend, backendInfo } from './backend.js';
import { CharExamples, type ExampleSet } from './data.js';
import { fedAvg, flipLabels, nonIidShard, nonIidText, signFlip } from './fedavg.js';
import { cloneMlp, evaluateMlp, initMlp, trainMlp, type Mlp } from './model.js';
import { LanguageTask, TabularTask } from './tasks.js';

interface MemberData {
  train: ExampleSet;
  test: ExampleSet;
  dominant: number[];
}

export class RealFlWorkload implements FlTaskWorkload {
  readonly mode = 'real' as const;
  private readonly task: TabularTask | LanguageTask;
  private readonly heldOut: ExampleSet;
  private global: Mlp;
  private version = 0;
  private pending: Mlp | null = null;
  private readonly data = new Map<string, MemberData>();
  private readonly globalLoss = new Map<string, { version: number; loss: number }>();
  private quality_: { version: number; q: number } | null = null;
  readonly startFrom: string;
  readonly counters = { trainings: 0, evaluations: 0 };

  constructor(readonly req: FlWorkloadRequest) {
    const c = req.cfg;
    useBackend(c.backend);
    // The task's own evaluation sets are AI Arena's validators' (A and B); the FL held-out set has its own stream, so nobody holds it.
    const held = stream(c.dataSeed, 0, `fl:${req.index}/held-out`);
    if (c.dataTask === 'lm-bpc') {
      const t = new LanguageTask({ dataSeed: c.dataSeed, evalSize: 1, context: c.context });
      this.task = t;
      this.heldOut = CharExamples.fromText(t.language.generate(held, c.heldOutSize + c.context), c.context);
    } else {
      const t = new TabularTask({ dataSeed: c.dataSeed, evalSize: 1, context: 1 });
      this.task = t;
      this.heldOut = t.teacher.sample(held, c.heldOutSize);
    }
    const start = req.start?.model as Mlp | undefined;
    if (start && start.spec.inputDim === this.task.inputDim && start.spec.classes === this.task.classes) {
      this.global = cloneMlp(start);
      this.startFrom = req.start!.from;
    } else {
      this.global = initMlp({ inputDim: this.task.inputDim, width: c.width, classes: this.task.classes }, stream(c.dataSeed, 0, `fl:${req.index}/base`));
      this.startFrom = 'base model';
    }
  }

  private member(name: string): MemberData {
    let d = this.data.get(name);
    if (!d) {
      const c = this.req.cfg;
      const rng = stream(c.dataSeed, 0, `fl:${this.req.index}/data:${name}`);
      const size = c.shardSize.min + Math.floor(rng.next() * (c.shardSize.max - c.shardSize.min + 1));
      d = this.task instanceof LanguageTask ? nonIidText(this.task.language, rng, size, c.skew, c.localTestShare, c.context) : nonIidShard(this.task.teacher, rng, size, c.skew, c.localTestShare);
      this.data.set(name, d);
    }
    return d;
  }

  private meanLoss(m: Mlp, set: ExampleSet): number {
    this.counters.evaluations++;
    const t = evaluateMlp(m, set);
    return t.tokens ? t.nats / t.tokens : NaN;
  }

  quality(): number {
    if (!this.quality_ || this.quality_.version !== this.version) this.quality_ = { version: this.version, q: this.meanLoss(this.global, this.heldOut) };
    return this.quality_.q;
  }

  propose(proposals: readonly FlProposal[], _rng: RandomStream): FlRoundModels {
    const c = this.req.cfg;
    useBackend(c.backend);
    const models: Mlp[] = [];
    const samples: number[] = [];
    for (const p of proposals) {
      const d = this.member(p.member);
      samples.push(d.train.size);
      if (p.kind === 'free-ride') {
        models.push(cloneMlp(this.global));
        continue;
      }
      const rng = stream(this.req.seed, this.req.cell, `fl:${this.req.index}/train:${p.member}`);
      const data = p.kind === 'label-flip' ? flipLabels(d.train, this.task.classes) : d.train;
      this.counters.trainings++;
      const trained = trainMlp(this.global, data, { samples: Math.max(1, Math.round(c.localEpochs * data.size)), batchSize: c.batchSize, learningRate: c.learningRate, rng });
      models.push(p.kind === 'sign-flip' ? signFlip(this.global, trained, c.poisonScale) : trained);
    }
    this.pending = fedAvg(models, samples);
    return { samples, aggregateQuality: this.meanLoss(this.pending, this.heldOut) };
  }

  improvement(voter: string, _rng: RandomStream): number {
    if (!this.pending) throw new Error('improvement: no pending aggregate');
    useBackend(this.req.cfg.backend);
    const d = this.member(voter);
    let g = this.globalLoss.get(voter);
    if (!g || g.version !== this.version) this.globalLoss.set(voter, (g = { version: this.version, loss: this.meanLoss(this.global, d.test) }));
    const a = this.meanLoss(this.pending, d.test);
    // A non-finite loss (NaN weights) is as bad as it gets: the improvement is −∞.
    return Number.isFinite(a) ? g.loss - a : -Infinity;
  }

  accept(): void {
    if (!this.pending) throw new Error('accept: no pending aggregate');
    this.global = this.pending;
    this.pending = null;
    this.version++;
  }

  reject(): void {
    this.pending = null;
  }

  /** Each member's dominant classes (for the report: how non-IID the shards are). */
  dominantClasses(name: string): number[] {
    return this.member(name).dominant;
  }

  describe(): Record<string, unknown> {
    const c = this.req.cfg;
    return {
      mode: 'real',
      task: c.dataTask,
      model: `MLP ${this.task.inputDim}→${this.global.spec.width}→${this.task.classes}`,
      startFrom: this.startFrom,
      aggregation: 'FedAvg by sample counts (docs/fl-alliance.md#fedavg)',
      quality: `mean cross-entropy (nats) on ${c.heldOutSize} held-out rows nobody sees`,
      skew: c.skew,
      backend: backendInfo(c.backend),
    };
  }
}

export const createRealFlWorkload = (req: FlWorkloadRequest): FlTaskWorkload => new RealFlWorkload(req);
