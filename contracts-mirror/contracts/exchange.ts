/** `gmFlockExchangeUpgradeable` (verified V2 source; docs/model.md#lock-multiplier and docs/model.md#exchange-fee). */
import { Rbac } from '../evm/accessControl.js';
import { Revert, add, panic, require, sub } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { exchangeFee, exchangeMultiplier, gmFlockFor } from '../math/multiplier.js';
import { ROLES, ZERO_ADDRESS, type Address } from '../units.js';
import type { FlockToken } from './flockToken.js';
import type { GmFlock } from './gmFlock.js';
import { cfg, CFG } from './config.js';
import { listSum, trackedList } from '../evm/runningSums.js';

export interface LockInfo {
  id: bigint;
  flockAmount: bigint;
  gmFlockAmount: bigint;
  unlockTime: bigint;
  beneficiary: Address;
}

export interface ExchangeState {
  t0: bigint;
  t1: bigint;
  epsilon: bigint;
  base: bigint;
  /** The id the next lock gets: ids start at 0. */
  currentLockInfoId: bigint;
  /** Basis points of 10 000. */
  protocolFee: bigint;
  config: Address;
}

export class Exchange extends Rbac {
  readonly kind = 'Exchange';
  readonly s: ExchangeState = { t0: 0n, t1: 0n, epsilon: 0n, base: 0n, currentLockInfoId: 0n, protocolFee: 0n, config: '' };
  readonly userLocksMap = new Map<Address, bigint[]>();
  /** Every lock ever filed: claims take ids out of `userLocksMap`, never out of this map. */
  readonly lockInfos = new Map<bigint, LockInfo>();
  readonly lockIndex = new Map<Address, Map<bigint, bigint>>();
  /**
   * Σ flockAmount of the open locks (the ids in `userLocksMap`), kept by the journal's list writes
   * (docs/architecture.md#incremental-checks). A lock's info is written once, before its id enters a list.
   */
  readonly openLocked = listSum<bigint>((id) => this.lockInfos.get(id)?.flockAmount ?? 0n);

  constructor(w: World, address: Address = 'Exchange') {
    super(w, address);
  }

  initialize(sender: Address, config: Address): void {
    this.initializer();
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
    this.grant(ROLES.DAO_ADMIN, sender, sender);
    this.w.j.set(this.s, 'config', config);
  }

  private flock(): FlockToken {
    return this.w.at(cfg(this, CFG.FlockToken));
  }
  private gm(): GmFlock {
    return this.w.at(cfg(this, CFG.GmFlockToken));
  }

  config(): Address {
    return this.s.config;
  }
  override configOf(): Address {
    return this.s.config;
  }
  currentLockInfoId(): bigint {
    return this.s.currentLockInfoId;
  }
  protocolFee(): bigint {
    return this.s.protocolFee;
  }
  userLocks(_s: Address, user: Address, i: bigint): bigint {
    const l = this.userLocksMap.get(user) ?? [];
    // A public array getter past the end reverts with no data (no panic code).
    if (i >= BigInt(l.length)) throw new Revert('');
    return l[Number(i)];
  }
  lockInfoMap(_s: Address, id: bigint): LockInfo {
    return this.lockInfos.get(id) ?? { id: 0n, flockAmount: 0n, gmFlockAmount: 0n, unlockTime: 0n, beneficiary: ZERO_ADDRESS };
  }
  registered(_s: Address, _a: Address): boolean {
    return false;
  }
  lockIndexMap(_s: Address, user: Address, id: bigint): bigint {
    return this.lockIndex.get(user)?.get(id) ?? 0n;
  }

  setFlockConfig(sender: Address, config: Address): void {
    this.onlyAdmin(sender);
    this.w.j.set(this.s, 'config', config);
  }

  setExchangeParams(sender: Address, t0: bigint, t1: bigint, epsilon: bigint, base: bigint): void {
    this.onlyDaoAdmin(sender);
    require(t0 < t1, 't0 must be less than t1');
    const j = this.w.j;
    j.set(this.s, 't0', t0);
    j.set(this.s, 't1', t1);
    j.set(this.s, 'epsilon', epsilon);
    j.set(this.s, 'base', base);
  }

  setProtocolFee(sender: Address, fee: bigint): void {
    this.onlyDaoAdmin(sender);
    require(fee <= 10_000n, 'Invalid protocol fee');
    this.w.j.set(this.s, 'protocolFee', fee);
  }

  getExchangeMultiplier(_s: Address, lockPeriod: bigint): bigint {
    return exchangeMultiplier(this.s, lockPeriod);
  }

  /**
   * As the verified source does it (docs/model.md#exchange-fee). The deployed order: the lock is filed first (its id is the
   * current `currentLockInfoId`, so ids start at 0, then the counter moves on), then the full
   * deposit is pulled, the fee (even a zero one) goes to the FLOCK address, and gmFLOCK is minted
   * on the gross amount. The lock records `flockAmount − fee`.
   */
  exchangeFlock(sender: Address, flockAmount: bigint, lockPeriod: bigint, beneficiary: Address): void {
    if (!this.has(ROLES.DEFAULT_ADMIN_ROLE, sender)) beneficiary = sender;
    require(flockAmount > 0n, 'Amount must be greater than zero');
    require(lockPeriod > 0n, 'Lock-up period must be greater than zero');
    const gmAmount = gmFlockFor(this.s, flockAmount, lockPeriod);
    const unlockTime = add(this.w.now, lockPeriod);
    const fee = exchangeFee(flockAmount, this.s.protocolFee);
    const j = this.w.j;
    const id = this.s.currentLockInfoId;
    j.mset(this.lockInfos, id, { id, flockAmount: sub(flockAmount, fee), gmFlockAmount: gmAmount, unlockTime, beneficiary });
    const locks = this.locksOf(sender);
    j.push(locks, id);
    this.setIndex(sender, id, BigInt(locks.length - 1));
    j.set(this.s, 'currentLockInfoId', add(id, 1n));
    const flock = this.flock();
    require(flock.transferFrom(this.address, sender, this.address, flockAmount), 'FLOCK transfer failed');
    require(flock.transfer(this.address, flock.address, fee), 'Fee transfer failed');
    this.gm().mint(this.address, beneficiary, gmAmount);
    this.w.emit(this.address, 'FlockExchanged', sender, flockAmount, gmAmount, unlockTime, id);
  }

  /**
   * Sweeps the caller's matured locks (deployed source; docs/contracts.md#quirks-kept-from-the-deployed-code): each is swap-popped from the caller's list,
   * without maintaining lockIndexMap (the deployed quirk). `lockInfoMap` keeps the entry.
   */
  claimUnlockedFlock(sender: Address, timestamp: bigint): void {
    require(timestamp <= this.w.now, 'Cannot claim for future time');
    const locks = this.locksOf(sender);
    const j = this.w.j;
    let totalFlock = 0n;
    let totalGm = 0n;
    for (let i = 0; i < locks.length; ) {
      const info = this.lockInfoMap(sender, locks[i]);
      if (info.unlockTime <= timestamp) {
        totalFlock = add(totalFlock, info.flockAmount);
        totalGm = add(totalGm, info.gmFlockAmount);
        this.w.emit(this.address, 'gmFlockClaimed', sender, info.flockAmount, info.gmFlockAmount, info.id);
        j.aset(locks, i, locks[locks.length - 1]);
        j.pop(locks);
      } else i++;
    }
    this.payOut(sender, totalFlock, totalGm);
  }

  /** By id: checks index, id, beneficiary and maturity in that order; keeps lockIndexMap in step. */
  claimUnlockedFlockByIds(sender: Address, ids: bigint[]): void {
    const locks = this.locksOf(sender);
    const j = this.w.j;
    let totalFlock = 0n;
    let totalGm = 0n;
    for (const id of ids) {
      const index = this.lockIndexMap(sender, sender, id);
      require(index < BigInt(locks.length), 'Invalid lock index');
      require(locks[Number(index)] === id, 'Invalid lock ID at index');
      const info = this.lockInfoMap(sender, id);
      require(info.beneficiary === sender, 'Not the beneficiary');
      require(info.unlockTime <= this.w.now, 'Cannot claim for future time');
      totalFlock = add(totalFlock, info.flockAmount);
      totalGm = add(totalGm, info.gmFlockAmount);
      this.w.emit(this.address, 'gmFlockClaimed', sender, info.flockAmount, info.gmFlockAmount, info.id);
      const lastIndex = locks.length - 1;
      const last = locks[lastIndex];
      if (Number(index) !== lastIndex) {
        j.aset(locks, Number(index), last);
        this.setIndex(sender, last, index);
      }
      j.pop(locks);
      j.mdelete(this.lockIndex.get(sender)!, id);
    }
    this.payOut(sender, totalFlock, totalGm);
  }

  getUnlockedAmounts(sender: Address, timestamp: bigint): { totalFlock: bigint; totalgmFlock: bigint } {
    let totalFlock = 0n;
    let totalgmFlock = 0n;
    for (const id of this.userLocksMap.get(sender) ?? []) {
      const info = this.lockInfoMap(sender, id);
      if (info.unlockTime <= timestamp) {
        totalFlock += info.flockAmount;
        totalgmFlock += info.gmFlockAmount;
      }
    }
    return { totalFlock, totalgmFlock };
  }

  getUserLocks(_s: Address, user: Address): bigint[] {
    return [...(this.userLocksMap.get(user) ?? [])];
  }

  /** Only the summed FLOCK is checked: a lock that redeems 0 FLOCK (100 % fee) cannot be claimed. */
  private payOut(user: Address, totalFlock: bigint, totalGm: bigint): void {
    require(totalFlock > 0n, 'No claimable tokens');
    this.gm().burn(this.address, user, totalGm);
    require(this.flock().transfer(this.address, user, totalFlock), 'FLOCK transfer failed');
  }

  private locksOf(user: Address): bigint[] {
    let l = this.userLocksMap.get(user);
    if (!l) {
      l = trackedList(this.openLocked);
      this.w.j.mset(this.userLocksMap, user, l);
    }
    return l;
  }

  private setIndex(user: Address, id: bigint, index: bigint): void {
    let m = this.lockIndex.get(user);
    if (!m) {
      m = new Map();
      this.w.j.mset(this.lockIndex, user, m);
    }
    this.w.j.mset(m, id, index);
  }
}
