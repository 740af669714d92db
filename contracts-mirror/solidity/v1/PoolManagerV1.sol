// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {PoolManagerBase} from "./PoolManagerBase.sol";
import {MiniPoolV1} from "./MiniPoolV1.sol";

/// The V1 pool manager, `FlockPoolManagerUpgradeable` (verified V1 source): every setter `onlyAdmin`,
/// `getPoolSigma` returns the stored σ, pools are `MiniPoolV1`. Mirror:
/// contracts-mirror/contracts/poolManager.ts with `v2 = false`.
contract PoolManagerV1 is PoolManagerBase {
    /// admin = msg.sender; base 1e6, σ ∈ [0, 1e6], cooldown 1 day, protocol fee 10000.
    function initialize(address _flockConfig) public initializer {
        __AdminUpgradeable_init(msg.sender);
        _initParams(_flockConfig);
    }

    function _checkManager() internal view override onlyAdmin {}

    function _checkConfigAdmin() internal view override onlyAdmin {}

    /// `new MiniPoolV1(user, config)`: the pool's Ownable makes this manager its owner.
    function _deployPool(address user) internal override returns (address) {
        return address(new MiniPoolV1(user, address(_cfg)));
    }
}
