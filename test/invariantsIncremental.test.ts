/**
 * The incremental invariant check (docs/architecture.md#incremental-checks) is not a weaker check:
 *  1. after every step of random traces (both trace profiles: `invariants`, and `parity`, whose
 *     lawless uploads do break solvency), every running sum equals its recomputation from the
 *     holders and delegators, and the incremental check returns exactly what the full one does;
 *  2. the same after random breakages of the ledger behind the contracts' back (balances, rewards
 *     owed, stakes, pool accounts and weights, vesting and lock lists written directly): both
 *     modes report the same violation with the same numbers;
 *  3. the same after every random simulated day (random scenario size, protocol, seed and days);
 *  4. in a run, a broken pool is caught on the day it breaks, between full rescans; a record
 *     changed in place (which no running sum can see) is caught by the full rescan on day 7, and on
 *     the same day under `paranoid`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../contracts-mirror/evmEngine/generator.js';
import { scenarioArb } from '../contracts-mirror/evmEngine/traceArbitraries.js';
import { parseTrace, type ParsedStep } from '../contracts-mirror/replay/parse.js';
import { deployProtocol, mintGenesis, type Deployment } from '../contracts-mirror/genesis.js';
import { checkInvariants, runningSumPairs, type Violation } from '../contracts-mirror/invariants.js';
import { MiniPoolV1, MiniPoolV2 } from '../contracts-mirror/contracts/pool.js';
import type { Contract } from '../contracts-mirror/evm/world.js';
import type { Protocol } from '../contracts-mirror/replay/types.js';
import { ScenarioSchema, type ScenarioInput } from '../sim/scenario/schema.js';
import { runSimulation, SimulationError } from '../sim/run/simulation.js';

/** Both modes on the same state: a throw (a negative balance) counts as an outcome too. */
function outcome(d: Deployment, mode: 'full' | 'incremental'): Violation | null | string {
  try {
    return checkInvariants(d, mode);
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
}

function expectAgreement(d: Deployment, where: string): Violation | null | string {
  for (const p of runningSumPairs(d)) expect(p.running, `${where}: running sum ${p.name}`).toBe(p.rescan);
  const full = outcome(d, 'full');
  expect(outcome(d, 'incremental'), `${where}: incremental vs full`).toEqual(full);
  return full;
}

/** The replay's call of a step (contracts-mirror/replay/replay.ts), with the deployment in hand. */
function invoke(c: Contract, step: ParsedStep): unknown {
  const method = (c as unknown as Record<string, unknown>)[step.fn.name];
  if (typeof method === 'function') return (method as (...a: unknown[]) => unknown).apply(c, [step.from, ...step.args]);
  const s = (c as unknown as { s?: Record<string, unknown> }).s;
  if (step.fn.inputs.length === 0 && s && step.fn.name in s) return s[step.fn.name];
  throw new Error(`${c.address} does not implement ${step.fn.name}`);
}

/** Replays a trace, checking agreement after every call step; stops at the first violation, as the replay does. */
function replayChecking(raw: unknown): Deployment {
  const t = parseTrace(raw);
  const d = deployProtocol({ protocol: t.protocol, aiArenaSlashing: t.aiArenaSlashing, time: t.steps[0]?.at ?? 0n });
  for (const a of t.accounts) {
    if (a.FLOCK > 0n) mintGenesis(d, 'FLOCK', a.name, a.FLOCK);
    if (a.gmFLOCK > 0n) mintGenesis(d, 'gmFLOCK', a.name, a.gmFLOCK);
  }
  d.w.logs = null;
  for (const step of t.steps) {
    d.w.now = step.at;
    const c = d.w.contracts.get(step.target);
    if (!c || step.isView) continue;
    d.w.transact(() => invoke(c, step));
    if (expectAgreement(d, `step ${step.i} ${step.target}.${step.fn.name}`) !== null) break;
  }
  return d;
}

/** One breakage of the ledger, written directly into the contracts' storage (no contract rule). */
type Break = { what: number; pick: number; delta: bigint };
const breakArb: fc.Arbitrary<Break> = fc.record({ what: fc.nat(9), pick: fc.nat(), delta: fc.bigInt({ min: -(10n ** 21n), max: 10n ** 21n }) });

function nth<T>(xs: Iterable<T>, k: number): T | undefined {
  const a = [...xs];
  return a.length ? a[k % a.length] : undefined;
}

function breakLedger(d: Deployment, b: Break): void {
  const { flock, taskManager: tm } = d;
  const pools = [...d.w.contracts.values()].filter((c): c is MiniPoolV1 | MiniPoolV2 => c instanceof MiniPoolV1 || c instanceof MiniPoolV2);
  switch (b.what) {
    case 0:
    case 1: {
      const t = b.what === 0 || !d.gmFlock ? flock : d.gmFlock;
      const k = nth(t.balances.keys(), b.pick);
      if (k !== undefined) t.balances.set(k, t.balances.get(k)! + b.delta);
      return;
    }
    case 2: {
      const k = nth(tm.userRewardsMap.keys(), b.pick) ?? 'someone';
      tm.userRewardsMap.set(k, (tm.userRewardsMap.get(k) ?? 0n) + b.delta);
      return;
    }
    case 3: {
      const inner = nth(tm.validatorStakesMap.values(), b.pick) ?? nth(tm.nodeStakesMap.values(), b.pick);
      const k = inner && nth(inner.keys(), b.pick);
      if (inner && k !== undefined) inner.set(k, inner.get(k)! + b.delta);
      return;
    }
    case 4:
    case 5: {
      const p = nth(pools, b.pick);
      if (p instanceof MiniPoolV2) {
        const k = nth(p.accounts.keys(), b.pick);
        const a = k === undefined ? undefined : p.accounts.get(k)!;
        if (a) p.accounts.set(k!, b.what === 4 ? { ...a, pending: a.pending + b.delta } : { ...a, accLast: a.accLast - b.delta / 10n ** 3n });
      } else if (p instanceof MiniPoolV1) {
        const k = nth(p.delegation.keys(), b.pick);
        if (k !== undefined && b.what === 4) p.past.set(k, (p.past.get(k) ?? 0n) + b.delta * 86_400n);
        else if (k !== undefined) p.delegation.set(k, { ...p.delegation.get(k)!, since: p.delegation.get(k)!.since - b.delta / 10n ** 18n });
      }
      return;
    }
    case 6: {
      const p = nth(pools, b.pick);
      if (p) flock.balances.set(p.address, flock.bal(p.address) + b.delta);
      return;
    }
    case 7: {
      const list = d.vesting && nth(d.vesting.grants.values(), b.pick);
      if (list && list.length) d.w.j.aset(list, b.pick % list.length, { ...list[b.pick % list.length], claimed: list[b.pick % list.length].claimed - b.delta });
      return;
    }
    case 8: {
      const ids = d.exchange && nth(d.exchange.userLocksMap.values(), b.pick);
      if (ids && ids.length) d.w.j.pop(ids);
      return;
    }
    default: {
      const k = nth(tm.lockedRewards.keys(), b.pick);
      if (k !== undefined) tm.lockedRewards.set(k, tm.lockedRewards.get(k)! + b.delta);
    }
  }
}

const PROTOCOLS: Protocol[] = ['v1', 'v2'];

describe('incremental invariants equal a full rescan', () => {
  for (const protocol of PROTOCOLS) {
    for (const profile of ['invariants', 'parity'] as const) {
      it(`after every step of random ${protocol} traces (${profile} profile)`, () => {
        fc.assert(
          fc.property(scenarioArb(protocol, profile), (sc) => {
            replayChecking(buildScenario(sc).trace);
          }),
          { numRuns: 40, seed: protocol === 'v1' ? 11 : 12 },
        );
      });
    }

    it(`after random breakages of the ledger at the end of random ${protocol} traces`, () => {
      fc.assert(
        fc.property(scenarioArb(protocol, 'invariants'), fc.array(breakArb, { minLength: 1, maxLength: 3 }), (sc, breaks) => {
          const d = replayChecking(buildScenario(sc).trace);
          for (const b of breaks) breakLedger(d, b);
          expectAgreement(d, `after ${JSON.stringify(breaks, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
        }),
        { numRuns: 60, seed: protocol === 'v1' ? 21 : 22 },
      );
    });
  }

  it('after every random simulated day (size, protocol, seed and days drawn)', () => {
    const arb = fc.record({
      protocol: fc.constantFrom<Protocol>('v1', 'v2'),
      seed: fc.nat(1000),
      days: fc.integer({ min: 2, max: 9 }),
      nodes: fc.integer({ min: 2, max: 6 }),
      validators: fc.integer({ min: 2, max: 5 }),
      delegators: fc.integer({ min: 0, max: 20 }),
      breakOn: fc.option(fc.record({ day: fc.nat(8), b: breakArb }), { freq: 3 }),
    });
    fc.assert(
      fc.property(arb, (x) => {
        const s = ScenarioSchema.parse(small(x));
        let stopped: Violation | string | null = null;
        try {
          runSimulation(s, {
            seed: x.seed,
            run: 0,
            beforeInvariants: (day, d) => {
              if (x.breakOn && x.breakOn.day === day) breakLedger(d, x.breakOn.b);
              const r = expectAgreement(d, `day ${day}`);
              if (r !== null) stopped = r;
            },
          });
        } catch (e) {
          // The run stops on exactly what both modes found (a negative balance throws in both); anything else fails here.
          const found: Violation | string | null = stopped;
          if (found === null) throw e;
          if (typeof found === 'string') expect(`threw ${(e as Error).message}`).toBe(found);
          else if (e instanceof SimulationError) expect({ check: e.check, details: e.details }).toEqual(found);
          else throw e;
        }
      }),
      { numRuns: 20, seed: 31 },
    );
  });
});

const small = (o: { protocol?: Protocol; days?: number; nodes?: number; validators?: number; delegators?: number } = {}): ScenarioInput => ({
  name: 'small',
  protocol: o.protocol ?? 'v2',
  days: o.days ?? 9,
  tasks: [{ startDay: 0, durationDays: 7 }],
  populations: {
    nodes: { count: o.nodes ?? 5, mix: { honest: 0.6, lazy: 0.2, copycat: 0.2 } },
    validators: { count: o.validators ?? 4, mix: { honest: 0.75, noisy: 0.25 } },
    delegators: { count: o.delegators ?? 12 },
  },
});

function failing(over: { days: number; paranoid?: boolean }, brk: (day: number, d: Deployment) => void): SimulationError {
  const s = ScenarioSchema.parse(small({ days: over.days }));
  try {
    runSimulation(s, { seed: 1, run: 0, paranoid: over.paranoid, beforeInvariants: brk });
  } catch (e) {
    if (e instanceof SimulationError) return e;
    throw e;
  }
  throw new Error('the run did not fail');
}

/** The V2 pool with the most FLOCK, and one of its delegators. */
function richPool(d: Deployment): { pool: MiniPoolV2; who: string } {
  const pools = [...d.w.contracts.values()].filter((c): c is MiniPoolV2 => c instanceof MiniPoolV2 && c.accounts.size > 0);
  pools.sort((a, b) => (d.flock.bal(b.address) > d.flock.bal(a.address) ? 1 : -1));
  return { pool: pools[0], who: [...pools[0].accounts.keys()][0] };
}

describe('a broken ledger still stops the run loudly', () => {
  it('a pool that owes more than it holds, on a day between full rescans: that day, with the pool and the numbers', () => {
    let expected: Violation | null = null;
    const e = failing({ days: 9 }, (day, d) => {
      if (day !== 3) return;
      const { pool, who } = richPool(d);
      const a = pool.accounts.get(who)!;
      pool.accounts.set(who, { ...a, pending: a.pending + d.flock.bal(pool.address) + 1n });
      expected = checkInvariants(d, 'full');
    });
    expect(e.day).toBe(3);
    expect(expected).not.toBeNull();
    expect(e.check).toBe(expected!.check);
    expect(e.check).toMatch(/^solvency:Pool:.+:FLOCK$/);
    expect(e.details).toEqual(expected!.details);
    expect(e.message).toContain('day 3: solvency:Pool:');
  });

  it('a record changed in place (no running sum sees it): the full rescan on day 7 (index 6) catches it, paranoid the same day', () => {
    const mutate = (day: number, d: Deployment) => {
      if (day !== 1) return;
      const { pool, who } = richPool(d);
      // Behind the map's back: the stored object itself, as no contract writes it.
      pool.accounts.get(who)!.pending += d.flock.bal(pool.address) + 1n;
    };
    const weekly = failing({ days: 9 }, mutate);
    expect(weekly.day).toBe(6);
    expect(weekly.check).toMatch(/^solvency:Pool:.+:FLOCK$/);
    const paranoid = failing({ days: 9, paranoid: true }, mutate);
    expect(paranoid.day).toBe(1);
    expect(paranoid.check).toBe(weekly.check);
  });

  it('a run shorter than 7 days still ends with a full rescan on its last day', () => {
    const e = failing({ days: 4 }, (day, d) => {
      if (day === 0) richPool(d).pool.accounts.get(richPool(d).who)!.pending += 10n ** 30n;
    });
    expect(e.day).toBe(3);
  });
});
