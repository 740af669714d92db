/**
 * The AI Arena task manager ("MainManager"): `FlockTaskManagerUpgradeable` (V1) and
 * `FlockTaskManagerV2Upgradeable` (V2.1). The two share most of their code; every difference is a
 * `this.v2` branch (docs/model.md#protocol-versions). This file is the task lifecycle: the
 * initializer, tasks, stakes and withdrawals, claims, the daily mint, the FL Alliance share, the
 * pool callback and the slashing hook. The storage, setters and getters are in
 * taskManagerStorage.ts, the reward uploads in taskManagerRewards.ts (this class extends both),
 * and the reward arithmetic in math/rewardSplit.ts (docs/model.md#ai-arena-rewards).
 */
import { EnumerableSet } from '../evm/enumerableSet.js';
import { get2, set2 } from '../evm/journal.js';
import { Revert, add, mul, require, sub } from '../evm/revert.js';
import { afterMint, MIN_MINT_SPACING } from '../math/emission.js';
import { claimFee, pctOf } from '../math/rewardSplit.js';
import { DAY, ROLE, ROLES, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import type { Pool } from './pool.js';
import type { FLTask, FLTaskManager } from './flTask.js';
import type { IMainManager } from './interfaces.js';
import { TaskManagerRewards } from './taskManagerRewards.js';

export type { Task, TaskManagerParams } from './taskManagerStorage.js';

export class TaskManager extends TaskManagerRewards implements IMainManager {
  /**
   * V1: the initializer's values. V2: it sets no parameter, so all stay 0 until genesis calls
   * the setters (docs/contracts.md#default-parameters, docs/model.md#protocol-versions).
   */
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

  // ---- task lifecycle ----
  /**
   * The creator's stake `⌊baseStakeAmount·duration / 1d⌋` is pulled first, then the task is
   * recorded, and a non-zero stake goes to StakeInfo under the VALIDATOR role
   * (docs/model.md#task-weights, ASSUMPTIONS.md A-tm-order).
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
   * Shared body of the two stake functions (ASSUMPTIONS.md A-tm-order, A-tm-lists): the stake map
   * grows before the minimum check and the pull; the event carries the cumulative stake. A first
   * stake (cumulative = additional) lists the task: a node before StakeInfo.addStakes, a validator
   * after it. V2 marks `nodeInTask` on every node stake, after the reward-task set.
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

  /**
   * Full withdrawal after completion; V1 validators leave `validatorWithdrawalFeePercentage`
   * behind (docs/model.md#v1-validator-withdrawal-fee).
   */
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
   * docs/model.md#claim-fees, ASSUMPTIONS.md A-tm-claim: no `> 0` check; both transfers are always
   * made, the fee to the FLOCK token's own address (a fee percentage above the base underflows:
   * panic 0x11). Then the reward-task set is walked from its last entry to its first: the NODE,
   * VALIDATOR and DELEGATOR unlocked rewards are zeroed and completed tasks removed (the walk order
   * decides the set's order after swap-and-pop removals).
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
   * (docs/model.md#emission-and-decay); the mint timestamp is stamped after the mint.
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

  /** docs/model.md#fl-alliance-share: each FL task gets `R·S_f/(S_arena + Σ S_fl)`; the sum is kept for the uploads. */
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

  /**
   * Pool callback (docs/contracts.md#roles: only a registered pool): resolves the user's pool,
   * checks that the caller is a pool, re-tallies the user's delegation in StakeInfo
   * (`retallyDelegation`, docs/model.md#task-weights) and reports the user's pool's total.
   */
  afterDelegationUpdate(sender: Address, user: Address): void {
    const pm = this.poolManager();
    const pool = pm.getMiniPool(this.address, user);
    require(pm.isPool(this.address, sender), 'Not a pool');
    this.stakeInfo().retallyDelegation(this.address, user);
    this.w.emit(this.address, 'DelegationAmountChanged', user, this.w.at<Pool>(pool).getTotalDelegationAmount());
  }

  /**
   * The optional AI Arena slashing hook (docs/model.md#ai-arena-slashing-hook, ASSUMPTIONS.md
   * A-slash-hook): `floor(stake·ppm/1e6)` of the user's node or validator stake goes to the stake
   * token's own address.
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

function listOf<K, T>(j: import('../evm/journal.js').Journal, m: Map<K, T[]>, k: K): T[] {
  let l = m.get(k);
  if (!l) {
    l = [];
    j.mset(m, k, l);
  }
  return l;
}

export { Revert };
