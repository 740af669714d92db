/**
 * The validator's tokenizer check (docs/model.md#validator-score): a `tokenizer-gaming` node
 * submits its honestly trained model with a tokenizer of 16 characters per token, a token/byte
 * ratio of 1/16 < 0.1. Evaluating validators log it (counted in the workload's `tokenizer`
 * report, which reaches the run's summary), and its score still counts, unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stream } from '../../engine/rng.js';
import { RealWorkloadSchema, ScenarioSchema } from '../../scenario/schema.js';
import { SurrogateWorkload, type SurrogateParams } from '../surrogate.js';
import type { NodeProfile, Submission, ValidatorProfile, Workload } from '../types.js';
import { initBackend } from './backend.js';
import { GAMING_CHARS_PER_TOKEN, TOKEN_BYTE_RATIO_WARNING, tokenizerGamingSuspected, tokensOf } from './metrics.js';
import { RealWorkload } from './workload.js';

const node = (name: string, behaviour: NodeProfile['behaviour'], skill = 0.8): NodeProfile => ({ name, behaviour, skill });
const val = (behaviour: ValidatorProfile['behaviour']): ValidatorProfile => ({ name: `v-${behaviour}`, behaviour });

function train(w: Workload, n: NodeProfile, day = 0): Submission {
  const m = w.train({ node: n, taskId: 1, day, at: 0, rng: stream(1, 0, `test/${n.name}`) });
  return { ...m, id: `${n.name}/${day}`, node: n.name, taskId: 1, day, at: 0 };
}
const evaluate = (w: Workload, b: ValidatorProfile['behaviour'], s: Submission, set: 'A' | 'B' = 'A') =>
  w.evaluate({ validator: val(b), submission: s, evalSet: set, rng: stream(1, 0, `eval/${b}`) });

async function real(task: 'lm-bpc' | 'tabular'): Promise<RealWorkload> {
  const w = new RealWorkload(RealWorkloadSchema.parse({ mode: 'real', task, shardSize: { min: 600, max: 800 }, evalSize: 600, epochs: 1 }), 5, 0);
  await w.init();
  return w;
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the tokenizer check', () => {
  it('warns strictly below a token/byte ratio of 0.1', () => {
    expect(TOKEN_BYTE_RATIO_WARNING).toBe(0.1);
    expect(tokenizerGamingSuspected(10, 100)).toBe(false); // exactly 0.1: no warning
    expect(tokenizerGamingSuspected(9, 100)).toBe(true);
    expect(tokenizerGamingSuspected(100, 100)).toBe(false); // one token per character
    expect(tokenizerGamingSuspected(0, 0)).toBe(false); // empty target: the 999.0 case, not this check
    expect(tokensOf(33, 16)).toBe(3);
    expect(tokensOf(33)).toBe(33);
    expect(1 / GAMING_CHARS_PER_TOKEN).toBeLessThan(TOKEN_BYTE_RATIO_WARNING);
  });

  it('real char-LM: the gaming submission is logged by evaluating validators and scored like its model', async () => {
    const w = await real('lm-bpc');
    const honest = train(w, node('h', 'honest'));
    const gaming = train(w, node('g', 'tokenizer-gaming'));
    expect(honest.charsPerToken).toBeUndefined();
    expect(gaming.charsPerToken).toBe(GAMING_CHARS_PER_TOKEN);
    expect(w.describe().tokenizer).toEqual({ gamingSubmissions: 1, warnings: 0 });
    // The score still counts, and is the model's own BPC: byte normalisation makes it tokenizer-independent.
    expect(evaluate(w, 'honest', gaming)).toBe(w.scoreOn(gaming.hash, 'A'));
    expect(gaming.trueScore).toBeLessThan(w.base(1).score); // an honestly trained model
    evaluate(w, 'noisy', gaming, 'B');
    evaluate(w, 'colluding', gaming);
    evaluate(w, 'lazy', gaming); // does not evaluate: logs nothing
    evaluate(w, 'honest', honest);
    expect(w.describe().tokenizer).toEqual({ gamingSubmissions: 1, warnings: 3 });
  });

  it('reports nothing where no node games the tokenizer; tabular tasks have no tokenizer', async () => {
    const w = await real('tabular');
    const g = train(w, node('g', 'tokenizer-gaming'));
    expect(g.charsPerToken).toBeUndefined();
    evaluate(w, 'honest', g);
    expect(w.describe()).not.toHaveProperty('tokenizer');
  });

  it('surrogate: the gaming node submits an honest-quality model with the coarse tokenizer, and is logged', () => {
    const s = ScenarioSchema.parse({ name: 't', populations: { nodes: { count: 1 }, validators: { count: 1 } } });
    const w = new SurrogateWorkload(s.workload as SurrogateParams);
    expect(w.describe()).not.toHaveProperty('tokenizer');
    const h = train(w, node('n', 'honest'));
    const g = train(w, node('n', 'tokenizer-gaming'));
    expect(g.trueScore).toBe(h.trueScore); // same node, skill and stream: the same quality
    expect(g.charsPerToken).toBe(GAMING_CHARS_PER_TOKEN);
    expect(evaluate(w, 'honest', g)).toBe(evaluate(w, 'honest', h)); // the score is untouched
    evaluate(w, 'lazy', g);
    expect(w.describe().tokenizer).toEqual({ gamingSubmissions: 1, warnings: 1 });
  });
});
