// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// FL Alliance task factory at config index 2 (docs/contracts.md#fl-alliance-task-interface).
interface IFlTaskManager {
    function getTasks() external view returns (address[] memory);
}

/// FL Alliance task (docs/contracts.md#fl-alliance-task-interface), as the AI Arena task manager's
/// `transferRewardsToFLTasks` uses it. `fundRewardPool` pulls approved FLOCK from the caller.
interface IFlTask {
    function fundRewardPool(uint256 amount) external;

    function getTotalStakes() external view returns (uint256);

    function isFinished() external view returns (bool);
}
