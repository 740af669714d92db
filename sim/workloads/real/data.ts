/**
 * Example sets for the real workloads, and the two synthetic data sources they are drawn from.
 * Nothing is downloaded: the text comes from a seeded generator of a small made-up language, the
 * tabular rows from a seeded "teacher" network. Both are deterministic for their streams.
 */
import type { RandomStream } from '../../engine/rng.js';
import { utf8Length } from './metrics.js';

/** A set of (input, class) examples; inputs are written on demand so shards stay small in memory. */
export interface ExampleSet {
  readonly size: number;
  readonly inputDim: number;
  /** The target class of every example. */
  readonly labels: Int32Array;
  /** UTF-8 bytes of every example's target text (language tasks); null for non-text tasks. */
  readonly targetBytes: Uint8Array | null;
  /** Writes the input rows of examples idx[from..to) into `out` (zeroing it first). */
  writeInputs(idx: ArrayLike<number>, from: number, to: number, out: Float32Array): void;
}

// ---------------------------------------------------------------- characters

/** The character vocabulary of the language task: 26 letters, space, full stop, comma, newline. */
export const ALPHABET = 'abcdefghijklmnopqrstuvwxyz .,\n';

/**
 * Next-character examples over a text of alphabet indices: example i has the one-hot encoded
 * context ids[i..i+k) (k·V inputs) and the target ids[i+k]. The first k characters are context
 * only, so the target text is text[k..] and there are `length − k` examples.
 */
export class CharExamples implements ExampleSet {
  readonly size: number;
  readonly inputDim: number;
  readonly labels: Int32Array;
  readonly targetBytes: Uint8Array;

  constructor(
    readonly ids: Uint8Array,
    readonly context: number,
    readonly alphabet: string,
  ) {
    const V = [...alphabet].length;
    this.size = Math.max(0, ids.length - context);
    this.inputDim = context * V;
    this.labels = new Int32Array(this.size);
    this.targetBytes = new Uint8Array(this.size);
    const cps = [...alphabet].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < this.size; i++) {
      const t = ids[i + context];
      this.labels[i] = t;
      this.targetBytes[i] = utf8Length(cps[t]);
    }
  }

  static fromText(text: string, context: number, alphabet = ALPHABET): CharExamples {
    const index = new Map([...alphabet].map((c, i) => [c, i]));
    const chars = [...text];
    const ids = new Uint8Array(chars.length);
    chars.forEach((c, i) => {
      const id = index.get(c);
      if (id === undefined) throw new RangeError(`character ${JSON.stringify(c)} is not in the alphabet`);
      ids[i] = id;
    });
    return new CharExamples(ids, context, alphabet);
  }

  writeInputs(idx: ArrayLike<number>, from: number, to: number, out: Float32Array): void {
    const k = this.context;
    const V = this.inputDim / k;
    const D = this.inputDim;
    out.fill(0, 0, (to - from) * D);
    for (let r = 0; r < to - from; r++) {
      const e = idx[from + r];
      const base = r * D;
      for (let j = 0; j < k; j++) out[base + j * V + this.ids[e + j]] = 1;
    }
  }
}

/**
 * A small made-up language: a lexicon of pronounceable words with Zipf frequencies and a sparse
 * word-bigram structure, written as lower-case sentences. A character model can learn its
 * spelling (within words) and some of its word order (across a space), so training pays off
 * over several bits per character.
 */
export class SyntheticLanguage {
  readonly words: string[] = [];
  private readonly cumUnigram: number[] = [];
  private readonly successors: { words: number[]; cum: number[] }[] = [];

  constructor(rng: RandomStream, lexiconSize = 240) {
    const onsets = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'st', 'tr', 'ch', 'sh', 'th', 'pl', 'gr', ''];
    const vowels = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai', 'y'];
    const codas = ['', '', '', 'n', 'r', 's', 't', 'l', 'nd', 'st', 'm'];
    const seen = new Set<string>();
    while (this.words.length < lexiconSize) {
      const syllables = 1 + Math.floor(rng.next() * 3);
      let w = '';
      for (let s = 0; s < syllables; s++) w += rng.pick(onsets) + rng.pick(vowels) + rng.pick(codas);
      if (w.length < 2 || seen.has(w)) continue;
      seen.add(w);
      this.words.push(w);
    }
    let acc = 0;
    for (let i = 0; i < lexiconSize; i++) this.cumUnigram.push((acc += 1 / (i + 1) ** 1.1));
    for (let i = 0; i < lexiconSize; i++) {
      const ws: number[] = [];
      const cum: number[] = [];
      let c = 0;
      for (let j = 0; j < 6; j++) {
        ws.push(this.drawUnigram(rng));
        cum.push((c += 1 / (j + 1)));
      }
      this.successors.push({ words: ws, cum });
    }
  }

  private drawUnigram(rng: RandomStream): number {
    return drawCumulative(this.cumUnigram, rng.next());
  }

  /** Exactly `chars` characters of running text. */
  generate(rng: RandomStream, chars: number): string {
    const parts: string[] = [];
    let length = 0;
    while (length < chars) {
      const n = 3 + Math.floor(rng.next() * 10);
      let w = this.drawUnigram(rng);
      let sentence = this.words[w];
      for (let i = 1; i < n; i++) {
        if (rng.next() < 0.75) {
          const s = this.successors[w];
          w = s.words[drawCumulative(s.cum, rng.next())];
        } else w = this.drawUnigram(rng);
        sentence += (rng.next() < 0.08 ? ', ' : ' ') + this.words[w];
      }
      sentence += rng.next() < 0.2 ? '.\n' : '. ';
      parts.push(sentence);
      length += sentence.length;
    }
    return parts.join('').slice(0, chars);
  }
}

function drawCumulative(cum: readonly number[], u: number): number {
  const x = u * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Replaces each character with a uniformly random one of the alphabet with probability `rate`. */
export function corruptText(text: string, rate: number, rng: RandomStream, alphabet = ALPHABET): string {
  if (rate <= 0) return text;
  const a = [...alphabet];
  let out = '';
  for (const c of text) out += rng.next() < rate ? rng.pick(a) : c;
  return out;
}

// ---------------------------------------------------------------- tabular

/** Rows of real features with a class label. */
export class TabularExamples implements ExampleSet {
  readonly targetBytes = null;
  readonly size: number;

  constructor(
    readonly features: Float32Array,
    readonly labels: Int32Array,
    readonly inputDim: number,
  ) {
    this.size = labels.length;
  }

  writeInputs(idx: ArrayLike<number>, from: number, to: number, out: Float32Array): void {
    const D = this.inputDim;
    for (let r = 0; r < to - from; r++) out.set(this.features.subarray(idx[from + r] * D, idx[from + r] * D + D), r * D);
  }
}

/**
 * A fixed random teacher network (features → tanh hidden → class logits). Labels are drawn from
 * its softmax, so even the teacher has a positive cross-entropy (the task's floor).
 */
export class Teacher {
  private readonly w1: Float64Array;
  private readonly w2: Float64Array;

  constructor(
    rng: RandomStream,
    readonly features: number,
    readonly classes: number,
    readonly hidden = 16,
    readonly sharpness = 3,
  ) {
    this.w1 = Float64Array.from({ length: features * hidden }, () => rng.normal(0, 1 / Math.sqrt(features)));
    this.w2 = Float64Array.from({ length: hidden * classes }, () => rng.normal(0, 1 / Math.sqrt(hidden)));
  }

  /** `n` rows; a fraction `labelNoise` of labels replaced by a uniformly random class. */
  sample(rng: RandomStream, n: number, labelNoise = 0): TabularExamples {
    const { features: d, classes: C, hidden: H } = this;
    const x = new Float32Array(n * d);
    const y = new Int32Array(n);
    const h = new Float64Array(H);
    const logits = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = rng.normal(0, 1);
      for (let u = 0; u < H; u++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[i * d + j] * this.w1[j * H + u];
        h[u] = Math.tanh(s);
      }
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let u = 0; u < H; u++) s += h[u] * this.w2[u * C + c];
        logits[c] = this.sharpness * s;
        max = Math.max(max, logits[c]);
      }
      let z = 0;
      for (let c = 0; c < C; c++) z += (logits[c] = Math.exp(logits[c] - max));
      let u = rng.next() * z;
      let label = C - 1;
      for (let c = 0; c < C; c++) {
        if ((u -= logits[c]) < 0) {
          label = c;
          break;
        }
      }
      const noisy = labelNoise > 0 && rng.next() < labelNoise;
      y[i] = noisy ? Math.floor(rng.next() * C) : label;
    }
    return new TabularExamples(x, y, d);
  }
}
