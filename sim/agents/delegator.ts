/**
 * A delegator (docs/simulation.md#delegator-choice): locks FLOCK into gmFLOCK, picks the pool with the best
 * eAPY over the docs' 14-day window, delegates, claims on a schedule, moves when another pool
 * pays clearly more once the 1-day undelegation lock has passed, and leaves a pool whose σ rose
 * (its owner keeps more of the delegation-attributable reward). It reads the lock from the pool's
 * own views before trying to leave, so it never sends an undelegation the pool must revert
 * (ASSUMPTIONS.md A-delegator-lock).
 */
import { DAY } from '../engine/calendar.js';
import type { RandomStream } from '../engine/rng.js';
import type { ProcessBody } from '../engine/env.js';
import type { Pool } from '../../contracts-mirror/contracts/pool.js';
import type { AgentBase, SimContext } from './context.js';
import { lockForGm } from './locking.js';

export interface DelegatorSpec {
  name: string;
  stake: bigint;
  claimEveryDays: number;
  rebalanceThreshold: number;
  /** A herding delegator: the owner of the pool it delegates to, whatever the yield, and never leaves (ASSUMPTIONS.md A-herding). */
  herdTo?: string;
}

/** What delegators can observe about pools (the front end's eAPY and σ). */
export interface PoolMarket {
  pools(): string[];
  /** Annualised yield over the last ≤ 14 days for a delegator adding `extra` wei (docs' eAPY). */
  eApy(pool: string, extra: bigint): number;
  sigma(pool: string): bigint;
  /**
   * Optional, for speed: exactly `scanBestPools(this, exclude, extra)`, the same pools in the same
   * order with the same eAPYs, computed without scanning every pool (sim/run/market.ts).
   */
  bestPools?(exclude: string | null, extra: bigint): PoolChoice[];
}

export interface PoolChoice {
  pool: string;
  apy: number;
}

/**
 * The pools tied at the top, in the order given: a pool more than 1e-12 above the group's first
 * starts a new group, one within 1e-12 of it joins the group.
 */
export function topPools(candidates: Iterable<PoolChoice>): PoolChoice[] {
  let top: PoolChoice[] = [];
  for (const c of candidates) {
    if (top.length === 0 || c.apy > top[0].apy + 1e-12) top = [c];
    else if (Math.abs(c.apy - top[0].apy) <= 1e-12) top.push(c);
  }
  return top;
}

/** Every pool but `exclude`, in pool-list order, with its eAPY for a delegator adding `extra` wei: the pools tied at the top. */
export function scanBestPools(market: PoolMarket, exclude: string | null, extra: bigint): PoolChoice[] {
  const all: PoolChoice[] = [];
  for (const p of market.pools()) if (p !== exclude) all.push({ pool: p, apy: market.eApy(p, extra) });
  return topPools(all);
}

/** σ increase (ppm) that makes a delegator leave its pool. */
const SIGMA_REACTION = 100_000n;

/** V1 `FlockMiniPool.undelegate`'s lock, a constant of its source (`lastStake + 1 days < block.timestamp`). */
const V1_UNDELEGATE_LOCK = 86_400n;

export class Delegator implements AgentBase {
  readonly role = 'delegator' as const;
  readonly behaviour: 'delegator' | 'herding';
  readonly name: string;
  readonly entity: string;
  claimedGross = 0n;
  pool: string | null = null;
  private joinedSigma = 0n;
  private readonly rng: RandomStream;

  constructor(
    private readonly ctx: SimContext,
    readonly spec: DelegatorSpec,
    private readonly market: PoolMarket,
  ) {
    this.name = spec.name;
    this.entity = spec.name;
    this.behaviour = spec.herdTo === undefined ? 'delegator' : 'herding';
    this.rng = ctx.rng(`agent:${spec.name}`);
  }

  private contract(pool: string): Pool {
    return this.ctx.chain.d.w.contracts.get(pool) as Pool;
  }

  stake(): bigint {
    return this.pool ? this.contract(this.pool).amountOf(this.name) : 0n;
  }

  unclaimed(): bigint {
    if (!this.pool) return 0n;
    return this.contract(this.pool).claimable(this.name, this.name);
  }

  setup(): void {
    lockForGm(this.ctx, this.name, this.spec.stake);
    const { env } = this.ctx;
    env.at(env.now + DAY * (0.05 + this.rng.next() * 0.2), () => this.choose());
    env.process(this.dailyRound(DAY * (1 + this.rng.next())));
  }

  /** From a first wait of its own, once a day: claim when due, move when another pool pays clearly more. */
  private *dailyRound(first: number): ProcessBody {
    yield first;
    for (;;) {
      this.daily();
      yield DAY;
    }
  }

  /** Takes over a delegation already placed in `pool` (a genesis read from a chain). */
  adopt(pool: string): void {
    this.pool = pool;
    this.joinedSigma = this.market.sigma(pool);
  }

  /** The best pool by eAPY; ties (e.g. no history yet) are broken at random by the agent's stream. */
  private best(exclude: string | null): PoolChoice | null {
    const m = this.market;
    const top = m.bestPools ? m.bestPools(exclude, this.spec.stake) : scanBestPools(m, exclude, this.spec.stake);
    return top.length ? this.rng.pick(top) : null;
  }

  private choose(): void {
    if (this.pool) return; // already delegating (an adopted genesis delegation)
    if (this.spec.herdTo !== undefined) {
      const owner = this.spec.herdTo;
      return this.delegateTo(this.ctx.chain.read(() => this.ctx.chain.d.poolManager.getMiniPool(owner, owner)));
    }
    const b = this.best(null);
    if (b) this.delegateTo(b.pool);
  }

  private delegateTo(pool: string): void {
    const amount = this.ctx.chain.d.gmFlock
      ? this.ctx.chain.d.gmFlock.bal(this.name)
      : this.ctx.chain.d.flock.bal(this.name);
    if (amount === 0n) return;
    const r = this.ctx.chain.tx('delegate', () => this.contract(pool).delegate(this.name, amount));
    if (r.ok) {
      this.pool = pool;
      this.joinedSigma = this.market.sigma(pool);
    }
  }

  /**
   * Whether `pool` lets this delegator undelegate now: the pool's rule, `lastStakeTimestamp + cooldown
   * < now`, strictly (V2: the pool manager's `getDelegationCoolDown()`; V1: one day). Read at the
   * second the transaction would be sent, so exactly one day after a delegation is still locked.
   */
  private unlocked(pool: Pool): boolean {
    const { chain } = this.ctx;
    return chain.read(() => {
      const cooldown = pool.kind === 'MiniPoolV2' ? chain.d.poolManager.getDelegationCoolDown() : V1_UNDELEGATE_LOCK;
      return pool.lastStakeTimestamp(this.name, this.name) + cooldown < chain.d.w.now;
    });
  }

  private claim(): void {
    if (!this.pool) return;
    const pool = this.contract(this.pool);
    const owed = this.ctx.chain.read(() => pool.claimable(this.name, this.name));
    if (owed > 0n && this.ctx.chain.tx('pool.claimRewards', () => pool.claimRewards(this.name)).ok) this.claimedGross += owed;
  }

  private daily(): void {
    const day = Math.floor((this.ctx.env.now - this.ctx.start) / DAY);
    if (day % this.spec.claimEveryDays === 0) this.claim();
    if (!this.pool) return this.choose();
    if (this.spec.herdTo !== undefined) return; // a herder stays whatever the yield
    const current = this.pool;
    const sigmaRose = this.market.sigma(current) >= this.joinedSigma + SIGMA_REACTION;
    const here = this.market.eApy(current, 0n);
    const alt = this.best(current);
    if (!alt) return;
    const better = alt.apy > here * (1 + this.spec.rebalanceThreshold) && alt.apy > 0;
    if (!sigmaRose && !better) return;
    // Still inside the pool's undelegation lock (a delegation less than a day old, or exactly a day
    // old after yesterday's move): stay, and look again tomorrow.
    if (!this.unlocked(this.contract(current))) return;
    this.claim();
    const amount = this.stake();
    const r = this.ctx.chain.tx('undelegate', () => this.contract(current).undelegate(this.name, amount));
    if (!r.ok) return;
    this.pool = null;
    this.delegateTo(alt.pool);
  }
}
