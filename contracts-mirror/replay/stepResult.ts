/**
 * A step's entry in a trace result (docs/traces.md#step-status), shared by both engines so that
 * the mirror and the EVM classify outcomes by one rule.
 */
import type { ParsedStep } from './parse.js';
import type { Encoded, ResultEvent, StepResult } from './types.js';

/** What a step's call did: success (a view's value in the result encoding) or a revert reason. */
export type Outcome = { ok: true; value?: Encoded } | { ok: false; reason: string };

/**
 * `failed` when the outcome does not meet the step's expectation (success, or a revert whose
 * reason contains `expectRevert`); otherwise `reverted` (events dropped), `view` or `ok`.
 */
export function stepResult(step: ParsedStep, r: Outcome, events: ResultEvent[]): StepResult {
  const matches = step.expectRevert === undefined ? r.ok : !r.ok && r.reason.includes(step.expectRevert);
  if (!matches) return { i: step.i, status: 'failed', expected: step.expectRevert ?? 'success', actual: r.ok ? 'success' : r.reason, events };
  if (!r.ok) return { i: step.i, status: 'reverted', reason: r.reason, events: [] };
  if (step.isView) return { i: step.i, status: 'view', value: r.value! };
  return { i: step.i, status: 'ok', events };
}
