/**
 * One parity case as plain data, shared by the in-process loop (parity.ts) and the worker pool
 * (parityWorkers.ts, which parity.ts loads on demand): the options of a run, which protocol and
 * seed case `k` is, and what a case gives back. Its own module so that the pool does not import
 * parity.ts, which imports the pool.
 */
import type { Protocol, Trace } from '../replay/types.js';
import type { Difference } from './compare.js';
import type { EvmEngine } from './engine.js';

export interface ParityFailure {
  index: number;
  protocol: Protocol;
  seed: number;
  /** The shrunk trace. */
  trace: Trace;
  diff: Difference;
  /** Number of steps before and after shrinking. */
  originalSteps: number;
}

export interface ParityOptions {
  cases: number;
  seed: number;
  protocols: Protocol[];
  /** The engine of an in-process run (workers ≤ 1). */
  engine?: EvmEngine;
  /** Worker threads, each with its own engine (default 1: in this thread, on `engine`). */
  workers?: number;
  /** Compiled contracts for the workers' engines (`--artifacts`); an in-process run uses `engine`'s. */
  artifactsDir?: string;
  /** Called after each case, in case order whatever the number of workers. */
  onCase?: (index: number, ok: boolean, failure?: ParityFailure) => void;
  /** Time limit for shrinking one failure (ms). */
  shrinkMs?: number;
}

/** What one case gives: a worker sends this back (gas as decimal strings, to cross threads as plain data). */
export interface CaseResult {
  index: number;
  protocol: Protocol;
  seed: number;
  ok: boolean;
  steps: number;
  gas: [string, string[]][];
  failure?: ParityFailure;
}

/** The protocol and fast-check seed of case `k` of a run. */
export function caseSpec(k: number, seed: number, protocols: Protocol[]): { protocol: Protocol; seed: number } {
  return { protocol: protocols[k % protocols.length], seed: (seed + k) | 0 };
}
