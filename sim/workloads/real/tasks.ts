/**
 * Task types of the real workloads. A task is a dataset (a seeded generator, fixed by the task's
 * `dataSeed`, with two held-out evaluation sets A and B), a model family (the one-hot MLP of
 * model.ts), a `max_params` limit and a metric (docs/model.md#validator-score):
 * - `lm-bpc`: next-character prediction over a synthetic language, scored in bits per character;
 * - `tabular`: 4-class classification of 12 real features, scored by mean cross-entropy (nats).
 * Node shards are drawn from the same source with the run's streams; their size and quality
 * (corrupted characters, flipped labels) vary by node: the node's data provider.
 */
import { stream, type RandomStream } from '../../engine/rng.js';
import { ALPHABET, CharExamples, SyntheticLanguage, Teacher, corruptText, type ExampleSet } from './data.js';
import { bitsPerCharacter, meanLoss, TOKEN_BYTE_RATIO_WARNING } from './metrics.js';
import type { LossTally } from './model.js';

export type TaskType = 'lm-bpc' | 'tabular';

export interface RealTask {
  readonly type: TaskType;
  readonly metric: 'bpc' | 'cross-entropy-nats';
  /** The metric's direction (BPC and cross-entropy: lower is better), declared by the workload. */
  readonly lowerIsBetter: boolean;
  readonly inputDim: number;
  readonly classes: number;
  readonly evalSets: { A: ExampleSet; B: ExampleSet };
  /** A node's local shard: `size` examples, a fraction `noise` of its data corrupted. */
  shard(rng: RandomStream, size: number, noise: number): ExampleSet;
  /** The validator's score for a loss tally (999.0 on empty data or a non-finite loss). */
  score(t: LossTally): number;
  describe(): Record<string, unknown>;
}

export interface TaskOptions {
  /** Seeds the task's data source and evaluation sets (the same for every run seed). */
  dataSeed: number;
  /** Examples in each evaluation set. */
  evalSize: number;
  /** Characters of context (language task). */
  context: number;
}

export class LanguageTask implements RealTask {
  readonly type = 'lm-bpc' as const;
  readonly metric = 'bpc' as const;
  readonly lowerIsBetter = true;
  readonly inputDim: number;
  readonly classes = [...ALPHABET].length;
  readonly evalSets: { A: CharExamples; B: CharExamples };
  readonly language: SyntheticLanguage;

  constructor(readonly o: TaskOptions) {
    const s = (name: string) => stream(o.dataSeed, 0, `task:lm-bpc/${name}`);
    this.language = new SyntheticLanguage(s('language'));
    this.inputDim = o.context * this.classes;
    const make = (name: string) => CharExamples.fromText(this.language.generate(s(name), o.evalSize + o.context), o.context);
    this.evalSets = { A: make('eval-A'), B: make('eval-B') };
  }

  shard(rng: RandomStream, size: number, noise: number): CharExamples {
    const text = this.language.generate(rng, size + this.o.context);
    return CharExamples.fromText(corruptText(text, noise, rng), this.o.context);
  }

  score(t: LossTally): number {
    if (t.tokens === 0) return bitsPerCharacter(NaN, 0, 0);
    return bitsPerCharacter(t.nats / t.tokens, t.tokens, t.bytes);
  }

  describe(): Record<string, unknown> {
    return {
      type: this.type,
      metric: 'bits per character (docs/model.md#validator-score), lower is better',
      data: 'synthetic language: 240-word seeded lexicon, Zipf unigrams, sparse word bigrams',
      alphabet: JSON.stringify(ALPHABET),
      context: this.o.context,
      tokenizer: 'one token per character (token/byte ratio 1 ≥ ' + TOKEN_BYTE_RATIO_WARNING + ')',
      evalSize: this.o.evalSize,
      dataSeed: this.o.dataSeed,
    };
  }
}

export class TabularTask implements RealTask {
  readonly type = 'tabular' as const;
  readonly metric = 'cross-entropy-nats' as const;
  readonly lowerIsBetter = true;
  readonly inputDim = 12;
  readonly classes = 4;
  readonly evalSets: { A: ExampleSet; B: ExampleSet };
  readonly teacher: Teacher;

  constructor(readonly o: TaskOptions) {
    const s = (name: string) => stream(o.dataSeed, 0, `task:tabular/${name}`);
    this.teacher = new Teacher(s('teacher'), this.inputDim, this.classes);
    this.evalSets = { A: this.teacher.sample(s('eval-A'), o.evalSize), B: this.teacher.sample(s('eval-B'), o.evalSize) };
  }

  shard(rng: RandomStream, size: number, noise: number): ExampleSet {
    return this.teacher.sample(rng, size, noise);
  }

  score(t: LossTally): number {
    return meanLoss(t.nats, t.tokens);
  }

  describe(): Record<string, unknown> {
    return {
      type: this.type,
      metric: 'mean cross-entropy in nats, lower is better',
      data: `synthetic: ${this.inputDim} N(0,1) features, ${this.classes} classes drawn from a fixed random tanh teacher (16 hidden, sharpness 3)`,
      evalSize: this.o.evalSize,
      dataSeed: this.o.dataSeed,
    };
  }
}

export function makeTask(type: TaskType, o: TaskOptions): RealTask {
  return type === 'lm-bpc' ? new LanguageTask(o) : new TabularTask(o);
}
