// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {IFlockToken} from "../interfaces/ITokens.sol";
import {IPoolManager} from "../interfaces/IPoolManager.sol";
import {MiniPoolBase} from "./MiniPoolBase.sol";

/// The V1 delegation pool, `FlockMiniPool` (docs/contracts.md#reference-solidity, docs/model.md#v1-mini-pool), with the statement
/// order of docs/contracts.md#v1-mini-pool-statement-order: FLOCK is both the stake and the reward token, and all unclaimed
/// rewards are split by time-weight ("temporal delegation") at claim time. OpenZeppelin 4 `Ownable`
/// with no owner argument, so the deploying pool manager is the owner (A-pool-v1-owner). Events,
/// constructor and the shared getters: MiniPoolBase.sol.
/// Mirror: contracts-mirror/contracts/pool.ts `MiniPoolV1`.
contract MiniPoolV1 is Ownable, MiniPoolBase {
    using EnumerableSet for EnumerableSet.AddressSet;
    using ConfigHelper for IFlockConfig;

    /// Declared here, not in the base, so the ABI's internal type stays `MiniPoolV1.DelegationInfo`.
    struct DelegationInfo {
        uint256 amount;
        uint256 since;
    }

    uint256 public totalPastTemporalDelegation;
    mapping(address => uint256) public pastTemporalDelegationMap;
    mapping(address => DelegationInfo) public delegationMap;
    DelegationInfo public activeTotalDelegationInfo;

    constructor(address _user, address _flockConfig) MiniPoolBase(_user, _flockConfig) {}

    /// FlockMiniPool's public `config` variable, read from the base's immutable.
    function config() external view returns (IFlockConfig) {
        return _config;
    }

    // ------------------------------------------------------------------ views

    function delegationOf(address _delegator) public view returns (DelegationInfo memory) {
        return delegationMap[_delegator];
    }

    /// `amount·(now − since)` accrued since the delegator's last fold, plus its banked weight.
    function receiverTemporalDelegation(address _delegator) public view returns (uint256) {
        DelegationInfo storage t = delegationMap[_delegator];
        return pastTemporalDelegationMap[_delegator] + t.amount * (block.timestamp - t.since);
    }

    function totalTemporalDelegation() public view returns (uint256) {
        DelegationInfo storage a = activeTotalDelegationInfo;
        return totalPastTemporalDelegation + a.amount * (block.timestamp - a.since);
    }

    /// `(balance − totalDelegationAmount)·TW_d/TW_tot`, or 0 when the total weight is 0; the
    /// surplus is computed (checked) before the zero test.
    function claimable(address _delegator) public view override returns (uint256) {
        uint256 rewards = _flock().balanceOf(address(this)) - totalDelegationAmount;
        uint256 mine = receiverTemporalDelegation(_delegator);
        uint256 total = totalTemporalDelegation();
        if (total == 0) return 0;
        return (mine * rewards) / total;
    }

    /// `surplus·base·365 days/TW_tot`, or 0 when the total weight is 0.
    function interestPerYear() external view returns (uint256) {
        uint256 rewards = _flock().balanceOf(address(this)) - totalDelegationAmount;
        uint256 total = totalTemporalDelegation();
        if (total == 0) return 0;
        return (rewards * _config.getPoolManager().getPercentageBase() * 365 days) / total;
    }

    // ------------------------------------------------------------------ time-weight folds (docs/contracts.md#v1-mini-pool-statement-order)

    /// Step 1: fold the delegator's weight to now, then change its amount and `since`.
    function _foldDelegator(address d, uint256 add, uint256 sub) private {
        DelegationInfo storage t = delegationMap[d];
        pastTemporalDelegationMap[d] += t.amount * (block.timestamp - t.since);
        t.amount = t.amount + add - sub;
        t.since = block.timestamp;
    }

    /// Step 2: fold the pool total to now, then change the active amount and `since`.
    function _foldTotal(uint256 add, uint256 sub) private {
        DelegationInfo storage a = activeTotalDelegationInfo;
        totalPastTemporalDelegation += a.amount * (block.timestamp - a.since);
        a.amount = a.amount + add - sub;
        a.since = block.timestamp;
    }

    // ------------------------------------------------------------------ delegation

    function delegate(uint256 _amount) external {
        require(_amount > 0, "Amount must be greater than zero");
        require(_flock().transferFrom(msg.sender, address(this), _amount), "Transfer failed");
        _foldDelegator(msg.sender, _amount, 0);
        _delegators.add(msg.sender);
        _foldTotal(_amount, 0);
        totalDelegationAmount += _amount;
        lastStakeTimestamp[msg.sender] = block.timestamp;
        _config.getMainManager().afterDelegationUpdate(user);
        _config.getPoolManager().addDelegatorToPool(msg.sender);
        emit Delegate(msg.sender, user, _amount);
    }

    /// Checks, the FLOCK transfer, then the folds.
    function undelegate(uint256 _amount) external {
        require(lastStakeTimestamp[msg.sender] + 1 days < block.timestamp, "You can't undelegate before 1 day");
        require(delegationMap[msg.sender].amount >= _amount, "User has insufficient token delegated");
        require(_flock().transfer(msg.sender, _amount), "transfer failed");
        _foldDelegator(msg.sender, 0, _amount);
        _foldTotal(0, _amount);
        totalDelegationAmount -= _amount;
        if (delegationMap[msg.sender].amount == 0) _delegators.remove(msg.sender);
        _config.getMainManager().afterDelegationUpdate(user);
        emit Undelegate(msg.sender, user, _amount);
    }

    /// Pays `r − fee` to the delegator and `fee` to the FLOCK token's address (both always), then
    /// resets only the claimer's weight: fold both to now, `totalPast −= past_d`, `past_d = 0`.
    function claimRewards() external {
        uint256 rewards = claimable(msg.sender);
        require(rewards > 0, "No rewards to claim");
        IPoolManager pm = _config.getPoolManager();
        uint256 fee = (rewards * pm.getProtocolFeePercentage()) / pm.getPercentageBase();
        uint256 net = rewards - fee;
        IFlockToken flock = _flock();
        require(flock.transfer(msg.sender, net), "transfer failed");
        require(flock.transfer(address(flock), fee), "transfer failed");
        claimedRewards[msg.sender] += net;
        _foldDelegator(msg.sender, 0, 0);
        _foldTotal(0, 0);
        totalPastTemporalDelegation -= pastTemporalDelegationMap[msg.sender];
        pastTemporalDelegationMap[msg.sender] = 0;
        emit Claim(msg.sender, net);
        emit CollectFee(msg.sender, fee);
    }

    /// Permissionless.
    function fundPool(uint256 _reward) external {
        require(_flock().transferFrom(msg.sender, address(this), _reward), "Transfer failed");
        emit Fund(_reward);
    }
}
