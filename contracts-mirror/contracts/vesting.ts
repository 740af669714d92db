/** `LinearVestingRewards` (verified source; docs/model.md#node-vesting): where V2 final node rewards vest. */
import { AccessControlled } from '../evm/accessControl.js';
import { add, require } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { dueAt, type Grant } from '../math/vesting.js';
import { MAX_UINT128, ROLES, ZERO_ADDRESS, type Address } from '../units.js';
import type { Erc20 } from '../evm/erc20.js';
import { listSum, trackedList } from '../evm/runningSums.js';

export class Vesting extends AccessControlled {
  readonly kind = 'Vesting';
  readonly s = { rewardToken: ZERO_ADDRESS as Address };
  readonly grants = new Map<Address, Grant[]>();
  /** Σ (amount − claimed) over every active grant, kept by the journal's list writes (docs/architecture.md#incremental-checks). */
  readonly owed = listSum<Grant>((g) => g.amount - g.claimed);

  constructor(w: World, address: Address = 'Vesting') {
    super(w, address);
  }

  initialize(sender: Address, token: Address): void {
    this.initializer();
    require(token !== ZERO_ADDRESS, 'token=0');
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
    this.w.j.set(this.s, 'rewardToken', token);
  }

  rewardToken(): Address {
    return this.s.rewardToken;
  }

  /** The amount is stored as uint128 (silent truncation, as deployed). */
  depositReward(sender: Address, user: Address, amount: bigint, start: bigint, duration: bigint): void {
    this.onlyAdmin(sender);
    require(user !== ZERO_ADDRESS, 'user=0');
    require(amount > 0n, 'amount=0');
    this.w.at<Erc20>(this.s.rewardToken).transferFrom(this.address, sender, this.address, amount);
    const j = this.w.j;
    let list = this.grants.get(user);
    if (!list) {
      list = trackedList(this.owed);
      j.mset(this.grants, user, list);
    }
    j.push(list, { amount: amount & MAX_UINT128, claimed: 0n, start, duration });
    this.w.emit(this.address, 'RewardDeposited', user, BigInt(list.length - 1), amount, start, duration);
  }

  /** Pays everything vested across the caller's grants; fully claimed grants are swap-popped. */
  claim(sender: Address): void {
    const list = this.grants.get(sender) ?? [];
    const j = this.w.j;
    let total = 0n;
    for (let i = 0; i < list.length; ) {
      const g = list[i];
      const due = dueAt(g, this.w.now);
      let claimed = g.claimed;
      if (due > 0n) {
        claimed += due;
        total = add(total, due);
        j.aset(list, i, { ...g, claimed });
      }
      if (claimed >= g.amount) {
        j.aset(list, i, list[list.length - 1]);
        j.pop(list);
      } else i++;
    }
    require(total > 0n, 'nothing vested');
    this.w.at<Erc20>(this.s.rewardToken).transfer(this.address, sender, total);
    this.w.emit(this.address, 'RewardClaimed', sender, total);
  }

  activeGrantCount(_s: Address, user: Address): bigint {
    return BigInt(this.grants.get(user)?.length ?? 0);
  }

  getActiveGrant(_s: Address, user: Address, index: bigint): Grant {
    const list = this.grants.get(user) ?? [];
    require(index < BigInt(list.length), 'index OOB');
    const g = list[Number(index)];
    return { amount: g.amount, claimed: g.claimed, start: g.start, duration: g.duration };
  }

  claimable(s: Address, user: Address): bigint {
    return this.claimableAt(s, user, this.w.now);
  }

  /** Σ over active grants of what vested by `ts` beyond what was claimed; a `ts` before the last claim adds 0, never a negative. */
  claimableAt(_s: Address, user: Address, ts: bigint): bigint {
    let sum = 0n;
    for (const g of this.grants.get(user) ?? []) sum = add(sum, dueAt(g, ts));
    return sum;
  }
}
