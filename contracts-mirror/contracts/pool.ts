/**
 * Delegation pools. `FlockMiniPool` (V1, public source, docs/model.md#v1-mini-pool, with the statement
 * order of docs/contracts.md#v1-mini-pool-statement-order) splits all unclaimed rewards by time-weight at claim time.
 * `FlockMiniPoolV2` is the share-based stand-in of docs/contracts.md#v2-delegation-pool-stand-in, in which a newcomer never
 * shares rewards funded before it joined.
 */
import { Contract, type World } from '../evm/world.js';
import { EnumerableSet } from '../evm/enumerableSet.js';
import { FieldSumMap, SumMap } from '../evm/runningSums.js';
import { add, div, mul, require, sub } from '../evm/revert.js';
import { ZERO_ADDRESS, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import { claimFee } from '../math/rewardSplit.js';
import type { Erc20 } from '../evm/erc20.js';
import type { IMainManager, IPoolManager } from './interfaces.js';

abstract class PoolBase extends Contract {
  readonly delegators = new EnumerableSet<Address>();
  readonly claimed = new Map<Address, bigint>();
  readonly lastStake = new Map<Address, bigint>();
  abstract readonly p: { user: Address; totalDelegationAmount: bigint };

  constructor(
    w: World,
    address: Address,
    /** The config the pool manager passed at creation; the pool resolves its peers through it. */
    readonly poolConfig: Address,
  ) {
    super(w, address);
  }

  override configOf(): Address {
    return this.poolConfig;
  }

  protected flock(): Erc20 {
    return this.w.at(cfg(this, CFG.FlockToken));
  }
  protected poolManager(): IPoolManager {
    return this.w.at(cfg(this, CFG.PoolManager));
  }
  protected mainManager(): IMainManager {
    return this.w.at(cfg(this, CFG.MainManager));
  }

  user(): Address {
    return this.p.user;
  }
  totalDelegationAmount(): bigint {
    return this.p.totalDelegationAmount;
  }
  getTotalDelegationAmount(): bigint {
    return this.p.totalDelegationAmount;
  }
  getDelegators(): Address[] {
    return [...this.delegators.values];
  }
  lastStakeTimestamp(_s: Address, d: Address): bigint {
    return this.lastStake.get(d) ?? 0n;
  }
  claimedRewards(_s: Address, d: Address): bigint {
    return this.claimed.get(d) ?? 0n;
  }
  config(): Address {
    return this.poolConfig;
  }
  abstract claimable(sender: Address, d: Address): bigint;
  abstract amountOf(d: Address): bigint;
  abstract fundPool(sender: Address, x: bigint): void;

  totalRewardForDelegator(s: Address, d: Address): bigint {
    return this.claimable(s, d) + (this.claimed.get(d) ?? 0n);
  }

  /**
   * Pays `r − fee` to the delegator and `fee` to the FLOCK token's own address (both transfers
   * always made), then books the net as claimed. `r − fee` is checked: a protocol fee above the
   * percentage base underflows (panic 0x11), as in 0.8 Solidity.
   */
  protected payClaim(d: Address, rewards: bigint, transferReason: string): bigint {
    const pm = this.poolManager();
    const fee = claimFee(rewards, pm.getProtocolFeePercentage(), pm.getPercentageBase());
    const net = sub(rewards, fee);
    const flock = this.flock();
    require(flock.transfer(this.address, d, net), transferReason);
    require(flock.transfer(this.address, flock.address, fee), transferReason);
    this.w.j.mset(this.claimed, d, add(this.claimed.get(d) ?? 0n, net));
    return fee;
  }

  /** Callbacks after every delegation change: re-tally in StakeInfo, then the delegator index. */
  protected afterUpdate(d: Address, withIndex: boolean): void {
    this.mainManager().afterDelegationUpdate(this.address, this.p.user);
    if (withIndex) this.poolManager().addDelegatorToPool(this.address, d);
  }
}

interface Temporal {
  amount: bigint;
  since: bigint;
}

export interface MiniPoolV1State {
  user: Address;
  owner: Address;
  totalDelegationAmount: bigint;
  totalPastTemporalDelegation: bigint;
  activeTotal: Temporal;
}

/** `FlockMiniPool` (V1): FLOCK is both the stake and the reward token. */
export class MiniPoolV1 extends PoolBase {
  readonly kind = 'MiniPoolV1';
  readonly p: MiniPoolV1State;
  /** Σ past and, per record, Σ amount and Σ amount·since: Σ of every delegator's weight (docs/architecture.md#incremental-checks). */
  readonly past = new SumMap<Address>();
  readonly delegation = new FieldSumMap<Address, Temporal>([(t) => t.amount, (t) => t.amount * t.since, (t) => t.since]);

  constructor(w: World, address: Address, user: Address, owner: Address, config: Address) {
    super(w, address, config);
    this.p = { user, owner, totalDelegationAmount: 0n, totalPastTemporalDelegation: 0n, activeTotal: { amount: 0n, since: 0n } };
    w.emit(address, 'OwnershipTransferred', ZERO_ADDRESS, owner);
  }

  owner(): Address {
    return this.p.owner;
  }

  /** OpenZeppelin 4 `Ownable` (deployed V1 source; ASSUMPTIONS.md A-pool-v1-owner): the owner is the pool manager, which never calls these. */
  renounceOwnership(sender: Address): void {
    this.onlyOwner(sender);
    this.setOwner(ZERO_ADDRESS);
  }
  transferOwnership(sender: Address, newOwner: Address): void {
    this.onlyOwner(sender);
    require(newOwner !== ZERO_ADDRESS, 'Ownable: new owner is the zero address');
    this.setOwner(newOwner);
  }
  private onlyOwner(sender: Address): void {
    require(sender === this.p.owner, 'Ownable: caller is not the owner');
  }
  private setOwner(next: Address): void {
    const prev = this.p.owner;
    this.w.j.set(this.p, 'owner', next);
    this.w.emit(this.address, 'OwnershipTransferred', prev, next);
  }
  totalPastTemporalDelegation(): bigint {
    return this.p.totalPastTemporalDelegation;
  }
  pastTemporalDelegationMap(_s: Address, d: Address): bigint {
    return this.past.get(d) ?? 0n;
  }
  delegationMap(_s: Address, d: Address): Temporal {
    const t = this.delegation.get(d);
    return t ? { amount: t.amount, since: t.since } : { amount: 0n, since: 0n };
  }
  delegationOf(s: Address, d: Address): Temporal {
    return this.delegationMap(s, d);
  }
  activeTotalDelegationInfo(): Temporal {
    return { amount: this.p.activeTotal.amount, since: this.p.activeTotal.since };
  }
  amountOf(d: Address): bigint {
    return this.delegation.get(d)?.amount ?? 0n;
  }

  /** amount·(now − since), the delegator's weight accrued since its last fold. */
  receiverTemporalDelegation(_s: Address, d: Address): bigint {
    const t = this.delegation.get(d);
    const acc = t ? t.amount * (this.w.now - t.since) : 0n;
    return (this.past.get(d) ?? 0n) + acc;
  }
  totalTemporalDelegation(): bigint {
    const a = this.p.activeTotal;
    return this.p.totalPastTemporalDelegation + a.amount * (this.w.now - a.since);
  }

  /**
   * `(balance − totalDelegationAmount)·TW_d/TW_tot`, or 0 when the total weight is 0. The surplus
   * is computed (checked) before the zero test, as deployed.
   */
  claimable(s: Address, d: Address): bigint {
    const rewards = sub(this.flock().bal(this.address), this.p.totalDelegationAmount);
    const mine = this.receiverTemporalDelegation(s, d);
    const total = this.totalTemporalDelegation();
    if (total === 0n) return 0n;
    return div(mul(mine, rewards), total);
  }

  /** `surplus·base·365 days/TW_tot` (deployed V1 view), or 0 when the total weight is 0. */
  interestPerYear(): bigint {
    const rewards = sub(this.flock().bal(this.address), this.p.totalDelegationAmount);
    const total = this.totalTemporalDelegation();
    if (total === 0n) return 0n;
    return div(mul(mul(rewards, this.poolManager().getPercentageBase()), 365n * 86_400n), total);
  }

  /** docs/contracts.md#v1-mini-pool-statement-order step 1: fold the delegator's weight to now, then change its amount. */
  private foldDelegator(d: Address, delta: bigint): void {
    const j = this.w.j;
    const t = this.delegation.get(d) ?? { amount: 0n, since: 0n };
    j.mset(this.past, d, (this.past.get(d) ?? 0n) + t.amount * (this.w.now - t.since));
    j.mset(this.delegation, d, { amount: t.amount + delta, since: this.w.now });
  }

  /** docs/contracts.md#v1-mini-pool-statement-order step 1, second half: fold the pool total to now, then change the active amount. */
  private foldTotal(delta: bigint): void {
    const a = this.p.activeTotal;
    const j = this.w.j;
    j.set(this.p, 'totalPastTemporalDelegation', this.p.totalPastTemporalDelegation + a.amount * (this.w.now - a.since));
    j.set(this.p, 'activeTotal', { amount: a.amount + delta, since: this.w.now });
  }

  delegate(sender: Address, amount: bigint): void {
    require(amount > 0n, 'Amount must be greater than zero');
    require(this.flock().transferFrom(this.address, sender, this.address, amount), 'Transfer failed');
    const j = this.w.j;
    this.foldDelegator(sender, amount);
    this.delegators.add(j, sender);
    this.foldTotal(amount);
    j.set(this.p, 'totalDelegationAmount', this.p.totalDelegationAmount + amount);
    j.mset(this.lastStake, sender, this.w.now);
    this.afterUpdate(sender, true);
    this.w.emit(this.address, 'Delegate', sender, this.p.user, amount);
  }

  /** The deployed order: checks, the FLOCK transfer, then the folds (docs/contracts.md#v1-mini-pool-statement-order). */
  undelegate(sender: Address, amount: bigint): void {
    require((this.lastStake.get(sender) ?? 0n) + 86_400n < this.w.now, "You can't undelegate before 1 day");
    require(this.amountOf(sender) >= amount, 'User has insufficient token delegated');
    require(this.flock().transfer(this.address, sender, amount), 'transfer failed');
    const j = this.w.j;
    this.foldDelegator(sender, -amount);
    this.foldTotal(-amount);
    j.set(this.p, 'totalDelegationAmount', this.p.totalDelegationAmount - amount);
    if (this.amountOf(sender) === 0n) this.delegators.remove(j, sender);
    this.afterUpdate(sender, false);
    this.w.emit(this.address, 'Undelegate', sender, this.p.user, amount);
  }

  /** Pays, then resets only the claimer's weight: fold both to now, `totalPast −= past_d`, `past_d = 0`. */
  claimRewards(sender: Address): void {
    const rewards = this.claimable(sender, sender);
    require(rewards > 0n, 'No rewards to claim');
    const fee = this.payClaim(sender, rewards, 'transfer failed');
    const j = this.w.j;
    this.foldDelegator(sender, 0n);
    this.foldTotal(0n);
    j.set(this.p, 'totalPastTemporalDelegation', sub(this.p.totalPastTemporalDelegation, this.past.get(sender) ?? 0n));
    j.mset(this.past, sender, 0n);
    this.w.emit(this.address, 'Claim', sender, rewards - fee);
    this.w.emit(this.address, 'CollectFee', sender, fee);
  }

  /** Permissionless. */
  fundPool(sender: Address, reward: bigint): void {
    require(this.flock().transferFrom(this.address, sender, this.address, reward), 'Transfer failed');
    this.w.emit(this.address, 'Fund', reward);
  }
}

/** Reward-per-share scale of the V2 pool (docs/contracts.md#v2-delegation-pool-stand-in). */
export const P = 10n ** 18n;

export interface MiniPoolV2State {
  user: Address;
  totalDelegationAmount: bigint;
  accRewardPerShare: bigint;
  unallocated: bigint;
}

interface ShareAccount {
  amount: bigint;
  accLast: bigint;
  pending: bigint;
}

/** The V2 delegation pool stand-in: gmFLOCK principal, FLOCK rewards, an accumulator per share. */
export class MiniPoolV2 extends PoolBase {
  readonly kind = 'MiniPoolV2';
  readonly p: MiniPoolV2State;
  /**
   * Σ amount, Σ pending, Σ amount·accLast and the largest accLast over the accounts: a bound on
   * Σ claimable without visiting every delegator (docs/architecture.md#incremental-checks).
   */
  readonly accounts = new FieldSumMap<Address, ShareAccount>([(a) => a.amount, (a) => a.pending, (a) => a.amount * a.accLast, (a) => a.accLast]);
  readonly lastClaim = new Map<Address, bigint>();

  constructor(w: World, address: Address, user: Address, config: Address) {
    super(w, address, config);
    this.p = { user, totalDelegationAmount: 0n, accRewardPerShare: 0n, unallocated: 0n };
  }

  private gm(): Erc20 {
    return this.w.at(cfg(this, CFG.GmFlockToken));
  }

  accRewardPerShare(): bigint {
    return this.p.accRewardPerShare;
  }
  unallocated(): bigint {
    return this.p.unallocated;
  }
  lastClaimTimestamp(_s: Address, d: Address): bigint {
    return this.lastClaim.get(d) ?? 0n;
  }
  delegationOf(_s: Address, d: Address): { amount: bigint; since: bigint } {
    return { amount: this.amountOf(d), since: this.lastStake.get(d) ?? 0n };
  }
  amountOf(d: Address): bigint {
    return this.accounts.get(d)?.amount ?? 0n;
  }

  /** Gross, before the fee: `pending + amount·(acc − accLast)/P`. */
  claimable(_s: Address, d: Address): bigint {
    const a = this.accounts.get(d);
    if (!a) return 0n;
    return a.pending + (a.amount * (this.p.accRewardPerShare - a.accLast)) / P;
  }

  /** Settle(d): bank what the delegator earned since its last settle; returns a fresh record to write. */
  private settled(d: Address): ShareAccount {
    const a = this.accounts.get(d) ?? { amount: 0n, accLast: 0n, pending: 0n };
    const acc = this.p.accRewardPerShare;
    return { amount: a.amount, accLast: acc, pending: a.pending + (a.amount * (acc - a.accLast)) / P };
  }

  fundPool(sender: Address, x: bigint): void {
    require(this.flock().transferFrom(this.address, sender, this.address, x), 'Transfer failed');
    const j = this.w.j;
    if (this.p.totalDelegationAmount === 0n) {
      j.set(this.p, 'unallocated', this.p.unallocated + x);
    } else {
      j.set(this.p, 'accRewardPerShare', this.p.accRewardPerShare + ((x + this.p.unallocated) * P) / this.p.totalDelegationAmount);
      j.set(this.p, 'unallocated', 0n);
    }
    this.w.emit(this.address, 'Fund', x);
  }

  delegate(sender: Address, x: bigint): void {
    require(x > 0n, 'Amount must be greater than zero');
    require(this.gm().transferFrom(this.address, sender, this.address, x), 'Transfer failed');
    const j = this.w.j;
    const a = this.settled(sender);
    a.amount += x;
    j.mset(this.accounts, sender, a);
    j.set(this.p, 'totalDelegationAmount', this.p.totalDelegationAmount + x);
    j.mset(this.lastStake, sender, this.w.now);
    this.delegators.add(j, sender);
    this.afterUpdate(sender, true);
    this.w.emit(this.address, 'Delegate', sender, this.p.user, x);
  }

  undelegate(sender: Address, x: bigint): void {
    const cooldown = this.poolManager().getDelegationCoolDown();
    require(add(this.lastStake.get(sender) ?? 0n, cooldown) < this.w.now, "You can't undelegate before 1 day");
    require(x <= this.amountOf(sender), 'User has insufficient token delegated');
    require(this.gm().transfer(this.address, sender, x), 'transfer failed');
    const j = this.w.j;
    const a = this.settled(sender);
    a.amount -= x;
    j.mset(this.accounts, sender, a);
    j.set(this.p, 'totalDelegationAmount', this.p.totalDelegationAmount - x);
    if (a.amount === 0n) this.delegators.remove(j, sender);
    this.afterUpdate(sender, false);
    this.w.emit(this.address, 'Undelegate', sender, this.p.user, x);
  }

  claimRewards(sender: Address): void {
    const r = this.claimable(sender, sender);
    require(r > 0n, 'No rewards to claim');
    const cd = this.poolManager().getClaimCoolDown();
    if (cd > 0n) require(add(this.lastClaim.get(sender) ?? 0n, cd) < this.w.now, 'Too soon to claim');
    const fee = this.payClaim(sender, r, 'transfer failed');
    const j = this.w.j;
    const a = this.settled(sender);
    a.pending = 0n;
    j.mset(this.accounts, sender, a);
    j.mset(this.lastClaim, sender, this.w.now);
    this.w.emit(this.address, 'Claim', sender, r - fee);
    this.w.emit(this.address, 'CollectFee', sender, fee);
  }
}

export type Pool = MiniPoolV1 | MiniPoolV2;
