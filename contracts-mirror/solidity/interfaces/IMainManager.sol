// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// `IFlockMainManager` (docs/contracts.md#calls-between-contracts), with the V2 `isNodePoolFreezing`
/// added (the verified interface lacks it, but PoolManagerV2 calls it).
/// The AI Arena task manager (V1 or V2) at config index 0 implements it.
interface IMainManager {
    function afterDelegationUpdate(address user) external;

    function getNodeStakes(uint256 _taskId, address _user) external view returns (uint256);

    function getValidatorStakes(uint256 _taskId, address _user) external view returns (uint256);

    function getAvailableRewardTasksForUser(address _user) external view returns (uint256[] memory);

    function isTaskCompleted(uint256 taskId) external view returns (bool);

    function setTotalStakes(address _user, uint256 _totalStakes) external;

    function getTotalStakes(address _user) external view returns (uint256);

    function isNodePoolFreezing(address _user) external view returns (bool);
}
