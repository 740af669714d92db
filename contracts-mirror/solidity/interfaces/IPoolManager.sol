// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// `IFlockPoolManager` (docs/contracts.md#calls-between-contracts), extended with the V2 getters
/// (the verified interface lacks them). The V1
/// pool manager implements only the first six.
interface IPoolManager {
    function getMiniPool(address user) external view returns (address);

    function getPoolSigma(address _user) external view returns (uint256);

    function isPool(address _pool) external view returns (bool);

    function getPercentageBase() external view returns (uint256);

    function getProtocolFeePercentage() external view returns (uint256);

    function addDelegatorToPool(address _delegator) external;

    // ---- V2 only ----
    function getClaimableRewardPercentage() external view returns (uint256);

    function getDelegationCoolDown() external view returns (uint256);

    function getClaimCoolDown() external view returns (uint256);
}
