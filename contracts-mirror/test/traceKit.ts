/**
 * Small helpers for black-box tests that drive the mirror through traces (docs/traces.md),
 * so a test states the protocol call sequence exactly as a user would write it.
 */
import { expect } from 'vitest';
import { replayTrace } from '../replay/replay.js';
import type { Protocol, ResultEvent, Trace, TraceResult, TraceStep } from '../replay/types.js';

/** 2025-01-01T00:00:00Z, a UTC midnight; tests start here unless they say otherwise. */
export const T0 = 1735689600;
export const DAY = 86400;
export const HOUR = 3600;

/** `n` whole tokens in wei, as a bigint. */
export const e18 = (n: bigint | number): bigint => BigInt(n) * 10n ** 18n;

export function trace(
  protocol: Protocol,
  steps: TraceStep[],
  accounts: Trace['accounts'] = {},
  extra: Partial<Trace> = {},
): Trace {
  return { format: 'flock-trace/1', protocol, accounts, steps, ...extra };
}

export function run(t: Trace): TraceResult {
  return replayTrace(t);
}

/** Views by their `as` name, converted back to bigint where they are decimal strings. */
export function viewBig(r: TraceResult, name: string): bigint {
  const v = r.views[name];
  if (typeof v !== 'string') throw new Error(`view ${name} is not an integer: ${JSON.stringify(v)}`);
  return BigInt(v);
}

/** The step results that did not behave as written, for readable assertion failures. */
export function failures(r: TraceResult) {
  return r.steps.filter((s) => s.status === 'failed' || s.status === 'invariant');
}

/** Collects trace steps and returns each one's index, so assertions can name the step they check. */
export class Steps {
  readonly list: TraceStep[] = [];
  add(s: TraceStep): number {
    this.list.push(s);
    return this.list.length - 1;
  }
}

/** Every step behaved as written (failures print readably before the `ok` check). */
export function expectAllOk(r: TraceResult): void {
  expect(failures(r)).toEqual([]);
  expect(r.ok).toBe(true);
}

/** The events of step `i` (which must be a call step). */
export function eventsOf(r: TraceResult, i: number): ResultEvent[] {
  const s = r.steps.find((x) => x.i === i);
  if (!s) throw new Error(`no result for step ${i}`);
  if (!('events' in s)) throw new Error(`step ${i} has no events (status ${s.status})`);
  return s.events;
}

/** The result's state section, untyped for terse assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const st = (r: TraceResult): any => r.state;
