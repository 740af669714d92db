/**
 * `FlockPoolManagerUpgradeable` (V1) and `FlockPoolManagerV2Upgradeable` (both verified; docs/contracts.md#contracts-and-names):
 * one delegation pool per node or validator, its σ, and the pool-side fee and cooldown parameters.
 */
import { Rbac } from '../evm/accessControl.js';
import { EnumerableSet } from '../evm/enumerableSet.js';
import { panic, require } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { DAY, ROLES, ZERO_ADDRESS, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import { MiniPoolV1, MiniPoolV2 } from './pool.js';
import type { GmFlock } from './gmFlock.js';
import type { IMainManager, IPoolManager } from './interfaces.js';

export interface PoolManagerParams {
  rewardPercentageBase: bigint;
  minSigma: bigint;
  maxSigma: bigint;
  sigmaModificationCooldown: bigint;
  protocolFeePercentage: bigint;
  poolDelegatorCoolDown: bigint;
  poolClaimCoolDown: bigint;
  claimableRewardPercentage: bigint;
  config: Address;
}

export class PoolManager extends Rbac implements IPoolManager {
  readonly kind: string;
  readonly v2: boolean;
  readonly s: PoolManagerParams = {
    rewardPercentageBase: 0n,
    minSigma: 0n,
    maxSigma: 0n,
    sigmaModificationCooldown: 0n,
    protocolFeePercentage: 0n,
    poolDelegatorCoolDown: 0n,
    poolClaimCoolDown: 0n,
    claimableRewardPercentage: 0n,
    config: ZERO_ADDRESS,
  };
  readonly miniPoolsMap = new Map<Address, Address>();
  readonly poolToUserMap = new Map<Address, Address>();
  readonly poolSigmasMap = new Map<Address, bigint>();
  readonly lastSigmaChange = new Map<Address, bigint>();
  readonly delegatorToPools = new Map<Address, EnumerableSet<Address>>();
  readonly poolList: Address[] = [];
  readonly userList: Address[] = [];

  constructor(w: World, address: Address = 'PoolManager') {
    super(w, address);
    this.v2 = w.protocol === 'v2';
    this.kind = this.v2 ? 'PoolManagerV2' : 'PoolManagerV1';
  }

  /** The initializers' values (docs/contracts.md#default-parameters). */
  initialize(sender: Address, config: Address): void {
    this.initializer();
    const j = this.w.j;
    const s = this.s;
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
    if (this.v2) this.grant(ROLES.DAO_ADMIN, sender, sender);
    j.set(s, 'config', config);
    j.set(s, 'rewardPercentageBase', 1_000_000n);
    j.set(s, 'minSigma', 0n);
    j.set(s, 'maxSigma', 1_000_000n);
    j.set(s, 'sigmaModificationCooldown', DAY);
    j.set(s, 'protocolFeePercentage', 10_000n);
    if (this.v2) {
      j.set(s, 'poolDelegatorCoolDown', DAY);
      j.set(s, 'claimableRewardPercentage', 100_000n);
    }
  }

  override configOf(): Address {
    return this.s.config;
  }

  private asManager(sender: Address): void {
    if (this.v2) this.onlyProtocolManager(sender);
    else this.onlyAdmin(sender);
  }
  private setParam(sender: Address, key: keyof PoolManagerParams, v: bigint): void {
    this.asManager(sender);
    this.w.j.set(this.s, key, v as never);
  }

  setMinSigma(sender: Address, v: bigint) {
    this.setParam(sender, 'minSigma', v);
    this.w.emit(this.address, 'SetMinSigma', v);
  }
  setMaxSigma(sender: Address, v: bigint) {
    this.setParam(sender, 'maxSigma', v);
    this.w.emit(this.address, 'SetMaxSigma', v);
  }
  setProtocolFeePercentage(sender: Address, v: bigint) {
    this.setParam(sender, 'protocolFeePercentage', v);
  }
  setSigmaModificationCooldown(sender: Address, v: bigint) {
    this.setParam(sender, 'sigmaModificationCooldown', v);
  }
  setClaimableRewardPercentage(sender: Address, v: bigint) {
    this.setParam(sender, 'claimableRewardPercentage', v);
  }
  setDelegatorCoolDown(sender: Address, v: bigint) {
    this.setParam(sender, 'poolDelegatorCoolDown', v);
  }
  setClaimCoolDown(sender: Address, v: bigint) {
    this.setParam(sender, 'poolClaimCoolDown', v);
  }
  setConfig(sender: Address, config: Address) {
    if (this.v2) this.onlyDaoAdmin(sender);
    else this.onlyAdmin(sender);
    this.w.j.set(this.s, 'config', config);
  }

  miniPools(_s: Address, user: Address): Address {
    return this.miniPoolsMap.get(user) ?? ZERO_ADDRESS;
  }
  getMiniPool(_s: Address, user: Address): Address {
    return this.miniPoolsMap.get(user) ?? ZERO_ADDRESS;
  }
  poolToUser(_s: Address, pool: Address): Address {
    return this.poolToUserMap.get(pool) ?? ZERO_ADDRESS;
  }
  poolSigmas(_s: Address, user: Address): bigint {
    return this.poolSigmasMap.get(user) ?? 0n;
  }
  lastSigmaModificationTimestamp(_s: Address, user: Address): bigint {
    return this.lastSigmaChange.get(user) ?? 0n;
  }
  /**
   * V1 returns the stored σ; V2 clamps it into [minSigma, maxSigma] (docs/model.md#sigma-bounds-cooldown-and-freeze), testing
   * the upper bound first, so maxSigma wins when minSigma > maxSigma.
   */
  getPoolSigma(_s: Address, user: Address): bigint {
    const sigma = this.poolSigmasMap.get(user) ?? 0n;
    if (!this.v2) return sigma;
    if (sigma > this.s.maxSigma) return this.s.maxSigma;
    if (sigma < this.s.minSigma) return this.s.minSigma;
    return sigma;
  }
  isPool(_s: Address, pool: Address): boolean {
    return this.poolToUserMap.has(pool);
  }
  getPercentageBase(): bigint {
    return this.s.rewardPercentageBase;
  }
  getProtocolFeePercentage(): bigint {
    return this.s.protocolFeePercentage;
  }
  getClaimableRewardPercentage(): bigint {
    return this.s.claimableRewardPercentage;
  }
  getDelegationCoolDown(): bigint {
    return this.s.poolDelegatorCoolDown;
  }
  getClaimCoolDown(): bigint {
    return this.s.poolClaimCoolDown;
  }
  getPools(): Address[] {
    return [...this.poolList];
  }
  getUsers(): Address[] {
    return [...this.userList];
  }
  getUserAt(_s: Address, i: bigint): Address {
    if (i >= BigInt(this.userList.length)) panic(0x32);
    return this.userList[Number(i)];
  }
  getUsersLength(): bigint {
    return BigInt(this.userList.length);
  }
  getDelegatorPools(_s: Address, d: Address): Address[] {
    return [...(this.delegatorToPools.get(d)?.values ?? [])];
  }

  /**
   * One pool per user, named `Pool:<user>`. V2 registers it on gmFLOCK right after deploying it,
   * before the manager's own maps are written. Does not stamp the σ cooldown.
   */
  createMiniPool(sender: Address, sigma: bigint): Address {
    require(sigma >= this.s.minSigma, 'Sigma too low');
    require(sigma <= this.s.maxSigma, 'Sigma too high');
    require(!this.miniPoolsMap.has(sender), 'Already created');
    const name = `Pool:${sender}`;
    const pool = this.v2 ? new MiniPoolV2(this.w, name, sender, this.s.config) : new MiniPoolV1(this.w, name, sender, this.address, this.s.config);
    this.w.deploy(pool);
    if (this.v2) this.w.at<GmFlock>(cfg(this, CFG.GmFlockToken)).setRegistered(this.address, name, true);
    const j = this.w.j;
    j.mset(this.miniPoolsMap, sender, name);
    j.mset(this.poolToUserMap, name, sender);
    j.mset(this.poolSigmasMap, sender, sigma);
    j.push(this.poolList, name);
    j.push(this.userList, sender);
    this.w.emit(this.address, 'CreateMiniPool', sender, name, sigma);
    return name;
  }

  /** Cooldown is strict (`now − last > cooldown`); V2 also blocks the freeze window around task end. */
  setMiniPoolSigma(sender: Address, sigma: bigint): void {
    require(sigma >= this.s.minSigma, 'Sigma too low');
    require(sigma <= this.s.maxSigma, 'Sigma too high');
    require(this.miniPoolsMap.has(sender), 'Not created');
    if (this.v2) {
      const tm = this.w.at<IMainManager>(cfg(this, CFG.MainManager));
      require(!tm.isNodePoolFreezing(this.address, sender), 'Node pool is freezing');
    }
    const last = this.lastSigmaChange.get(sender) ?? 0n;
    require(this.w.now - last > this.s.sigmaModificationCooldown, 'Too soon to modify again');
    this.w.j.mset(this.lastSigmaChange, sender, this.w.now);
    this.w.j.mset(this.poolSigmasMap, sender, sigma);
    this.w.emit(this.address, 'SetPoolSigma', sender, sigma);
  }

  addDelegatorToPool(sender: Address, delegator: Address): void {
    require(this.poolToUserMap.has(sender), 'Not a pool');
    let set = this.delegatorToPools.get(delegator);
    if (!set) {
      set = new EnumerableSet();
      this.w.j.mset(this.delegatorToPools, delegator, set);
    }
    set.add(this.w.j, sender);
  }
}
