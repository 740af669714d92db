/**
 * The model family of the real workloads: a one-hidden-layer MLP (inputs → ReLU(width) → class
 * logits), trained with Adam on softmax cross-entropy by a manual loop (tf.variable +
 * optimizer.minimize) so it runs synchronously inside the simulation's event loop. Weights live
 * in plain Float32Arrays between calls; tensors exist only inside a training or evaluation call
 * and are disposed before it returns. A model's identity is the sha256 of its architecture and
 * weight bytes (docs/model.md#validator-score: submissions are pinned by their weights' hash).
 */
import { createHash } from 'node:crypto';
import type { RandomStream } from '../../engine/rng.js';
import { tf } from './backend.js';
import type { ExampleSet } from './data.js';

export interface MlpSpec {
  inputDim: number;
  width: number;
  classes: number;
}

/** W1 [inputDim×width], b1 [width], W2 [width×classes], b2 [classes]. */
export interface Mlp {
  spec: MlpSpec;
  weights: [Float32Array, Float32Array, Float32Array, Float32Array];
}

export function paramCount(s: MlpSpec): number {
  return s.inputDim * s.width + s.width + s.width * s.classes + s.classes;
}

/** Parameters actually present in the weights (what a validator counts, not what a submitter claims). */
export function countWeights(m: Mlp): number {
  return m.weights.reduce((a, w) => a + w.length, 0);
}

/** Glorot-uniform weights and zero biases, drawn from `rng` (never Math.random). */
export function initMlp(spec: MlpSpec, rng: RandomStream): Mlp {
  const glorot = (fanIn: number, fanOut: number) => {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    const a = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < a.length; i++) a[i] = (rng.next() * 2 - 1) * lim;
    return a;
  };
  return {
    spec: { ...spec },
    weights: [glorot(spec.inputDim, spec.width), new Float32Array(spec.width), glorot(spec.width, spec.classes), new Float32Array(spec.classes)],
  };
}

export function cloneMlp(m: Mlp): Mlp {
  return { spec: { ...m.spec }, weights: m.weights.map((w) => w.slice()) as Mlp['weights'] };
}

/** sha256 over the architecture and the little-endian float32 bytes of every weight. */
export function hashMlp(m: Mlp): string {
  const h = createHash('sha256');
  h.update(`flock-lab/mlp/v1 ${m.spec.inputDim} ${m.spec.width} ${m.spec.classes}\n`);
  for (const w of m.weights) {
    const b = Buffer.from(w.buffer, w.byteOffset, w.byteLength);
    h.update(b);
  }
  return h.digest('hex');
}

function logits(x: tf.Tensor2D, v: tf.Tensor[]): tf.Tensor2D {
  return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, v[0] as tf.Tensor2D), v[1])), v[2] as tf.Tensor2D), v[3]);
}

export interface TrainOptions {
  /** Examples to process (fractional epochs allowed); the last batch is cut to fit. */
  samples: number;
  batchSize: number;
  learningRate: number;
  /** Shuffles the shard each epoch. */
  rng: RandomStream;
}

/**
 * Trains a copy of `m` on `data` for `samples` examples, in epochs of a fresh seeded permutation,
 * and returns the new model. Synchronous; every tensor it makes is disposed before it returns.
 */
export function trainMlp(m: Mlp, data: ExampleSet, o: TrainOptions): Mlp {
  if (data.size === 0 || o.samples <= 0) return cloneMlp(m);
  const { inputDim, classes } = m.spec;
  if (data.inputDim !== inputDim) throw new RangeError(`model expects ${inputDim} inputs, data has ${data.inputDim}`);
  const shapes: number[][] = [[inputDim, m.spec.width], [m.spec.width], [m.spec.width, classes], [classes]];
  const vars = m.weights.map((w, i) => {
    const init = tf.tensor(w, shapes[i]);
    const v = tf.variable(init, true); // shares init's data; init itself must be disposed
    init.dispose();
    return v;
  });
  const opt = tf.train.adam(o.learningRate);
  const B = o.batchSize;
  const x = new Float32Array(B * inputDim);
  const y = new Int32Array(B);
  const order = Array.from({ length: data.size }, (_, i) => i);
  try {
    let done = 0;
    while (done < o.samples) {
      o.rng.shuffle(order);
      for (let from = 0; from < order.length && done < o.samples; from += B) {
        const n = Math.min(B, order.length - from, o.samples - done);
        data.writeInputs(order, from, from + n, x);
        for (let r = 0; r < n; r++) y[r] = data.labels[order[from + r]];
        tf.tidy(() => {
          const xs = tf.tensor2d(x.subarray(0, n * inputDim), [n, inputDim]);
          const ys = tf.oneHot(tf.tensor1d(y.subarray(0, n), 'int32'), classes);
          opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, logits(xs, vars)) as tf.Scalar, false, vars);
        });
        done += n;
      }
    }
    return { spec: { ...m.spec }, weights: vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)) as Mlp['weights'] };
  } finally {
    opt.dispose();
    for (const v of vars) v.dispose();
  }
}

/** Summed loss over examples: nats, target tokens, and target UTF-8 bytes (tokens for non-text). */
export interface LossTally {
  nats: number;
  tokens: number;
  bytes: number;
}

export const addTallies = (a: LossTally, b: LossTally): LossTally => ({ nats: a.nats + b.nats, tokens: a.tokens + b.tokens, bytes: a.bytes + b.bytes });

/**
 * Cross-entropy of `m` on the examples `idx` of `data` (all of them when null), in chunks so
 * memory stays bounded. NaN weights give a NaN total, which the metric turns into 999.0.
 */
export function evaluateMlp(m: Mlp, data: ExampleSet, idx: ArrayLike<number> | null = null, chunk = 2048): LossTally {
  const n = idx ? idx.length : data.size;
  const all = idx ?? Int32Array.from({ length: n }, (_, i) => i);
  let bytes = 0;
  if (data.targetBytes) for (let i = 0; i < n; i++) bytes += data.targetBytes[all[i]];
  else bytes = n;
  if (n === 0) return { nats: 0, tokens: 0, bytes: 0 };
  const { inputDim, classes, width } = m.spec;
  if (data.inputDim !== inputDim) throw new RangeError(`model expects ${inputDim} inputs, data has ${data.inputDim}`);
  const x = new Float32Array(Math.min(chunk, n) * inputDim);
  const y = new Int32Array(Math.min(chunk, n));
  let nats = 0;
  tf.tidy(() => {
    const w = [tf.tensor2d(m.weights[0], [inputDim, width]), tf.tensor1d(m.weights[1]), tf.tensor2d(m.weights[2], [width, classes]), tf.tensor1d(m.weights[3])];
    for (let from = 0; from < n; from += chunk) {
      const k = Math.min(chunk, n - from);
      data.writeInputs(all, from, from + k, x);
      for (let r = 0; r < k; r++) y[r] = data.labels[all[from + r]];
      const s = tf.tidy(() => {
        const lp = tf.logSoftmax(logits(tf.tensor2d(x.subarray(0, k * inputDim), [k, inputDim]), w));
        return tf.neg(tf.sum(tf.mul(lp, tf.oneHot(tf.tensor1d(y.subarray(0, k), 'int32'), classes))));
      });
      nats += (s.dataSync() as Float32Array)[0];
      s.dispose();
    }
  });
  return { nats, tokens: n, bytes };
}
