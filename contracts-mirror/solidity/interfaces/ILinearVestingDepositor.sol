// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// `ILinearVestingDepositor` (docs/contracts.md#calls-between-contracts): the V2 task manager deposits final locked rewards into
/// `Vesting` through it. The deposit pulls `amount` FLOCK from the caller.
interface ILinearVestingDepositor {
    function depositReward(address user, uint256 amount, uint256 start, uint256 duration) external;
}
