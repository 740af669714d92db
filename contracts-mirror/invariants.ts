/**
 * The invariants of docs/traces.md#invariants (formulas: docs/model.md#invariants), checked after every trace step and every simulated day:
 * conservation per token (minted = Σ balances + burned) and solvency of every contract that
 * owes tokens.
 *
 * Two modes give the same answer (docs/architecture.md#incremental-checks). `full` recomputes every sum
 * from the holders and delegators and, once every check has passed, fails (`bookkeeping:<sum>`)
 * where a running sum kept by the storage (evm/runningSums.ts) differs from its recomputation or
 * a pool's bound is below the exact sum. `incremental` reads the running sums:
 * exact ones where a sum is the quantity checked (balances, stakes, rewards owed, vesting, locks),
 * and for each pool a sufficient bound on what it owes (a pool that holds at least the bound holds
 * at least what it owes); only a pool whose bound does not pass is visited delegator by delegator,
 * so a violation reports exactly the numbers of the full check. The checks run in the same order.
 */
import type { Deployment } from './genesis.js';
import type { Erc20 } from './evm/erc20.js';
import { MiniPoolV1, MiniPoolV2, P } from './contracts/pool.js';
import { FLTask } from './contracts/flTask.js';
import { MAX_UINT256, type Address } from './units.js';

export interface Violation {
  check: string;
  details: Record<string, string>;
}

/** `full`: recompute every sum, then compare the running sums with it; `incremental`: read the running sums. */
export type CheckMode = 'full' | 'incremental';

function sumBalances(t: Erc20): bigint {
  let s = 0n;
  for (const b of t.balances.values()) {
    if (b < 0n) throw new Error(`negative balance in ${t.address}`);
    s += b;
  }
  return s;
}

/**
 * In full mode, the first running sum found to differ from its recomputation (or a pool bound found
 * below the exact sum): reported as `bookkeeping:<sum>` after every real check has passed.
 */
class Drift {
  first: Violation | null = null;
  note(name: string, running: bigint, rescan: bigint, ok = running === rescan): void {
    if (!ok && !this.first) this.first = { check: `bookkeeping:${name}`, details: { running: running.toString(), rescan: rescan.toString() } };
  }
}

function conservation(token: Erc20, minted: bigint, mode: CheckMode, drift: Drift): Violation | null {
  let balances: bigint;
  // A negative balance is a mirror bug that the full sum reports (throws); the running sum only counts them.
  if (mode === 'incremental' && token.balances.negatives === 0) balances = token.balances.total;
  else {
    balances = sumBalances(token);
    drift.note(`${token.address}.balances`, token.balances.total, balances);
    drift.note(`${token.address}.negativeBalances`, BigInt(token.balances.negatives), 0n);
  }
  const burned = token.t.burned;
  if (minted === balances + burned) return null;
  return { check: `conservation:${token.address}`, details: { minted: minted.toString(), balances: balances.toString(), burned: burned.toString() } };
}

function solvency(name: string, holds: bigint, owes: bigint): Violation | null {
  if (holds >= owes) return null;
  return { check: `solvency:${name}`, details: { holds: holds.toString(), owes: owes.toString(), shortfall: (owes - holds).toString() } };
}

/** Σ claimable over everyone a pool may owe (every account with a weight or share record). */
function poolOwes(p: MiniPoolV1 | MiniPoolV2): bigint {
  const who: Iterable<Address> = p instanceof MiniPoolV1 ? new Set([...p.past.keys(), ...p.delegation.keys()]) : p.accounts.keys();
  let s = 0n;
  for (const d of who) s += p.claimable(p.address, d);
  return s;
}

/**
 * An upper bound on `poolOwes(p)` from the running sums, or null where none is known to hold (the
 * caller then visits every delegator). Σ floor(xᵢ/y) ≤ floor(Σxᵢ/y) when every xᵢ ≥ 0 and y > 0,
 * so each guard below establishes that: no negative record, no stored time or accumulator ahead
 * of the pool's current one.
 *
 * V2: claimable_d = pending_d + amount_d·(acc − accLast_d)/P, so Σ ≤ Σpending + (acc·Σamount − Σamount·accLast)/P.
 * V1: claimable_d = TW_d·R/TW (R = balance − totalDelegationAmount), TW_d = past_d + amount_d·(now − since_d),
 *     so Σ ≤ (Σpast + now·Σamount − Σamount·since)·R/TW.
 */
function poolOwesBound(p: MiniPoolV1 | MiniPoolV2, holds: bigint): bigint | null {
  if (p instanceof MiniPoolV2) {
    const a = p.accounts;
    const acc = p.p.accRewardPerShare;
    if (a.negatives !== 0 || a.maxes[3] > acc) return null;
    const [amount, pending, amountAccLast] = a.totals;
    return pending + (acc * amount - amountAccLast) / P;
  }
  const now = p.w.now;
  const dl = p.delegation;
  if (p.past.negatives !== 0 || dl.negatives !== 0 || dl.maxes[2] > now) return null;
  // claimable's own order: the checked surplus first (a shortfall reverts there), then the zero total.
  if (holds < p.p.totalDelegationAmount) return null;
  const total = p.totalTemporalDelegation();
  if (total <= 0n) return total === 0n ? 0n : null;
  const rewards = holds - p.p.totalDelegationAmount;
  const [amount, amountSince] = dl.totals;
  const weight = p.past.total + now * amount - amountSince;
  // The exact path multiplies each weight by R with overflow checks; past 2^256 it must run itself.
  if (weight * rewards > MAX_UINT256) return null;
  return (weight * rewards) / total;
}

/**
 * What a pool owes for its FLOCK solvency check: incremental, the bound when it passes, else the
 * exact sum; full, the exact sum, and the bound must not be below it (the bound's soundness).
 */
function poolOwesFor(p: MiniPoolV1 | MiniPoolV2, holds: bigint, extra: bigint, mode: CheckMode, drift: Drift): bigint {
  const bound = poolOwesBound(p, holds);
  if (mode === 'incremental' && bound !== null && holds >= bound + extra) return bound;
  const owes = poolOwes(p);
  if (mode === 'full' && bound !== null) drift.note(`${p.address}.owesBound`, bound, owes, bound >= owes);
  return owes;
}

function stakesOf(m: Map<bigint, Map<Address, bigint>>): bigint {
  let s = 0n;
  for (const inner of m.values()) for (const x of inner.values()) s += x;
  return s;
}

function vestingOwed(d: Deployment): bigint {
  let owed = 0n;
  for (const list of d.vesting!.grants.values()) for (const g of list) owed += g.amount - g.claimed;
  return owed;
}

function exchangeLocked(d: Deployment): bigint {
  const ex = d.exchange!;
  let locked = 0n;
  // Open locks only: a claimed lock leaves its owner's list but keeps its lockInfoMap entry (ASSUMPTIONS.md A-ex-claim).
  for (const ids of ex.userLocksMap.values()) for (const id of ids) locked += ex.lockInfos.get(id)?.flockAmount ?? 0n;
  return locked;
}

export function checkInvariants(d: Deployment, mode: CheckMode = 'full'): Violation | null {
  const drift = new Drift();
  return checkAll(d, mode, drift) ?? drift.first;
}

function checkAll(d: Deployment, mode: CheckMode, drift: Drift): Violation | null {
  const { w, flock, taskManager: tm } = d;
  const v2 = w.protocol === 'v2';
  const stakeToken: Erc20 = v2 ? d.gmFlock! : flock;
  const inc = mode === 'incremental';

  const c1 = conservation(flock, flock.t.currentMinted, mode, drift);
  if (c1) return c1;
  if (d.gmFlock) {
    const c2 = conservation(d.gmFlock, d.gmFlock.t.totalMinted, mode, drift);
    if (c2) return c2;
  }

  let rewardsOwed = 0n;
  let stakesHeld = 0n;
  if (inc) {
    rewardsOwed = tm.userRewardsMap.total + tm.lockedRewards.total;
    stakesHeld = tm.nodeStakesMap.total() + tm.validatorStakesMap.total();
  } else {
    let rewards = 0n;
    let locked = 0n;
    for (const x of tm.userRewardsMap.values()) rewards += x;
    for (const x of tm.lockedRewards.values()) locked += x;
    const nodes = stakesOf(tm.nodeStakesMap);
    const validators = stakesOf(tm.validatorStakesMap);
    drift.note('TaskManager.userRewards', tm.userRewardsMap.total, rewards);
    drift.note('TaskManager.lockedRewards', tm.lockedRewards.total, locked);
    drift.note('TaskManager.nodeStakes', tm.nodeStakesMap.total(), nodes);
    drift.note('TaskManager.validatorStakes', tm.validatorStakesMap.total(), validators);
    rewardsOwed = rewards + locked;
    stakesHeld = nodes + validators;
  }
  for (const t of tm.tasksMap.values()) stakesHeld += t.stakeAmount;
  // In v1 rewards and stakes are the same token, so the manager must cover both at once.
  if (v2) {
    const a = solvency('TaskManager:FLOCK', flock.bal(tm.address), rewardsOwed);
    if (a) return a;
    const b = solvency('TaskManager:gmFLOCK', stakeToken.bal(tm.address), stakesHeld);
    if (b) return b;
  } else {
    const a = solvency('TaskManager:FLOCK', flock.bal(tm.address), rewardsOwed + stakesHeld);
    if (a) return a;
  }

  for (const c of w.contracts.values()) {
    if (c instanceof MiniPoolV1 || c instanceof MiniPoolV2) {
      const holds = flock.bal(c.address);
      if (c instanceof MiniPoolV2) {
        const a = solvency(`${c.address}:FLOCK`, holds, poolOwesFor(c, holds, 0n, mode, drift));
        if (a) return a;
        const b = solvency(`${c.address}:gmFLOCK`, stakeToken.bal(c.address), c.p.totalDelegationAmount);
        if (b) return b;
      } else {
        const a = solvency(`${c.address}:FLOCK`, holds, poolOwesFor(c, holds, c.p.totalDelegationAmount, mode, drift) + c.p.totalDelegationAmount);
        if (a) return a;
      }
    } else if (c instanceof FLTask) {
      const a = solvency(`${c.address}:FLOCK`, flock.bal(c.address), c.s.rewardPool + c.s.totalStakes + c.s.totalOwed);
      if (a) return a;
    }
  }

  if (d.vesting) {
    const owed = inc ? d.vesting.owed.total : vestingOwed(d);
    drift.note('Vesting.owed', d.vesting.owed.total, owed);
    const a = solvency('Vesting:FLOCK', flock.bal(d.vesting.address), owed);
    if (a) return a;
  }
  if (d.exchange) {
    const locked = inc ? d.exchange.openLocked.total : exchangeLocked(d);
    drift.note('Exchange.openLocked', d.exchange.openLocked.total, locked);
    const a = solvency('Exchange:FLOCK', flock.bal(d.exchange.address), locked);
    if (a) return a;
  }
  return null;
}

/** One running sum and what recomputing it gives. */
export interface SumPair {
  name: string;
  running: bigint;
  rescan: bigint;
}

/**
 * Every running sum the incremental check reads, each beside its recomputation from the holders
 * and delegators: what the property tests compare. (The full check compares the cheap ones and,
 * for the pools, that each bound is not below the exact sum, which is what soundness needs.)
 */
export function runningSumPairs(d: Deployment): SumPair[] {
  const out: SumPair[] = [];
  const pair = (name: string, running: bigint, rescan: bigint) => out.push({ name, running, rescan });
  const count = (xs: Iterable<bigint>) => {
    let n = 0n;
    for (const x of xs) if (x < 0n) n++;
    return n;
  };
  for (const t of d.gmFlock ? [d.flock, d.gmFlock] : [d.flock]) {
    let s = 0n;
    for (const b of t.balances.values()) s += b;
    pair(`${t.address}.balances`, t.balances.total, s);
    pair(`${t.address}.negativeBalances`, BigInt(t.balances.negatives), count(t.balances.values()));
  }
  const tm = d.taskManager;
  const sumOf = (xs: Iterable<bigint>) => {
    let s = 0n;
    for (const x of xs) s += x;
    return s;
  };
  pair('TaskManager.userRewards', tm.userRewardsMap.total, sumOf(tm.userRewardsMap.values()));
  pair('TaskManager.lockedRewards', tm.lockedRewards.total, sumOf(tm.lockedRewards.values()));
  pair('TaskManager.nodeStakes', tm.nodeStakesMap.total(), stakesOf(tm.nodeStakesMap));
  pair('TaskManager.validatorStakes', tm.validatorStakesMap.total(), stakesOf(tm.validatorStakesMap));
  // A kept maximum never drops, so it may exceed the real one; only one below it is drift.
  const maxPair = (name: string, kept: bigint, real: bigint) => pair(name, kept >= real ? real : kept, real);
  for (const c of d.w.contracts.values()) {
    if (c instanceof MiniPoolV2) {
      let amount = 0n, pending = 0n, amountAccLast = 0n, negatives = 0n, maxAccLast = 0n;
      for (const x of c.accounts.values()) {
        amount += x.amount;
        pending += x.pending;
        amountAccLast += x.amount * x.accLast;
        if (x.amount < 0n || x.pending < 0n || x.accLast < 0n) negatives++;
        if (x.accLast > maxAccLast) maxAccLast = x.accLast;
      }
      const k = c.accounts.totals;
      pair(`${c.address}.amount`, k[0], amount);
      pair(`${c.address}.pending`, k[1], pending);
      pair(`${c.address}.amountAccLast`, k[2], amountAccLast);
      pair(`${c.address}.negativeAccounts`, BigInt(c.accounts.negatives), negatives);
      maxPair(`${c.address}.maxAccLast`, c.accounts.maxes[3], maxAccLast);
    } else if (c instanceof MiniPoolV1) {
      let amount = 0n, amountSince = 0n, negatives = 0n, maxSince = 0n;
      for (const x of c.delegation.values()) {
        amount += x.amount;
        amountSince += x.amount * x.since;
        if (x.amount < 0n || x.since < 0n) negatives++;
        if (x.since > maxSince) maxSince = x.since;
      }
      const k = c.delegation.totals;
      pair(`${c.address}.past`, c.past.total, sumOf(c.past.values()));
      pair(`${c.address}.negativePast`, BigInt(c.past.negatives), count(c.past.values()));
      pair(`${c.address}.amount`, k[0], amount);
      pair(`${c.address}.amountSince`, k[1], amountSince);
      pair(`${c.address}.negativeDelegations`, BigInt(c.delegation.negatives), negatives);
      maxPair(`${c.address}.maxSince`, c.delegation.maxes[2], maxSince);
    }
  }
  if (d.vesting) pair('Vesting.owed', d.vesting.owed.total, vestingOwed(d));
  if (d.exchange) pair('Exchange.openLocked', d.exchange.openLocked.total, exchangeLocked(d));
  return out;
}
