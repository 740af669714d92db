// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {AdminUpgradeable} from "../base/AdminUpgradeable.sol";
import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {IStakeInfo} from "../interfaces/IStakeInfo.sol";
import {IPoolManager} from "../interfaces/IPoolManager.sol";
import {IPool} from "../interfaces/IPool.sol";
import {IFlTask} from "../interfaces/IFlTask.sol";
import {IERC20Token, IFlockToken} from "../interfaces/ITokens.sol";

/// What the AI Arena task managers V1 (`TaskManagerV1`) and V2 (`TaskManagerV2`) share: the
/// task lifecycle, stakes, claims, FL transfers, the pool callback, the slashing hook and the
/// reward-pot arithmetic. Mirror: contracts-mirror/contracts/taskManager.ts, whose `this.v2`
/// branches are the virtual hooks below. Statement order follows the mirror (ASSUMPTIONS.md
/// A-tm-*); every `/` is a floor division in the mirror's order, all arithmetic checked.
abstract contract TaskManagerBase is AdminUpgradeable {
    using EnumerableSet for EnumerableSet.UintSet;
    using ConfigHelper for IFlockConfig;

    /// `enum ROLE { NODE, VALIDATOR, DELEGATOR, NODE_VALIDATOR }` (ABI-encoded as uint8).
    uint8 internal constant NODE = 0;
    uint8 internal constant VALIDATOR = 1;
    uint8 internal constant DELEGATOR = 2;
    uint8 internal constant NODE_VALIDATOR = 3;

    struct Task {
        uint256 id;
        bool isCompleted;
        address creator;
        uint256 startTime;
        uint256 expectedDuration;
        uint256 stakeAmount;
        string taskName;
    }

    // ---- parameters (as in the verified V1 and V2 sources) ----
    uint256 public baseStakeAmount;
    uint256 public maxDuration;
    uint256 public minNodeStakes;
    uint256 public rewardTokenPerDay;
    uint256 public lockedRewardPercentage;
    uint256 public unlockedRewardPercentage;
    uint256 public rewardPercentageBase;
    uint256 public validatorMinStake;
    /// Declared, never written.
    uint256 public totalActiveTaskStakes;
    uint256 public validatorWithdrawalFeePercentage;
    uint256 public flTaskRewardAmountDaily;
    uint256 public gamma;
    uint256 public feePercentage;
    /// Declared, never set.
    address public flockToken;
    IFlockConfig public config;

    // ---- tasks and stakes ----
    uint256[] internal _taskIds;
    /// Declared, never written.
    mapping(uint256 => uint256) public taskStakes;
    mapping(uint256 => Task) public tasks;
    mapping(uint256 => address[]) internal _taskValidators;
    mapping(address => uint256[]) internal _nodeTasks;
    mapping(address => uint256[]) internal _validatorTasks;
    mapping(uint256 => mapping(address => uint256)) public nodeStakes;
    mapping(uint256 => mapping(address => uint256)) public validatorStakes;

    // ---- rewards ----
    mapping(uint256 => uint256) public lockedRewardsForNodes;
    mapping(uint256 => uint256) public latestRewardForNodes;
    mapping(uint256 => uint256) public latestRewardForValidators;
    /// Written by the V1 validator uploads only (ASSUMPTIONS.md A-tm-latest).
    mapping(uint256 => mapping(address => uint256)) public latestRewardForDelegators;
    mapping(address => uint256) public userRewards;
    mapping(uint256 => uint256) public taskRewards;
    mapping(uint256 => mapping(address => mapping(uint8 => uint256))) public unlockedRewardsByRole;
    /// Written by StakeInfo through setTotalStakes.
    mapping(address => uint256) public totalStakes;
    /// Declared, never written.
    mapping(address => uint256) public flTaskStakes;
    mapping(uint256 => uint256) public totalNodeStakesPerTask;
    mapping(uint256 => uint256) public totalValidatorStakesPerTask;

    mapping(address => EnumerableSet.UintSet) internal _availableRewardTasks;

    /// The AI Arena slashing hook's switch (docs/contracts.md#slashing-hook); genesis turns it on for traces
    /// with `"aiArenaSlashing": true` through `setSlashingEnabled` (Solidity only, not in the
    /// mirror's ABI registry).
    bool internal _slashingEnabled;

    event TaskCreated(uint256 indexed taskId, address indexed creator, uint256 expectedDuration, uint256 stakeAmount);
    event NodeStakeDeposited(uint256 indexed taskId, address indexed node, uint256 amount);
    event NodeStakeWithdrawn(uint256 indexed taskId, address indexed node, uint256 amount);
    event RewardsClaimed(address indexed node, uint256 rewardAmount);
    event ValidatorStakeDeposited(uint256 indexed taskId, address indexed validator, uint256 amount);
    event ValidatorStakeWithdrawn(uint256 indexed taskId, address indexed validator, uint256 amount);
    event TaskFinished(uint256 taskId);
    event UploadNodeRewardPerTask(uint256 indexed taskId, uint256 nodeStake, uint256 rewardAmount);
    event UploadValidatorRewardPerTask(uint256 indexed taskId, uint256 validatorStake, uint256 rewardAmount);
    event ParticipantRewarded(address indexed participant, uint256 reward, uint256 taskId, uint8 role);
    event FLTaskRewardTransferred(address indexed flTaskAddress, uint256 reward);
    event DelegationAmountChanged(address indexed user, uint256 totalDelegationAmount);
    event MintDailyReward(uint256 rewardAmount);
    event Slashed(uint256 indexed taskId, address indexed user, uint256 amount);

    // ------------------------------------------------------------------ version hooks

    /// V1: onlyAdmin. V2: onlyProtocolManager.
    function _checkProtocolManager() internal view virtual;

    /// V1: onlyAdmin. V2: onlyRewardOperator.
    function _checkRewardOperator() internal view virtual;

    /// V1 stakes FLOCK (index 4), V2 gmFLOCK (index 5).
    function _stakeToken() internal view virtual returns (IERC20Token);

    /// V1 StakeInfo at index 5, V2 at index 6.
    function _stakeInfo() internal view virtual returns (IStakeInfo);

    /// The StakeInfo role that weighs a task's pot: V1 the pool's own role, V2 NODE_VALIDATOR.
    function _weightRole(uint8 role) internal pure virtual returns (uint8);

    /// createTask, after `taskIds.push`: V2 also pushes `activeTaskIds`.
    function _afterTaskRecorded(uint256 taskId) internal virtual {}

    /// Every node stake, after the reward-task set: V2 marks `nodeInTask`.
    function _afterNodeStake(uint256 taskId, address user) internal virtual {}

    /// What a stake withdrawal returns: V1 keeps the validator withdrawal fee.
    function _withdrawalAmount(uint256 staked, bool asNode) internal view virtual returns (uint256) {
        asNode;
        return staked;
    }

    /// claimRewards, just before RewardsClaimed: V2 emits CollectFee.
    function _beforeRewardsClaimed(address user, uint256 fee) internal virtual {}

    /// markTaskAsFinished, after clearStakes and before TaskFinished: V2 stamps and prunes.
    function _afterTaskCleared(uint256 taskId) internal virtual {}

    modifier asProtocolManager() {
        _checkProtocolManager();
        _;
    }

    modifier asRewardOperator() {
        _checkRewardOperator();
        _;
    }

    // ------------------------------------------------------------------ wiring (docs/contracts.md#config-layout)

    function _flock() internal view returns (IFlockToken) {
        return config.getFlockToken();
    }

    function _poolManager() internal view returns (IPoolManager) {
        return config.getPoolManager();
    }

    // ------------------------------------------------------------------ common setters

    function setGamma(uint256 _gamma) external asProtocolManager {
        gamma = _gamma;
    }

    function setFeePercentage(uint256 _feePercentage) external asProtocolManager {
        feePercentage = _feePercentage;
    }

    function setBaseStakeAmount(uint256 _baseStakeAmount) external asProtocolManager {
        baseStakeAmount = _baseStakeAmount;
    }

    function setMaxDuration(uint256 _maxDuration) external asProtocolManager {
        maxDuration = _maxDuration;
    }

    /// Turns the slashing hook on or off (admin only; Solidity only, see `_slashingEnabled`).
    function setSlashingEnabled(bool enabled) external onlyAdmin {
        _slashingEnabled = enabled;
    }

    /// Only StakeInfo may report a user's total (deployed source; docs/contracts.md#roles).
    function setTotalStakes(address _user, uint256 _totalStakes) external {
        require(msg.sender == address(_stakeInfo()), "Only stake info contract can call this function");
        totalStakes[_user] = _totalStakes;
    }

    // ------------------------------------------------------------------ views

    /// Array getters revert with no data past the end, as compiler-generated public getters do;
    /// the parameters are unnamed, as in the compiler's own getters, and decoded from calldata.
    function taskIds(uint256) external view returns (uint256) {
        uint256 i = abi.decode(msg.data[4:], (uint256));
        return _element(_taskIds, i);
    }

    function taskValidators(uint256, uint256) external view returns (address) {
        (uint256 t, uint256 i) = abi.decode(msg.data[4:], (uint256, uint256));
        if (i >= _taskValidators[t].length) revert();
        return _taskValidators[t][i];
    }

    function nodeTasks(address, uint256) external view returns (uint256) {
        (address u, uint256 i) = abi.decode(msg.data[4:], (address, uint256));
        return _element(_nodeTasks[u], i);
    }

    function validatorTasks(address, uint256) external view returns (uint256) {
        (address u, uint256 i) = abi.decode(msg.data[4:], (address, uint256));
        return _element(_validatorTasks[u], i);
    }

    /// `list[i]`, or a revert with no data past the end (a public getter's behaviour).
    function _element(uint256[] storage list, uint256 i) internal view returns (uint256) {
        if (i >= list.length) revert();
        return list[i];
    }

    function getNodeStakes(uint256 _taskId, address _user) external view returns (uint256) {
        return nodeStakes[_taskId][_user];
    }

    function getValidatorStakes(uint256 _taskId, address _user) external view returns (uint256) {
        return validatorStakes[_taskId][_user];
    }

    function getAvailableRewardTasksForUser(address _user) external view returns (uint256[] memory) {
        return _availableRewardTasks[_user].values();
    }

    function isTaskCompleted(uint256 taskId) external view returns (bool) {
        return tasks[taskId].isCompleted;
    }

    function getTotalStakes(address _user) external view returns (uint256) {
        return totalStakes[_user];
    }

    function getNodeTasks(address _user) external view returns (uint256[] memory) {
        return _nodeTasks[_user];
    }

    function getValidatorTasks(address _user) external view returns (uint256[] memory) {
        return _validatorTasks[_user];
    }

    // ------------------------------------------------------------------ task lifecycle

    /// A task exists once created; createTask guarantees expectedDuration > 0 and never deletes.
    function _exists(uint256 taskId) internal view returns (bool) {
        return tasks[taskId].expectedDuration != 0;
    }

    /// The creator's stake is pulled first, then the task is recorded, and a non-zero stake goes
    /// to StakeInfo under the VALIDATOR role (A-tm-order).
    function createTask(uint256 taskId, uint256 expectedDuration, string memory taskName) external asProtocolManager {
        require(taskId != 0, "Invalid task ID");
        require(expectedDuration > 0 && expectedDuration <= maxDuration, "Invalid task duration");
        require(tasks[taskId].expectedDuration == 0, "Task ID already exists");
        uint256 stakeAmount = (baseStakeAmount * expectedDuration) / 1 days;
        require(_stakeToken().transferFrom(msg.sender, address(this), stakeAmount), "Stake transfer failed");
        tasks[taskId] = Task({
            id: taskId,
            isCompleted: false,
            creator: msg.sender,
            startTime: block.timestamp,
            expectedDuration: expectedDuration,
            stakeAmount: stakeAmount,
            taskName: taskName
        });
        _taskIds.push(taskId);
        _afterTaskRecorded(taskId);
        if (stakeAmount > 0) _stakeInfo().addStakes(taskId, stakeAmount, VALIDATOR, msg.sender);
        emit TaskCreated(taskId, msg.sender, expectedDuration, stakeAmount);
    }

    function stakeTokensForTrainingNodes(uint256 taskId, uint256 additionalStakes) external {
        _stake(taskId, additionalStakes, true);
    }

    function stakeTokensForValidators(uint256 taskId, uint256 additionalStakes) external {
        _stake(taskId, additionalStakes, false);
    }

    /// The stake map grows before the minimum check and the pull; a first stake (cumulative =
    /// additional) lists the task, a node before StakeInfo.addStakes, a validator after it.
    function _stake(uint256 taskId, uint256 additional, bool asNode) internal {
        Task storage task = tasks[taskId];
        require(task.expectedDuration != 0, "Task does not exist");
        require(!task.isCompleted, "Task already completed");
        mapping(address => uint256) storage other = asNode ? validatorStakes[taskId] : nodeStakes[taskId];
        require(other[msg.sender] == 0, asNode ? "Already staked as validator" : "Already staked as node");
        mapping(address => uint256) storage mine = asNode ? nodeStakes[taskId] : validatorStakes[taskId];
        uint256 total = mine[msg.sender] + additional;
        mine[msg.sender] = total;
        require(total >= (asNode ? minNodeStakes : validatorMinStake), "Stake amount is less than minimum stake amount");
        require(_stakeToken().transferFrom(msg.sender, address(this), additional), "Stake transfer failed");
        bool first = total == additional;
        if (asNode) {
            if (first) _nodeTasks[msg.sender].push(taskId);
            _stakeInfo().addStakes(taskId, additional, NODE, msg.sender);
        } else {
            _stakeInfo().addStakes(taskId, additional, VALIDATOR, msg.sender);
            if (first) {
                _validatorTasks[msg.sender].push(taskId);
                _taskValidators[taskId].push(msg.sender);
            }
        }
        _availableRewardTasks[msg.sender].add(taskId);
        if (asNode) {
            _afterNodeStake(taskId, msg.sender);
            emit NodeStakeDeposited(taskId, msg.sender, total);
        } else {
            emit ValidatorStakeDeposited(taskId, msg.sender, total);
        }
    }

    function withdrawStakeTokensForTrainingNodes(uint256 taskId) external {
        _withdraw(taskId, true);
    }

    function withdrawStakeTokensForValidators(uint256 taskId) external {
        _withdraw(taskId, false);
    }

    /// Full withdrawal after completion: zero the stake, removeStakes, then transfer.
    function _withdraw(uint256 taskId, bool asNode) internal {
        mapping(address => uint256) storage mine = asNode ? nodeStakes[taskId] : validatorStakes[taskId];
        uint256 staked = mine[msg.sender];
        require(staked > 0, "No stake found");
        require(tasks[taskId].isCompleted, "Task is not yet completed");
        mine[msg.sender] = 0;
        _stakeInfo().removeStakes(taskId, staked, asNode ? NODE : VALIDATOR, msg.sender);
        uint256 amount = _withdrawalAmount(staked, asNode);
        require(_stakeToken().transfer(msg.sender, amount), "Stake return failed");
        if (asNode) emit NodeStakeWithdrawn(taskId, msg.sender, amount);
        else emit ValidatorStakeWithdrawn(taskId, msg.sender, amount);
    }

    /// No `> 0` check; both transfers always made, the fee to the FLOCK token's own address. Then
    /// the reward-task set is walked from its last entry to its first (A-tm-claim).
    function claimRewards() external {
        uint256 rewards = userRewards[msg.sender];
        uint256 fee = (rewards * feePercentage) / rewardPercentageBase;
        uint256 net = rewards - fee;
        userRewards[msg.sender] = 0;
        IFlockToken flock = _flock();
        require(flock.transfer(msg.sender, net), "Reward transfer failed");
        require(flock.transfer(address(flock), fee), "Fee transfer failed");
        _beforeRewardsClaimed(msg.sender, fee);
        emit RewardsClaimed(msg.sender, net);
        EnumerableSet.UintSet storage set = _availableRewardTasks[msg.sender];
        for (uint256 i = set.length(); i > 0; i--) {
            uint256 t = set.at(i - 1);
            mapping(uint8 => uint256) storage byRole = unlockedRewardsByRole[t][msg.sender];
            byRole[NODE] = 0;
            byRole[VALIDATOR] = 0;
            byRole[DELEGATOR] = 0;
            if (tasks[t].isCompleted) set.remove(t);
        }
    }

    /// Each FL task gets `R·S_f/(S_arena + Σ S_fl)`; the sum is kept for the uploads.
    function transferRewardsToFLTasks() external asProtocolManager {
        address[] memory flTasks = config.getTaskManager().getTasks();
        uint256[] memory stakes = new uint256[](flTasks.length);
        for (uint256 i = 0; i < flTasks.length; i++) stakes[i] = IFlTask(flTasks[i]).getTotalStakes();
        uint256 total = _stakeInfo().getTotalActiveTaskStakes(NODE_VALIDATOR);
        for (uint256 i = 0; i < stakes.length; i++) total += stakes[i];
        IFlockToken flock = _flock();
        uint256 sum = 0;
        for (uint256 i = 0; i < flTasks.length; i++) {
            uint256 reward = (rewardTokenPerDay * stakes[i]) / total;
            flock.approve(flTasks[i], reward);
            IFlTask(flTasks[i]).fundRewardPool(reward);
            sum += reward;
            emit FLTaskRewardTransferred(flTasks[i], reward);
        }
        flTaskRewardAmountDaily = sum;
    }

    /// Checks existence and completion, sets isCompleted, calls StakeInfo.clearStakes, then the
    /// version hook; `TaskFinished` comes last.
    function _markTaskAsFinished(uint256 taskId) internal {
        Task storage task = tasks[taskId];
        require(task.expectedDuration != 0, "Task does not exist");
        require(!task.isCompleted, "Task already completed");
        task.isCompleted = true;
        _stakeInfo().clearStakes(taskId);
        _afterTaskCleared(taskId);
        emit TaskFinished(taskId);
    }

    /// Pool callback: resolves the user's pool, checks that the caller is a pool, re-tallies the
    /// user's delegation in StakeInfo and reports the pool's total.
    function afterDelegationUpdate(address user) external {
        IPoolManager pm = _poolManager();
        address pool = pm.getMiniPool(user);
        require(pm.isPool(msg.sender), "Not a pool");
        _stakeInfo().retallyDelegation(user);
        emit DelegationAmountChanged(user, IPool(pool).getTotalDelegationAmount());
    }

    /// The AI Arena slashing hook (docs/contracts.md#slashing-hook, A-slash-hook): `floor(stake·ppm/1e6)` of
    /// the node stake, else the validator stake, goes to the stake token's own address.
    function slash(uint256 taskId, address user, uint256 ppm) external asProtocolManager {
        require(_slashingEnabled, "Slashing disabled");
        uint256 node = nodeStakes[taskId][user];
        uint8 role = node > 0 ? NODE : VALIDATOR;
        uint256 staked = node > 0 ? node : validatorStakes[taskId][user];
        require(staked > 0, "No stake");
        uint256 amount = _slashAmount(staked, ppm);
        if (role == NODE) nodeStakes[taskId][user] = staked - amount;
        else validatorStakes[taskId][user] = staked - amount;
        _stakeInfo().removeStakes(taskId, amount, role, user);
        IERC20Token token = _stakeToken();
        token.transfer(address(token), amount);
        emit Slashed(taskId, user, amount);
    }

    /// `floor(stake·ppm/1e6)`, checked (docs/model.md#ai-arena-slashing-hook).
    function _slashAmount(uint256 staked, uint256 ppm) private pure returns (uint256) {
        return (staked * ppm) / 1e6;
    }

    // ------------------------------------------------------------------ reward arithmetic (docs/model.md#ai-arena-rewards)

    function _uploadChecks(uint256 taskId, uint256 addrs, uint256 pw) internal view {
        Task storage task = tasks[taskId];
        require(task.expectedDuration != 0, "Task does not exist");
        require(!task.isCompleted, "Task already completed");
        require(addrs == pw, "Mismatched arrays length");
    }

    /// docs/model.md#per-task-share: T0 = R_arena·w_t/W.
    function _taskPot(uint256 taskId, uint8 role) internal view returns (uint256) {
        IStakeInfo si = _stakeInfo();
        uint8 r = _weightRole(role);
        uint256 rArena = rewardTokenPerDay - flTaskRewardAmountDaily;
        uint256 w = si.getTaskWeights(taskId, r);
        uint256 total = si.getTotalActiveTaskWeights(r);
        return (rArena * w) / total;
    }

    /// docs/model.md#gamma-split: the node or validator pot of the day, after the γ split unless `onlyValidators`:
    /// `f = γ + ((B − 2γ)·side)/(N + V)`, `T = T0·f/B`.
    function _poolFor(uint256 taskId, uint8 role, bool onlyValidators) internal view returns (uint256) {
        IStakeInfo si = _stakeInfo();
        uint256 t0 = _taskPot(taskId, role);
        if (onlyValidators) return t0;
        uint256 n = si.getTotalNodeStakesPerTask(taskId);
        uint256 v = si.getTotalValidatorStakesPerTask(taskId);
        uint256 base = rewardPercentageBase;
        uint256 spread = base - 2 * gamma;
        uint256 scaled = spread * (role == NODE ? n : v);
        uint256 f = gamma + scaled / (n + v);
        return (t0 * f) / base;
    }

    /// A participant's own reward: `unlockedRewardsByRole` first, then `userRewards`.
    function _credit(address user, uint256 taskId, uint8 role, uint256 amount) internal {
        unlockedRewardsByRole[taskId][user][role] += amount;
        userRewards[user] += amount;
    }

    /// Pushes `amount` FLOCK into a pool: approve, then fundPool.
    function _fundPool(address pool, uint256 amount) internal {
        _flock().approve(pool, amount);
        IPool(pool).fundPool(amount);
    }

    uint256[50] private __gap;
}
