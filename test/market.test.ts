/**
 * The pool market's fast best-pool search (sim/run/market.ts `bestPools`) against the plain scan
 * every delegator used to make (`scanBestPools`: every pool's 14-day eAPY, docs/simulation.md#delegator-choice):
 * the same pools, in the same order, with the same eAPYs, to the bit, after random days of random
 * funding — including losses, empty pools, exact ties and differences near the 1e-12 tie tolerance.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Deployment } from '../contracts-mirror/genesis.js';
import { PoolFundingHistory } from '../sim/run/market.js';
import { scanBestPools } from '../sim/agents/delegator.js';

const E18 = 10n ** 18n;

/** A stand-in for the deployment: just what the market reads (the pool list, FLOCK balances, delegations). */
function fakeMarket(poolCount: number) {
  const poolList: string[] = [];
  const balance = new Map<string, bigint>();
  const delegation = new Map<string, bigint>();
  const contracts = new Map<string, { getTotalDelegationAmount(): bigint }>();
  const addPool = (p: string) => {
    poolList.push(p);
    balance.set(p, 0n);
    delegation.set(p, 0n);
    contracts.set(p, { getTotalDelegationAmount: () => delegation.get(p)! });
  };
  for (let i = 0; i < poolCount; i++) addPool(`pool${i}`);
  const d = { poolManager: { poolList }, flock: { bal: (a: string) => balance.get(a) ?? 0n }, w: { contracts } } as unknown as Deployment;
  return { market: new PoolFundingHistory(d), poolList, balance, delegation, addPool };
}

/** One pool's day: funding and delegation, drawn to make ties and near-ties likely. */
const dayArb = fc.record({
  funded: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 50n * E18 }), fc.constantFrom(10n * E18, 10n * E18 + 1n, 10n * E18 - 1n), fc.bigInt({ min: -5n * E18, max: -1n })),
  delegation: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 100_000n * E18 }), fc.constantFrom(1000n * E18, 1000n * E18 + 1n), fc.bigInt({ min: 1n, max: 1000n })),
  copyOf: fc.option(fc.nat({ max: 40 }), { freq: 3 }),
});

const extraArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 5000n * E18 }), fc.constantFrom(1n, 1024n * E18, 100n * E18, 2000n * E18), fc.bigInt({ min: 1n, max: 10n ** 6n }));

describe('PoolFundingHistory.bestPools', () => {
  it('equals the full scan after random days, for random stakes and exclusions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.array(dayArb, { minLength: 40, maxLength: 40 }), { minLength: 0, maxLength: 20 }),
        fc.array(fc.tuple(extraArb, fc.option(fc.nat({ max: 45 }))), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        (poolCount, days, queries, newPools) => {
          const f = fakeMarket(poolCount);
          const check = () => {
            for (const [extra, ex] of queries) {
              const exclude = ex === null ? null : `pool${ex}`;
              expect(f.market.bestPools(exclude, extra)).toEqual(scanBestPools({ pools: () => f.market.pools(), eApy: (p, x) => f.market.eApy(p, x), sigma: () => 0n }, exclude, extra));
            }
          };
          check();
          days.forEach((day, k) => {
            f.market.openDay();
            f.poolList.forEach((p, i) => {
              // Some pools copy another's day exactly (exact ties), others differ by a wei.
              const src = day[i % day.length];
              const x = src.copyOf !== null ? day[src.copyOf % day.length] : src;
              f.balance.set(p, f.balance.get(p)! + x.funded);
              f.delegation.set(p, x.delegation);
            });
            f.market.closeDay();
            if (k === 2) for (let j = 0; j < newPools; j++) f.addPool(`pool${poolCount + j}`);
            check();
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps near-ties that only rounding separates: the same days summed in another order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ funded: fc.bigInt({ min: 1n, max: 10n ** 18n }), delegation: fc.bigInt({ min: 10n ** 20n, max: 10n ** 24n }) }), { minLength: 3, maxLength: 14 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 6, maxLength: 6 }),
        extraArb,
        (days, perm, extra) => {
          // Pools 0–5 see the same days in different orders (their eAPYs may differ by an ulp),
          // pool 6 a little less on every day.
          const f = fakeMarket(7);
          const orders = [days, [...days].reverse(), [...days.slice(1), days[0]], [...days.slice(2), ...days.slice(0, 2)], [...days].sort((a, b) => (a.funded < b.funded ? -1 : 1)), [...days].sort((a, b) => (a.delegation < b.delegation ? -1 : 1))];
          for (let k = 0; k < days.length; k++) {
            f.market.openDay();
            for (let i = 0; i < 6; i++) {
              const x = orders[perm[i]][k];
              f.balance.set(`pool${i}`, f.balance.get(`pool${i}`)! + x.funded);
              f.delegation.set(`pool${i}`, x.delegation);
            }
            f.balance.set('pool6', f.balance.get('pool6')! + days[k].funded / 2n);
            f.delegation.set('pool6', days[k].delegation);
            f.market.closeDay();
          }
          for (const exclude of [null, 'pool0', 'pool3']) {
            expect(f.market.bestPools(exclude, extra)).toEqual(scanBestPools({ pools: () => f.market.pools(), eApy: (p, x) => f.market.eApy(p, x), sigma: () => 0n }, exclude, extra));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds ties at the top in pool-list order, and nothing when every pool is excluded', () => {
    const f = fakeMarket(1);
    expect(f.market.bestPools('pool0', 5n)).toEqual([]);
    const g = fakeMarket(4);
    expect(g.market.bestPools(null, 5n).map((c) => c.pool)).toEqual(['pool0', 'pool1', 'pool2', 'pool3']); // no history: all 0
  });

  it('when only the excluded pool was funded, every other pool ties at 0 (the days every delegator sits in the one pool still paid)', () => {
    for (const funded of [7n * E18, -1n, -3n * E18]) {
      const f = fakeMarket(5);
      for (let day = 0; day < 3; day++) {
        f.market.openDay();
        f.balance.set('pool2', f.balance.get('pool2')! + funded);
        f.delegation.set('pool2', 1000n * E18);
        f.delegation.set('pool4', 10n * E18);
        f.market.closeDay();
      }
      const scan = (exclude: string | null, extra: bigint) => scanBestPools({ pools: () => f.market.pools(), eApy: (p, x) => f.market.eApy(p, x), sigma: () => 0n }, exclude, extra);
      for (const extra of [0n, 1n, 500n * E18]) {
        for (const exclude of [null, 'pool2', 'pool0']) expect(f.market.bestPools(exclude, extra)).toEqual(scan(exclude, extra));
        expect(f.market.bestPools('pool2', extra)).toEqual(['pool0', 'pool1', 'pool3', 'pool4'].map((pool) => ({ pool, apy: 0 })));
      }
    }
  });
});
