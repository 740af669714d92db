// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IFlockConfig} from "./interfaces/IFlockConfig.sol";
import {ConfigHelper} from "./interfaces/ConfigHelper.sol";
import {IStakeInfo, StakeRoles} from "./interfaces/IStakeInfo.sol";
import {IMainManager} from "./interfaces/IMainManager.sol";
import {IPool} from "./interfaces/IPool.sol";

/// StakeInfo, the stand-in of docs/contracts.md#stakeinfo-stand-in (ASSUMPTIONS.md A-si-*), with the linear weight
/// `stake + delegation`. Mirror: contracts/stakeInfo.ts.
///
/// Deployment: `new StakeInfo(config)`. It has no initializer; it resolves the task manager
/// (index 0, the only caller its mutators accept) and the pool manager (index 1) through the
/// config at call time, so it works under both index layouts.
contract StakeInfo is IStakeInfo {
    using ConfigHelper for IFlockConfig;

    struct Side {
        uint256 stake;
        /// Σ captured delegation of the users holding a stake on this side of the task.
        uint256 delegation;
    }

    IFlockConfig private immutable _config;

    /// Tasks between their first addStakes and clearStakes (set; sums do not depend on order).
    uint256[] private _active;
    mapping(uint256 => uint256) private _activePos; // task → index in _active + 1

    mapping(uint256 => Side) private _node;
    mapping(uint256 => Side) private _validator;

    /// user → task → direct stake per side (the creator's stake is on the validator side).
    mapping(address => mapping(uint256 => uint256)) private _userNode;
    mapping(address => mapping(uint256 => uint256)) private _userValidator;
    /// user → every task the user ever had a stake record in (either side).
    mapping(address => uint256[]) private _userTasks;
    mapping(address => mapping(uint256 => bool)) private _userHasTask;

    /// Membership: the user's delegation counts in this side's weight. Per user a set of tasks.
    mapping(address => uint256[]) private _nodeMemberTasks;
    mapping(address => mapping(uint256 => uint256)) private _nodeMemberPos; // index + 1
    mapping(address => uint256[]) private _validatorMemberTasks;
    mapping(address => mapping(uint256 => uint256)) private _validatorMemberPos; // index + 1

    /// Captured by retallyDelegation: the pool's totalDelegationAmount, or 0 without a pool.
    mapping(address => uint256) private _delegation;

    constructor(address flockConfig) {
        _config = IFlockConfig(flockConfig);
    }

    modifier onlyMainManager() {
        require(msg.sender == _config.mainManagerAddress(), "StakeInfo: caller is not the main manager");
        _;
    }

    // ---------------------------------------------------------------- mutators

    function addStakes(uint256 taskId, uint256 stakes, uint256 role, address user) external onlyMainManager {
        require(role == StakeRoles.NODE || role == StakeRoles.VALIDATOR, "StakeInfo: invalid role");
        bool isNode = role == StakeRoles.NODE;
        if (_activePos[taskId] == 0) {
            _active.push(taskId);
            _activePos[taskId] = _active.length;
        }
        Side storage side = isNode ? _node[taskId] : _validator[taskId];
        side.stake += stakes;
        if (isNode) _userNode[user][taskId] += stakes;
        else _userValidator[user][taskId] += stakes;
        _recordUserTask(user, taskId);
        // Membership follows the task manager's own stake maps, written before it calls here, so a
        // creator's stake never makes the creator's pool count.
        IMainManager tm = _config.getMainManager();
        uint256 staked = isNode ? tm.getNodeStakes(taskId, user) : tm.getValidatorStakes(taskId, user);
        if (staked > 0 && !_isMember(isNode, user, taskId)) {
            _addMember(isNode, user, taskId);
            side.delegation += _delegation[user];
        }
        _syncTotal(user);
    }

    /// Never reverts for want of stake: saturates at 0, also after clearStakes. Any role other
    /// than NODE is the validator side.
    function removeStakes(uint256 taskId, uint256 stakes, uint256 role, address user) external onlyMainManager {
        bool isNode = role == StakeRoles.NODE;
        uint256 had = isNode ? _userNode[user][taskId] : _userValidator[user][taskId];
        uint256 taken = stakes < had ? stakes : had;
        if (taken > 0) {
            if (isNode) _userNode[user][taskId] = had - taken;
            else _userValidator[user][taskId] = had - taken;
        }
        Side storage side = isNode ? _node[taskId] : _validator[taskId];
        if (_activePos[taskId] != 0) side.stake = side.stake > taken ? side.stake - taken : 0;
        if (had - taken == 0 && _isMember(isNode, user, taskId)) {
            _removeMember(isNode, user, taskId);
            uint256 d = _delegation[user];
            side.delegation = side.delegation > d ? side.delegation - d : 0;
        }
        _syncTotal(user);
    }

    /// Drops the task from the active set; its per-task figures stay readable.
    function clearStakes(uint256 taskId) external onlyMainManager {
        uint256 pos = _activePos[taskId];
        if (pos == 0) return;
        uint256 lastTask = _active[_active.length - 1];
        _active[pos - 1] = lastTask;
        _activePos[lastTask] = pos;
        _active.pop();
        delete _activePos[taskId];
    }

    /// Captures the user's pool delegation (0 without a pool) and moves it in the weight of every
    /// task side the user is a member of.
    function retallyDelegation(address _user) external onlyMainManager {
        address pool = _config.getPoolManager().getMiniPool(_user);
        uint256 current = pool == address(0) ? 0 : IPool(pool).getTotalDelegationAmount();
        uint256 old = _delegation[_user];
        if (current == old) return;
        _delegation[_user] = current;
        uint256[] storage nodeTasks = _nodeMemberTasks[_user];
        for (uint256 i = 0; i < nodeTasks.length; i++) {
            Side storage side = _node[nodeTasks[i]];
            side.delegation = side.delegation + current - old;
        }
        uint256[] storage validatorTasks = _validatorMemberTasks[_user];
        for (uint256 i = 0; i < validatorTasks.length; i++) {
            Side storage side = _validator[validatorTasks[i]];
            side.delegation = side.delegation + current - old;
        }
    }

    // ---------------------------------------------------------------- views

    function getDelegationTokenAmountForUser(address _user, uint256 _taskId, uint256 _role) external view returns (uint256) {
        if (_role != StakeRoles.NODE && _role != StakeRoles.VALIDATOR) return 0;
        if (!_isMember(_role == StakeRoles.NODE, _user, _taskId)) return 0;
        return _delegation[_user];
    }

    function getTaskStakes(uint256 taskId, uint256 _role) public view returns (uint256) {
        uint256 n = _node[taskId].stake;
        uint256 v = _validator[taskId].stake;
        if (_role == StakeRoles.NODE) return n;
        if (_role == StakeRoles.VALIDATOR) return v;
        if (_role == StakeRoles.NODE_VALIDATOR) return n + v;
        return 0;
    }

    function getTaskWeights(uint256 taskId, uint256 _role) public view returns (uint256) {
        Side storage n = _node[taskId];
        Side storage v = _validator[taskId];
        if (_role == StakeRoles.NODE) return _weight(n);
        if (_role == StakeRoles.VALIDATOR) return _weight(v);
        if (_role == StakeRoles.NODE_VALIDATOR) {
            uint256 wn = _weight(n);
            uint256 wv = _weight(v);
            return wn + wv;
        }
        return 0;
    }

    function getTotalActiveTaskStakes(uint256 _role) external view returns (uint256) {
        uint256 sum = 0;
        for (uint256 i = 0; i < _active.length; i++) sum += getTaskStakes(_active[i], _role);
        return sum;
    }

    function getTotalActiveTaskWeights(uint256 _role) external view returns (uint256) {
        uint256 sum = 0;
        for (uint256 i = 0; i < _active.length; i++) sum += getTaskWeights(_active[i], _role);
        return sum;
    }

    function getTotalNodeStakesPerTask(uint256 taskId) external view returns (uint256) {
        return _node[taskId].stake;
    }

    function getTotalValidatorStakesPerTask(uint256 taskId) external view returns (uint256) {
        return _validator[taskId].stake;
    }

    // ---------------------------------------------------------------- internals

    /// The linear form (β = 1, ε = 1) that traces and parity use.
    function _weight(Side storage s) private view returns (uint256) {
        return s.stake + s.delegation;
    }

    function _recordUserTask(address user, uint256 taskId) private {
        if (_userHasTask[user][taskId]) return;
        _userHasTask[user][taskId] = true;
        _userTasks[user].push(taskId);
    }

    function _isMember(bool isNode, address user, uint256 taskId) private view returns (bool) {
        return (isNode ? _nodeMemberPos[user][taskId] : _validatorMemberPos[user][taskId]) != 0;
    }

    function _addMember(bool isNode, address user, uint256 taskId) private {
        uint256[] storage tasks = isNode ? _nodeMemberTasks[user] : _validatorMemberTasks[user];
        mapping(uint256 => uint256) storage pos = isNode ? _nodeMemberPos[user] : _validatorMemberPos[user];
        tasks.push(taskId);
        pos[taskId] = tasks.length;
    }

    function _removeMember(bool isNode, address user, uint256 taskId) private {
        uint256[] storage tasks = isNode ? _nodeMemberTasks[user] : _validatorMemberTasks[user];
        mapping(uint256 => uint256) storage pos = isNode ? _nodeMemberPos[user] : _validatorMemberPos[user];
        uint256 p = pos[taskId];
        uint256 lastTask = tasks[tasks.length - 1];
        tasks[p - 1] = lastTask;
        pos[lastTask] = p;
        tasks.pop();
        delete pos[taskId];
    }

    /// Calls back TaskManager.setTotalStakes(u, Σ over active tasks of u's direct stakes).
    function _syncTotal(address user) private {
        uint256[] storage tasks = _userTasks[user];
        uint256 total = 0;
        for (uint256 i = 0; i < tasks.length; i++) {
            uint256 t = tasks[i];
            if (_activePos[t] != 0) total += _userNode[user][t] + _userValidator[user][t];
        }
        _config.getMainManager().setTotalStakes(user, total);
    }
}
