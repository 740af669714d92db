// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// `IFlockPool` (docs/contracts.md#calls-between-contracts): what the task managers and StakeInfo call on a delegation pool.
interface IPool {
    function fundPool(uint256 _reward) external;

    function getTotalDelegationAmount() external view returns (uint256);
}
