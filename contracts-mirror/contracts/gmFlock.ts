/** gmFLOCK, the V2 staking token: the stand-in of docs/contracts.md#gmflock-stand-in (source not public). */
import { Erc20, type Erc20State } from '../evm/erc20.js';
import { require } from '../evm/revert.js';
import type { World } from '../evm/world.js';
import { ROLES, ZERO_ADDRESS, type Address } from '../units.js';

export interface GmFlockState extends Erc20State {
  /** Lifetime mints (public counter `totalMinted`). */
  totalMinted: bigint;
}

export class GmFlock extends Erc20 {
  readonly kind = 'gmFLOCK';
  readonly t: GmFlockState = { name: '', symbol: '', totalSupply: 0n, burned: 0n, totalMinted: 0n };
  readonly registeredMap = new Map<Address, true>();

  constructor(w: World, address: Address = 'gmFLOCK') {
    super(w, address);
  }

  initialize(sender: Address): void {
    this.initializer();
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
    this.w.j.set(this.t, 'name', 'gmFLOCK');
    this.w.j.set(this.t, 'symbol', 'gmFLOCK');
  }

  MINTER_ROLE(): string {
    return ROLES.MINTER_ROLE;
  }
  REGISTRAR_ROLE(): string {
    return ROLES.REGISTRAR_ROLE;
  }
  totalMinted(): bigint {
    return this.t.totalMinted;
  }
  registered(_s: Address, a: Address): boolean {
    return this.registeredMap.has(a);
  }

  private isMinter(a: Address): boolean {
    return this.has(ROLES.MINTER_ROLE, a) || this.has(ROLES.DEFAULT_ADMIN_ROLE, a);
  }

  mint(sender: Address, account: Address, amount: bigint): void {
    require(this.isMinter(sender), 'gmFLOCK: not minter');
    this.w.j.set(this.t, 'totalMinted', this.t.totalMinted + amount);
    this.mintInternal(account, amount);
  }

  /** Burns without an allowance: the exchange burns its users' gmFLOCK on redemption (docs/contracts.md#gmflock-stand-in). */
  burn(sender: Address, account: Address, amount: bigint): void {
    require(this.isMinter(sender), 'gmFLOCK: not minter');
    this.burnInternal(account, amount);
  }

  setRegistered(sender: Address, addr: Address, status: boolean): void {
    require(this.has(ROLES.REGISTRAR_ROLE, sender) || this.has(ROLES.DEFAULT_ADMIN_ROLE, sender), 'gmFLOCK: not registrar');
    if (status) this.w.j.mset(this.registeredMap, addr, true);
    else this.w.j.mdelete(this.registeredMap, addr);
    this.w.emit(this.address, 'Registered', addr, status);
  }

  /** The transfer rule: one side must be registered; checked before the balance; mint and burn are exempt. */
  protected override beforeTokenTransfer(from: Address, to: Address): void {
    if (from === ZERO_ADDRESS || to === ZERO_ADDRESS) return;
    require(this.registeredMap.has(from) || this.registeredMap.has(to), 'gmFLOCK: transfer not allowed');
  }
}
