/**
 * The backend's assignment logic by hand (docs/model.md#validator-assignment, ASSUMPTIONS.md
 * S-assignment, S-late-scores): the least-validated pick, the acceptance probability on
 * s_j = own + ε·delegated within the task, thinning only when validators compete, the 180 s
 * rate limit, blindness, and scores that arrive after their day was closed.
 */
import { describe, expect, it } from 'vitest';
import { Environment } from '../engine/env.js';
import { RandomStream } from '../engine/rng.js';
import { acceptance, ASSIGNMENT_INTERVAL, Backend, selectionWeight, type Selection } from './backend.js';
import { effectiveStake } from './percentages.js';
import { scoreTaskDay } from './pipeline.js';

const E18 = 10n ** 18n;
const START = 1_735_689_600;

function setup(stakes?: Map<string, number>, selection?: Selection) {
  const env = new Environment({ start: START });
  const backend = new Backend(env, new RandomStream(1, 0, 'backend/assignment'), stakes ? { stakes: () => stakes, selection } : {});
  const submit = (node: string, hash = `h-${node}-${env.now}`) => backend.submit({ node, taskId: 1, day: 0, at: env.now, hash, params: 1, trueScore: 1 });
  /** Moves the clock on by `dt` seconds. */
  const wait = (dt: number) => env.run(env.now + dt);
  return { env, backend, submit, wait };
}

describe('acceptance (docs/model.md#validator-assignment)', () => {
  it('uses s_j = own + ε·delegated: A 3,000 own + 6,000 delegated and B 9,000 own are served alike', () => {
    const sA = effectiveStake(3000n * E18, 6000n * E18, 1);
    const sB = effectiveStake(9000n * E18, 0n, 1);
    const stakes = new Map([
      ['A', sA],
      ['B', sB],
    ]);
    expect(acceptance('A', stakes, 'sqrt')).toBe(1);
    expect(acceptance('B', stakes, 'sqrt')).toBe(1);
    // The old rule (own stake only) served A with √(3000/9000) ≈ 0.58.
    const own = new Map([
      ['A', 3000],
      ['B', 9000],
    ]);
    expect(acceptance('A', own, 'sqrt')).toBeCloseTo(Math.sqrt(1 / 3), 12);
  });

  it('normalises within the task and follows the selection rule', () => {
    const stakes = new Map([
      ['A', 1000],
      ['B', 4000],
    ]);
    expect(acceptance('A', stakes, 'sqrt')).toBeCloseTo(0.5, 12);
    expect(acceptance('A', stakes, 'linear')).toBeCloseTo(0.25, 12);
    expect(acceptance('A', stakes, 'uniform')).toBe(1);
    expect(acceptance('B', stakes, 'sqrt')).toBe(1);
    expect(selectionWeight(9, 'sqrt')).toBe(3);
    // Everyone at zero weight: served alike.
    expect(acceptance('A', new Map([['A', 0]]), 'sqrt')).toBe(1);
  });
});

describe('Backend.requestAssignment (docs/model.md#validator-assignment)', () => {
  it('hands out every submission the validator has not scored, once, then nothing', () => {
    const { backend, submit, wait } = setup();
    const ids = [submit('n1').id, submit('n2').id, submit('n3').id];
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      got.push(backend.requestAssignment('v1', 1)!.id);
      wait(ASSIGNMENT_INTERVAL);
    }
    expect([...got].sort()).toEqual([...ids].sort());
    expect(backend.hasWork('v1', 1)).toBe(false);
    expect(backend.requestAssignment('v1', 1)).toBeNull();
  });

  it('picks by fewest validations: a submission nobody scored goes before one already scored', () => {
    const { backend, submit, wait } = setup();
    const s1 = submit('n1');
    expect(backend.requestAssignment('v1', 1)!.id).toBe(s1.id);
    const s2 = submit('n2');
    // v2 has both unscored; s2 has 0 validations, s1 has 1.
    expect(backend.requestAssignment('v2', 1)!.id).toBe(s2.id);
    wait(ASSIGNMENT_INTERVAL);
    expect(backend.requestAssignment('v2', 1)!.id).toBe(s1.id);
    // Many validators, one lookup each: each takes a least-validated one, so the three
    // submissions stay within one validation of each other.
    const many = setup();
    const ids = [many.submit('a').id, many.submit('b').id, many.submit('c').id];
    const validations = new Map<string, number>();
    for (let v = 0; v < 300; v++) {
      const id = many.backend.requestAssignment(`w${v}`, 1)!.id;
      validations.set(id, (validations.get(id) ?? 0) + 1);
      const n = ids.map((x) => validations.get(x) ?? 0);
      expect(Math.max(...n) - Math.min(...n)).toBeLessThanOrEqual(1);
    }
  });

  it('is blind: an assignment never says who submitted', () => {
    const { backend, submit } = setup();
    submit('secret-node', 'model-hash');
    const a = backend.requestAssignment('v1', 1)!;
    expect(a).not.toHaveProperty('node');
    expect(JSON.stringify(a)).not.toContain('secret-node');
  });

  it('refuses a lookup less than 180 s after the same validator’s previous one', () => {
    const { backend, submit, wait } = setup();
    submit('n1');
    submit('n2');
    expect(backend.requestAssignment('v1', 1)).not.toBeNull();
    wait(ASSIGNMENT_INTERVAL - 1);
    expect(backend.requestAssignment('v1', 1)).toBeNull(); // too soon (and the refused lookup restarts no clock)
    expect(backend.requestAssignment('v2', 1)).not.toBeNull(); // another validator is not limited
    wait(1);
    expect(backend.requestAssignment('v1', 1)).not.toBeNull();
  });

  it('thins only when validators compete: plentiful work is always served, scarce work with probability w(s_j)/max w', () => {
    const stakes = new Map([
      ['low', 100],
      ['high', 10_000],
    ]);
    // Plentiful: 4 least-validated submissions for 2 validators → never thinned.
    const p = setup(stakes);
    for (let i = 0; i < 4; i++) p.submit(`n${i}`);
    let served = 0;
    for (let i = 0; i < 2; i++) {
      if (p.backend.requestAssignment('low', 1)) served++;
      p.wait(ASSIGNMENT_INTERVAL);
    }
    expect(served).toBe(2); // 2 candidates left ≥ 2 validators wanting them
    // Scarce: 1 submission, both want it → low is served with probability √(100/10000) = 0.1.
    let hits = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const env = new Environment({ start: START });
      const b = new Backend(env, new RandomStream(t, 0, 'x'), { stakes: () => stakes });
      b.submit({ node: 'n', taskId: 1, day: 0, at: START, hash: 'h', params: 1, trueScore: 1 });
      if (b.requestAssignment('low', 1)) hits++;
    }
    expect(hits / trials).toBeGreaterThan(0.08);
    expect(hits / trials).toBeLessThan(0.12);
    // Once the competitor has scored it, low no longer competes for it and is always served.
    const s = setup(stakes);
    s.submit('n');
    expect(s.backend.requestAssignment('high', 1)).not.toBeNull();
    expect(s.backend.requestAssignment('low', 1)).not.toBeNull();
  });

  it('under s_j, A (3,000 own + 6,000 delegated) and B (9,000 own) competing for one submission are both always served', () => {
    const stakes = new Map([
      ['A', effectiveStake(3000n * E18, 6000n * E18, 1)],
      ['B', effectiveStake(9000n * E18, 0n, 1)],
    ]);
    for (let t = 0; t < 200; t++) {
      const env = new Environment({ start: START });
      const b = new Backend(env, new RandomStream(t, 0, 'x'), { stakes: () => stakes });
      b.submit({ node: 'n', taskId: 1, day: 0, at: START, hash: 'h', params: 1, trueScore: 1 });
      expect(b.requestAssignment('A', 1)).not.toBeNull();
    }
  });
});

describe('late scores (ASSUMPTIONS.md S-late-scores)', () => {
  it('a score reported after its day closed is lost, counted, and never lands in the next day', () => {
    const { backend, submit, wait } = setup();
    const s1 = submit('n1');
    const a = backend.requestAssignment('v1', 1)!;
    backend.report({ validator: 'v2', submission: s1.id, value: 1 }, 1);
    const day0 = backend.closeDay(1); // 00:00: v1's evaluation is still running
    expect(day0.scores.map((r) => r.validator)).toEqual(['v2']);
    wait(600);
    const s2 = submit('n2');
    backend.report({ validator: 'v1', submission: a.id, value: 1.5 }, 1); // the late score
    backend.report({ validator: 'v1', submission: s2.id, value: 1.2 }, 1);
    expect(backend.lateScores).toBe(1);
    const day1 = backend.closeDay(1);
    expect(day1.scores).toEqual([{ validator: 'v1', submission: s2.id, value: 1.2 }]);
  });
});

describe('copies count in n_j and D_j (docs/model.md#copy-detection)', () => {
  it('the backend keeps the scores of copies; a validator that scored 10, 3 of them copies, has n = 10 like its peer', () => {
    const { backend, submit, wait } = setup();
    const orig = submit('o', 'same');
    wait(60);
    const subs = [orig];
    for (let i = 0; i < 6; i++) subs.push(submit(`n${i}`));
    for (let i = 0; i < 3; i++) subs.push(submit(`copier${i}`, 'same'));
    for (const v of ['v1', 'v2']) for (const s of subs) backend.report({ validator: v, submission: s.id, value: 1 + Number(s.id.slice(1)) / 100 + (v === 'v2' ? 0.001 : 0) }, 1);
    const closed = backend.closeDay(1);
    expect(closed.copies).toHaveLength(3);
    expect(closed.submissions).toHaveLength(7);
    expect(closed.scores).toHaveLength(20);
    const stake = { own: 5000n * E18, delegated: 0n };
    const r = scoreTaskDay({
      submissions: closed.submissions,
      copies: closed.copies.map((c) => ({ id: c.submission.id })),
      scores: closed.scores,
      nodeStakes: new Map(closed.submissions.map((s) => [s.node, stake])),
      validatorStakes: new Map([
        ['v1', stake],
        ['v2', stake],
      ]),
    });
    expect(r.validators.map((v) => v.n)).toEqual([10, 10]);
    // Copies are not ranked and not among the day's submissions.
    expect(r.submissions).toHaveLength(7);
    expect(r.nodes.filter((n) => n.rank !== null)).toHaveLength(7);
    // Had v2's scores of copies been dropped (the old closeDay), v2 would have n = 7 and coverage 7/10 against a peer with 10.
    const withoutV2Copies = scoreTaskDay({
      submissions: closed.submissions,
      copies: closed.copies.map((c) => ({ id: c.submission.id })),
      scores: closed.scores.filter((s) => s.validator === 'v1' || closed.submissions.some((x) => x.id === s.submission)),
      nodeStakes: new Map(closed.submissions.map((s) => [s.node, stake])),
      validatorStakes: new Map([
        ['v1', stake],
        ['v2', stake],
      ]),
    });
    expect(withoutV2Copies.validators.map((v) => v.n)).toEqual([10, 7]);
    expect(withoutV2Copies.validators[1].F / withoutV2Copies.validators[0].F).toBeCloseTo(
      (7 / 10) * Math.exp(-withoutV2Copies.validators[1].D / 0.01) / Math.exp(-withoutV2Copies.validators[0].D / 0.01),
      12,
    );
  });
});
