/** FLOCK, `FlockTokenUpgradeable` (verified source; docs/contracts.md#contracts-and-names). */
import { Erc20, type Erc20State } from '../evm/erc20.js';
import { require, add } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { E18, type Address } from '../units.js';

export interface FlockTokenState extends Erc20State {
  dailyMintLimit: bigint;
  maxTotalSupply: bigint;
  /** Lifetime mints; burns never lower it, so burns do not free mint room (docs/model.md#supply-cap). */
  currentMinted: bigint;
}

export class FlockToken extends Erc20 {
  readonly kind = 'FLOCK';
  readonly t: FlockTokenState = {
    name: '',
    symbol: '',
    totalSupply: 0n,
    burned: 0n,
    dailyMintLimit: 0n,
    maxTotalSupply: 0n,
    currentMinted: 0n,
  };
  readonly blacklist = new Map<Address, true>();

  constructor(w: World, address: Address = 'FLOCK') {
    super(w, address);
  }

  initialize(sender: Address, dailyMintLimit: bigint, name: string, symbol: string): void {
    this.initializer();
    const j = this.w.j;
    this.grant('0x' + '0'.repeat(64), sender, sender);
    j.set(this.t, 'name', name);
    j.set(this.t, 'symbol', symbol);
    j.set(this.t, 'dailyMintLimit', dailyMintLimit);
    j.set(this.t, 'maxTotalSupply', 1_000_000_000n * E18);
  }

  dailyMintLimit(): bigint {
    return this.t.dailyMintLimit;
  }
  maxTotalSupply(): bigint {
    return this.t.maxTotalSupply;
  }
  currentMinted(): bigint {
    return this.t.currentMinted;
  }
  lastMintedDay(_s: Address, _a: Address): bigint {
    return 0n;
  }
  amountMintedToday(_s: Address, _a: Address): bigint {
    return 0n;
  }

  setDailyMintLimit(sender: Address, limit: bigint): void {
    this.onlyAdmin(sender);
    this.w.j.set(this.t, 'dailyMintLimit', limit);
  }

  /** onlyAdmin; the cap is on lifetime mints (docs/model.md#supply-cap). */
  mint(sender: Address, account: Address, amount: bigint): void {
    this.onlyAdmin(sender);
    const next = add(this.t.currentMinted, amount);
    require(next <= this.t.maxTotalSupply, 'Minting exceeds the max total supply');
    this.w.j.set(this.t, 'currentMinted', next);
    this.mintInternal(account, amount);
  }

  addBatchToBlacklist(sender: Address, accounts: Address[]): void {
    this.onlyAdmin(sender);
    for (const a of accounts) {
      this.w.j.mset(this.blacklist, a, true);
      this.w.emit(this.address, 'Blacklisted', a);
    }
  }

  removeBatchFromBlacklist(sender: Address, accounts: Address[]): void {
    this.onlyAdmin(sender);
    for (const a of accounts) {
      this.w.j.mdelete(this.blacklist, a);
      this.w.emit(this.address, 'Unblacklisted', a);
    }
  }

  /** `transfer` checks the sender; recipients are never checked. */
  override transfer(sender: Address, to: Address, amount: bigint): boolean {
    require(!this.blacklist.has(sender), 'BlacklistedToken: account is blacklisted');
    return super.transfer(sender, to, amount);
  }

  /** `transferFrom` checks `from`, not msg.sender (deployed source; ASSUMPTIONS.md A-flock-blacklist). */
  override transferFrom(sender: Address, from: Address, to: Address, amount: bigint): boolean {
    require(!this.blacklist.has(from), 'BlacklistedToken: account is blacklisted');
    return super.transferFrom(sender, from, to, amount);
  }

  /** Burns the token contract's own balance: where every protocol fee is sent (docs/model.md#supply-cap). */
  burnNetworkFees(sender: Address): void {
    this.onlyAdmin(sender);
    this.burnInternal(this.address, this.bal(this.address));
  }

  /** Rescue: SafeERC20 transfer of any token from this contract. */
  transferERC20(sender: Address, token: Address, to: Address, amount: bigint): void {
    this.onlyAdmin(sender);
    const t = this.w.at<Erc20>(token);
    t.transfer(this.address, to, amount);
  }
}
