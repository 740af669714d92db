/**
 * OpenZeppelin 4.9 AccessControl, FLock's AdminUpgradeable (docs/contracts.md#admin-checks) and
 * RbacUpgradeable (docs/contracts.md#roles), shared by every upgradeable contract of the mirror.
 */
import { ROLES, type Address } from '../units.js';
import { Contract, hexAddress } from './world.js';
import { Revert, require } from './revert.js';

export abstract class AccessControlled extends Contract {
  /** role → account → true; absent means not granted. */
  readonly roles = new Map<string, Map<Address, true>>();
  readonly init = { done: false };

  /** OZ `initializer`: an initialize function runs once. */
  protected initializer(): void {
    require(!this.init.done, 'Initializable: contract is already initialized');
    this.w.j.set(this.init, 'done', true);
    this.w.emit(this.address, 'Initialized', 1n);
  }

  hasRole(_sender: Address, role: string, account: Address): boolean {
    return this.roles.get(role)?.has(account) ?? false;
  }

  /** No contract of the protocol calls `_setRoleAdmin`, so every role is administered by DEFAULT_ADMIN_ROLE. */
  getRoleAdmin(_sender: Address, _role: string): string {
    return ROLES.DEFAULT_ADMIN_ROLE;
  }

  grantRole(sender: Address, role: string, account: Address): void {
    this.checkRole(ROLES.DEFAULT_ADMIN_ROLE, sender);
    this.grant(role, account, sender);
  }

  revokeRole(sender: Address, role: string, account: Address): void {
    this.checkRole(ROLES.DEFAULT_ADMIN_ROLE, sender);
    this.revoke(role, account, sender);
  }

  renounceRole(sender: Address, role: string, account: Address): void {
    require(account === sender, 'AccessControl: can only renounce roles for self');
    this.revoke(role, account, sender);
  }

  isAdmin(_sender: Address, account: Address): boolean {
    return this.has(ROLES.DEFAULT_ADMIN_ROLE, account);
  }

  /** ERC-165 as OZ 4.9 AccessControl answers it: IAccessControl and IERC165. */
  supportsInterface(_sender: Address, interfaceId: string): boolean {
    return interfaceId === '0x7965db0b' || interfaceId === '0x01ffc9a7';
  }

  DEFAULT_ADMIN_ROLE(): string {
    return ROLES.DEFAULT_ADMIN_ROLE;
  }

  protected has(role: string, account: Address): boolean {
    return this.roles.get(role)?.has(account) ?? false;
  }

  protected checkRole(role: string, account: Address): void {
    if (!this.has(role, account)) {
      throw new Revert(`AccessControl: account ${hexAddress(account)} is missing role ${role}`);
    }
  }

  /** OZ `_grantRole`: emits RoleGranted only when the role was not held. */
  grant(role: string, account: Address, sender: Address): void {
    if (this.has(role, account)) return;
    let m = this.roles.get(role);
    if (!m) {
      m = new Map();
      this.w.j.mset(this.roles, role, m);
    }
    this.w.j.mset(m, account, true);
    this.w.emit(this.address, 'RoleGranted', role, account, sender);
  }

  protected revoke(role: string, account: Address, sender: Address): void {
    if (!this.has(role, account)) return;
    this.w.j.mdelete(this.roles.get(role)!, account);
    this.w.emit(this.address, 'RoleRevoked', role, account, sender);
  }

  /** AdminUpgradeable's `onlyAdmin` (docs/contracts.md#admin-checks: the live text is unknown). */
  protected onlyAdmin(sender: Address): void {
    require(this.has(ROLES.DEFAULT_ADMIN_ROLE, sender), 'Restricted to admins');
  }

  protected onlyDaoAdmin(sender: Address): void {
    require(this.has(ROLES.DAO_ADMIN, sender), 'Restricted to dao admin');
  }

  protected onlyProtocolManager(sender: Address): void {
    require(this.has(ROLES.PROTOCOL_MANAGER, sender), 'Restricted to protocol manager');
  }

  protected onlyRewardOperator(sender: Address): void {
    require(this.has(ROLES.REWARD_OPERATOR, sender), 'Restricted to reward operator');
  }
}

/** RbacUpgradeable's role management (docs/contracts.md#roles): `add*` need DAO_ADMIN, then OZ grantRole needs DEFAULT_ADMIN_ROLE. */
export abstract class Rbac extends AccessControlled {
  DAO_ADMIN(): string {
    return ROLES.DAO_ADMIN;
  }
  PROTOCOL_MANAGER(): string {
    return ROLES.PROTOCOL_MANAGER;
  }
  REWARD_OPERATOR(): string {
    return ROLES.REWARD_OPERATOR;
  }
  addDaoAdmin(sender: Address, account: Address): void {
    this.onlyDaoAdmin(sender);
    this.grantRole(sender, ROLES.DAO_ADMIN, account);
  }
  addProtocolManager(sender: Address, account: Address): void {
    this.onlyDaoAdmin(sender);
    this.grantRole(sender, ROLES.PROTOCOL_MANAGER, account);
  }
  addRewardOperator(sender: Address, account: Address): void {
    this.onlyDaoAdmin(sender);
    this.grantRole(sender, ROLES.REWARD_OPERATOR, account);
  }
  renounceDaoAdmin(sender: Address): void {
    this.renounceRole(sender, ROLES.DAO_ADMIN, sender);
  }
  renounceProtocolManager(sender: Address): void {
    this.renounceRole(sender, ROLES.PROTOCOL_MANAGER, sender);
  }
  renounceRewardOperator(sender: Address): void {
    this.renounceRole(sender, ROLES.REWARD_OPERATOR, sender);
  }
}
