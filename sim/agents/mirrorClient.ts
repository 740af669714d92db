/**
 * The agents' client of the mirror: the deployment plus a transaction helper that keeps the
 * mirror's block timestamp on the simulated clock. Agents act only through these calls.
 */
import type { Deployment } from '../../contracts-mirror/genesis.js';
import type { Environment } from '../engine/env.js';

export interface TxOutcome {
  ok: boolean;
  reason?: string;
}

/** The outcome of every successful call, shared (frozen: callers only read it). */
const OK: TxOutcome = Object.freeze({ ok: true });

export class MirrorClient {
  /** Reverted calls by function label, for the run's diagnostics. */
  readonly reverts = new Map<string, number>();
  /** Reverted calls by function label and revert reason (`reverts` split by reason). */
  readonly revertReasons = new Map<string, Map<string, number>>();

  constructor(
    readonly d: Deployment,
    readonly env: Environment,
  ) {}

  // The block timestamp of the last simulated second seen: most calls share their second with the
  // one before, so its BigInt is made once, not per call (docs/architecture.md#paper-scale-performance).
  private second = NaN;
  private stamp = 0n;

  /** Sets the mirror's block timestamp to the current simulated second. */
  private clock(): void {
    const s = Math.floor(this.env.now);
    if (s !== this.second) {
      this.second = s;
      this.stamp = BigInt(s);
    }
    this.d.w.now = this.stamp;
  }

  /** Runs one transaction at the current simulated second; a revert rolls it back and is counted. */
  tx(label: string, fn: () => unknown): TxOutcome {
    this.clock();
    const r = this.d.w.transact(fn);
    if (r.ok) return OK;
    this.reverts.set(label, (this.reverts.get(label) ?? 0) + 1);
    const reason = r.reason ?? '(no reason)';
    let byReason = this.revertReasons.get(label);
    if (!byReason) this.revertReasons.set(label, (byReason = new Map()));
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    return { ok: false, reason: r.reason };
  }

  /** Reads state at the current simulated second. */
  read<T>(fn: () => T): T {
    this.clock();
    return fn();
  }
}
