// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {IFlockToken} from "../interfaces/ITokens.sol";

/// What the delegation pools V1 (`MiniPoolV1`) and V2 (`MiniPoolV2`) share (docs/contracts.md#v2-delegation-pool-stand-in,
/// docs/contracts.md#v1-mini-pool-statement-order): the owner node or validator, the config they resolve contracts through,
/// the events, the principal total, the delegator set, and the getters built on those. How rewards
/// accrue (V1 time-weights, V2 shares) is each pool's own, behind `claimable`.
/// Mirror: contracts-mirror/contracts/pool.ts.
abstract contract MiniPoolBase {
    using EnumerableSet for EnumerableSet.AddressSet;
    using ConfigHelper for IFlockConfig;

    address public user;
    uint256 public totalDelegationAmount;
    mapping(address => uint256) public lastStakeTimestamp;
    mapping(address => uint256) public claimedRewards;

    IFlockConfig internal immutable _config;
    EnumerableSet.AddressSet internal _delegators;

    event Delegate(address indexed _delegator, address indexed _user, uint256 _amount);
    event Undelegate(address indexed _delegator, address indexed _user, uint256 _amount);
    event Claim(address indexed _delegator, uint256 _amount);
    event CollectFee(address indexed _delegator, uint256 _amount);
    event Fund(uint256 _amount);

    constructor(address _user, address _flockConfig) {
        user = _user;
        _config = IFlockConfig(_flockConfig);
    }

    function _flock() internal view returns (IFlockToken) {
        return _config.getFlockToken();
    }

    // ------------------------------------------------------------------ views

    /// The delegator's unclaimed rewards, before the protocol fee.
    function claimable(address _delegator) public view virtual returns (uint256);

    function getTotalDelegationAmount() external view returns (uint256) {
        return totalDelegationAmount;
    }

    /// Delegators with a non-zero amount, in order of first delegation (swap-and-pop removal).
    function getDelegators() external view returns (address[] memory) {
        return _delegators.values();
    }

    function totalRewardForDelegator(address _delegator) external view returns (uint256) {
        return claimable(_delegator) + claimedRewards[_delegator];
    }
}
