/**
 * The validator's score (docs/model.md#validator-score): the BPC formula on hand-computed cases, and the
 * 999.0 sentinel for empty data and non-finite losses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_SCORE } from '../types.js';
import { initBackend } from './backend.js';
import { CharExamples } from './data.js';
import { bitsPerCharacter, bppl, meanLoss } from './metrics.js';
import { evaluateMlp, type Mlp } from './model.js';
import { LanguageTask } from './tasks.js';

/** An MLP whose weights are all `value` (0: every logit 0, a uniform prediction). */
const constantMlp = (inputDim: number, width: number, classes: number, value = 0): Mlp => ({
  spec: { inputDim, width, classes },
  weights: [new Float32Array(inputDim * width).fill(value), new Float32Array(width).fill(value), new Float32Array(width * classes).fill(value), new Float32Array(classes).fill(value)],
});

beforeAll(async () => {
  await initBackend('wasm');
});

describe('bits per character (docs/model.md#validator-score)', () => {
  it('matches the formula on hand-computed cases', () => {
    // Uniform over 4 symbols: loss = ln 4 nats per token; 3 ASCII targets (3 tokens, 3 bytes):
    //   bpc = ln4 · 3 / ln2 / 3 = 2 ln2 · 3 / ln2 / 3 = 2.
    // (pure double arithmetic, no tfjs: these are exact)
    expect(bitsPerCharacter(Math.log(4), 3, 3)).toBe(2);
    // 2 tokens of 2 UTF-8 bytes each ("éé"), loss 1.5 nats/token:
    //   bpc = 1.5 · 2 / ln2 / 4 = 3 / (4 · 0.693147…) = 1.082021…
    expect(bitsPerCharacter(1.5, 2, 4)).toBe(3 / (4 * Math.LN2));
    expect(bitsPerCharacter(1.5, 2, 4)).toBe(1.0820212806667227);
    // A tokenizer with 1 token for 8 bytes, loss 2.772588722 nats (= 4 ln2) → 4 bits / 8 bytes = 0.5.
    expect(bitsPerCharacter(4 * Math.LN2, 1, 8)).toBe(0.5);
    // bppl = 2^bpc: 2^2 = 4.
    expect(bppl(2)).toBe(4);
    expect(bppl(FAILURE_SCORE)).toBe(FAILURE_SCORE);
  });

  it('measures log2(V) bits per character for a uniform model on ASCII text', () => {
    // Zero weights → zero logits → p = 1/30 for every target: loss ln 30 nats/token.
    // "the cat sat." with context 2 has 10 ASCII targets, 10 tokens, 10 bytes:
    //   bpc = ln30 · 10 / ln2 / 10 = log2 30 = 4.906890595608519.
    const data = CharExamples.fromText('the cat sat.', 2);
    const task = new LanguageTask({ dataSeed: 0, evalSize: 10, context: 2 });
    const t = evaluateMlp(constantMlp(data.inputDim, 3, 30), data);
    expect(t.tokens).toBe(10);
    expect(t.bytes).toBe(10);
    // tolerance: tfjs computes the loss in float32 (the wasm backend's kernels), so the sum is
    // 10·ln 30 only to float32 precision, not to the last double bit
    expect(t.nats).toBeCloseTo(10 * Math.log(30), 4);
    expect(task.score(t)).toBeCloseTo(Math.log2(30), 5); // tolerance: from the float32 t.nats
  });

  it('counts UTF-8 bytes of the target text, not characters', () => {
    // Alphabet "aé" (V = 2); text "aéaé", context 1 → targets "é", "a", "é":
    // 3 tokens, 2 + 1 + 2 = 5 bytes; uniform model: ln2 nats/token → bpc = ln2 · 3 / ln2 / 5 = 0.6.
    const data = CharExamples.fromText('aéaé', 1, 'aé');
    const t = evaluateMlp(constantMlp(data.inputDim, 2, 2), data);
    expect([t.tokens, t.bytes]).toEqual([3, 5]);
    // tolerance: t.nats is a float32 sum from tfjs, as above
    expect(bitsPerCharacter(t.nats / t.tokens, t.tokens, t.bytes)).toBeCloseTo(0.6, 6);
  });
});

describe('999.0 sentinel (docs/model.md#validator-score)', () => {
  it('is reported for empty data', () => {
    expect(bitsPerCharacter(1, 0, 0)).toBe(FAILURE_SCORE);
    expect(bitsPerCharacter(1, 5, 0)).toBe(FAILURE_SCORE);
    expect(meanLoss(0, 0)).toBe(FAILURE_SCORE);
    // A text no longer than the context has no targets at all.
    const empty = CharExamples.fromText('ab', 2);
    expect(empty.size).toBe(0);
    const task = new LanguageTask({ dataSeed: 0, evalSize: 10, context: 2 });
    expect(task.score(evaluateMlp(constantMlp(empty.inputDim, 2, 30), empty))).toBe(FAILURE_SCORE);
  });

  it('is reported for a NaN or infinite loss', () => {
    expect(bitsPerCharacter(NaN, 3, 3)).toBe(FAILURE_SCORE);
    expect(bitsPerCharacter(Infinity, 3, 3)).toBe(FAILURE_SCORE);
    expect(meanLoss(NaN, 4)).toBe(FAILURE_SCORE);
    // A model with NaN weights evaluates to a NaN loss.
    const data = CharExamples.fromText('the cat sat.', 2);
    const task = new LanguageTask({ dataSeed: 0, evalSize: 10, context: 2 });
    expect(task.score(evaluateMlp(constantMlp(data.inputDim, 3, 30, NaN), data))).toBe(FAILURE_SCORE);
  });
});
