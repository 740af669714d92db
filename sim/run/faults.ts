/**
 * Fault injection for tests of the invariant checks, through the environment so a test can reach
 * a `flock-lab run` child process: `FLOCK_LAB_FAULT=leak:<day>` takes 1 wei of FLOCK out of the
 * task manager's balance at the end of that day's settlement, just before the invariant check,
 * without touching the token's minted or burned totals. Conservation must then fail on that day.
 * `FLOCK_LAB_FAULT=crash:<day>` throws a plain Error there instead: a bug in the lab, which the CLI
 * must report as one (sim/cli/main.ts). Never set in normal use; an unknown value is an error
 * rather than a silent no-op.
 */
import type { Deployment } from '../../contracts-mirror/genesis.js';
import type { RunOptions } from './simulation.js';

export const FAULT_ENV = 'FLOCK_LAB_FAULT';

/** Moves 1 wei out of `holder`'s FLOCK balance, outside every contract rule: a ledger bug. */
export function leakOneWei(d: Deployment, holder = d.taskManager.address): void {
  const b = d.flock.balances.get(holder) ?? 0n;
  if (b === 0n) throw new Error(`fault injection: ${holder} holds no FLOCK to leak`);
  d.flock.balances.set(holder, b - 1n);
}

export class FaultSpecError extends Error {
  constructor(readonly value: string) {
    super(`expected leak:<day> or crash:<day>, got "${value}"`);
    this.name = 'FaultSpecError';
  }
}

export function faultFromEnv(value = process.env[FAULT_ENV]): RunOptions['beforeInvariants'] {
  if (value === undefined || value === '') return undefined;
  const m = /^(leak|crash):(\d+)$/.exec(value);
  if (!m) throw new FaultSpecError(value);
  const day = Number(m[2]);
  if (m[1] === 'crash')
    return (today) => {
      if (today === day) throw new Error(`fault injection: a crash on day ${day}`);
    };
  return (today, d) => {
    if (today === day) leakOneWei(d);
  };
}
