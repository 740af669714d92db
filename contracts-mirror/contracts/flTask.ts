/**
 * FL Alliance: `FLTaskManager` and `FLTask:<id>`, the project-defined integer interface of
 * docs/contracts.md#fl-alliance-task-interface (the live FL contract is not public and computes in quad floats).
 */
import { AccessControlled } from '../evm/accessControl.js';
import { Contract, type World } from '../evm/world.js';
import { add, require } from '../evm/revert.js';
import { owedFor, roundReward, slashAmounts } from '../math/flRound.js';
import { ROLES, ZERO_ADDRESS, type Address } from '../units.js';
import { cfg, CFG } from './config.js';
import type { Erc20 } from '../evm/erc20.js';

export class FLTaskManager extends AccessControlled {
  readonly kind = 'FLTaskManager';
  readonly taskList: Address[] = [];
  readonly byId = new Map<bigint, Address>();

  constructor(w: World, address: Address = 'FLTaskManager') {
    super(w, address);
  }

  initialize(sender: Address): void {
    this.initializer();
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
  }

  /** Creates `FLTask:<taskId>` and pulls the initial reward pool from the caller. */
  createTask(sender: Address, taskId: bigint, rounds: bigint, minStake: bigint, initialPool: bigint, slashPpm: bigint): void {
    this.onlyAdmin(sender);
    require(!this.byId.has(taskId), 'Task exists');
    require(rounds > 0n, 'Invalid rounds');
    const task = this.w.deploy(new FLTask(this.w, `FLTask:${taskId}`, this.address, taskId, rounds, minStake, slashPpm));
    this.w.j.mset(this.byId, taskId, task.address);
    this.w.j.push(this.taskList, task.address);
    this.w.at<Erc20>(cfg(this, CFG.FlockToken)).transferFrom(this.address, sender, task.address, initialPool);
    this.w.j.set(task.s, 'rewardPool', initialPool);
    this.w.emit(this.address, 'FLTaskCreated', taskId, task.address);
  }

  /** Unfinished tasks, in creation order. */
  getTasks(): Address[] {
    return this.taskList.filter((a) => !this.w.at<FLTask>(a).s.finished);
  }

  isManagerAdmin(a: Address): boolean {
    return this.has(ROLES.DEFAULT_ADMIN_ROLE, a);
  }
}

interface Round {
  proposers: Address[];
  voters: Address[];
  stake: Map<Address, bigint>;
  votes: Map<Address, bigint>;
  finalized: boolean;
}

export interface FLTaskState {
  taskId: bigint;
  totalNumberOfRounds: bigint;
  minStakeThreshold: bigint;
  slashPercentage: bigint;
  rewardPool: bigint;
  totalStakes: bigint;
  /** Rewards finalized but not yet claimed. */
  totalOwed: bigint;
  currentRound: bigint;
  roundInProgress: boolean;
  finished: boolean;
}

export class FLTask extends Contract {
  readonly kind = 'FLTask';
  readonly s: FLTaskState;
  readonly stakes = new Map<Address, bigint>();
  readonly rounds: Round[] = [];
  /** `${round}|${user}` → owed FLOCK */
  readonly owed = new Map<string, bigint>();
  /** `${round}|${user}` → true while slashable, false once slashed */
  readonly slashable = new Map<string, boolean>();

  constructor(
    w: World,
    address: Address,
    readonly manager: Address,
    taskId: bigint,
    rounds: bigint,
    minStake: bigint,
    slashPpm: bigint,
  ) {
    super(w, address);
    this.s = {
      taskId,
      totalNumberOfRounds: rounds,
      minStakeThreshold: minStake,
      slashPercentage: slashPpm,
      rewardPool: 0n,
      totalStakes: 0n,
      totalOwed: 0n,
      currentRound: 0n,
      roundInProgress: false,
      finished: false,
    };
  }

  private flock(): Erc20 {
    return this.w.at(cfg(this, CFG.FlockToken));
  }
  private onlyAdmin(sender: Address): void {
    require(this.w.at<FLTaskManager>(this.manager).isManagerAdmin(sender), 'Restricted to admins');
  }

  rewardPool(): bigint {
    return this.s.rewardPool;
  }
  currentRound(): bigint {
    return this.s.currentRound;
  }
  totalNumberOfRounds(): bigint {
    return this.s.totalNumberOfRounds;
  }
  stakeOf(_s: Address, u: Address): bigint {
    return this.stakes.get(u) ?? 0n;
  }
  owedReward(_s: Address, round: bigint, u: Address): bigint {
    return this.owed.get(`${round}|${u}`) ?? 0n;
  }
  getTotalStakes(): bigint {
    return this.s.totalStakes;
  }
  isFinished(): boolean {
    return this.s.finished;
  }

  stake(sender: Address, amount: bigint): void {
    const total = add(this.stakes.get(sender) ?? 0n, amount);
    require(total >= this.s.minStakeThreshold, 'Stake below threshold');
    this.flock().transferFrom(this.address, sender, this.address, amount);
    this.w.j.mset(this.stakes, sender, total);
    this.w.j.set(this.s, 'totalStakes', this.s.totalStakes + amount);
    this.w.emit(this.address, 'Staked', sender, amount);
  }

  /** Daily funding from the AI Arena task manager (docs/model.md#fl-alliance-share). */
  fundRewardPool(sender: Address, amount: bigint): void {
    this.flock().transferFrom(this.address, sender, this.address, amount);
    this.w.j.set(this.s, 'rewardPool', this.s.rewardPool + amount);
  }

  /** The simulator draws the roles; round stakes are snapshotted now. */
  startRound(sender: Address, proposers: Address[], voters: Address[]): void {
    this.onlyAdmin(sender);
    require(!this.s.roundInProgress, 'Round in progress');
    require(!this.s.finished, 'Task finished');
    const stake = new Map<Address, bigint>();
    for (const u of [...proposers, ...voters]) {
      const x = this.stakes.get(u) ?? 0n;
      require(x > 0n, 'Not a participant');
      stake.set(u, x);
    }
    this.w.j.push(this.rounds, { proposers: [...proposers], voters: [...voters], stake, votes: new Map(), finalized: false });
    this.w.j.set(this.s, 'roundInProgress', true);
    this.w.emit(this.address, 'RoundStarted', this.s.currentRound);
  }

  vote(sender: Address, score: bigint): void {
    const r = this.s.roundInProgress ? this.rounds[Number(this.s.currentRound)] : undefined;
    require(r !== undefined && r.voters.includes(sender), 'Not a voter');
    require(!r.votes.has(sender), 'Already voted');
    this.w.j.mset(r.votes, sender, score);
    this.w.emit(this.address, 'Voted', this.s.currentRound, sender, score);
  }

  /**
   * Accept iff Σ sign(vote)·roundStake ≥ 0. Eligible: all proposers plus ≥0 voters on accept,
   * <0 voters on reject; each is owed its two-floor pro-rata share of pool/roundsLeft; every
   * other participant (non-voters included) becomes slashable.
   */
  finalizeRound(sender: Address): void {
    require(this.s.roundInProgress, 'No round in progress');
    const index = this.s.currentRound;
    const r = this.rounds[Number(index)];
    const isAdmin = this.w.at<FLTaskManager>(this.manager).isManagerAdmin(sender);
    require(isAdmin || r.votes.size === r.voters.length, 'Votes pending');
    let aggregate = 0n;
    for (const [u, v] of r.votes) aggregate += v > 0n ? r.stake.get(u)! : v < 0n ? -r.stake.get(u)! : 0n;
    const accepted = aggregate >= 0n;
    const eligible: Address[] = accepted ? [...r.proposers] : [];
    for (const u of r.voters) {
      const v = r.votes.get(u);
      if (v !== undefined && (accepted ? v >= 0n : v < 0n)) eligible.push(u);
    }
    const reward = roundReward(this.s.rewardPool, this.s.totalNumberOfRounds - index);
    let total = 0n;
    for (const u of eligible) total += r.stake.get(u)!;
    const j = this.w.j;
    let paid = 0n;
    if (total > 0n) {
      for (const u of eligible) {
        const o = owedFor(reward, r.stake.get(u)!, total);
        const key = `${index}|${u}`;
        j.mset(this.owed, key, (this.owed.get(key) ?? 0n) + o);
        paid += o;
      }
    }
    for (const u of [...r.proposers, ...r.voters]) {
      if (!eligible.includes(u)) j.mset(this.slashable, `${index}|${u}`, true);
    }
    j.set(this.s, 'rewardPool', this.s.rewardPool - paid);
    j.set(this.s, 'totalOwed', this.s.totalOwed + paid);
    j.set(r, 'finalized', true);
    j.set(this.s, 'roundInProgress', false);
    j.set(this.s, 'currentRound', index + 1n);
    if (index + 1n === this.s.totalNumberOfRounds) j.set(this.s, 'finished', true);
    this.w.emit(this.address, 'RoundFinalized', index, accepted, reward);
  }

  claimReward(sender: Address, round: bigint): void {
    const key = `${round}|${sender}`;
    const amount = this.owed.get(key) ?? 0n;
    require(amount > 0n, 'Nothing to claim');
    this.w.j.mset(this.owed, key, 0n);
    this.w.j.set(this.s, 'totalOwed', this.s.totalOwed - amount);
    this.flock().transfer(this.address, sender, amount);
    this.w.emit(this.address, 'RewardClaimed', round, sender, amount);
  }

  /** `s = min(roundStake·slash%/1e6, stake)`: 9/10 to the pool, the rest to the caller. */
  slash(sender: Address, participant: Address, round: bigint): void {
    const key = `${round}|${participant}`;
    require(this.slashable.get(key) === true, 'Not slashable');
    const r = this.rounds[Number(round)];
    const stake = this.stakes.get(participant) ?? 0n;
    const { slashed, toPool, toCaller } = slashAmounts(r.stake.get(participant)!, this.s.slashPercentage, stake);
    const j = this.w.j;
    j.mset(this.slashable, key, false);
    j.mset(this.stakes, participant, stake - slashed);
    j.set(this.s, 'totalStakes', this.s.totalStakes - slashed);
    j.set(this.s, 'rewardPool', this.s.rewardPool + toPool);
    this.flock().transfer(this.address, sender, toCaller);
    this.w.emit(this.address, 'Slashed', round, participant, sender, slashed);
  }
}

export { ZERO_ADDRESS };
