/**
 * Test inputs for the off-chain pipeline: whole-token stakes and a task-day where every validator
 * reports each node's one submission at a given score. Shared by the off-chain tests.
 */
import type { Score } from './consensus.js';
import type { Stake, TaskDayInput } from './pipeline.js';

export const E18 = 10n ** 18n;
export const tok = (n: number | bigint): bigint => BigInt(n) * E18;
export const stake = (own: number, delegated = 0): Stake => ({ own: tok(own), delegated: tok(delegated) });

/** A task-day where every validator scores every submission with `truth[k]` (+ optional per-validator override). */
export function day(opts: {
  nodes: Record<string, Stake>;
  validators: Record<string, Stake>;
  /** node → consensus-to-be score of its one submission (id = `s-<node>`). */
  truth: Record<string, number>;
  /** validator → submission-node → reported value (overrides truth). */
  override?: Record<string, Record<string, number>>;
}): TaskDayInput {
  const submissions = Object.keys(opts.truth).map((n) => ({ id: `s-${n}`, node: n }));
  const scores: Score[] = [];
  for (const v of Object.keys(opts.validators)) {
    for (const n of Object.keys(opts.truth)) {
      scores.push({ validator: v, submission: `s-${n}`, value: opts.override?.[v]?.[n] ?? opts.truth[n] });
    }
  }
  return {
    submissions,
    scores,
    nodeStakes: new Map(Object.entries(opts.nodes)),
    validatorStakes: new Map(Object.entries(opts.validators)),
  };
}
