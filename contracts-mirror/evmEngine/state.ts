/**
 * The fixed state schema of docs/traces.md#state (the same sections, keys and omissions as
 * contracts-mirror/replay/state.ts), read from the chain through view calls at the time of
 * the last step. Balances cover every holder seen in Transfer logs; per-account records cover
 * the trace's names that took part in a step (the others hold no record in either engine).
 */
import type { Session } from './session.js';

type Dict = Record<string, unknown>;

export async function snapshotStateEvm(s: Session, names: Set<string>): Promise<Dict> {
  const v2 = s.protocol === 'v2';
  const state: Dict = { time: s.chain.now.toString() };
  const tokens: ('FLOCK' | 'gmFLOCK')[] = v2 ? ['FLOCK', 'gmFLOCK'] : ['FLOCK'];

  const totalMinted: Dict = {};
  const burned: Dict = {};
  const balances: Dict = {};
  for (const t of tokens) {
    totalMinted[t] = (await s.uint(t, t === 'FLOCK' ? 'currentMinted' : 'totalMinted')).toString();
    burned[t] = s.burned[t].toString();
    const b: Record<string, string> = {};
    for (const h of s.holders[t]) {
      const v = await s.uint(t, 'balanceOf', [h]);
      if (v !== 0n) b[s.book.name(h)] = v.toString();
    }
    balances[t] = b;
  }
  state.totalMinted = totalMinted;
  state.burned = burned;
  state.balances = balances;

  const tm = s.contracts.get('TaskManager')!;
  // Per-account records can only exist for addresses a step sent from or passed (Session.participants);
  // every other name reads as zero and is omitted, exactly as the mirror omits it.
  const took = new Set(s.participants());
  const nameList = [...names].filter((n) => took.has(s.addr(n)));
  const tasks: Dict = {};
  const lockedRewardsForNodes: Record<string, string> = {};
  for (const id of s.taskIds) {
    const nodeStakes: Record<string, string> = {};
    const validatorStakes: Record<string, string> = {};
    for (const n of nameList) {
      const a = s.addr(n);
      const ns = await s.uint(tm, 'nodeStakes', [id, a]);
      if (ns !== 0n) nodeStakes[n] = ns.toString();
      const vs = await s.uint(tm, 'validatorStakes', [id, a]);
      if (vs !== 0n) validatorStakes[n] = vs.toString();
    }
    const task = (await s.get(tm, 'tasks', [id]))!;
    tasks[id.toString()] = { isCompleted: task[1] as boolean, nodeStakes, validatorStakes };
    const locked = await s.uint(tm, 'lockedRewardsForNodes', [id]);
    if (locked !== 0n) lockedRewardsForNodes[id.toString()] = locked.toString();
  }
  const userRewards: Record<string, string> = {};
  for (const n of nameList) {
    const r = await s.uint(tm, 'userRewards', [s.addr(n)]);
    if (r !== 0n) userRewards[n] = r.toString();
  }
  state.taskManager = {
    rewardTokenPerDay: (await s.uint(tm, 'rewardTokenPerDay')).toString(),
    ...(v2 ? { currentDailyMintCount: (await s.uint(tm, 'currentDailyMintCount')).toString() } : {}),
    userRewards,
    lockedRewardsForNodes,
    tasks,
  };

  const pools: Dict = {};
  for (const p of s.dynamic) {
    if (p.kind !== 'MiniPoolV1' && p.kind !== 'MiniPoolV2') continue;
    const delegators: Dict = {};
    for (const n of nameList) {
      const a = s.addr(n);
      const d = (await s.get(p, 'delegationOf', [a]))![0] as unknown as bigint[];
      const amount = d[0];
      const claimable = await s.uint(p, 'claimable', [a]);
      if (amount !== 0n || claimable !== 0n) delegators[n] = { amount: amount.toString(), claimable: claimable.toString() };
    }
    const owner = (await s.get(p, 'user'))![0] as string;
    pools[p.name] = {
      sigma: (await s.uint('PoolManager', 'getPoolSigma', [owner])).toString(),
      totalDelegation: (await s.uint(p, 'totalDelegationAmount')).toString(),
      delegators,
    };
  }
  state.pools = pools;

  if (v2) {
    const vesting = s.contracts.get('Vesting')!;
    const out: Dict = {};
    for (const n of nameList) {
      const a = s.addr(n);
      const count = await s.uint(vesting, 'activeGrantCount', [a]);
      let open = 0n;
      for (let i = 0n; i < count; i++) {
        const g = (await s.get(vesting, 'getActiveGrant', [a, i]))![0] as unknown as bigint[];
        open += g[0] - g[1];
      }
      const claimable = count === 0n ? 0n : await s.uint(vesting, 'claimable', [a]);
      const unvested = open - claimable;
      if (claimable !== 0n || unvested !== 0n) out[n] = { claimable: claimable.toString(), unvested: unvested.toString() };
    }
    state.vesting = out;

    const ex = s.contracts.get('Exchange')!;
    const locks: Dict = {};
    for (const n of nameList) {
      const ids = (await s.get(ex, 'getUserLocks', [s.addr(n)]))![0] as unknown as bigint[];
      let lockedFlock = 0n;
      let gmFlock = 0n;
      for (const id of ids) {
        const l = (await s.get(ex, 'lockInfoMap', [id]))!;
        lockedFlock += l[1] as bigint;
        gmFlock += l[2] as bigint;
      }
      if (lockedFlock !== 0n || gmFlock !== 0n) locks[n] = { lockedFlock: lockedFlock.toString(), gmFlock: gmFlock.toString() };
    }
    state.exchange = locks;
  }

  const fl: Dict = {};
  for (const t of s.dynamic) {
    if (t.kind !== 'FLTask') continue;
    const stakes: Record<string, string> = {};
    for (const n of nameList) {
      const v = await s.uint(t, 'stakeOf', [s.addr(n)]);
      if (v !== 0n) stakes[n] = v.toString();
    }
    fl[t.name] = { rewardPool: (await s.uint(t, 'rewardPool')).toString(), stakes };
  }
  state.flTasks = fl;
  return state;
}
