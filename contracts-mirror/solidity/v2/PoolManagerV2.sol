// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {RbacUpgradeable} from "../base/RbacUpgradeable.sol";
import {PoolManagerBase} from "../v1/PoolManagerBase.sol";
import {MiniPoolV2} from "./MiniPoolV2.sol";

/// The V2 pool manager, `FlockPoolManagerV2Upgradeable` (verified V2 source): protocol-manager setters,
/// the delegator and claim cooldowns, σ clamped on read and frozen around a node's task end,
/// pools are `MiniPoolV2` registered on gmFLOCK. Mirror: contracts-mirror/contracts/poolManager.ts
/// with `v2 = true`.
contract PoolManagerV2 is PoolManagerBase, RbacUpgradeable {
    using ConfigHelper for IFlockConfig;

    uint256 public poolDelegatorCoolDown;
    uint256 public poolClaimCoolDown;
    uint256 public claimableRewardPercentage;

    /// The V1 values plus poolDelegatorCoolDown = 1 day and claimableRewardPercentage = 100000.
    function initialize(address _flockConfig) public initializer {
        __RbacUpgradeable_init(msg.sender);
        _initParams(_flockConfig);
        poolDelegatorCoolDown = 1 days;
        claimableRewardPercentage = 100000;
    }

    function _checkManager() internal view override onlyProtocolManager {}

    function _checkConfigAdmin() internal view override onlyDaoAdmin {}

    /// Deploys the pool, then registers it on gmFLOCK, before the manager's own maps are written
    /// (so `Registered` comes before `CreateMiniPool`).
    function _deployPool(address user) internal override returns (address) {
        address pool = address(new MiniPoolV2(user, address(_cfg)));
        _cfg.getGmFlockToken().setRegistered(pool, true);
        return pool;
    }

    function _beforeSigmaChange(address user) internal view override {
        require(!_cfg.getMainManager().isNodePoolFreezing(user), "Node pool is freezing");
    }

    function setClaimableRewardPercentage(uint256 _claimableRewardPercentage) external onlyProtocolManager {
        claimableRewardPercentage = _claimableRewardPercentage;
    }

    function setDelegatorCoolDown(uint256 _poolDelegatorCoolDown) external onlyProtocolManager {
        poolDelegatorCoolDown = _poolDelegatorCoolDown;
    }

    function setClaimCoolDown(uint256 _poolClaimCoolDown) external onlyProtocolManager {
        poolClaimCoolDown = _poolClaimCoolDown;
    }

    /// Clamped into [minSigma, maxSigma], the upper bound tested first (A-pool-setters).
    function getPoolSigma(address _user) external view override returns (uint256) {
        uint256 sigma = poolSigmas[_user];
        if (sigma > maxSigma) return maxSigma;
        if (sigma < minSigma) return minSigma;
        return sigma;
    }

    function getClaimableRewardPercentage() external view returns (uint256) {
        return claimableRewardPercentage;
    }

    function getDelegationCoolDown() external view returns (uint256) {
        return poolDelegatorCoolDown;
    }

    function getClaimCoolDown() external view returns (uint256) {
        return poolClaimCoolDown;
    }
}
