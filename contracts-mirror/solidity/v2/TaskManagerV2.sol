// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {IStakeInfo} from "../interfaces/IStakeInfo.sol";
import {IERC20Token, IFlockToken} from "../interfaces/ITokens.sol";
import {ILinearVestingDepositor} from "../interfaces/ILinearVestingDepositor.sol";
import {RbacUpgradeable} from "../base/RbacUpgradeable.sol";
import {TaskManagerBase} from "../v1/TaskManagerBase.sol";

/// The V2.1 AI Arena task manager, `FlockTaskManagerV2Upgradeable` (verified V2 source;
/// docs/model.md#protocol-versions): gmFLOCK stakes, FLOCK rewards, RBAC, daily-mint decay, σ freeze window, vested final
/// rewards. Mirror: contracts-mirror/contracts/taskManager.ts with `v2 = true`.
contract TaskManagerV2 is TaskManagerBase, RbacUpgradeable {
    using ConfigHelper for IFlockConfig;

    uint256 public dailyMintResetCount;
    uint256 public dailyMintDecayPercentage;
    uint256 public currentDailyMintCount;
    uint256 public daysToFreezeSigmaBefore;
    uint256 public daysToFreezeSigmaAfter;
    uint256 public maxRewardTokenPerDay;
    uint256 public lastMintTimestamp;
    uint256 public lockupRewardVestingPeriodInDays;
    address public linearVestingDepositor;

    uint256[] internal _activeTaskIds;
    mapping(uint256 => mapping(address => bool)) public nodeInTask;
    mapping(uint256 => uint256) public taskFinishedTimestamp;

    event UploadDelegatorRewardPerTaskPerUser(uint256 indexed taskId, address indexed user, uint256 rewardAmount);
    event UploadFinalNodeRewardPerTask(uint256 indexed taskId, uint256 nodeStake, uint256 rewardAmount);
    event CollectFee(address indexed _delegator, uint256 _amount);

    /// RBAC and config only: every numeric parameter stays 0 (as deployed); genesis sets them
    /// (docs/contracts.md#default-parameters).
    function initialize(address _flockConfig) public initializer {
        __RbacUpgradeable_init(msg.sender);
        config = IFlockConfig(_flockConfig);
    }

    // ------------------------------------------------------------------ hooks

    function _checkProtocolManager() internal view override onlyProtocolManager {}

    function _checkRewardOperator() internal view override onlyRewardOperator {}

    function _stakeToken() internal view override returns (IERC20Token) {
        return config.getGmFlockToken();
    }

    function _stakeInfo() internal view override returns (IStakeInfo) {
        return config.getStakeInfoV2();
    }

    function _weightRole(uint8) internal pure override returns (uint8) {
        return NODE_VALIDATOR;
    }

    function _afterTaskRecorded(uint256 taskId) internal override {
        _activeTaskIds.push(taskId);
    }

    function _afterNodeStake(uint256 taskId, address user) internal override {
        nodeInTask[taskId][user] = true;
    }

    function _beforeRewardsClaimed(address user, uint256 fee) internal override {
        emit CollectFee(user, fee);
    }

    /// Stamps the finish time and prunes `activeTaskIds` finished more than 10 days ago
    /// (swap-and-pop; a swapped-in entry is examined at the same index).
    function _afterTaskCleared(uint256 taskId) internal override {
        taskFinishedTimestamp[taskId] = block.timestamp;
        uint256 i = 0;
        while (i < _activeTaskIds.length) {
            uint256 ts = taskFinishedTimestamp[_activeTaskIds[i]];
            if (ts != 0 && ts + 10 days < block.timestamp) {
                _activeTaskIds[i] = _activeTaskIds[_activeTaskIds.length - 1];
                _activeTaskIds.pop();
            } else {
                i++;
            }
        }
    }

    // ------------------------------------------------------------------ setters

    /// "Reward token per day exceeds max limit" above the DAO's ceiling.
    function setRewardParameters(
        uint256 _lockedRewardPercentage,
        uint256 _rewardPercentageBase,
        uint256 _rewardTokenPerDay
    ) external onlyProtocolManager {
        require(_rewardTokenPerDay <= maxRewardTokenPerDay, "Reward token per day exceeds max limit");
        lockedRewardPercentage = _lockedRewardPercentage;
        rewardPercentageBase = _rewardPercentageBase;
        rewardTokenPerDay = _rewardTokenPerDay;
    }

    function setMinStakes(uint256 _minNodeStakes, uint256 _validatorMinStake) external onlyProtocolManager {
        minNodeStakes = _minNodeStakes;
        validatorMinStake = _validatorMinStake;
    }

    function setDailyMintResetCount(uint256 _dailyMintResetCount) external onlyProtocolManager {
        dailyMintResetCount = _dailyMintResetCount;
    }

    function setDailyMintDecayPercentage(uint256 _dailyMintDecayPercentage) external onlyProtocolManager {
        dailyMintDecayPercentage = _dailyMintDecayPercentage;
    }

    function setCurrentDailyMintCount(uint256 _currentDailyMintCount) external onlyProtocolManager {
        currentDailyMintCount = _currentDailyMintCount;
    }

    function setDaysToFreezeSigmaBefore(uint256 _daysToFreezeSigma) external onlyProtocolManager {
        daysToFreezeSigmaBefore = _daysToFreezeSigma;
    }

    function setDaysToFreezeSigmaAfter(uint256 _daysToFreezeSigma) external onlyProtocolManager {
        daysToFreezeSigmaAfter = _daysToFreezeSigma;
    }

    function setUpLinearDepositor(address _linearVestingDepositor, uint256 _lockupRewardVestingPeriodInDays) external onlyProtocolManager {
        linearVestingDepositor = _linearVestingDepositor;
        lockupRewardVestingPeriodInDays = _lockupRewardVestingPeriodInDays;
    }

    function setMaxRewardTokenPerDay(uint256 _maxRewardTokenPerDay) external onlyDaoAdmin {
        maxRewardTokenPerDay = _maxRewardTokenPerDay;
    }

    /// FLOCK out of the manager.
    function transferToken(address _to, uint256 _amount) external onlyDaoAdmin {
        require(_flock().transfer(_to, _amount), "Token transfer failed");
    }

    // ------------------------------------------------------------------ views

    function activeTaskIds(uint256) external view returns (uint256) {
        uint256 i = abi.decode(msg.data[4:], (uint256));
        return _element(_activeTaskIds, i);
    }

    /// True if the user is a node in an `activeTaskIds` task and
    /// `end − daysBefore·1d < now < end + daysAfter·1d`, both strict; the upper bound is tested
    /// first, so the subtraction only runs (and can only underflow) inside it.
    function isNodePoolFreezing(address _user) external view returns (bool) {
        for (uint256 i = 0; i < _activeTaskIds.length; i++) {
            uint256 t = _activeTaskIds[i];
            if (!nodeInTask[t][_user]) continue;
            Task storage task = tasks[t];
            uint256 end = task.startTime + task.expectedDuration;
            if (end + daysToFreezeSigmaAfter * 1 days > block.timestamp && end - daysToFreezeSigmaBefore * 1 days < block.timestamp) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ emission (docs/model.md#emission-and-decay)

    /// 12 h spacing; every `dailyMintResetCount`-th mint decays the per-day amount; the mint
    /// timestamp is stamped after the mint.
    function mintDailyReward() external onlyRewardOperator {
        require(block.timestamp - lastMintTimestamp >= 43200, "Daily mint already done");
        uint256 count = currentDailyMintCount + 1;
        if (count >= dailyMintResetCount) {
            rewardTokenPerDay = (rewardTokenPerDay * dailyMintDecayPercentage) / rewardPercentageBase;
            count = 0;
        }
        currentDailyMintCount = count;
        uint256 amount = rewardTokenPerDay;
        _flock().mint(address(this), amount);
        lastMintTimestamp = block.timestamp;
        emit MintDailyReward(amount);
    }

    // ------------------------------------------------------------------ reward uploads (docs/model.md#locked-and-unlocked-node-rewards, docs/model.md#validator-rewards)

    function _uploadChecks2(uint256 taskId, uint256 addrs, uint256 pw, uint256 po) internal view {
        _uploadChecks(taskId, addrs, pw);
        require(addrs == po, "Mismatched arrays length");
    }

    /// V2 node upload (docs/model.md#locked-and-unlocked-node-rewards): `u = B − locked` is stored; per node `a`/`b` are its unlocked shares with and
    /// without delegation, it keeps `(a − b)·σ/B + b` and its pool gets the rest. The event and
    /// `latestRewardForNodes` carry `T_node − Σ delegator amounts` (pool or not).
    function uploadRewardResultsForTrainingNodes(
        uint256 taskId,
        address[] calldata trainingNodesAddrs,
        uint256[] calldata rewardPercentagesWithDelegation,
        uint256[] calldata rewardPercentagesWithoutDelegation
    ) public onlyRewardOperator {
        _uploadChecks2(taskId, trainingNodesAddrs.length, rewardPercentagesWithDelegation.length, rewardPercentagesWithoutDelegation.length);
        uint256 tNode = _poolFor(taskId, NODE, false);
        uint256 base = rewardPercentageBase;
        unlockedRewardPercentage = base - lockedRewardPercentage;
        lockedRewardsForNodes[taskId] += (lockedRewardPercentage * tNode) / base;
        uint256 cuts = 0;
        for (uint256 i = 0; i < trainingNodesAddrs.length; i++) {
            cuts += _rewardNode(
                taskId,
                trainingNodesAddrs[i],
                tNode,
                rewardPercentagesWithDelegation[i],
                rewardPercentagesWithoutDelegation[i]
            );
        }
        uint256 net = tNode - cuts;
        latestRewardForNodes[taskId] = net;
        taskRewards[taskId] += tNode;
        emit UploadNodeRewardPerTask(taskId, _stakeInfo().getTotalNodeStakesPerTask(taskId), net);
    }

    /// One node of a daily upload; returns its delegator amount.
    function _rewardNode(uint256 taskId, address user, uint256 tNode, uint256 pw, uint256 po) internal returns (uint256) {
        uint256 sigma = _poolManager().getPoolSigma(user);
        uint256 base = rewardPercentageBase;
        uint256 u = unlockedRewardPercentage;
        uint256 a = (u * tNode * pw) / (base * base);
        uint256 b = (u * tNode * po) / (base * base);
        (uint256 own, uint256 deleg) = _sigmaSplit(a, b, sigma, base);
        _v2Distribute(taskId, user, deleg);
        _credit(user, taskId, NODE, own);
        emit ParticipantRewarded(user, own, 0, NODE);
        return deleg;
    }

    function uploadRewardResultsForValidators(
        uint256 taskId,
        address[] calldata validatorsAddrs,
        uint256[] calldata rewardPercentagesWithDelegation,
        uint256[] calldata rewardPercentagesWithoutDelegation
    ) public onlyRewardOperator {
        _uploadValidators(taskId, validatorsAddrs, rewardPercentagesWithDelegation, rewardPercentagesWithoutDelegation, false);
    }

    /// No γ split: the validators share the whole task pot.
    function uploadRewardResultsOnlyForValidators(
        uint256 taskId,
        address[] calldata validatorsAddrs,
        uint256[] calldata rewardPercentagesWithDelegation,
        uint256[] calldata rewardPercentagesWithoutDelegation
    ) public onlyRewardOperator {
        _uploadValidators(taskId, validatorsAddrs, rewardPercentagesWithDelegation, rewardPercentagesWithoutDelegation, true);
    }

    /// V2 validator upload (docs/model.md#validator-rewards): `a = T_val·pw/B`, `b = T_val·po/B`, σ split as for nodes. The event carries what
    /// the validators themselves were credited; `latestRewardForValidators` the whole pot.
    function _uploadValidators(
        uint256 taskId,
        address[] calldata addrs,
        uint256[] calldata pw,
        uint256[] calldata po,
        bool only
    ) internal {
        _uploadChecks2(taskId, addrs.length, pw.length, po.length);
        uint256 tVal = _poolFor(taskId, VALIDATOR, only);
        uint256 credited = 0;
        for (uint256 i = 0; i < addrs.length; i++) {
            credited += _rewardValidator(taskId, addrs[i], tVal, pw[i], po[i]);
        }
        latestRewardForValidators[taskId] = tVal;
        taskRewards[taskId] += tVal;
        emit UploadValidatorRewardPerTask(taskId, _stakeInfo().getTotalValidatorStakesPerTask(taskId), credited);
    }

    /// One validator of a daily upload; returns what the validator itself was credited.
    function _rewardValidator(uint256 taskId, address user, uint256 tVal, uint256 pw, uint256 po) internal returns (uint256) {
        uint256 sigma = _poolManager().getPoolSigma(user);
        uint256 base = rewardPercentageBase;
        uint256 a = (tVal * pw) / base;
        uint256 b = (tVal * po) / base;
        (uint256 own, uint256 deleg) = _sigmaSplit(a, b, sigma, base);
        _v2Distribute(taskId, user, deleg);
        _credit(user, taskId, VALIDATOR, own);
        emit ParticipantRewarded(user, own, 0, VALIDATOR);
        return own;
    }

    /// Task end (docs/model.md#final-node-upload): checks existence, the two lengths, then completion; per node the
    /// σ split of the locked pot, the pool's part funded and the node's part vested (approve,
    /// then depositReward); then `UploadFinalNodeRewardPerTask(N, L − Σ delegator amounts)`, and
    /// the task is finished last (A-tm-events).
    function uploadFinalRewardResultsForTrainingNodes(
        uint256 taskId,
        address[] calldata trainingNodesAddrs,
        uint256[] calldata rewardPercentagesWithDelegation,
        uint256[] calldata rewardPercentagesWithoutDelegation
    ) public onlyRewardOperator {
        Task storage task = tasks[taskId];
        require(task.expectedDuration != 0, "Task does not exist");
        require(trainingNodesAddrs.length == rewardPercentagesWithDelegation.length, "Mismatched arrays length");
        require(trainingNodesAddrs.length == rewardPercentagesWithoutDelegation.length, "Mismatched arrays length");
        require(!task.isCompleted, "Task already completed");
        uint256 locked = lockedRewardsForNodes[taskId];
        uint256 cuts = 0;
        for (uint256 i = 0; i < trainingNodesAddrs.length; i++) {
            cuts += _finalNode(
                taskId,
                trainingNodesAddrs[i],
                locked,
                rewardPercentagesWithDelegation[i],
                rewardPercentagesWithoutDelegation[i]
            );
        }
        uint256 nodeStake = _stakeInfo().getTotalNodeStakesPerTask(taskId);
        emit UploadFinalNodeRewardPerTask(taskId, nodeStake, locked - cuts);
        lockedRewardsForNodes[taskId] = 0;
        _markTaskAsFinished(taskId);
    }

    /// One node of the final upload; returns its delegator amount.
    function _finalNode(uint256 taskId, address user, uint256 locked, uint256 pw, uint256 po) internal returns (uint256) {
        uint256 sigma = _poolManager().getPoolSigma(user);
        uint256 base = rewardPercentageBase;
        uint256 a = (locked * pw) / base;
        uint256 b = (locked * po) / base;
        (uint256 mine, uint256 deleg) = _sigmaSplit(a, b, sigma, base);
        _v2Distribute(taskId, user, deleg);
        address depositor = linearVestingDepositor;
        _flock().approve(depositor, mine);
        // The mirror resolves the depositor (an address without code reverts with no reason)
        // before it computes the duration.
        if (depositor.code.length == 0) revert();
        ILinearVestingDepositor(depositor).depositReward(user, mine, block.timestamp, lockupRewardVestingPeriodInDays * 1 days);
        emit ParticipantRewarded(user, mine, taskId, NODE);
        return deleg;
    }

    /// V2.1 split (docs/model.md#sigma-split): the participant keeps `(a − b)·σ/B + b`, its pool gets `a − that`
    /// (σ above the base underflows, panic 0x11).
    function _sigmaSplit(uint256 a, uint256 b, uint256 sigma, uint256 base) internal pure returns (uint256 own, uint256 deleg) {
        own = ((a - b) * sigma) / base + b;
        deleg = a - own;
    }

    /// V2 `distributeRewardToDelegators`: returns quietly without a pool, else approve +
    /// fundPool even for 0.
    function _v2Distribute(uint256 taskId, address user, uint256 amount) internal {
        address pool = _poolManager().getMiniPool(user);
        if (pool == address(0)) return;
        _fundPool(pool, amount);
        emit UploadDelegatorRewardPerTaskPerUser(taskId, user, amount);
    }
}
