/**
 * The task manager's storage with its admin setters and public getters: the part of
 * `FlockTaskManagerUpgradeable` (V1) and `FlockTaskManagerV2Upgradeable` (V2.1) that only reads
 * and writes its own state. Each difference between the versions is a `this.v2` branch
 * (docs/model.md#protocol-versions). The reward uploads extend this class in taskManagerRewards.ts,
 * and the task lifecycle extends those in taskManager.ts, which is the class genesis deploys.
 */
import { Rbac } from '../evm/accessControl.js';
import type { EnumerableSet } from '../evm/enumerableSet.js';
import { get2 } from '../evm/journal.js';
import { NestedSumMap, SumMap } from '../evm/runningSums.js';
import { Revert, add, mul, require, sub } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { DAY, ZERO_ADDRESS, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import type { Erc20 } from '../evm/erc20.js';
import type { FlockToken } from './flockToken.js';
import type { StakeInfo } from './stakeInfo.js';
import type { PoolManager } from './poolManager.js';

export interface Task {
  id: bigint;
  isCompleted: boolean;
  creator: Address;
  startTime: bigint;
  expectedDuration: bigint;
  stakeAmount: bigint;
  taskName: string;
}

/** The scalar storage of both versions; V1-only and V2-only fields stay 0 in the other. */
export interface TaskManagerParams {
  baseStakeAmount: bigint;
  maxDuration: bigint;
  minNodeStakes: bigint;
  rewardTokenPerDay: bigint;
  rewardPercentageForNodes: bigint;
  rewardPercentageForValidators: bigint;
  lockedRewardPercentage: bigint;
  unlockedRewardPercentage: bigint;
  rewardPercentageBase: bigint;
  validatorMinStake: bigint;
  totalActiveTaskStakes: bigint;
  validatorWithdrawalFeePercentage: bigint;
  flTaskRewardAmountDaily: bigint;
  gamma: bigint;
  feePercentage: bigint;
  dailyMintResetCount: bigint;
  dailyMintDecayPercentage: bigint;
  currentDailyMintCount: bigint;
  daysToFreezeSigmaBefore: bigint;
  daysToFreezeSigmaAfter: bigint;
  maxRewardTokenPerDay: bigint;
  lastMintTimestamp: bigint;
  lockupRewardVestingPeriodInDays: bigint;
  linearVestingDepositor: Address;
  config: Address;
  /**
   * The optional AI Arena slashing hook (docs/model.md#ai-arena-slashing-hook, ASSUMPTIONS.md
   * A-slash-hook); genesis turns it on for traces that ask.
   */
  slashingEnabled: boolean;
}

/**
 * The storage, setters and getters of the task manager. Abstract: only the full TaskManager
 * (taskManager.ts) is deployed.
 */
export abstract class TaskManagerStorage extends Rbac {
  readonly kind: string;
  readonly v2: boolean;
  readonly s: TaskManagerParams = {
    baseStakeAmount: 0n,
    maxDuration: 0n,
    minNodeStakes: 0n,
    rewardTokenPerDay: 0n,
    rewardPercentageForNodes: 0n,
    rewardPercentageForValidators: 0n,
    lockedRewardPercentage: 0n,
    unlockedRewardPercentage: 0n,
    rewardPercentageBase: 0n,
    validatorMinStake: 0n,
    totalActiveTaskStakes: 0n,
    validatorWithdrawalFeePercentage: 0n,
    flTaskRewardAmountDaily: 0n,
    gamma: 0n,
    feePercentage: 0n,
    dailyMintResetCount: 0n,
    dailyMintDecayPercentage: 0n,
    currentDailyMintCount: 0n,
    daysToFreezeSigmaBefore: 0n,
    daysToFreezeSigmaAfter: 0n,
    maxRewardTokenPerDay: 0n,
    lastMintTimestamp: 0n,
    lockupRewardVestingPeriodInDays: 0n,
    linearVestingDepositor: ZERO_ADDRESS,
    config: ZERO_ADDRESS,
    slashingEnabled: false,
  };
  readonly tasksMap = new Map<bigint, Task>();
  readonly taskIdList: bigint[] = [];
  readonly activeTaskIdList: bigint[] = [];
  // The maps the solvency check adds up keep running sums (docs/architecture.md#incremental-checks).
  readonly nodeStakesMap = new NestedSumMap<bigint, Address>();
  readonly validatorStakesMap = new NestedSumMap<bigint, Address>();
  readonly lockedRewards = new SumMap<bigint>();
  readonly latestNodes = new Map<bigint, bigint>();
  readonly latestValidators = new Map<bigint, bigint>();
  /** task → validator → the delegators' cut of its last V1 validator upload (V2 never writes it). */
  readonly latestDelegators = new Map<bigint, Map<Address, bigint>>();
  readonly taskRewardsMap = new Map<bigint, bigint>();
  readonly userRewardsMap = new SumMap<Address>();
  readonly taskValidatorList = new Map<bigint, Address[]>();
  readonly nodeTaskList = new Map<Address, bigint[]>();
  readonly validatorTaskList = new Map<Address, bigint[]>();
  readonly availableRewardTasks = new Map<Address, EnumerableSet<bigint>>();
  /** key `${task}|${user}|${role}` */
  readonly unlockedByRole = new Map<string, bigint>();
  readonly totalStakesMap = new Map<Address, bigint>();
  readonly nodeInTaskMap = new Map<bigint, Map<Address, true>>();
  readonly taskFinishedTs = new Map<bigint, bigint>();

  constructor(w: World, address: Address = 'TaskManager') {
    super(w, address);
    this.v2 = w.protocol === 'v2';
    this.kind = this.v2 ? 'TaskManagerV2' : 'TaskManagerV1';
  }

  // ---- wiring: the peers, resolved through the config at call time (docs/contracts.md#config-layout) ----
  protected flock(): FlockToken {
    return this.w.at(cfg(this, CFG.FlockToken));
  }
  /** V1 stakes FLOCK, V2 stakes gmFLOCK (docs/model.md#protocol-versions). */
  protected stakeToken(): Erc20 {
    return this.w.at(cfg(this, this.v2 ? CFG.GmFlockToken : CFG.FlockToken));
  }
  protected stakeInfo(): StakeInfo {
    return this.w.at(cfg(this, this.v2 ? CFG.StakeInfoV2 : CFG.StakeInfoV1));
  }
  protected poolManager(): PoolManager {
    return this.w.at(cfg(this, CFG.PoolManager));
  }

  // ---- access (docs/contracts.md#roles): V1 is onlyAdmin everywhere ----
  protected asProtocolManager(sender: Address): void {
    if (this.v2) this.onlyProtocolManager(sender);
    else this.onlyAdmin(sender);
  }
  protected asRewardOperator(sender: Address): void {
    if (this.v2) this.onlyRewardOperator(sender);
    else this.onlyAdmin(sender);
  }
  protected asDaoAdmin(sender: Address): void {
    if (this.v2) this.onlyDaoAdmin(sender);
    else this.onlyAdmin(sender);
  }
  private setParam(sender: Address, key: keyof TaskManagerParams, value: bigint): void {
    this.asProtocolManager(sender);
    this.w.j.set(this.s, key, value as never);
  }

  // ---- setters ----
  setBaseStakeAmount(s: Address, v: bigint) {
    this.setParam(s, 'baseStakeAmount', v);
  }
  setRewardTokenPerDay(s: Address, v: bigint) {
    this.setParam(s, 'rewardTokenPerDay', v);
  }
  setLockedRewardPercentage(s: Address, v: bigint) {
    this.setParam(s, 'lockedRewardPercentage', v);
  }
  setUnlockedRewardPercentage(s: Address, v: bigint) {
    this.setParam(s, 'unlockedRewardPercentage', v);
  }
  setRewardPercentageBase(s: Address, v: bigint) {
    this.setParam(s, 'rewardPercentageBase', v);
  }
  setMinNodeStakes(s: Address, v: bigint) {
    this.setParam(s, 'minNodeStakes', v);
  }
  setMaxDuration(s: Address, v: bigint) {
    this.setParam(s, 'maxDuration', v);
  }
  setValidatorMinStake(s: Address, v: bigint) {
    this.setParam(s, 'validatorMinStake', v);
  }
  setValidatorFeeWithdrawalPercentage(s: Address, v: bigint) {
    this.setParam(s, 'validatorWithdrawalFeePercentage', v);
  }
  setGamma(s: Address, v: bigint) {
    this.setParam(s, 'gamma', v);
  }
  setFeePercentage(s: Address, v: bigint) {
    this.setParam(s, 'feePercentage', v);
  }
  setDailyMintResetCount(s: Address, v: bigint) {
    this.setParam(s, 'dailyMintResetCount', v);
  }
  setDailyMintDecayPercentage(s: Address, v: bigint) {
    this.setParam(s, 'dailyMintDecayPercentage', v);
  }
  setCurrentDailyMintCount(s: Address, v: bigint) {
    this.setParam(s, 'currentDailyMintCount', v);
  }
  setDaysToFreezeSigmaBefore(s: Address, v: bigint) {
    this.setParam(s, 'daysToFreezeSigmaBefore', v);
  }
  setDaysToFreezeSigmaAfter(s: Address, v: bigint) {
    this.setParam(s, 'daysToFreezeSigmaAfter', v);
  }
  setConfig(sender: Address, config: Address) {
    this.asDaoAdmin(sender);
    this.w.j.set(this.s, 'config', config);
  }
  /** V2: the per-day amount may not exceed the DAO's ceiling (docs/model.md#emission-and-decay). */
  setRewardParameters(sender: Address, locked: bigint, base: bigint, perDay: bigint) {
    this.asProtocolManager(sender);
    require(perDay <= this.s.maxRewardTokenPerDay, 'Reward token per day exceeds max limit');
    const j = this.w.j;
    j.set(this.s, 'lockedRewardPercentage', locked);
    j.set(this.s, 'rewardPercentageBase', base);
    j.set(this.s, 'rewardTokenPerDay', perDay);
  }
  setMinStakes(sender: Address, node: bigint, validator: bigint) {
    this.asProtocolManager(sender);
    this.w.j.set(this.s, 'minNodeStakes', node);
    this.w.j.set(this.s, 'validatorMinStake', validator);
  }
  setUpLinearDepositor(sender: Address, depositor: Address, days: bigint) {
    this.asProtocolManager(sender);
    this.w.j.set(this.s, 'linearVestingDepositor', depositor);
    this.w.j.set(this.s, 'lockupRewardVestingPeriodInDays', days);
  }
  setMaxRewardTokenPerDay(sender: Address, v: bigint) {
    this.asDaoAdmin(sender);
    this.w.j.set(this.s, 'maxRewardTokenPerDay', v);
  }
  transferToken(sender: Address, to: Address, amount: bigint) {
    this.asDaoAdmin(sender);
    require(this.flock().transfer(this.address, to, amount), 'Token transfer failed');
  }
  /** Turns the slashing hook on or off (admin only; genesis calls it for `"aiArenaSlashing": true`; docs/contracts.md#slashing-hook). */
  setSlashingEnabled(sender: Address, enabled: boolean) {
    this.onlyAdmin(sender);
    this.w.j.set(this.s, 'slashingEnabled', enabled);
  }
  /** StakeInfo's callback with a user's total stake; only StakeInfo may call it (docs/contracts.md#stakeinfo-stand-in). */
  setTotalStakes(sender: Address, user: Address, total: bigint) {
    require(sender === cfg(this, this.v2 ? CFG.StakeInfoV2 : CFG.StakeInfoV1), 'Only stake info contract can call this function');
    this.w.j.mset(this.totalStakesMap, user, total);
  }

  // ---- views ----
  flockToken(): Address {
    return ZERO_ADDRESS;
  }
  config(): Address {
    return this.s.config;
  }
  override configOf(): Address {
    return this.s.config;
  }
  tasks(_s: Address, id: bigint): Task {
    return this.tasksMap.get(id) ?? { id: 0n, isCompleted: false, creator: ZERO_ADDRESS, startTime: 0n, expectedDuration: 0n, stakeAmount: 0n, taskName: '' };
  }
  taskIds(_s: Address, i: bigint): bigint {
    return at(this.taskIdList, i);
  }
  activeTaskIds(_s: Address, i: bigint): bigint {
    return at(this.activeTaskIdList, i);
  }
  taskValidators(_s: Address, t: bigint, i: bigint): Address {
    return at(this.taskValidatorList.get(t) ?? [], i);
  }
  nodeTasks(_s: Address, u: Address, i: bigint): bigint {
    return at(this.nodeTaskList.get(u) ?? [], i);
  }
  validatorTasks(_s: Address, u: Address, i: bigint): bigint {
    return at(this.validatorTaskList.get(u) ?? [], i);
  }
  nodeStakes(_s: Address, t: bigint, u: Address): bigint {
    return get2(this.nodeStakesMap, t, u) ?? 0n;
  }
  validatorStakes(_s: Address, t: bigint, u: Address): bigint {
    return get2(this.validatorStakesMap, t, u) ?? 0n;
  }
  getNodeStakes(s: Address, t: bigint, u: Address): bigint {
    return this.nodeStakes(s, t, u);
  }
  getValidatorStakes(s: Address, t: bigint, u: Address): bigint {
    return this.validatorStakes(s, t, u);
  }
  lockedRewardsForNodes(_s: Address, t: bigint): bigint {
    return this.lockedRewards.get(t) ?? 0n;
  }
  latestRewardForNodes(_s: Address, t: bigint): bigint {
    return this.latestNodes.get(t) ?? 0n;
  }
  latestRewardForValidators(_s: Address, t: bigint): bigint {
    return this.latestValidators.get(t) ?? 0n;
  }
  latestRewardForDelegators(_s: Address, t: bigint, u: Address): bigint {
    return get2(this.latestDelegators, t, u) ?? 0n;
  }
  userRewards(_s: Address, u: Address): bigint {
    return this.userRewardsMap.get(u) ?? 0n;
  }
  taskRewards(_s: Address, t: bigint): bigint {
    return this.taskRewardsMap.get(t) ?? 0n;
  }
  unlockedRewardsByRole(_s: Address, t: bigint, u: Address, role: bigint): bigint {
    return this.unlockedByRole.get(`${t}|${u}|${role}`) ?? 0n;
  }
  totalStakes(_s: Address, u: Address): bigint {
    return this.totalStakesMap.get(u) ?? 0n;
  }
  getTotalStakes(s: Address, u: Address): bigint {
    return this.totalStakes(s, u);
  }
  nodeInTask(_s: Address, t: bigint, u: Address): boolean {
    return get2(this.nodeInTaskMap, t, u) ?? false;
  }
  taskFinishedTimestamp(_s: Address, t: bigint): bigint {
    return this.taskFinishedTs.get(t) ?? 0n;
  }
  isTaskCompleted(_s: Address, t: bigint): boolean {
    return this.tasksMap.get(t)?.isCompleted ?? false;
  }
  getAvailableRewardTasksForUser(_s: Address, u: Address): bigint[] {
    return [...(this.availableRewardTasks.get(u)?.values ?? [])];
  }
  getNodeTasks(_s: Address, u: Address): bigint[] {
    return [...(this.nodeTaskList.get(u) ?? [])];
  }
  getValidatorTasks(_s: Address, u: Address): bigint[] {
    return [...(this.validatorTaskList.get(u) ?? [])];
  }
  /** Public state the deployed source declares but no function of either version writes: always 0. */
  taskStakes(): bigint {
    return 0n;
  }
  delegatorStakes(): bigint {
    return 0n;
  }
  validatorDelegatorStakes(): bigint {
    return 0n;
  }
  validatorTotalDelegatorStakes(): bigint {
    return 0n;
  }
  delegatorValidatorStakes(): bigint {
    return 0n;
  }
  flTaskStakes(): bigint {
    return 0n;
  }
  totalNodeStakesPerTask(): bigint {
    return 0n;
  }
  totalValidatorStakesPerTask(): bigint {
    return 0n;
  }
  totalDelegatorStakesPerTaskPerValidator(): bigint {
    return 0n;
  }

  /**
   * V2 σ freeze (docs/model.md#sigma-bounds-cooldown-and-freeze): true if the user is a node in an
   * `activeTaskIds` task and `end − daysBefore·1d < now < end + daysAfter·1d`, both strict. The
   * upper bound is tested first, so `end − daysBefore·1d` is only computed (and can only
   * underflow) inside the window's upper bound.
   */
  isNodePoolFreezing(_s: Address, user: Address): boolean {
    const now = this.w.now;
    for (const t of this.activeTaskIdList) {
      if (!get2(this.nodeInTaskMap, t, user)) continue;
      const task = this.tasksMap.get(t)!;
      const end = add(task.startTime, task.expectedDuration);
      if (add(end, mul(this.s.daysToFreezeSigmaAfter, DAY)) > now && sub(end, mul(this.s.daysToFreezeSigmaBefore, DAY)) < now) return true;
    }
    return false;
  }
}

function at<T>(arr: T[], i: bigint): T {
  // A public array getter past the end reverts with no data (no panic code).
  if (i >= BigInt(arr.length)) throw new Revert('');
  return arr[Number(i)];
}
