// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {RbacUpgradeable} from "./base/RbacUpgradeable.sol";
import {IFlockConfig} from "./interfaces/IFlockConfig.sol";
import {ConfigHelper} from "./interfaces/ConfigHelper.sol";
import {IFlockToken, IGmFlock} from "./interfaces/ITokens.sol";

/// `gmFlockExchangeUpgradeable` (verified V2 source; docs/model.md#lock-multiplier; ASSUMPTIONS.md A-ex-*).
/// Mirror: contracts/exchange.ts and math/multiplier.ts.
contract Exchange is RbacUpgradeable {
    using ConfigHelper for IFlockConfig;

    struct LockInfo {
        uint256 id;
        uint256 flockAmount;
        uint256 gmFlockAmount;
        uint256 unlockTime;
        address beneficiary;
    }

    IFlockConfig public config;
    /// The id the next lock gets: ids start at 0.
    uint256 public currentLockInfoId;
    /// Basis points of 10 000.
    uint256 public protocolFee;
    /// Public, so its getter reverts with no data past the end, as the deployed one does.
    mapping(address => uint256[]) public userLocks;
    /// Every lock ever filed: claims take ids out of `userLocks`, never out of this map.
    mapping(uint256 => LockInfo) public lockInfoMap;
    /// Never written.
    mapping(address => bool) public registered;
    mapping(address => mapping(uint256 => uint256)) public lockIndexMap;

    uint256 private t0;
    uint256 private t1;
    uint256 private epsilon;
    uint256 private base;

    event FlockExchanged(address indexed user, uint256 flockAmount, uint256 gmFlockAmount, uint256 unlockTime, uint256 id);
    event gmFlockClaimed(address indexed user, uint256 flockAmount, uint256 gmFlockAmount, uint256 id);

    function initialize(address _flockConfig) public initializer {
        __RbacUpgradeable_init(msg.sender);
        config = IFlockConfig(_flockConfig);
    }

    function setFlockConfig(address _flockConfig) external onlyAdmin {
        config = IFlockConfig(_flockConfig);
    }

    function setExchangeParams(uint256 _t0, uint256 _t1, uint256 _epsilon, uint256 _base) external onlyDaoAdmin {
        require(_t0 < _t1, "t0 must be less than t1");
        t0 = _t0;
        t1 = _t1;
        epsilon = _epsilon;
        base = _base;
    }

    function setProtocolFee(uint256 _protocolFee) external onlyDaoAdmin {
        require(_protocolFee <= 10000, "Invalid protocol fee");
        protocolFee = _protocolFee;
    }

    /// `base` if lockPeriod ≤ t0, else `epsilon·(min(lockPeriod, t1) − t0) / t1 + base` (it divides by t1).
    function getExchangeMultiplier(uint256 lockPeriod) public view returns (uint256) {
        if (lockPeriod <= t0) return base;
        uint256 capped = lockPeriod > t1 ? t1 : lockPeriod;
        return (epsilon * (capped - t0)) / t1 + base;
    }

    /// The lock is filed first (id = currentLockInfoId, which then moves on), then the full deposit
    /// is pulled, the fee (even a zero one) goes to the FLOCK address, and gmFLOCK is minted on the
    /// gross amount. The lock records `flockAmount − fee` and is filed under msg.sender.
    function exchangeFlock(uint256 flockAmount, uint256 lockPeriod, address beneficiary) external {
        if (!isAdmin(msg.sender)) beneficiary = msg.sender;
        require(flockAmount > 0, "Amount must be greater than zero");
        require(lockPeriod > 0, "Lock-up period must be greater than zero");
        uint256 multiplier = getExchangeMultiplier(lockPeriod);
        uint256 gmAmount = (flockAmount * multiplier) / base;
        uint256 unlockTime = block.timestamp + lockPeriod;
        uint256 fee = (flockAmount * protocolFee) / 10000;

        uint256 id = currentLockInfoId;
        lockInfoMap[id] = LockInfo(id, flockAmount - fee, gmAmount, unlockTime, beneficiary);
        uint256[] storage locks = userLocks[msg.sender];
        locks.push(id);
        lockIndexMap[msg.sender][id] = locks.length - 1;
        currentLockInfoId = id + 1;

        IFlockToken flock = config.getFlockToken();
        require(flock.transferFrom(msg.sender, address(this), flockAmount), "FLOCK transfer failed");
        require(flock.transfer(address(flock), fee), "Fee transfer failed");
        config.getGmFlockToken().mint(beneficiary, gmAmount);
        emit FlockExchanged(msg.sender, flockAmount, gmAmount, unlockTime, id);
    }

    /// Sweeps the caller's matured locks, swap-popping each from the caller's list without
    /// maintaining lockIndexMap (the deployed quirk). `lockInfoMap` keeps the entries.
    function claimUnlockedFlock(uint256 timestamp) external {
        require(timestamp <= block.timestamp, "Cannot claim for future time");
        uint256[] storage locks = userLocks[msg.sender];
        uint256 totalFlock = 0;
        uint256 totalGm = 0;
        uint256 i = 0;
        while (i < locks.length) {
            LockInfo storage info = lockInfoMap[locks[i]];
            if (info.unlockTime <= timestamp) {
                totalFlock += info.flockAmount;
                totalGm += info.gmFlockAmount;
                emit gmFlockClaimed(msg.sender, info.flockAmount, info.gmFlockAmount, info.id);
                locks[i] = locks[locks.length - 1];
                locks.pop();
            } else {
                i++;
            }
        }
        _payOut(msg.sender, totalFlock, totalGm);
    }

    /// Checks index, id, beneficiary and maturity in that order; keeps lockIndexMap in step.
    function claimUnlockedFlockByIds(uint256[] calldata ids) external {
        uint256[] storage locks = userLocks[msg.sender];
        uint256 totalFlock = 0;
        uint256 totalGm = 0;
        for (uint256 k = 0; k < ids.length; k++) {
            uint256 id = ids[k];
            uint256 index = lockIndexMap[msg.sender][id];
            require(index < locks.length, "Invalid lock index");
            require(locks[index] == id, "Invalid lock ID at index");
            LockInfo storage info = lockInfoMap[id];
            require(info.beneficiary == msg.sender, "Not the beneficiary");
            require(info.unlockTime <= block.timestamp, "Cannot claim for future time");
            totalFlock += info.flockAmount;
            totalGm += info.gmFlockAmount;
            emit gmFlockClaimed(msg.sender, info.flockAmount, info.gmFlockAmount, info.id);
            uint256 lastIndex = locks.length - 1;
            uint256 last = locks[lastIndex];
            if (index != lastIndex) {
                locks[index] = last;
                lockIndexMap[msg.sender][last] = index;
            }
            locks.pop();
            delete lockIndexMap[msg.sender][id];
        }
        _payOut(msg.sender, totalFlock, totalGm);
    }

    /// For msg.sender's locks.
    function getUnlockedAmounts(uint256 timestamp) external view returns (uint256 totalFlock, uint256 totalgmFlock) {
        uint256[] storage locks = userLocks[msg.sender];
        for (uint256 i = 0; i < locks.length; i++) {
            LockInfo storage info = lockInfoMap[locks[i]];
            if (info.unlockTime <= timestamp) {
                totalFlock += info.flockAmount;
                totalgmFlock += info.gmFlockAmount;
            }
        }
    }

    function getUserLocks(address user) external view returns (uint256[] memory) {
        return userLocks[user];
    }

    /// Only the summed FLOCK is checked: a lock that redeems 0 FLOCK cannot be claimed.
    function _payOut(address user, uint256 totalFlock, uint256 totalGm) private {
        require(totalFlock > 0, "No claimable tokens");
        config.getGmFlockToken().burn(user, totalGm);
        require(config.getFlockToken().transfer(user, totalFlock), "FLOCK transfer failed");
    }
}
