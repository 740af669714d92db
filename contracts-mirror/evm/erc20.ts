/**
 * OpenZeppelin 4.9.6 ERC20 (its revert strings: docs/contracts.md#revert-strings), with the genesis
 * allowance rule of docs/contracts.md#balances-and-allowances: every account allows every contract 2^256−1 until it approves otherwise.
 */
import { MAX_UINT256, ZERO_ADDRESS, type Address, type Wei } from '../units.js';
import { AccessControlled } from './accessControl.js';
import { add, require } from './revert.js';
import { SumMap } from './runningSums.js';

export interface Erc20State {
  name: string;
  symbol: string;
  totalSupply: bigint;
  /** Tokens destroyed by `_burn` (not an on-chain variable; `burned` of docs/traces.md#state). */
  burned: bigint;
}

export abstract class Erc20 extends AccessControlled {
  /** Keeps Σ balances for the daily conservation check (docs/architecture.md#incremental-checks). */
  readonly balances = new SumMap<Address>();
  /** Explicit allowances only; see `allowance` for the genesis default. */
  readonly allowances = new Map<Address, Map<Address, bigint>>();
  abstract readonly t: Erc20State;

  name(): string {
    return this.t.name;
  }
  symbol(): string {
    return this.t.symbol;
  }
  decimals(): bigint {
    return 18n;
  }
  totalSupply(): bigint {
    return this.t.totalSupply;
  }
  balanceOf(_sender: Address, account: Address): bigint {
    return this.balances.get(account) ?? 0n;
  }
  bal(account: Address): bigint {
    return this.balances.get(account) ?? 0n;
  }

  allowance(_sender: Address, owner: Address, spender: Address): bigint {
    const explicit = this.allowances.get(owner)?.get(spender);
    if (explicit !== undefined) return explicit;
    return !this.w.isContract(owner) && owner !== ZERO_ADDRESS && this.w.isContract(spender) ? MAX_UINT256 : 0n;
  }

  approve(sender: Address, spender: Address, amount: bigint): boolean {
    this.approveInternal(sender, spender, amount);
    return true;
  }

  increaseAllowance(sender: Address, spender: Address, added: bigint): boolean {
    this.approveInternal(sender, spender, add(this.allowance(sender, sender, spender), added));
    return true;
  }

  decreaseAllowance(sender: Address, spender: Address, subtracted: bigint): boolean {
    const current = this.allowance(sender, sender, spender);
    require(current >= subtracted, 'ERC20: decreased allowance below zero');
    this.approveInternal(sender, spender, current - subtracted);
    return true;
  }

  transfer(sender: Address, to: Address, amount: bigint): boolean {
    this.transferInternal(sender, to, amount);
    return true;
  }

  transferFrom(sender: Address, from: Address, to: Address, amount: bigint): boolean {
    this.spendAllowance(from, sender, amount);
    this.transferInternal(from, to, amount);
    return true;
  }

  /** Hook called before balances move (OZ `_beforeTokenTransfer`); `from`/`to` are ZERO for mint/burn. */
  protected beforeTokenTransfer(_from: Address, _to: Address, _amount: bigint): void {}

  protected approveInternal(owner: Address, spender: Address, amount: bigint): void {
    nonNegative(amount);
    require(owner !== ZERO_ADDRESS, 'ERC20: approve from the zero address');
    require(spender !== ZERO_ADDRESS, 'ERC20: approve to the zero address');
    let m = this.allowances.get(owner);
    if (!m) {
      m = new Map();
      this.w.j.mset(this.allowances, owner, m);
    }
    this.w.j.mset(m, spender, amount);
    this.w.emit(this.address, 'Approval', owner, spender, amount);
  }

  protected spendAllowance(owner: Address, spender: Address, amount: bigint): void {
    const current = this.allowance(spender, owner, spender);
    if (current !== MAX_UINT256) {
      require(current >= amount, 'ERC20: insufficient allowance');
      this.approveInternal(owner, spender, current - amount);
    }
  }

  transferInternal(from: Address, to: Address, amount: bigint): void {
    nonNegative(amount);
    require(from !== ZERO_ADDRESS, 'ERC20: transfer from the zero address');
    require(to !== ZERO_ADDRESS, 'ERC20: transfer to the zero address');
    this.beforeTokenTransfer(from, to, amount);
    const fromBal = this.balances.get(from) ?? 0n;
    require(fromBal >= amount, 'ERC20: transfer amount exceeds balance');
    const j = this.w.j;
    // Σ balances is unchanged by a transfer, so its running sum is left alone (msetQuiet), unless the
    // recipient's balance is negative (only a write outside every rule makes one), whose count must move.
    const toBal = this.balances.get(to) ?? 0n;
    if (toBal < 0n) {
      j.mset(this.balances, from, fromBal - amount);
      j.mset(this.balances, to, (this.balances.get(to) ?? 0n) + amount);
    } else {
      j.msetQuiet(this.balances, from, fromBal - amount);
      j.msetQuiet(this.balances, to, (this.balances.get(to) ?? 0n) + amount);
    }
    this.w.emit(this.address, 'Transfer', from, to, amount);
  }

  protected mintInternal(account: Address, amount: Wei | bigint): void {
    nonNegative(amount);
    require(account !== ZERO_ADDRESS, 'ERC20: mint to the zero address');
    this.beforeTokenTransfer(ZERO_ADDRESS, account, amount);
    const j = this.w.j;
    j.set(this.t, 'totalSupply', add(this.t.totalSupply, amount));
    const bal = this.balances.get(account) ?? 0n;
    if (bal < 0n) j.mset(this.balances, account, bal + amount);
    else {
      // The running sum moves here, outside the journal: a revert restores the balance through the map's own set, which takes it back.
      j.msetQuiet(this.balances, account, bal + amount);
      this.balances.total += amount;
    }
    this.w.emit(this.address, 'Transfer', ZERO_ADDRESS, account, amount);
  }

  protected burnInternal(account: Address, amount: bigint): void {
    nonNegative(amount);
    require(account !== ZERO_ADDRESS, 'ERC20: burn from the zero address');
    this.beforeTokenTransfer(account, ZERO_ADDRESS, amount);
    const bal = this.balances.get(account) ?? 0n;
    require(bal >= amount, 'ERC20: burn amount exceeds balance');
    const j = this.w.j;
    j.msetQuiet(this.balances, account, bal - amount);
    this.balances.total -= amount;
    j.set(this.t, 'totalSupply', this.t.totalSupply - amount);
    j.set(this.t, 'burned', this.t.burned + amount);
    this.w.emit(this.address, 'Transfer', account, ZERO_ADDRESS, amount);
  }
}

/** A uint256 is never negative: a negative amount here is a bug in the mirror, not a revert. */
function nonNegative(amount: bigint): void {
  if (amount < 0n) throw new Error(`mirror bug: negative token amount ${amount}`);
}
