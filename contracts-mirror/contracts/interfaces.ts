/**
 * What the contracts call on each other, as the Solidity interfaces say it
 * (solidity/interfaces/IMainManager.sol, IPoolManager.sol): the callee's side of a cross-contract
 * call, without the callee's class. A pool calls its pool manager and the task manager, StakeInfo
 * calls both managers, the pool manager calls the task manager; the task manager in turn holds
 * the pools, StakeInfo and the pool manager by their classes. Typing the calls back through these
 * interfaces keeps the modules' imports one way (no cycle, type-only ones included).
 *
 * Every method takes the calling contract's address first, as the mirror's methods all do
 * (`msg.sender`). Types only: nothing here runs.
 */
import type { Contract } from '../evm/world.js';
import type { Address } from '../units.js';

/** `IFlockMainManager` (docs/contracts.md#calls-between-contracts): the task manager at config index 0, as pools, StakeInfo and the pool manager see it. */
export interface IMainManager extends Contract {
  afterDelegationUpdate(sender: Address, user: Address): void;
  getNodeStakes(sender: Address, taskId: bigint, user: Address): bigint;
  getValidatorStakes(sender: Address, taskId: bigint, user: Address): bigint;
  setTotalStakes(sender: Address, user: Address, total: bigint): void;
  isNodePoolFreezing(sender: Address, user: Address): boolean;
}

/** `IPoolManager`: the pool manager at config index 1, as its pools and StakeInfo see it. */
export interface IPoolManager extends Contract {
  getMiniPool(sender: Address, user: Address): Address;
  getPercentageBase(): bigint;
  getProtocolFeePercentage(): bigint;
  addDelegatorToPool(sender: Address, delegator: Address): void;
  getDelegationCoolDown(): bigint;
  getClaimCoolDown(): bigint;
}
