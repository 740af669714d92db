/**
 * The invariants of docs/traces.md#invariants computed from chain state through view calls (reads the session
 * already holds are taken synchronously: `x ?? (await …)` runs the await only on a miss), with the check
 * names, detail keys and check order of contracts-mirror/invariants.ts:
 * conservation per token, then the task manager, each pool and FL task in creation order,
 * vesting and the exchange. Sums run over the holders seen in Transfer logs (balances), the tasks
 * seen in TaskCreated logs, and, for per-account records, the addresses that took part in the
 * contract's steps so far (Session.participants): a superset of the mirror's record keys.
 */
import type { Violation } from '../invariants.js';
import type { Deployed, Session } from './session.js';

function solvency(name: string, holds: bigint, owes: bigint): Violation | null {
  if (holds >= owes) return null;
  return { check: `solvency:${name}`, details: { holds: holds.toString(), owes: owes.toString(), shortfall: (owes - holds).toString() } };
}

async function sumBalances(s: Session, token: 'FLOCK' | 'gmFLOCK'): Promise<bigint> {
  let sum = 0n;
  for (const h of s.holders[token]) sum += s.uintNow(token, 'balanceOf', [h]) ?? (await s.uint(token, 'balanceOf', [h]));
  return sum;
}

async function conservation(s: Session, token: 'FLOCK' | 'gmFLOCK'): Promise<Violation | null> {
  const minted = await s.uint(token, token === 'FLOCK' ? 'currentMinted' : 'totalMinted');
  const balances = await sumBalances(s, token);
  const burned = s.burned[token];
  if (minted === balances + burned) return null;
  return { check: `conservation:${token}`, details: { minted: minted.toString(), balances: balances.toString(), burned: burned.toString() } };
}

async function poolOwes(s: Session, p: Deployed, who: string[]): Promise<bigint> {
  let sum = 0n;
  for (const a of who) sum += s.uintNow(p, 'claimable', [a]) ?? (await s.uint(p, 'claimable', [a]));
  return sum;
}

async function flTaskOwes(s: Session, t: Deployed, who: string[]): Promise<bigint> {
  const pool = await s.uint(t, 'rewardPool');
  const stakes = await s.uint(t, 'getTotalStakes');
  const rounds = await s.uint(t, 'currentRound');
  let owed = 0n;
  for (let r = 0n; r < rounds; r++) for (const a of who) owed += s.uintNow(t, 'owedReward', [r, a]) ?? (await s.uint(t, 'owedReward', [r, a]));
  return pool + stakes + owed;
}

export async function checkInvariantsEvm(s: Session): Promise<Violation | null> {
  const v2 = s.protocol === 'v2';
  const who = s.participants();
  const c1 = await conservation(s, 'FLOCK');
  if (c1) return c1;
  if (v2) {
    const c2 = await conservation(s, 'gmFLOCK');
    if (c2) return c2;
  }

  const tm = s.contracts.get('TaskManager')!;
  const stakeToken = v2 ? 'gmFLOCK' : 'FLOCK';
  let rewardsOwed = 0n;
  for (const a of who) rewardsOwed += s.uintNow(tm, 'userRewards', [a]) ?? (await s.uint(tm, 'userRewards', [a]));
  for (const id of s.taskIds) rewardsOwed += s.uintNow(tm, 'lockedRewardsForNodes', [id]) ?? (await s.uint(tm, 'lockedRewardsForNodes', [id]));
  let stakesHeld = 0n;
  for (const id of s.taskIds) {
    for (const a of who) {
      const k = [id, a];
      stakesHeld += s.uintNow(tm, 'nodeStakes', k) ?? (await s.uint(tm, 'nodeStakes', k));
      stakesHeld += s.uintNow(tm, 'validatorStakes', k) ?? (await s.uint(tm, 'validatorStakes', k));
    }
    stakesHeld += await s.uint(tm, 'tasks', [id], 5);
  }
  const tmFlock = await s.uint('FLOCK', 'balanceOf', [tm.addr]);
  if (v2) {
    const a = solvency('TaskManager:FLOCK', tmFlock, rewardsOwed);
    if (a) return a;
    const b = solvency('TaskManager:gmFLOCK', await s.uint(stakeToken, 'balanceOf', [tm.addr]), stakesHeld);
    if (b) return b;
  } else {
    const a = solvency('TaskManager:FLOCK', tmFlock, rewardsOwed + stakesHeld);
    if (a) return a;
  }

  for (const c of s.dynamic) {
    if (c.kind === 'MiniPoolV2' || c.kind === 'MiniPoolV1') {
      const owes = await poolOwes(s, c, s.sendersOf(c.name)); // pool records are kept for its callers only
      const total = await s.uint(c, 'totalDelegationAmount');
      const flock = await s.uint('FLOCK', 'balanceOf', [c.addr]);
      if (c.kind === 'MiniPoolV2') {
        const a = solvency(`${c.name}:FLOCK`, flock, owes);
        if (a) return a;
        const b = solvency(`${c.name}:gmFLOCK`, await s.uint(stakeToken, 'balanceOf', [c.addr]), total);
        if (b) return b;
      } else {
        const a = solvency(`${c.name}:FLOCK`, flock, owes + total);
        if (a) return a;
      }
    } else if (c.kind === 'FLTask') {
      const a = solvency(`${c.name}:FLOCK`, await s.uint('FLOCK', 'balanceOf', [c.addr]), await flTaskOwes(s, c, who));
      if (a) return a;
    }
  }

  if (v2) {
    const vesting = s.contracts.get('Vesting')!;
    let owed = 0n;
    for (const a of who) {
      const n = s.uintNow(vesting, 'activeGrantCount', [a]) ?? (await s.uint(vesting, 'activeGrantCount', [a]));
      for (let i = 0n; i < n; i++) {
        const g = (await s.get(vesting, 'getActiveGrant', [a, i]))![0] as unknown as bigint[];
        owed += g[0] - g[1];
      }
    }
    const a = solvency('Vesting:FLOCK', await s.uint('FLOCK', 'balanceOf', [vesting.addr]), owed);
    if (a) return a;

    const ex = s.contracts.get('Exchange')!;
    let locked = 0n;
    for (const a of who) {
      const ids = (s.getNow(ex, 'getUserLocks', [a]) ?? (await s.get(ex, 'getUserLocks', [a])))![0] as unknown as bigint[];
      for (const id of ids) locked += await s.uint(ex, 'lockInfoMap', [id], 1);
    }
    const b = solvency('Exchange:FLOCK', await s.uint('FLOCK', 'balanceOf', [ex.addr]), locked);
    if (b) return b;
  }
  return null;
}
