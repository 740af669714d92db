// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IFlockConfig} from "./IFlockConfig.sol";
import {IFlockToken, IGmFlock} from "./ITokens.sol";
import {IStakeInfo} from "./IStakeInfo.sol";
import {IMainManager} from "./IMainManager.sol";
import {IPoolManager} from "./IPoolManager.sol";
import {IFlTaskManager} from "./IFlTask.sol";

/// Config index layout (docs/contracts.md#config-layout; contracts-mirror/contracts/config.ts `CFG`). V1 and V2
/// differ from index 5 on: V1 StakeInfo sits at 5, V2 has gmFLOCK at 5 and StakeInfo at 6.
library ConfigIndex {
    uint256 internal constant MAIN_MANAGER = 0;
    uint256 internal constant POOL_MANAGER = 1;
    uint256 internal constant TASK_MANAGER = 2; // the FL Alliance task factory (FLTaskManager)
    uint256 internal constant CONFIG = 3;
    uint256 internal constant FLOCK_TOKEN = 4;
    uint256 internal constant STAKE_INFO_V1 = 5;
    uint256 internal constant GM_FLOCK_TOKEN = 5;
    uint256 internal constant STAKE_INFO_V2 = 6;
    uint256 internal constant EXCHANGE = 7;
}

/// Resolves config entries at call time (docs/contracts.md#config-layout): nothing is cached, so an entry changed
/// through `Config.setAddress` takes effect on the next call. An unset entry resolves to
/// address(0), and a call to it reverts with no reason.
library ConfigHelper {
    // ---- raw addresses, both versions ----
    function mainManagerAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.MAIN_MANAGER);
    }

    function poolManagerAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.POOL_MANAGER);
    }

    function taskManagerAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.TASK_MANAGER);
    }

    function configAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.CONFIG);
    }

    function flockTokenAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.FLOCK_TOKEN);
    }

    // ---- V1 layout ----
    function stakeInfoAddressV1(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.STAKE_INFO_V1);
    }

    // ---- V2 layout ----
    function gmFlockTokenAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.GM_FLOCK_TOKEN);
    }

    function stakeInfoAddressV2(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.STAKE_INFO_V2);
    }

    function exchangeAddress(IFlockConfig config) internal view returns (address) {
        return config.getAddress(ConfigIndex.EXCHANGE);
    }

    /// StakeInfo under either layout.
    function stakeInfoAddress(IFlockConfig config, bool v2) internal view returns (address) {
        return config.getAddress(v2 ? ConfigIndex.STAKE_INFO_V2 : ConfigIndex.STAKE_INFO_V1);
    }

    // ---- typed ----
    function getMainManager(IFlockConfig config) internal view returns (IMainManager) {
        return IMainManager(mainManagerAddress(config));
    }

    function getPoolManager(IFlockConfig config) internal view returns (IPoolManager) {
        return IPoolManager(poolManagerAddress(config));
    }

    function getTaskManager(IFlockConfig config) internal view returns (IFlTaskManager) {
        return IFlTaskManager(taskManagerAddress(config));
    }

    function getConfig(IFlockConfig config) internal view returns (IFlockConfig) {
        return IFlockConfig(configAddress(config));
    }

    function getFlockToken(IFlockConfig config) internal view returns (IFlockToken) {
        return IFlockToken(flockTokenAddress(config));
    }

    function getGmFlockToken(IFlockConfig config) internal view returns (IGmFlock) {
        return IGmFlock(gmFlockTokenAddress(config));
    }

    function getStakeInfoV1(IFlockConfig config) internal view returns (IStakeInfo) {
        return IStakeInfo(stakeInfoAddressV1(config));
    }

    function getStakeInfoV2(IFlockConfig config) internal view returns (IStakeInfo) {
        return IStakeInfo(stakeInfoAddressV2(config));
    }

    function getStakeInfo(IFlockConfig config, bool v2) internal view returns (IStakeInfo) {
        return IStakeInfo(stakeInfoAddress(config, v2));
    }
}
