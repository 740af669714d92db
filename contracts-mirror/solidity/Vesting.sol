// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/security/ReentrancyGuardUpgradeable.sol";
import {AdminUpgradeable} from "./base/AdminUpgradeable.sol";
import {IERC20Token} from "./interfaces/ITokens.sol";
import {ILinearVestingDepositor} from "./interfaces/ILinearVestingDepositor.sol";

/// `LinearVestingRewards` (verified V2 source; docs/model.md#node-vesting; ASSUMPTIONS.md A-vest-event).
/// Mirror: contracts/vesting.ts and math/vesting.ts.
contract Vesting is ILinearVestingDepositor, AdminUpgradeable, ReentrancyGuardUpgradeable {
    struct Grant {
        uint128 amount;
        uint128 claimed;
        uint256 start;
        uint256 duration;
    }

    IERC20Token public rewardToken;
    mapping(address => Grant[]) private _grants;

    event RewardDeposited(address indexed user, uint256 indexed grantIndex, uint256 amount, uint256 start, uint256 duration);
    event RewardClaimed(address indexed user, uint256 amount);

    function initialize(address token) external initializer {
        require(token != address(0), "token=0");
        __AdminUpgradeable_init(msg.sender);
        __ReentrancyGuard_init();
        rewardToken = IERC20Token(token);
    }

    /// The amount is stored as uint128 (silent truncation, as deployed); the event carries the argument.
    function depositReward(address user, uint256 amount, uint256 start, uint256 duration) external onlyAdmin {
        require(user != address(0), "user=0");
        require(amount > 0, "amount=0");
        rewardToken.transferFrom(msg.sender, address(this), amount);
        Grant[] storage list = _grants[user];
        list.push(Grant(uint128(amount), 0, start, duration));
        emit RewardDeposited(user, list.length - 1, amount, start, duration);
    }

    /// Pays everything vested across the caller's grants; fully claimed grants are swap-popped.
    function claim() external nonReentrant {
        Grant[] storage list = _grants[msg.sender];
        uint256 total = 0;
        uint256 i = 0;
        while (i < list.length) {
            Grant storage g = list[i];
            uint256 due = _dueAt(g, block.timestamp);
            uint256 claimed = g.claimed;
            if (due > 0) {
                claimed += due;
                total += due;
                g.claimed = uint128(claimed);
            }
            if (claimed >= g.amount) {
                list[i] = list[list.length - 1];
                list.pop();
            } else {
                i++;
            }
        }
        require(total > 0, "nothing vested");
        rewardToken.transfer(msg.sender, total);
        emit RewardClaimed(msg.sender, total);
    }

    function activeGrantCount(address user) external view returns (uint256) {
        return _grants[user].length;
    }

    function getActiveGrant(address user, uint256 index) external view returns (Grant memory) {
        Grant[] storage list = _grants[user];
        require(index < list.length, "index OOB");
        return list[index];
    }

    function claimable(address user) external view returns (uint256) {
        return claimableAt(user, block.timestamp);
    }

    /// Σ over active grants of what vested by `ts` beyond what was claimed (never negative).
    function claimableAt(address user, uint256 ts) public view returns (uint256) {
        Grant[] storage list = _grants[user];
        uint256 sum = 0;
        for (uint256 i = 0; i < list.length; i++) sum += _dueAt(list[i], ts);
        return sum;
    }

    /// All at once when the duration is 0; nothing up to start; else amount·elapsed/duration, capped.
    function _vestedAt(Grant storage g, uint256 ts) private view returns (uint256) {
        if (g.duration == 0) return g.amount;
        if (ts <= g.start) return 0;
        uint256 elapsed = ts - g.start;
        if (elapsed >= g.duration) return g.amount;
        return (uint256(g.amount) * elapsed) / g.duration;
    }

    function _dueAt(Grant storage g, uint256 ts) private view returns (uint256) {
        uint256 vested = _vestedAt(g, ts);
        return vested > g.claimed ? vested - g.claimed : 0;
    }
}
