/**
 * The pool market delegators read (docs/simulation.md#delegator-choice): each pool's funding per
 * delegated token over its last 14 settled days, annualised, and its current σ. The settlement
 * notes every pool's balance when the day opens and records the day's funding when it closes.
 *
 * Every delegator looks for the best pool every day. At the paper's scale (63,265 delegators,
 * 1,654 pools) scanning every pool's 14 days for each of them is most of the run, so `bestPools`
 * gives the scan's answer without it: what does not depend on the delegator is kept per pool and
 * per settled day (each pool's window, its exact eAPY for a delegator adding nothing, and an upper
 * bound of its eAPY for anyone adding at least a given stake), and a delegator computes its own
 * eAPY, with the very same arithmetic, only for the pools whose bound could still reach the top.
 * The answer is the scan's, to the bit: see `bestPools`.
 */
import { ADMIN, type Deployment } from '../../contracts-mirror/genesis.js';
import type { Pool } from '../../contracts-mirror/contracts/pool.js';
import { ZERO_ADDRESS } from '../../contracts-mirror/units.js';
import { topPools, type PoolChoice, type PoolMarket } from '../agents/delegator.js';

/** The docs' eAPY window. */
const WINDOW_DAYS = 14;

type Funding = { funded: bigint; delegation: bigint };

/** 10^12, the eAPY's fixed-point scale: a constant, not a BigInt power per term (the same value). */
const E12 = 10n ** 12n;

export function poolOf(d: Deployment, owner: string): Pool | null {
  const a = d.poolManager.getMiniPool(ADMIN, owner);
  return a === ZERO_ADDRESS ? null : (d.w.contracts.get(a) as Pool);
}

/** The docs' eAPY of a funding window for a delegator adding `extra` wei: the mean daily funding per delegated token, × 365. */
function apyOf(hist: readonly Funding[], extra: bigint): number {
  if (hist.length === 0) return 0;
  let r = 0;
  for (const h of hist) {
    const base = h.delegation + extra;
    if (base > 0n) r += Number((h.funded * E12) / base) / 1e12;
  }
  return (r / hist.length) * 365;
}

/**
 * An upper bound of `apyOf(hist, x)` for every x ≥ level > 0: each day's term with `level` in
 * place of x (the truncated quotient only shrinks as the base grows when funded ≥ 0), or 0 for a
 * day that funded nothing or lost (its term is ≤ 0 whatever x). Summed in the same order with
 * the same operations, and floating-point rounding is monotone, so the bound holds in floats too.
 */
function apyBound(hist: readonly Funding[], level: bigint): number {
  if (hist.length === 0) return 0;
  let r = 0;
  for (const h of hist) if (h.funded > 0n) r += Number((h.funded * E12) / (h.delegation + level)) / 1e12;
  return (r / hist.length) * 365;
}

/** A sure gap between two eAPYs: far wider than the scan's 1e-12 tie tolerance and its rounding. */
function apart(hi: number, lo: number): boolean {
  return lo === -Infinity || hi - lo > 1e-9 * Math.max(1, Math.abs(hi), Math.abs(lo));
}

/** The pools ordered by an upper bound of their eAPY (descending; ties by position in the pool list). */
interface Ranked {
  order: Int32Array;
  bound: Float64Array;
}

/** What one settled day's history says, delegator aside; rebuilt when a day closes or the pool list changes. */
interface View {
  version: number;
  pools: readonly string[];
  index: Map<string, number>;
  hists: Funding[][];
  /** Exact eAPY for a delegator adding nothing (also its own bound). */
  zero: Float64Array;
  /** By stake level (a power of two, in wei): bounds valid for every stake ≥ the level. */
  levels: Map<bigint, Ranked>;
  /** The pools whose window has a day with non-zero funding; every other pool's eAPY is exactly 0 whatever the stake. */
  funded: number[];
  /**
   * When no pool but possibly the excluded one was funded in its window (the first days, or the
   * days every delegator sits in the one pool still paid), every eAPY the scan computes is 0
   * whatever the stake, and its answer is every pool but the excluded one: kept per excluded pool (-1: none).
   */
  allZero: Map<number, PoolChoice[]>;
}

export class PoolFundingHistory implements PoolMarket {
  private readonly funding = new Map<string, Funding[]>();
  private readonly openingBalance = new Map<string, bigint>();
  /** Bumped when a day's funding is recorded. */
  private version = 0;
  private view: View | null = null;
  /** Each stake's level: the largest power of two ≤ it. */
  private readonly levelOf = new Map<bigint, bigint>();

  constructor(private readonly d: Deployment) {}

  pools(): string[] {
    return [...this.d.poolManager.poolList];
  }

  sigma(pool: string): bigint {
    const pm = this.d.poolManager;
    return pm.getPoolSigma(ADMIN, pm.poolToUser(ADMIN, pool));
  }

  eApy(pool: string, extra: bigint): number {
    if (extra === 0n) {
      const v = this.current();
      const i = v.index.get(pool);
      if (i !== undefined) return v.zero[i];
    }
    return apyOf((this.funding.get(pool) ?? []).slice(-WINDOW_DAYS), extra);
  }

  /**
   * `scanBestPools(this, exclude, extra)` — the pools a delegator adding `extra` finds tied at the
   * top of every pool's eAPY, in pool-list order — computed exactly but without scanning them all.
   * Pools are visited by a descending upper bound of their eAPY and evaluated exactly, until the
   * next bound lies below the best value found and a sure gap (`apart`) separates the values kept
   * from everything not kept. The scan's tie rule (within 1e-12 of the group's first) then gives
   * the same group on the kept pools as on all of them: a kept pool always beats an unkept one by
   * more than the tolerance, so an unkept pool never starts, joins or ends a group of kept ones.
   */
  bestPools(exclude: string | null, extra: bigint): PoolChoice[] {
    const v = this.current();
    const n = v.pools.length;
    const skip = exclude === null ? -1 : (v.index.get(exclude) ?? -1);
    if (v.funded.length === 0 || (v.funded.length === 1 && v.funded[0] === skip)) {
      let all = v.allZero.get(skip);
      if (!all) {
        all = [];
        for (let i = 0; i < n; i++) if (i !== skip) all.push({ pool: v.pools[i], apy: 0 });
        v.allZero.set(skip, all);
      }
      return all;
    }
    const ranked = this.ranked(v, extra);
    const seen: { i: number; apy: number }[] = [];
    let best = -Infinity;
    let kept: { i: number; apy: number }[] | null = null;
    let k = 0;
    for (;;) {
      while (k < n && ranked.order[k] === skip) k++;
      const next = k < n ? ranked.bound[ranked.order[k]] : -Infinity;
      if (seen.length > 0 && next < best) kept = keptAbove(seen, next);
      if (kept || k >= n) break;
      const i = ranked.order[k++];
      const apy = extra === 0n ? v.zero[i] : apyOf(v.hists[i], extra);
      seen.push({ i, apy });
      if (apy > best) best = apy;
    }
    const chosen = (kept ?? seen).sort((a, b) => a.i - b.i);
    return topPools(chosen.map((c) => ({ pool: v.pools[c.i], apy: c.apy })));
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
    this.version++;
  }

  /** The day's view, rebuilt after a day closes or when the pool list grew or changed (a pool created, or a creation reverted). */
  private current(): View {
    const list = this.d.poolManager.poolList;
    const v = this.view;
    if (v && v.version === this.version && v.pools.length === list.length && (list.length === 0 || v.pools[list.length - 1] === list[list.length - 1])) return v;
    const pools = [...list];
    const hists = pools.map((p) => (this.funding.get(p) ?? []).slice(-WINDOW_DAYS));
    const zero = new Float64Array(pools.length);
    for (let i = 0; i < pools.length; i++) zero[i] = apyOf(hists[i], 0n);
    const funded: number[] = [];
    hists.forEach((h, i) => h.some((x) => x.funded !== 0n) && funded.push(i));
    this.view = { version: this.version, pools, index: new Map(pools.map((p, i) => [p, i])), hists, zero, levels: new Map(), funded, allZero: new Map() };
    return this.view;
  }

  private ranked(v: View, extra: bigint): Ranked {
    let level = this.levelOf.get(extra);
    if (level === undefined) {
      level = extra <= 0n ? 0n : 1n << BigInt(extra.toString(2).length - 1);
      this.levelOf.set(extra, level);
    }
    let r = v.levels.get(level);
    if (!r) {
      const bound = level === 0n ? v.zero : Float64Array.from(v.hists, (h) => apyBound(h, level));
      const order = Int32Array.from(v.pools, (_, i) => i).sort((a, b) => bound[b] - bound[a] || a - b);
      r = { order, bound };
      v.levels.set(level, r);
    }
    return r;
  }
}

/**
 * The evaluated pools worth keeping, or null while none can be cut off yet: those above the first
 * sure gap, in descending eAPY, at or above `next` (the bound of every pool not yet evaluated).
 */
function keptAbove(seen: readonly { i: number; apy: number }[], next: number): { i: number; apy: number }[] | null {
  // The usual case: one pool surely above every other and above `next`.
  let top = 0;
  for (let j = 1; j < seen.length; j++) if (seen[j].apy > seen[top].apy) top = j;
  let rest = next;
  for (let j = 0; j < seen.length; j++) if (j !== top && seen[j].apy > rest) rest = seen[j].apy;
  if (apart(seen[top].apy, rest)) return [seen[top]];
  const byApy = [...seen].sort((a, b) => b.apy - a.apy);
  for (let j = 1; j <= byApy.length; j++) {
    const lo = j < byApy.length ? byApy[j].apy : -Infinity;
    if (lo < next) return apart(byApy[j - 1].apy, next) ? byApy.slice(0, j) : null;
    if (apart(byApy[j - 1].apy, lo)) return byApy.slice(0, j);
  }
  return null;
}
