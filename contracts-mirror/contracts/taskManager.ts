/**
 * The AI Arena task manager ("MainManager"): `FlockTaskManagerUpgradeable` (V1, contracts.md §4.1,
 * abi.md §6) and `FlockTaskManagerV2Upgradeable` (V2.1, §4.2, abi.md §7). The two share most of
 * their code; every difference is a `this.v2` branch in this file. Reward arithmetic lives in
 * math/rewardSplit.ts (contracts.md §5).
 */
import { Rbac } from '../evm/accessControl.js';
import { EnumerableSet } from '../evm/enumerableSet.js';
import { get2, set2 } from '../evm/journal.js';
import { Revert, add, mul, panic, require, sub } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { afterMint, MIN_MINT_SPACING } from '../math/emission.js';
import {
  claimFee,
  gammaSplit,
  lockedPart,
  pctOf,
  sigmaSplit,
  taskPot,
  v1DelegatorCut,
  unlockedNodeShare,
} from '../math/rewardSplit.js';
import { DAY, ROLE, ROLES, ZERO_ADDRESS, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import type { Erc20 } from '../evm/erc20.js';
import type { FlockToken } from './flockToken.js';
import type { StakeInfo } from './stakeInfo.js';
import type { PoolManager } from './poolManager.js';
import type { Pool } from './pool.js';
import type { Vesting } from './vesting.js';
import type { FLTask, FLTaskManager } from './flTask.js';
import type { IMainManager } from './interfaces.js';

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
  /** The optional AI Arena slashing hook (stand-ins.md §7.2); genesis turns it on for traces that ask. */
  slashingEnabled: boolean;
}

const TEN_DAYS = 10n * DAY;

export class TaskManager extends Rbac implements IMainManager {
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
  readonly nodeStakesMap = new Map<bigint, Map<Address, bigint>>();
  readonly validatorStakesMap = new Map<bigint, Map<Address, bigint>>();
  readonly lockedRewards = new Map<bigint, bigint>();
  readonly latestNodes = new Map<bigint, bigint>();
  readonly latestValidators = new Map<bigint, bigint>();
  /** task → validator → the delegators' cut of its last V1 validator upload (V2 never writes it). */
  readonly latestDelegators = new Map<bigint, Map<Address, bigint>>();
  readonly taskRewardsMap = new Map<bigint, bigint>();
  readonly userRewardsMap = new Map<Address, bigint>();
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

  /** V1: the initializer's values (abi.md §6). V2: everything stays 0 (abi.md §7). */
  initialize(sender: Address, config: Address): void {
    this.initializer();
    const j = this.w.j;
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
    if (this.v2) this.grant(ROLES.DAO_ADMIN, sender, sender);
    j.set(this.s, 'config', config);
    if (this.v2) return;
    const s = this.s;
    j.set(s, 'baseStakeAmount', 0n);
    j.set(s, 'maxDuration', 30n * DAY);
    j.set(s, 'minNodeStakes', 10n * 10n ** 18n);
    j.set(s, 'rewardTokenPerDay', 1074n * 10n ** 18n);
    j.set(s, 'rewardPercentageForNodes', 700_000n);
    j.set(s, 'rewardPercentageForValidators', 300_000n);
    j.set(s, 'lockedRewardPercentage', 900_000n);
    j.set(s, 'unlockedRewardPercentage', 100_000n);
    j.set(s, 'rewardPercentageBase', 1_000_000n);
    j.set(s, 'validatorMinStake', 50n * 10n ** 18n);
    j.set(s, 'validatorWithdrawalFeePercentage', 150_000n);
  }

  // ---- wiring (abi.md §3.5) ----
  private flock(): FlockToken {
    return this.w.at(cfg(this, CFG.FlockToken));
  }
  /** V1 stakes FLOCK, V2 stakes gmFLOCK (contracts.md §4.2). */
  private stakeToken(): Erc20 {
    return this.w.at(cfg(this, this.v2 ? CFG.GmFlockToken : CFG.FlockToken));
  }
  private stakeInfo(): StakeInfo {
    return this.w.at(cfg(this, this.v2 ? CFG.StakeInfoV2 : CFG.StakeInfoV1));
  }
  private poolManager(): PoolManager {
    return this.w.at(cfg(this, CFG.PoolManager));
  }

  // ---- access (contracts.md §2): V1 is onlyAdmin everywhere ----
  private asProtocolManager(sender: Address): void {
    if (this.v2) this.onlyProtocolManager(sender);
    else this.onlyAdmin(sender);
  }
  private asRewardOperator(sender: Address): void {
    if (this.v2) this.onlyRewardOperator(sender);
    else this.onlyAdmin(sender);
  }
  private asDaoAdmin(sender: Address): void {
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
  /** V2: the per-day amount may not exceed the DAO's ceiling (contracts.md §4.2). */
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
  /** Turns the slashing hook on or off (admin only; genesis calls it for `"aiArenaSlashing": true`). */
  setSlashingEnabled(sender: Address, enabled: boolean) {
    this.onlyAdmin(sender);
    this.w.j.set(this.s, 'slashingEnabled', enabled);
  }
  /** Only StakeInfo may report a user's total (abi.md §6). */
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
  /** Declared state that no function writes (abi.md §6, §7): always 0. */
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
   * V2 σ freeze (contracts.md §4.2): true if the user is a node in an `activeTaskIds` task and
   * `end − daysBefore·1d < now < end + daysAfter·1d`, both strict. The upper bound is tested
   * first, so `end − daysBefore·1d` is only computed (and can only underflow) inside the window's
   * upper bound.
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

  // ---- task lifecycle ----
  /**
   * abi.md §6 createTask: the creator's stake is pulled first, then the task is recorded, and a
   * non-zero stake goes to StakeInfo under the VALIDATOR role.
   */
  createTask(sender: Address, taskId: bigint, expectedDuration: bigint, taskName: string): void {
    this.asProtocolManager(sender);
    require(taskId !== 0n, 'Invalid task ID');
    require(expectedDuration > 0n && expectedDuration <= this.s.maxDuration, 'Invalid task duration');
    require((this.tasksMap.get(taskId)?.expectedDuration ?? 0n) === 0n, 'Task ID already exists');
    const stakeAmount = mul(this.s.baseStakeAmount, expectedDuration) / DAY;
    require(this.stakeToken().transferFrom(this.address, sender, this.address, stakeAmount), 'Stake transfer failed');
    const j = this.w.j;
    j.mset(this.tasksMap, taskId, {
      id: taskId,
      isCompleted: false,
      creator: sender,
      startTime: this.w.now,
      expectedDuration,
      stakeAmount,
      taskName,
    });
    j.push(this.taskIdList, taskId);
    if (this.v2) j.push(this.activeTaskIdList, taskId);
    if (stakeAmount > 0n) this.stakeInfo().addStakes(this.address, taskId, stakeAmount, ROLE.VALIDATOR, sender);
    this.w.emit(this.address, 'TaskCreated', taskId, sender, expectedDuration, stakeAmount);
  }

  stakeTokensForTrainingNodes(sender: Address, taskId: bigint, additional: bigint): void {
    this.stake(sender, taskId, additional, ROLE.NODE);
  }

  stakeTokensForValidators(sender: Address, taskId: bigint, additional: bigint): void {
    this.stake(sender, taskId, additional, ROLE.VALIDATOR);
  }

  /**
   * Shared body of the two stake functions (abi.md §6, §7): the stake map grows before the
   * minimum check and the pull; the event carries the cumulative stake. A first stake (cumulative
   * = additional) lists the task: a node before StakeInfo.addStakes, a validator after it. V2
   * marks `nodeInTask` on every node stake, after the reward-task set.
   */
  private stake(sender: Address, taskId: bigint, additional: bigint, role: bigint): void {
    const asNode = role === ROLE.NODE;
    const task = this.tasksMap.get(taskId);
    require(task !== undefined, 'Task does not exist');
    require(!task.isCompleted, 'Task already completed');
    const other = asNode ? this.validatorStakesMap : this.nodeStakesMap;
    require((get2(other, taskId, sender) ?? 0n) === 0n, asNode ? 'Already staked as validator' : 'Already staked as node');
    const mine = asNode ? this.nodeStakesMap : this.validatorStakesMap;
    const j = this.w.j;
    const total = add(get2(mine, taskId, sender) ?? 0n, additional);
    set2(j, mine, taskId, sender, total);
    require(total >= (asNode ? this.s.minNodeStakes : this.s.validatorMinStake), 'Stake amount is less than minimum stake amount');
    require(this.stakeToken().transferFrom(this.address, sender, this.address, additional), 'Stake transfer failed');
    const first = total === additional;
    if (asNode) {
      if (first) j.push(listOf(j, this.nodeTaskList, sender), taskId);
      this.stakeInfo().addStakes(this.address, taskId, additional, role, sender);
    } else {
      this.stakeInfo().addStakes(this.address, taskId, additional, role, sender);
      if (first) {
        j.push(listOf(j, this.validatorTaskList, sender), taskId);
        j.push(listOf(j, this.taskValidatorList, taskId), sender);
      }
    }
    this.rewardTasksOf(sender).add(j, taskId);
    if (asNode && this.v2) set2(j, this.nodeInTaskMap, taskId, sender, true);
    this.w.emit(this.address, asNode ? 'NodeStakeDeposited' : 'ValidatorStakeDeposited', taskId, sender, total);
  }

  withdrawStakeTokensForTrainingNodes(sender: Address, taskId: bigint): void {
    this.withdraw(sender, taskId, ROLE.NODE);
  }

  withdrawStakeTokensForValidators(sender: Address, taskId: bigint): void {
    this.withdraw(sender, taskId, ROLE.VALIDATOR);
  }

  /** Full withdrawal after completion; V1 validators leave `validatorWithdrawalFeePercentage` behind. */
  private withdraw(sender: Address, taskId: bigint, role: bigint): void {
    const asNode = role === ROLE.NODE;
    const mine = asNode ? this.nodeStakesMap : this.validatorStakesMap;
    const staked = get2(mine, taskId, sender) ?? 0n;
    require(staked > 0n, 'No stake found');
    require(this.tasksMap.get(taskId)?.isCompleted === true, 'Task is not yet completed');
    const j = this.w.j;
    set2(j, mine, taskId, sender, 0n);
    this.stakeInfo().removeStakes(this.address, taskId, staked, role, sender);
    let amount = staked;
    // V1 only; a fee above the base underflows (panic 0x11), as in the deployed 0.8 code.
    if (!asNode && !this.v2) amount = sub(staked, claimFee(staked, this.s.validatorWithdrawalFeePercentage, this.s.rewardPercentageBase));
    require(this.stakeToken().transfer(this.address, sender, amount), 'Stake return failed');
    this.w.emit(this.address, asNode ? 'NodeStakeWithdrawn' : 'ValidatorStakeWithdrawn', taskId, sender, amount);
  }

  /**
   * contracts.md §4.1 claimRewards: no `> 0` check; both transfers are always made, the fee to the
   * FLOCK token's own address (a fee percentage above the base underflows: panic 0x11). Then the
   * reward-task set is walked from its last entry to its first: the NODE, VALIDATOR and DELEGATOR
   * unlocked rewards are zeroed and completed tasks removed (the walk order decides the set's
   * order after swap-and-pop removals).
   */
  claimRewards(sender: Address): void {
    const j = this.w.j;
    const rewards = this.userRewardsMap.get(sender) ?? 0n;
    const fee = claimFee(rewards, this.s.feePercentage, this.s.rewardPercentageBase);
    const net = sub(rewards, fee);
    j.mset(this.userRewardsMap, sender, 0n);
    const flock = this.flock();
    require(flock.transfer(this.address, sender, net), 'Reward transfer failed');
    require(flock.transfer(this.address, flock.address, fee), 'Fee transfer failed');
    if (this.v2) this.w.emit(this.address, 'CollectFee', sender, fee);
    this.w.emit(this.address, 'RewardsClaimed', sender, net);
    const set = this.availableRewardTasks.get(sender);
    if (!set) return;
    for (let i = set.size; i > 0; i--) {
      const t = set.values[i - 1];
      for (const role of [ROLE.NODE, ROLE.VALIDATOR, ROLE.DELEGATOR]) {
        const key = `${t}|${sender}|${role}`;
        if (this.unlockedByRole.has(key)) j.mset(this.unlockedByRole, key, 0n);
      }
      if (this.tasksMap.get(t)?.isCompleted) set.remove(j, t);
    }
  }

  /**
   * V1: mints `rewardTokenPerDay`. V2: 12 h spacing and decay every `dailyMintResetCount` mints
   * (protocol.md §4.2); the mint timestamp is stamped after the mint.
   */
  mintDailyReward(sender: Address): void {
    this.asRewardOperator(sender);
    const j = this.w.j;
    if (this.v2) {
      require(sub(this.w.now, this.s.lastMintTimestamp) >= MIN_MINT_SPACING, 'Daily mint already done');
      const next = afterMint(this.s);
      j.set(this.s, 'currentDailyMintCount', next.currentDailyMintCount);
      j.set(this.s, 'rewardTokenPerDay', next.rewardTokenPerDay);
    }
    const amount = this.s.rewardTokenPerDay;
    this.flock().mint(this.address, this.address, amount);
    if (this.v2) j.set(this.s, 'lastMintTimestamp', this.w.now);
    this.w.emit(this.address, 'MintDailyReward', amount);
  }

  /** protocol.md §2.2: each FL task gets `R·S_f/(S_arena + Σ S_fl)`; the sum is kept for the uploads. */
  transferRewardsToFLTasks(sender: Address): void {
    this.asProtocolManager(sender);
    const flTasks = this.w.at<FLTaskManager>(cfg(this, CFG.TaskManager)).getTasks();
    const stakes = flTasks.map((f) => this.w.at<FLTask>(f).getTotalStakes());
    let total = this.stakeInfo().getTotalActiveTaskStakes(this.address, ROLE.NODE_VALIDATOR);
    for (const x of stakes) total += x;
    const flock = this.flock();
    let sum = 0n;
    for (let i = 0; i < flTasks.length; i++) {
      const reward = pctOf(this.s.rewardTokenPerDay, stakes[i], total);
      flock.approve(this.address, flTasks[i], reward);
      this.w.at<FLTask>(flTasks[i]).fundRewardPool(this.address, reward);
      sum += reward;
      this.w.emit(this.address, 'FLTaskRewardTransferred', flTasks[i], reward);
    }
    this.w.j.set(this.s, 'flTaskRewardAmountDaily', sum);
  }

  // ---- reward uploads (contracts.md §5) ----
  private uploadChecks(taskId: bigint, addrs: Address[], pw: bigint[], po: bigint[] | undefined): Task {
    const task = this.tasksMap.get(taskId);
    require(task !== undefined, 'Task does not exist');
    require(!task.isCompleted, 'Task already completed');
    require(addrs.length === pw.length, 'Mismatched arrays length');
    if (po) require(addrs.length === po.length, 'Mismatched arrays length');
    return task;
  }

  /** §5.2 T0 = R_arena·w_t/W; V1 weighs each pool by its own role, V2 by NODE_VALIDATOR. */
  private taskPot(taskId: bigint, role: bigint): bigint {
    const si = this.stakeInfo();
    const r = this.v2 ? ROLE.NODE_VALIDATOR : role;
    const rArena = sub(this.s.rewardTokenPerDay, this.s.flTaskRewardAmountDaily);
    return taskPot(rArena, si.getTaskWeights(this.address, taskId, r), si.getTotalActiveTaskWeights(this.address, r));
  }

  /** §5.2: the node or validator pot of the day, after the γ split unless `onlyValidators`. */
  private poolFor(taskId: bigint, role: bigint, onlyValidators = false): bigint {
    const si = this.stakeInfo();
    const t0 = this.taskPot(taskId, role);
    if (onlyValidators) return t0;
    const n = si.getTotalNodeStakesPerTask(this.address, taskId);
    const v = si.getTotalValidatorStakesPerTask(this.address, taskId);
    return gammaSplit(t0, this.s.gamma, this.s.rewardPercentageBase, role === ROLE.NODE ? n : v, n, v);
  }

  /** A participant's own reward: `unlockedRewardsByRole` first, then `userRewards`. */
  private credit(user: Address, taskId: bigint, role: bigint, amount: bigint): void {
    const j = this.w.j;
    const key = `${taskId}|${user}|${role}`;
    j.mset(this.unlockedByRole, key, add(this.unlockedByRole.get(key) ?? 0n, amount));
    j.mset(this.userRewardsMap, user, add(this.userRewardsMap.get(user) ?? 0n, amount));
  }

  /**
   * V1 `distributeRewardToDelegators`: the stake-ratio cut of protocol.md §2.7, pushed with
   * approve + fundPool (reverts without a pool); 0 and no call when the delegation is 0.
   */
  private v1Cut(taskId: bigint, user: Address, reward: bigint, role: bigint): bigint {
    const pm = this.poolManager();
    const pool = pm.getMiniPool(this.address, user);
    const sigma = pm.getPoolSigma(this.address, user);
    const d = this.stakeInfo().getDelegationTokenAmountForUser(this.address, user, taskId, role);
    if (d === 0n) return 0n;
    const own = role === ROLE.NODE ? this.nodeStakes(this.address, taskId, user) : this.validatorStakes(this.address, taskId, user);
    const cut = v1DelegatorCut(reward, sigma, d, own, this.s.rewardPercentageBase);
    this.fundPool(pool, cut);
    this.w.emit(this.address, 'UploadDelegatorRewardPerTaskPerUser', taskId, user, d, cut);
    return cut;
  }

  /** V2 `distributeRewardToDelegators`: returns quietly without a pool, else approve + fundPool even for 0. */
  private v2Distribute(taskId: bigint, user: Address, amount: bigint): void {
    const pool = this.poolManager().getMiniPool(this.address, user);
    if (pool === ZERO_ADDRESS) return;
    this.fundPool(pool, amount);
    this.w.emit(this.address, 'UploadDelegatorRewardPerTaskPerUser', taskId, user, amount);
  }

  private fundPool(pool: Address, amount: bigint): void {
    this.flock().approve(this.address, pool, amount);
    this.w.at<Pool>(pool).fundPool(this.address, amount);
  }

  private sigmaOf(user: Address): bigint {
    return this.poolManager().getPoolSigma(this.address, user);
  }

  /**
   * §5.3. `latestRewardForNodes` and the event's `rewardAmount` are both `T_node − Σ delegator
   * amounts` (V2 counts a participant's delegator amount even without a pool, where it stays in
   * the manager); `nodeStake` is read after the loop.
   */
  uploadRewardResultsForTrainingNodes(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po?: bigint[]): void {
    this.asRewardOperator(sender);
    this.uploadChecks(taskId, addrs, pw, this.v2 ? po : undefined);
    const tNode = this.poolFor(taskId, ROLE.NODE);
    const s = this.s;
    const B = s.rewardPercentageBase;
    const j = this.w.j;
    if (this.v2) j.set(s, 'unlockedRewardPercentage', sub(B, s.lockedRewardPercentage));
    j.mset(this.lockedRewards, taskId, add(this.lockedRewards.get(taskId) ?? 0n, lockedPart(s.lockedRewardPercentage, tNode, B)));
    let cuts = 0n;
    for (let i = 0; i < addrs.length; i++) {
      const user = addrs[i];
      let own: bigint;
      if (this.v2) {
        const sigma = this.sigmaOf(user);
        const a = unlockedNodeShare(s.unlockedRewardPercentage, tNode, pw[i], B);
        const b = unlockedNodeShare(s.unlockedRewardPercentage, tNode, po![i], B);
        const [mine, deleg] = sigmaSplit(a, b, sigma, B);
        this.v2Distribute(taskId, user, deleg);
        cuts = add(cuts, deleg);
        own = mine;
      } else {
        const reward = unlockedNodeShare(s.unlockedRewardPercentage, tNode, pw[i], B);
        const cut = this.v1Cut(taskId, user, reward, ROLE.NODE);
        own = sub(reward, cut);
        cuts = add(cuts, cut);
      }
      this.credit(user, taskId, ROLE.NODE, own);
      this.w.emit(this.address, 'ParticipantRewarded', user, own, this.v2 ? 0n : taskId, ROLE.NODE);
    }
    const net = sub(tNode, cuts);
    j.mset(this.latestNodes, taskId, net);
    j.mset(this.taskRewardsMap, taskId, add(this.taskRewardsMap.get(taskId) ?? 0n, tNode));
    this.w.emit(this.address, 'UploadNodeRewardPerTask', taskId, this.stakeInfo().getTotalNodeStakesPerTask(this.address, taskId), net);
  }

  uploadRewardResultsForValidators(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po?: bigint[]): void {
    this.uploadValidators(sender, taskId, addrs, pw, po, false);
  }

  /** No γ split: validators get the whole task pot (contracts.md §5.2). */
  uploadRewardResultsOnlyForValidators(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po?: bigint[]): void {
    this.uploadValidators(sender, taskId, addrs, pw, po, true);
  }

  /**
   * §5.4. `latestRewardForValidators` is the whole pot, but the event's `rewardAmount` is the sum
   * of what the validators themselves were credited (delegator cuts excluded). V1 also records
   * each listed validator's delegator cut (0 without delegation) in `latestRewardForDelegators`.
   */
  private uploadValidators(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po: bigint[] | undefined, only: boolean): void {
    this.asRewardOperator(sender);
    this.uploadChecks(taskId, addrs, pw, this.v2 ? po : undefined);
    const tVal = this.poolFor(taskId, ROLE.VALIDATOR, only);
    const B = this.s.rewardPercentageBase;
    const j = this.w.j;
    let credited = 0n;
    for (let i = 0; i < addrs.length; i++) {
      const user = addrs[i];
      let own: bigint;
      if (this.v2) {
        const sigma = this.sigmaOf(user);
        const a = pctOf(tVal, pw[i], B);
        const b = pctOf(tVal, po![i], B);
        const [mine, deleg] = sigmaSplit(a, b, sigma, B);
        this.v2Distribute(taskId, user, deleg);
        own = mine;
      } else {
        const x = pctOf(tVal, pw[i], B);
        const cut = this.v1Cut(taskId, user, x, ROLE.VALIDATOR);
        own = sub(x, cut);
        set2(j, this.latestDelegators, taskId, user, cut);
      }
      this.credit(user, taskId, ROLE.VALIDATOR, own);
      credited = add(credited, own);
      this.w.emit(this.address, 'ParticipantRewarded', user, own, this.v2 ? 0n : taskId, ROLE.VALIDATOR);
    }
    j.mset(this.latestValidators, taskId, tVal);
    j.mset(this.taskRewardsMap, taskId, add(this.taskRewardsMap.get(taskId) ?? 0n, tVal));
    this.w.emit(this.address, 'UploadValidatorRewardPerTask', taskId, this.stakeInfo().getTotalValidatorStakesPerTask(this.address, taskId), credited);
  }

  /**
   * Task end (contracts.md §5.3 Final): the locked pot L is split by the percentages.
   * V1 marks the task finished first (its own checks decide the first reverts, then the array
   * lengths), credits `userRewards` and `unlockedRewardsByRole` like a daily upload and emits
   * `UploadNodeRewardPerTask(taskId, N, L − Σ cuts)`. V2 checks existence, the two lengths, then
   * completion; vests each node's part (approve, then `depositReward`), emits
   * `UploadFinalNodeRewardPerTask(taskId, N, L − Σ delegator amounts)` and finishes the task last.
   */
  uploadFinalRewardResultsForTrainingNodes(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po?: bigint[]): void {
    this.asRewardOperator(sender);
    if (this.v2) {
      const task = this.tasksMap.get(taskId);
      require(task !== undefined, 'Task does not exist');
      require(addrs.length === pw.length, 'Mismatched arrays length');
      require(addrs.length === po!.length, 'Mismatched arrays length');
      require(!task.isCompleted, 'Task already completed');
    } else {
      this.markTaskAsFinished(taskId);
      require(this.tasksMap.get(taskId)?.isCompleted === true, 'Task not completed');
      require(addrs.length === pw.length, 'Mismatched arrays length');
    }
    const j = this.w.j;
    const s = this.s;
    const B = s.rewardPercentageBase;
    const locked = this.lockedRewards.get(taskId) ?? 0n;
    let cuts = 0n;
    for (let i = 0; i < addrs.length; i++) {
      const user = addrs[i];
      if (this.v2) {
        const sigma = this.sigmaOf(user);
        // σ = 0 keeps exactly the without-delegation share, which the split formula gives anyway.
        const [mine, deleg] = sigmaSplit(pctOf(locked, pw[i], B), pctOf(locked, po![i], B), sigma, B);
        this.v2Distribute(taskId, user, deleg);
        this.flock().approve(this.address, s.linearVestingDepositor, mine);
        this.w.at<Vesting>(s.linearVestingDepositor).depositReward(this.address, user, mine, this.w.now, mul(s.lockupRewardVestingPeriodInDays, DAY));
        cuts = add(cuts, deleg);
        this.w.emit(this.address, 'ParticipantRewarded', user, mine, taskId, ROLE.NODE);
      } else {
        const share = pctOf(locked, pw[i], B);
        const cut = this.v1Cut(taskId, user, share, ROLE.NODE);
        const own = sub(share, cut);
        this.credit(user, taskId, ROLE.NODE, own);
        cuts = add(cuts, cut);
        this.w.emit(this.address, 'ParticipantRewarded', user, own, taskId, ROLE.NODE);
      }
    }
    const nodeStake = this.stakeInfo().getTotalNodeStakesPerTask(this.address, taskId);
    this.w.emit(this.address, this.v2 ? 'UploadFinalNodeRewardPerTask' : 'UploadNodeRewardPerTask', taskId, nodeStake, sub(locked, cuts));
    j.mset(this.lockedRewards, taskId, 0n);
    if (this.v2) this.markTaskAsFinished(taskId);
  }

  /**
   * Checks existence and completion, sets isCompleted, calls StakeInfo.clearStakes; V2 then
   * stamps the time and prunes `activeTaskIds` finished more than 10 days ago (swap-pop).
   * `TaskFinished` comes last.
   */
  private markTaskAsFinished(taskId: bigint): void {
    const task = this.tasksMap.get(taskId);
    require(task !== undefined, 'Task does not exist');
    require(!task.isCompleted, 'Task already completed');
    const j = this.w.j;
    j.set(task, 'isCompleted', true);
    this.stakeInfo().clearStakes(this.address, taskId);
    if (this.v2) {
      j.mset(this.taskFinishedTs, taskId, this.w.now);
      const list = this.activeTaskIdList;
      for (let i = 0; i < list.length; ) {
        const ts = this.taskFinishedTs.get(list[i]) ?? 0n;
        if (ts !== 0n && add(ts, TEN_DAYS) < this.w.now) {
          j.aset(list, i, list[list.length - 1]);
          j.pop(list);
        } else i++;
      }
    }
    this.w.emit(this.address, 'TaskFinished', taskId);
  }

  /**
   * Pool callback (abi.md §6): resolves the user's pool, checks that the caller is a pool,
   * re-tallies the user's delegation in StakeInfo and reports the user's pool's total.
   */
  afterDelegationUpdate(sender: Address, user: Address): void {
    const pm = this.poolManager();
    const pool = pm.getMiniPool(this.address, user);
    require(pm.isPool(this.address, sender), 'Not a pool');
    this.stakeInfo().retallyDelegation(this.address, user);
    this.w.emit(this.address, 'DelegationAmountChanged', user, this.w.at<Pool>(pool).getTotalDelegationAmount());
  }

  /**
   * The optional AI Arena slashing hook (stand-ins.md §7.2): `floor(stake·ppm/1e6)` of the user's
   * node or validator stake goes to the stake token's own address.
   */
  slash(sender: Address, taskId: bigint, user: Address, ppmAmount: bigint): void {
    this.asProtocolManager(sender);
    require(this.s.slashingEnabled, 'Slashing disabled');
    const node = this.nodeStakes(sender, taskId, user);
    const role = node > 0n ? ROLE.NODE : ROLE.VALIDATOR;
    const staked = node > 0n ? node : this.validatorStakes(sender, taskId, user);
    require(staked > 0n, 'No stake');
    const amount = mul(staked, ppmAmount) / 1_000_000n;
    const j = this.w.j;
    set2(j, role === ROLE.NODE ? this.nodeStakesMap : this.validatorStakesMap, taskId, user, sub(staked, amount));
    this.stakeInfo().removeStakes(this.address, taskId, amount, role, user);
    const token = this.stakeToken();
    token.transfer(this.address, token.address, amount);
    this.w.emit(this.address, 'Slashed', taskId, user, amount);
  }

  private rewardTasksOf(user: Address): EnumerableSet<bigint> {
    let set = this.availableRewardTasks.get(user);
    if (!set) {
      set = new EnumerableSet();
      this.w.j.mset(this.availableRewardTasks, user, set);
    }
    return set;
  }
}

function at<T>(arr: T[], i: bigint): T {
  // A public array getter past the end reverts with no data (no panic code).
  if (i >= BigInt(arr.length)) throw new Revert('');
  return arr[Number(i)];
}

function listOf<K, T>(j: import('../evm/journal.js').Journal, m: Map<K, T[]>, k: K): T[] {
  let l = m.get(k);
  if (!l) {
    l = [];
    j.mset(m, k, l);
  }
  return l;
}

export { Revert };
