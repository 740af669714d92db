/**
 * StakeInfo, the stand-in of docs/contracts.md#stakeinfo-stand-in (the deployed source is not public): per-task
 * stake totals, captured pool delegations, and task weights with β = 1, ε = 1 by default.
 */
import { Contract, type World } from '../evm/world.js';
import { require } from '../evm/revert.js';
import { get2, set2 } from '../evm/journal.js';
import { ROLE, ZERO_ADDRESS, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import type { IMainManager, IPoolManager } from './interfaces.js';

/**
 * Task weight from a side's direct stake and the delegation counted with it. Traces and parity
 * use the linear form (docs/contracts.md#stakeinfo-stand-in); scenarios may plug in another, since the live
 * weight function is unpublished (docs/model.md#task-weights).
 */
export type WeightFn = (stake: bigint, delegation: bigint) => bigint;
export const linearWeight: WeightFn = (stake, delegation) => stake + delegation;

interface SideTotals {
  stake: bigint;
  /** Σ captured delegation of the users holding a stake on this side of the task. */
  delegation: bigint;
}

export class StakeInfo extends Contract {
  readonly kind = 'StakeInfo';
  weight: WeightFn = linearWeight;
  /** Tasks between their first addStakes and clearStakes, in insertion order. */
  readonly active = new Map<bigint, true>();
  readonly node = new Map<bigint, SideTotals>();
  readonly validator = new Map<bigint, SideTotals>();
  /** user → task → direct stake, per side (the creator's stake is on the validator side). */
  readonly userNode = new Map<Address, Map<bigint, bigint>>();
  readonly userValidator = new Map<Address, Map<bigint, bigint>>();
  /** user → task: the user's delegation counts in this side's weight. */
  readonly nodeMember = new Map<Address, Map<bigint, true>>();
  readonly validatorMember = new Map<Address, Map<bigint, true>>();
  /** Delegation captured by retallyDelegation: the pool's totalDelegationAmount, or 0 without a pool. */
  readonly delegation = new Map<Address, bigint>();

  constructor(w: World, address: Address = 'StakeInfo') {
    super(w, address);
  }

  private stakeInfoIndex(): bigint {
    return this.w.protocol === 'v1' ? CFG.StakeInfoV1 : CFG.StakeInfoV2;
  }
  private onlyMainManager(sender: Address): void {
    require(sender === cfg(this, CFG.MainManager), 'StakeInfo: caller is not the main manager');
  }
  private side(t: bigint, role: bigint): SideTotals {
    const m = role === ROLE.NODE ? this.node : this.validator;
    let s = m.get(t);
    if (!s) {
      s = { stake: 0n, delegation: 0n };
      this.w.j.mset(m, t, s);
    }
    return s;
  }

  addStakes(sender: Address, t: bigint, stakes: bigint, role: bigint, user: Address): void {
    this.onlyMainManager(sender);
    require(role === ROLE.NODE || role === ROLE.VALIDATOR, 'StakeInfo: invalid role');
    const j = this.w.j;
    if (!this.active.has(t)) j.mset(this.active, t, true);
    const side = this.side(t, role);
    j.set(side, 'stake', side.stake + stakes);
    const userMap = role === ROLE.NODE ? this.userNode : this.userValidator;
    set2(j, userMap, user, t, (get2(userMap, user, t) ?? 0n) + stakes);
    // Membership follows the task manager's own stake maps, which it writes before calling
    // here, so a creator's stake never makes the creator's pool count (docs/contracts.md#stakeinfo-stand-in).
    const tm = this.w.at<IMainManager>(cfg(this, CFG.MainManager));
    const staked = role === ROLE.NODE ? tm.getNodeStakes(this.address, t, user) : tm.getValidatorStakes(this.address, t, user);
    const members = role === ROLE.NODE ? this.nodeMember : this.validatorMember;
    if (staked > 0n && !get2(members, user, t)) {
      set2(j, members, user, t, true);
      j.set(side, 'delegation', side.delegation + (this.delegation.get(user) ?? 0n));
    }
    this.syncTotal(user);
  }

  /** Never reverts: saturates at 0, also after clearStakes (docs/contracts.md#stakeinfo-stand-in; a revert would break every withdrawal). */
  removeStakes(sender: Address, t: bigint, stakes: bigint, role: bigint, user: Address): void {
    this.onlyMainManager(sender);
    const j = this.w.j;
    const userMap = role === ROLE.NODE ? this.userNode : this.userValidator;
    const had = get2(userMap, user, t) ?? 0n;
    const taken = stakes < had ? stakes : had;
    if (taken > 0n) set2(j, userMap, user, t, had - taken);
    const side = role === ROLE.NODE ? this.node.get(t) : this.validator.get(t);
    if (side && this.active.has(t)) j.set(side, 'stake', side.stake > taken ? side.stake - taken : 0n);
    const members = role === ROLE.NODE ? this.nodeMember : this.validatorMember;
    if (had - taken === 0n && get2(members, user, t) && side) {
      j.mdelete(members.get(user)!, t);
      const d = this.delegation.get(user) ?? 0n;
      j.set(side, 'delegation', side.delegation > d ? side.delegation - d : 0n);
    }
    this.syncTotal(user);
  }

  clearStakes(sender: Address, t: bigint): void {
    this.onlyMainManager(sender);
    this.w.j.mdelete(this.active, t);
  }

  retallyDelegation(sender: Address, user: Address): void {
    this.onlyMainManager(sender);
    const pm = this.w.at<IPoolManager>(cfg(this, CFG.PoolManager));
    const pool = pm.getMiniPool(this.address, user);
    const now = pool === ZERO_ADDRESS ? 0n : this.w.at<{ getTotalDelegationAmount(): bigint } & Contract>(pool).getTotalDelegationAmount();
    const old = this.delegation.get(user) ?? 0n;
    if (now === old) return;
    const j = this.w.j;
    j.mset(this.delegation, user, now);
    for (const [members, sides] of [
      [this.nodeMember, this.node],
      [this.validatorMember, this.validator],
    ] as const) {
      const tasks = members.get(user);
      if (!tasks) continue;
      for (const t of tasks.keys()) {
        const side = sides.get(t)!;
        j.set(side, 'delegation', side.delegation - old + now);
      }
    }
  }

  getDelegationTokenAmountForUser(_s: Address, user: Address, t: bigint, role: bigint): bigint {
    const members = role === ROLE.NODE ? this.nodeMember : role === ROLE.VALIDATOR ? this.validatorMember : undefined;
    if (!members || !get2(members, user, t)) return 0n;
    return this.delegation.get(user) ?? 0n;
  }

  getTaskStakes(_s: Address, t: bigint, role: bigint): bigint {
    const n = this.node.get(t)?.stake ?? 0n;
    const v = this.validator.get(t)?.stake ?? 0n;
    return role === ROLE.NODE ? n : role === ROLE.VALIDATOR ? v : role === ROLE.NODE_VALIDATOR ? n + v : 0n;
  }

  getTaskWeights(_s: Address, t: bigint, role: bigint): bigint {
    const n = this.node.get(t);
    const v = this.validator.get(t);
    const wn = n ? this.weight(n.stake, n.delegation) : 0n;
    const wv = v ? this.weight(v.stake, v.delegation) : 0n;
    return role === ROLE.NODE ? wn : role === ROLE.VALIDATOR ? wv : role === ROLE.NODE_VALIDATOR ? wn + wv : 0n;
  }

  getTotalActiveTaskStakes(s: Address, role: bigint): bigint {
    let sum = 0n;
    for (const t of this.active.keys()) sum += this.getTaskStakes(s, t, role);
    return sum;
  }

  getTotalActiveTaskWeights(s: Address, role: bigint): bigint {
    let sum = 0n;
    for (const t of this.active.keys()) sum += this.getTaskWeights(s, t, role);
    return sum;
  }

  getTotalNodeStakesPerTask(_s: Address, t: bigint): bigint {
    return this.node.get(t)?.stake ?? 0n;
  }

  getTotalValidatorStakesPerTask(_s: Address, t: bigint): bigint {
    return this.validator.get(t)?.stake ?? 0n;
  }

  /** Calls back TaskManager.setTotalStakes(u, Σ over active tasks of u's direct stakes). */
  private syncTotal(user: Address): void {
    let total = 0n;
    for (const m of [this.userNode.get(user), this.userValidator.get(user)]) {
      if (!m) continue;
      for (const [t, x] of m) if (this.active.has(t)) total += x;
    }
    this.w.at<IMainManager>(cfg(this, CFG.MainManager)).setTotalStakes(this.address, user, total);
  }
}
