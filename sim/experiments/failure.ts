/**
 * A job's failure as plain data, so that it crosses a thread or a queue and is rebuilt as the error
 * the CLI knows how to report: a broken invariant (exit 1), a bad scenario (exit 2), a refused job
 * (exit 1), or anything else (a bug: its stack travels with it).
 */
import { SimulationError } from '../run/errors.js';
import { ScenarioError } from '../scenario/error.js';
import { JobRefused } from './job.js';

export type Failure =
  | { kind: 'simulation'; day: number; check: string; details: Record<string, string> }
  | { kind: 'scenario'; file: string; issues: { path: string; message: string }[] }
  | { kind: 'refused'; message: string }
  | { kind: 'error'; message: string; stack?: string };

export function toFailure(e: unknown): Failure {
  if (e instanceof SimulationError) return { kind: 'simulation', day: e.day, check: e.check, details: e.details };
  if (e instanceof ScenarioError) return { kind: 'scenario', file: e.file, issues: e.issues };
  if (e instanceof JobRefused) return { kind: 'refused', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'error', message: err.message, stack: err.stack };
}

export function fromFailure(f: Failure): Error {
  switch (f.kind) {
    case 'simulation':
      return new SimulationError(f.day, f.check, f.details);
    case 'scenario':
      return new ScenarioError(f.file, f.issues);
    case 'refused':
      return new JobRefused(f.message);
    case 'error': {
      const e = new Error(f.message);
      if (f.stack) e.stack = f.stack;
      return e;
    }
  }
}

/** A run that failed inside an experiment: which run, which seed, and why. */
export class JobFailed extends Error {
  constructor(
    readonly job: { run: number; cell: number; seed: number },
    override readonly cause: Error,
  ) {
    super(`run ${job.run} (cell ${job.cell}, seed ${job.seed}): ${cause.message}`);
    this.name = 'JobFailed';
  }
}
