/**
 * The invariants of docs/traces.md#invariants (formulas: docs/model.md#invariants), checked after every trace step and every simulated day:
 * conservation per token (minted = Σ balances + burned) and solvency of every contract that
 * owes tokens. Each check recomputes its sums from the holders, never from a cached total.
 */
import type { Deployment } from './genesis.js';
import type { Erc20 } from './evm/erc20.js';
import { MiniPoolV1, MiniPoolV2 } from './contracts/pool.js';
import { FLTask } from './contracts/flTask.js';
import type { Address } from './units.js';

export interface Violation {
  check: string;
  details: Record<string, string>;
}

function sumBalances(t: Erc20): bigint {
  let s = 0n;
  for (const b of t.balances.values()) {
    if (b < 0n) throw new Error(`negative balance in ${t.address}`);
    s += b;
  }
  return s;
}

function conservation(token: Erc20, minted: bigint): Violation | null {
  const balances = sumBalances(token);
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

export function checkInvariants(d: Deployment): Violation | null {
  const { w, flock, taskManager: tm } = d;
  const v2 = w.protocol === 'v2';
  const stakeToken: Erc20 = v2 ? d.gmFlock! : flock;

  const c1 = conservation(flock, flock.t.currentMinted);
  if (c1) return c1;
  if (d.gmFlock) {
    const c2 = conservation(d.gmFlock, d.gmFlock.t.totalMinted);
    if (c2) return c2;
  }

  let rewardsOwed = 0n;
  for (const x of tm.userRewardsMap.values()) rewardsOwed += x;
  for (const x of tm.lockedRewards.values()) rewardsOwed += x;
  let stakesHeld = 0n;
  for (const m of [tm.nodeStakesMap, tm.validatorStakesMap]) for (const inner of m.values()) for (const x of inner.values()) stakesHeld += x;
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
      const owes = poolOwes(c);
      if (c instanceof MiniPoolV2) {
        const a = solvency(`${c.address}:FLOCK`, flock.bal(c.address), owes);
        if (a) return a;
        const b = solvency(`${c.address}:gmFLOCK`, stakeToken.bal(c.address), c.p.totalDelegationAmount);
        if (b) return b;
      } else {
        const a = solvency(`${c.address}:FLOCK`, flock.bal(c.address), owes + c.p.totalDelegationAmount);
        if (a) return a;
      }
    } else if (c instanceof FLTask) {
      const a = solvency(`${c.address}:FLOCK`, flock.bal(c.address), c.s.rewardPool + c.s.totalStakes + c.s.totalOwed);
      if (a) return a;
    }
  }

  if (d.vesting) {
    let owed = 0n;
    for (const list of d.vesting.grants.values()) for (const g of list) owed += g.amount - g.claimed;
    const a = solvency('Vesting:FLOCK', flock.bal(d.vesting.address), owed);
    if (a) return a;
  }
  if (d.exchange) {
    let locked = 0n;
    // Open locks only: a claimed lock leaves its owner's list but keeps its lockInfoMap entry (ASSUMPTIONS.md A-ex-claim).
    for (const ids of d.exchange.userLocksMap.values()) for (const id of ids) locked += d.exchange.lockInfos.get(id)?.flockAmount ?? 0n;
    const a = solvency('Exchange:FLOCK', flock.bal(d.exchange.address), locked);
    if (a) return a;
  }
  return null;
}
