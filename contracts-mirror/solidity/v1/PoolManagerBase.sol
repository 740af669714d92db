// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {AdminUpgradeable} from "../base/AdminUpgradeable.sol";
import {IFlockConfig} from "../interfaces/IFlockConfig.sol";

/// What the pool managers V1 (`PoolManagerV1`) and V2 (`PoolManagerV2`) share (their
/// verified sources): one delegation pool per node or validator, its σ, and the pool-side fee and cooldown
/// parameters. Mirror: contracts-mirror/contracts/poolManager.ts, whose `this.v2` branches are
/// the virtual hooks below.
abstract contract PoolManagerBase is AdminUpgradeable {
    using EnumerableSet for EnumerableSet.AddressSet;

    uint256 public rewardPercentageBase;
    uint256 public sigmaModificationCooldown;
    uint256 public minSigma;
    uint256 public maxSigma;
    uint256 public protocolFeePercentage;
    mapping(address => address) public miniPools;
    mapping(address => address) public poolToUser;
    mapping(address => uint256) public poolSigmas;
    mapping(address => uint256) public lastSigmaModificationTimestamp;

    /// Private, as deployed (no getter).
    IFlockConfig internal _cfg;
    mapping(address => EnumerableSet.AddressSet) private _delegatorToPools;
    address[] private _pools;
    address[] private _users;

    event SetMinSigma(uint256 minSigma);
    event SetMaxSigma(uint256 maxSigma);
    event SetPoolSigma(address indexed user, uint256 sigma);
    event CreateMiniPool(address indexed user, address pool, uint256 sigma);

    // ------------------------------------------------------------------ version hooks

    /// V1: onlyAdmin. V2: onlyProtocolManager.
    function _checkManager() internal view virtual;

    /// `setConfig`: V1 onlyAdmin, V2 onlyDaoAdmin.
    function _checkConfigAdmin() internal view virtual;

    /// Deploys the user's pool (V2 also registers it on gmFLOCK) and returns its address.
    function _deployPool(address user) internal virtual returns (address);

    /// setMiniPoolSigma, after "Not created": V2 checks the freeze window.
    function _beforeSigmaChange(address user) internal view virtual {}

    modifier asManager() {
        _checkManager();
        _;
    }

    /// The initializers' shared values (docs/contracts.md#default-parameters).
    function _initParams(address flockConfig) internal {
        _cfg = IFlockConfig(flockConfig);
        rewardPercentageBase = 1000000;
        minSigma = 0;
        maxSigma = 1000000;
        sigmaModificationCooldown = 1 days;
        protocolFeePercentage = 10000;
    }

    // ------------------------------------------------------------------ setters (only σ bounds emit)

    function setMinSigma(uint256 _minSigma) external asManager {
        minSigma = _minSigma;
        emit SetMinSigma(_minSigma);
    }

    function setMaxSigma(uint256 _maxSigma) external asManager {
        maxSigma = _maxSigma;
        emit SetMaxSigma(_maxSigma);
    }

    function setProtocolFeePercentage(uint256 _protocolFeePercentage) external asManager {
        protocolFeePercentage = _protocolFeePercentage;
    }

    function setSigmaModificationCooldown(uint256 _sigmaModificationCooldown) external asManager {
        sigmaModificationCooldown = _sigmaModificationCooldown;
    }

    function setConfig(address _config) external {
        _checkConfigAdmin();
        _cfg = IFlockConfig(_config);
    }

    // ------------------------------------------------------------------ views

    function getMiniPool(address user) external view returns (address) {
        return miniPools[user];
    }

    /// V1: the stored σ. V2 clamps it (override).
    function getPoolSigma(address _user) external view virtual returns (uint256) {
        return poolSigmas[_user];
    }

    function isPool(address _pool) public view returns (bool) {
        return poolToUser[_pool] != address(0);
    }

    function getPercentageBase() external view returns (uint256) {
        return rewardPercentageBase;
    }

    function getProtocolFeePercentage() external view returns (uint256) {
        return protocolFeePercentage;
    }

    function getPools() external view returns (address[] memory) {
        return _pools;
    }

    function getUsers() external view returns (address[] memory) {
        return _users;
    }

    /// Panics 0x32 out of range.
    function getUserAt(uint256 index) external view returns (address) {
        return _users[index];
    }

    function getUsersLength() external view returns (uint256) {
        return _users.length;
    }

    function getDelegatorPools(address _delegator) external view returns (address[] memory) {
        return _delegatorToPools[_delegator].values();
    }

    // ------------------------------------------------------------------ pools

    /// One pool per user. Does not stamp the σ cooldown (docs/contracts.md#v1-mini-pool-statement-order).
    function createMiniPool(uint256 sigma) external returns (address) {
        require(sigma >= minSigma, "Sigma too low");
        require(sigma <= maxSigma, "Sigma too high");
        require(miniPools[msg.sender] == address(0), "Already created");
        address pool = _deployPool(msg.sender);
        miniPools[msg.sender] = pool;
        poolToUser[pool] = msg.sender;
        poolSigmas[msg.sender] = sigma;
        _pools.push(pool);
        _users.push(msg.sender);
        emit CreateMiniPool(msg.sender, pool, sigma);
        return pool;
    }

    /// The cooldown is strict (`now − last > cooldown`).
    function setMiniPoolSigma(uint256 sigma) external {
        require(sigma >= minSigma, "Sigma too low");
        require(sigma <= maxSigma, "Sigma too high");
        require(miniPools[msg.sender] != address(0), "Not created");
        _beforeSigmaChange(msg.sender);
        require(block.timestamp - lastSigmaModificationTimestamp[msg.sender] > sigmaModificationCooldown, "Too soon to modify again");
        lastSigmaModificationTimestamp[msg.sender] = block.timestamp;
        poolSigmas[msg.sender] = sigma;
        emit SetPoolSigma(msg.sender, sigma);
    }

    /// Pool-only callback: indexes the caller under the delegator.
    function addDelegatorToPool(address _delegator) external {
        require(isPool(msg.sender), "Not a pool");
        _delegatorToPools[_delegator].add(msg.sender);
    }

    uint256[50] private __gap;
}
