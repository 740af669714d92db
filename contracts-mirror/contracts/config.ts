/** `FlockConfig` / `FlockConfigV2` address book (docs/contracts.md#config-layout): every contract resolves the others through it at call time. */
import { AccessControlled } from '../evm/accessControl.js';
import { Revert, require } from '../evm/revert.js';
import type { Contract, World } from '../evm/world.js';
import { ROLES, ZERO_ADDRESS, type Address } from '../units.js';

/** Config index layout (docs/contracts.md#config-layout). V1 and V2 differ from index 5 on. */
export const CFG = {
  MainManager: 0n,
  PoolManager: 1n,
  TaskManager: 2n,
  Config: 3n,
  FlockToken: 4n,
  GmFlockToken: 5n,
  StakeInfoV1: 5n,
  StakeInfoV2: 6n,
  Exchange: 7n,
} as const;

export class Config extends AccessControlled {
  readonly kind = 'Config';
  readonly addresses = new Map<bigint, Address>();

  constructor(w: World, address: Address = 'Config') {
    super(w, address);
  }

  initialize(sender: Address): void {
    this.initializer();
    this.grant(ROLES.DEFAULT_ADMIN_ROLE, sender, sender);
  }

  getAddress(_sender: Address, index: bigint): Address {
    return this.addresses.get(index) ?? ZERO_ADDRESS;
  }

  /** Reverts with no message for the zero address (as deployed; docs/contracts.md#config-layout). */
  setAddress(sender: Address, index: bigint, addr: Address): void {
    this.onlyAdmin(sender);
    if (addr === ZERO_ADDRESS) throw new Revert('');
    const old = this.addresses.get(index) ?? ZERO_ADDRESS;
    this.w.j.mset(this.addresses, index, addr);
    this.w.emit(this.address, 'AddressUpdated', sender, index, old, addr);
  }

  /**
   * Copies indexes 0..length−1 through setAddress. The source is only called inside the loop, so a
   * length of 0 succeeds whatever `other` is; a source without `getAddress` reverts with no reason.
   */
  copyFromOtherConfig(sender: Address, other: Address, length: bigint): void {
    this.onlyAdmin(sender);
    for (let i = 0n; i < length; i++) {
      const src = this.w.at<Config>(other);
      require(src instanceof Config, '');
      this.setAddress(sender, i, src.getAddress(this.address, i));
    }
  }
}

/**
 * The address at config index `i` in the config contract `c` itself points at, as the contracts'
 * ConfigHelper resolves it at call time (docs/contracts.md#config-layout), so a `setConfig` takes effect.
 */
export function cfg(c: Contract, i: bigint): Address {
  return c.w.at<Config>(c.configOf()).addresses.get(i) ?? ZERO_ADDRESS;
}
