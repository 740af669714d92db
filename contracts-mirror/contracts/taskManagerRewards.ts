/**
 * The task manager's reward uploads: the daily node and validator uploads, the validators-only
 * upload and the final node upload at task end, with the task pot, the γ split and the delegator
 * shares they pay out (docs/model.md#ai-arena-rewards). The arithmetic itself lives in
 * math/rewardSplit.ts; this class applies it to the storage and calls the pools, StakeInfo and
 * the vesting contract in the deployed order (ASSUMPTIONS.md A-tm-events). taskManager.ts extends it.
 */
import { set2 } from '../evm/journal.js';
import { add, mul, require, sub } from '../evm/revert.js';
import { gammaSplit, lockedPart, pctOf, sigmaSplit, taskPot, v1DelegatorCut, unlockedNodeShare } from '../math/rewardSplit.js';
import { DAY, ROLE, ZERO_ADDRESS, type Address } from '../units.js';
import type { Pool } from './pool.js';
import type { Vesting } from './vesting.js';
import { TaskManagerStorage, type Task } from './taskManagerStorage.js';

const TEN_DAYS = 10n * DAY;

/** The reward uploads of the task manager. Abstract: only the full TaskManager (taskManager.ts) is deployed. */
export abstract class TaskManagerRewards extends TaskManagerStorage {
  /** The checks every daily upload makes first: the task exists and is open, and the arrays match. */
  private uploadChecks(taskId: bigint, addrs: Address[], pw: bigint[], po: bigint[] | undefined): Task {
    const task = this.tasksMap.get(taskId);
    require(task !== undefined, 'Task does not exist');
    require(!task.isCompleted, 'Task already completed');
    require(addrs.length === pw.length, 'Mismatched arrays length');
    if (po) require(addrs.length === po.length, 'Mismatched arrays length');
    return task;
  }

  /** T0 = R_arena·w_t/W (docs/model.md#per-task-share); V1 weighs each pool by its own role, V2 by NODE_VALIDATOR. */
  private taskPot(taskId: bigint, role: bigint): bigint {
    const si = this.stakeInfo();
    const r = this.v2 ? ROLE.NODE_VALIDATOR : role;
    const rArena = sub(this.s.rewardTokenPerDay, this.s.flTaskRewardAmountDaily);
    return taskPot(rArena, si.getTaskWeights(this.address, taskId, r), si.getTotalActiveTaskWeights(this.address, r));
  }

  /** The node or validator pot of the day, after the γ split unless `onlyValidators` (docs/model.md#gamma-split). */
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
   * V1 `distributeRewardToDelegators`: the stake-ratio cut of docs/model.md#v1-delegator-cut,
   * pushed with approve + fundPool (reverts without a pool); 0 and no call when the delegation is 0.
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

  /**
   * V2 `distributeRewardToDelegators` (docs/model.md#sigma-split): returns quietly without a pool,
   * else approve + fundPool even for 0.
   */
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
   * docs/model.md#locked-and-unlocked-node-rewards. `latestRewardForNodes` and the event's
   * `rewardAmount` are both `T_node − Σ delegator amounts` (V2 counts a participant's delegator
   * amount even without a pool, where it stays in the manager: ASSUMPTIONS.md A-tm-latest);
   * `nodeStake` is read after the loop (A-tm-events).
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

  /** The validators' part of the γ split (docs/model.md#validator-rewards). */
  uploadRewardResultsForValidators(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po?: bigint[]): void {
    this.uploadValidators(sender, taskId, addrs, pw, po, false);
  }

  /** No γ split: validators get the whole task pot (docs/model.md#gamma-split). */
  uploadRewardResultsOnlyForValidators(sender: Address, taskId: bigint, addrs: Address[], pw: bigint[], po?: bigint[]): void {
    this.uploadValidators(sender, taskId, addrs, pw, po, true);
  }

  /**
   * docs/model.md#validator-rewards. `latestRewardForValidators` is the whole pot, but the event's
   * `rewardAmount` is the sum of what the validators themselves were credited (delegator cuts
   * excluded: ASSUMPTIONS.md A-tm-events). V1 also records each listed validator's delegator cut
   * (0 without delegation) in `latestRewardForDelegators` (A-tm-latest).
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
   * Task end (docs/model.md#final-node-upload): the locked pot L is split by the percentages.
   * V1 marks the task finished first (its own checks decide the first reverts, then the array
   * lengths), credits `userRewards` and `unlockedRewardsByRole` like a daily upload and emits
   * `UploadNodeRewardPerTask(taskId, N, L − Σ cuts)`. V2 checks existence, the two lengths, then
   * completion; vests each node's part (approve, then `depositReward`: docs/model.md#node-vesting),
   * emits `UploadFinalNodeRewardPerTask(taskId, N, L − Σ delegator amounts)` and finishes the task
   * last (ASSUMPTIONS.md A-tm-events).
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
   * `TaskFinished` comes last (docs/model.md#final-node-upload).
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
}
