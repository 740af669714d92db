/**
 * The pool market delegators read (docs/model.md#delegator-choice): each pool's funding per
 * delegated token over its last 14 settled days, annualised, and its current σ. The settlement
 * notes every pool's balance when the day opens and records the day's funding when it closes.
 */
import { ADMIN, type Deployment } from '../../contracts-mirror/genesis.js';
import type { Pool } from '../../contracts-mirror/contracts/pool.js';
import { ZERO_ADDRESS } from '../../contracts-mirror/units.js';
import type { PoolMarket } from '../agents/delegator.js';

/** The docs' eAPY window. */
const WINDOW_DAYS = 14;

export function poolOf(d: Deployment, owner: string): Pool | null {
  const a = d.poolManager.getMiniPool(ADMIN, owner);
  return a === ZERO_ADDRESS ? null : (d.w.contracts.get(a) as Pool);
}

export class PoolFundingHistory implements PoolMarket {
  private readonly funding = new Map<string, { funded: bigint; delegation: bigint }[]>();
  private readonly openingBalance = new Map<string, bigint>();

  constructor(private readonly d: Deployment) {}

  pools(): string[] {
    return [...this.d.poolManager.poolList];
  }

  sigma(pool: string): bigint {
    const pm = this.d.poolManager;
    return pm.getPoolSigma(ADMIN, pm.poolToUser(ADMIN, pool));
  }

  eApy(pool: string, extra: bigint): number {
    const hist = (this.funding.get(pool) ?? []).slice(-WINDOW_DAYS);
    if (hist.length === 0) return 0;
    let r = 0;
    for (const h of hist) {
      const base = h.delegation + extra;
      if (base > 0n) r += Number((h.funded * 10n ** 12n) / base) / 1e12;
    }
    return (r / hist.length) * 365;
  }

  /** At the start of a settlement: every pool's FLOCK balance. */
  openDay(): void {
    this.openingBalance.clear();
    for (const p of this.d.poolManager.poolList) this.openingBalance.set(p, this.d.flock.bal(p));
  }

  /** At the end of a settlement: what each pool was funded since `openDay`, per its delegation. */
  closeDay(): void {
    const d = this.d;
    for (const p of d.poolManager.poolList) {
      const pool = d.w.contracts.get(p) as Pool;
      const hist = this.funding.get(p) ?? [];
      hist.push({ funded: d.flock.bal(p) - (this.openingBalance.get(p) ?? 0n), delegation: pool.getTotalDelegationAmount() });
      this.funding.set(p, hist.slice(-WINDOW_DAYS));
    }
  }
}
