/**
 * FedAvg over the MLP's weight tensors (docs/fl-alliance.md#fedavg; McMahan et al. 2017, the
 * aggregation FLock's FL client uses, docs/contracts.md via the spec's FLockit-NVFlare note):
 * every tensor of the aggregate is Σ_i n_i·w_i / Σ_i n_i, n_i the proposer's sample count. Sums
 * run in float64 in proposal order, so the aggregate is deterministic. Also here: the poisoned
 * updates (sign flip) and the non-IID shard of an FL node.
 */
import type { RandomStream } from '../../engine/rng.js';
import { CharExamples, TabularExamples, type ExampleSet, type SyntheticLanguage, type Teacher } from './data.js';
import type { Mlp } from './model.js';

/** Σ n_i·w_i / Σ n_i per weight; models must share one spec; weights must be ≥ 0 with a positive sum. */
export function fedAvg(models: readonly Mlp[], samples: readonly number[]): Mlp {
  if (models.length === 0 || models.length !== samples.length) throw new RangeError('fedAvg: one sample count per model, at least one model');
  const total = samples.reduce((a, b) => a + b, 0);
  if (!(total > 0) || samples.some((n) => !(n >= 0))) throw new RangeError('fedAvg: sample counts must be ≥ 0 with a positive sum');
  const spec = models[0].spec;
  for (const m of models)
    if (m.spec.inputDim !== spec.inputDim || m.spec.width !== spec.width || m.spec.classes !== spec.classes) throw new RangeError('fedAvg: models of different shapes');
  const weights = models[0].weights.map((w, t) => {
    const acc = new Float64Array(w.length);
    models.forEach((m, i) => {
      const x = m.weights[t];
      const f = samples[i];
      for (let k = 0; k < acc.length; k++) acc[k] += f * x[k];
    });
    const out = new Float32Array(w.length);
    for (let k = 0; k < out.length; k++) out[k] = acc[k] / total;
    return out;
  }) as Mlp['weights'];
  return { spec: { ...spec }, weights };
}

/** A sign-flipped, scaled update: global − scale·(trained − global) (docs/fl-alliance.md#behaviours). */
export function signFlip(global: Mlp, trained: Mlp, scale: number): Mlp {
  const weights = global.weights.map((g, t) => {
    const x = trained.weights[t];
    const out = new Float32Array(g.length);
    for (let k = 0; k < g.length; k++) out[k] = g[k] - scale * (x[k] - g[k]);
    return out;
  }) as Mlp['weights'];
  return { spec: { ...global.spec }, weights };
}

/** The same examples with every label y replaced by C − 1 − y (a label-flip poisoner's training data); inputs shared. */
export function flipLabels(data: ExampleSet, classes: number): ExampleSet {
  return {
    size: data.size,
    inputDim: data.inputDim,
    labels: data.labels.map((y) => classes - 1 - y),
    targetBytes: data.targetBytes,
    writeInputs: (idx, from, to, out) => data.writeInputs(idx, from, to, out),
  };
}

/**
 * A node's private non-IID text (docs/fl-alliance.md#data), for the language task: running text
 * of the task's language in which a share `skew` of the sentences contain one of the node's
 * `topics` words (drawn by its stream from the 40 most frequent) and the rest are any sentence;
 * `size` characters, the last share `testShare` of them its local test text.
 */
export function nonIidText(language: SyntheticLanguage, rng: RandomStream, size: number, skew: number, testShare: number, context: number): { train: CharExamples; test: CharExamples; dominant: number[] } {
  const topics = rng.shuffle(Array.from({ length: 40 }, (_, i) => i)).slice(0, 4).sort((a, b) => a - b);
  const words = new Set(topics.map((i) => language.words[i]));
  let text = '';
  for (let attempt = 0; attempt < 200 && text.length < size + 2 * context; attempt++) {
    for (const sentence of language.generate(rng, 4 * size).split(/(?<=[.] |[.]\n)/)) {
      const onTopic = sentence.split(/[ ,.\n]+/).some((w) => words.has(w));
      if (onTopic ? rng.next() < skew : rng.next() < 1 - skew) text += sentence;
      if (text.length >= size + 2 * context) break;
    }
  }
  const cut = Math.round(size * (1 - testShare));
  return {
    train: CharExamples.fromText(text.slice(0, cut + context), context),
    test: CharExamples.fromText(text.slice(cut, size + context), context),
    dominant: topics,
  };
}

/**
 * A node's private non-IID data (docs/fl-alliance.md#data): `size` rows of the teacher, a share
 * `skew` of them from two dominant classes drawn by the node's stream, the rest from the others,
 * split into a train set and a local test set of share `testShare`. Deterministic for `rng`.
 */
export function nonIidShard(teacher: Teacher, rng: RandomStream, size: number, skew: number, testShare: number): { train: TabularExamples; test: TabularExamples; dominant: number[] } {
  const C = teacher.classes;
  const order = rng.shuffle(Array.from({ length: C }, (_, c) => c));
  const dominant = order.slice(0, Math.min(2, C)).sort((a, b) => a - b);
  const want = new Array<number>(C).fill(0);
  const main = Math.round(size * skew);
  for (let i = 0; i < main; i++) want[dominant[i % dominant.length]]++;
  const rest = order.slice(dominant.length);
  for (let i = 0; i < size - main; i++) want[rest.length ? rest[i % rest.length] : dominant[i % dominant.length]]++;
  const D = teacher.features;
  const feats: Float32Array[] = [];
  const labels: number[] = [];
  // Draw batches from the teacher and keep rows while their class still needs some (bounded).
  for (let attempt = 0; attempt < 50 && labels.length < size; attempt++) {
    const batch = teacher.sample(rng, size);
    for (let i = 0; i < batch.size && labels.length < size; i++) {
      const y = batch.labels[i];
      if (want[y] <= 0) continue;
      want[y]--;
      labels.push(y);
      feats.push(batch.features.subarray(i * D, i * D + D));
    }
  }
  const idx = rng.shuffle(Array.from({ length: labels.length }, (_, i) => i));
  const nTest = Math.max(1, Math.round(labels.length * testShare));
  const build = (ids: number[]) => {
    const x = new Float32Array(ids.length * D);
    ids.forEach((j, r) => x.set(feats[j], r * D));
    return new TabularExamples(x, Int32Array.from(ids.map((j) => labels[j])), D);
  };
  return { test: build(idx.slice(0, nTest)), train: build(idx.slice(nTest)), dominant };
}
