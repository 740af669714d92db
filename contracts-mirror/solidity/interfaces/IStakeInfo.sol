// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Stake roles shared by the task managers and StakeInfo (docs/contracts.md#stake-roles; units.ts `ROLE`).
library StakeRoles {
    uint256 internal constant NODE = 0;
    uint256 internal constant VALIDATOR = 1;
    uint256 internal constant DELEGATOR = 2;
    uint256 internal constant NODE_VALIDATOR = 3;
}

/// `IFlockStakeInfo` (verified interface); behaviour: docs/contracts.md#stakeinfo-stand-in.
interface IStakeInfo {
    function addStakes(uint256 taskId, uint256 stakes, uint256 role, address user) external;

    function removeStakes(uint256 taskId, uint256 stakes, uint256 role, address user) external;

    function clearStakes(uint256 taskId) external;

    function retallyDelegation(address _user) external;

    function getDelegationTokenAmountForUser(address _user, uint256 _taskId, uint256 _role) external view returns (uint256);

    function getTotalActiveTaskStakes(uint256 _role) external view returns (uint256);

    function getTaskStakes(uint256 taskId, uint256 _role) external view returns (uint256);

    function getTotalActiveTaskWeights(uint256 _role) external view returns (uint256);

    function getTaskWeights(uint256 taskId, uint256 _role) external view returns (uint256);

    function getTotalNodeStakesPerTask(uint256 taskId) external view returns (uint256);

    function getTotalValidatorStakesPerTask(uint256 taskId) external view returns (uint256);
}
