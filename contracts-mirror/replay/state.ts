/** The fixed state schema of docs/traces.md#state, read from the mirror at the time of the last step. */
import type { Deployment } from '../genesis.js';
import { MiniPoolV1, MiniPoolV2 } from '../contracts/pool.js';
import { FLTask } from '../contracts/flTask.js';
import { vestedAt } from '../math/vesting.js';
import type { Erc20 } from '../evm/erc20.js';

type Dict = Record<string, unknown>;

/** Keeps only non-zero integer entries, as decimal strings. */
function nonZero(entries: Iterable<[string, bigint]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (v !== 0n) out[k] = v.toString();
  return out;
}

function balancesOf(t: Erc20): Record<string, string> {
  return nonZero(t.balances.entries());
}

export function snapshotState(d: Deployment, names: Set<string>): Dict {
  const { w, flock, taskManager: tm, poolManager: pm } = d;
  const v2 = w.protocol === 'v2';
  const state: Dict = { time: w.now.toString() };

  state.totalMinted = { FLOCK: flock.t.currentMinted.toString(), ...(d.gmFlock ? { gmFLOCK: d.gmFlock.t.totalMinted.toString() } : {}) };
  state.burned = { FLOCK: flock.t.burned.toString(), ...(d.gmFlock ? { gmFLOCK: d.gmFlock.t.burned.toString() } : {}) };
  state.balances = { FLOCK: balancesOf(flock), ...(d.gmFlock ? { gmFLOCK: balancesOf(d.gmFlock) } : {}) };

  const tasks: Dict = {};
  for (const [id, t] of tm.tasksMap) {
    tasks[id.toString()] = {
      isCompleted: t.isCompleted,
      nodeStakes: nonZero(tm.nodeStakesMap.get(id)?.entries() ?? []),
      validatorStakes: nonZero(tm.validatorStakesMap.get(id)?.entries() ?? []),
    };
  }
  state.taskManager = {
    rewardTokenPerDay: tm.s.rewardTokenPerDay.toString(),
    ...(v2 ? { currentDailyMintCount: tm.s.currentDailyMintCount.toString() } : {}),
    userRewards: nonZero(tm.userRewardsMap.entries()),
    lockedRewardsForNodes: nonZero([...tm.lockedRewards].map(([k, v]) => [k.toString(), v] as [string, bigint])),
    tasks,
  };

  const pools: Dict = {};
  for (const owner of pm.userList) {
    const p = w.contracts.get(pm.miniPoolsMap.get(owner)!) as MiniPoolV1 | MiniPoolV2;
    const delegators: Dict = {};
    for (const n of names) {
      const amount = p.amountOf(n);
      const claimable = p.claimable(p.address, n);
      if (amount !== 0n || claimable !== 0n) delegators[n] = { amount: amount.toString(), claimable: claimable.toString() };
    }
    pools[p.address] = {
      sigma: pm.getPoolSigma(pm.address, owner).toString(),
      totalDelegation: p.p.totalDelegationAmount.toString(),
      delegators,
    };
  }
  state.pools = pools;

  if (d.vesting) {
    const vesting: Dict = {};
    for (const n of names) {
      let claimable = 0n;
      let unvested = 0n;
      for (const g of d.vesting.grants.get(n) ?? []) {
        const vested = vestedAt(g, w.now);
        claimable += vested - g.claimed;
        unvested += g.amount - vested;
      }
      if (claimable !== 0n || unvested !== 0n) vesting[n] = { claimable: claimable.toString(), unvested: unvested.toString() };
    }
    state.vesting = vesting;
  }

  if (d.exchange) {
    const ex: Dict = {};
    for (const n of names) {
      let lockedFlock = 0n;
      let gmFlock = 0n;
      for (const id of d.exchange.userLocksMap.get(n) ?? []) {
        const l = d.exchange.lockInfos.get(id);
        if (!l) continue;
        lockedFlock += l.flockAmount;
        gmFlock += l.gmFlockAmount;
      }
      if (lockedFlock !== 0n || gmFlock !== 0n) ex[n] = { lockedFlock: lockedFlock.toString(), gmFlock: gmFlock.toString() };
    }
    state.exchange = ex;
  }

  const fl: Dict = {};
  for (const c of w.contracts.values()) {
    if (c instanceof FLTask) fl[c.address] = { rewardPool: c.s.rewardPool.toString(), stakes: nonZero(c.stakes.entries()) };
  }
  state.flTasks = fl;
  return state;
}
