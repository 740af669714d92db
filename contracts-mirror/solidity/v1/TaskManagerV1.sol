// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {IStakeInfo} from "../interfaces/IStakeInfo.sol";
import {IPoolManager} from "../interfaces/IPoolManager.sol";
import {IERC20Token} from "../interfaces/ITokens.sol";
import {TaskManagerBase} from "./TaskManagerBase.sol";

/// The V1 AI Arena task manager, `FlockTaskManagerUpgradeable` (verified V1 source; docs/model.md#protocol-versions):
/// FLOCK stakes and rewards, every privileged function `onlyAdmin`. Mirror:
/// contracts-mirror/contracts/taskManager.ts with `v2 = false`.
contract TaskManagerV1 is TaskManagerBase {
    using ConfigHelper for IFlockConfig;

    uint256 public rewardPercentageForNodes;
    uint256 public rewardPercentageForValidators;

    /// Declared, never written (as in the verified V1 source).
    mapping(uint256 => mapping(address => uint256)) public delegatorStakes;
    mapping(uint256 => mapping(address => mapping(address => uint256))) public validatorDelegatorStakes;
    mapping(uint256 => mapping(address => uint256)) public validatorTotalDelegatorStakes;
    mapping(uint256 => mapping(address => mapping(address => uint256))) public delegatorValidatorStakes;
    mapping(uint256 => mapping(address => uint256)) public totalDelegatorStakesPerTaskPerValidator;

    /// Declared, never emitted.
    event DelegatorStaked(uint256 indexed taskId, address indexed validator, address indexed delegator, uint256 amount);
    event DelegatorUnstaked(uint256 indexed taskId, address indexed validator, address indexed delegator, uint256 amount);
    event UploadDelegatorRewardPerTaskPerUser(uint256 indexed taskId, address indexed user, uint256 delegatorStake, uint256 rewardAmount);

    /// The V1 initializer's values (docs/contracts.md#default-parameters).
    function initialize(address _flockConfig) public initializer {
        __AdminUpgradeable_init(msg.sender);
        config = IFlockConfig(_flockConfig);
        baseStakeAmount = 0;
        maxDuration = 30 days;
        minNodeStakes = 10e18;
        rewardTokenPerDay = 1074e18;
        rewardPercentageForNodes = 700000;
        rewardPercentageForValidators = 300000;
        lockedRewardPercentage = 900000;
        unlockedRewardPercentage = 100000;
        rewardPercentageBase = 1000000;
        validatorMinStake = 50e18;
        validatorWithdrawalFeePercentage = 150000;
    }

    // ------------------------------------------------------------------ hooks

    function _checkProtocolManager() internal view override onlyAdmin {}

    function _checkRewardOperator() internal view override onlyAdmin {}

    function _stakeToken() internal view override returns (IERC20Token) {
        return config.getFlockToken();
    }

    function _stakeInfo() internal view override returns (IStakeInfo) {
        return config.getStakeInfoV1();
    }

    function _weightRole(uint8 role) internal pure override returns (uint8) {
        return role;
    }

    /// V1 validators leave `validatorWithdrawalFeePercentage` behind (a fee above the base
    /// underflows, panic 0x11).
    function _withdrawalAmount(uint256 staked, bool asNode) internal view override returns (uint256) {
        if (asNode) return staked;
        return staked - (staked * validatorWithdrawalFeePercentage) / rewardPercentageBase;
    }

    // ------------------------------------------------------------------ admin setters (no events)

    function setRewardTokenPerDay(uint256 _rewardTokenPerDay) external onlyAdmin {
        rewardTokenPerDay = _rewardTokenPerDay;
    }

    function setLockedRewardPercentage(uint256 _lockedRewardPercentage) external onlyAdmin {
        lockedRewardPercentage = _lockedRewardPercentage;
    }

    function setUnlockedRewardPercentage(uint256 _unlockedRewardPercentage) external onlyAdmin {
        unlockedRewardPercentage = _unlockedRewardPercentage;
    }

    function setRewardPercentageBase(uint256 _rewardPercentageBase) external onlyAdmin {
        rewardPercentageBase = _rewardPercentageBase;
    }

    function setMinNodeStakes(uint256 _minNodeStakes) external onlyAdmin {
        minNodeStakes = _minNodeStakes;
    }

    function setValidatorMinStake(uint256 _validatorMinStake) external onlyAdmin {
        validatorMinStake = _validatorMinStake;
    }

    function setValidatorFeeWithdrawalPercentage(uint256 _validatorWithdrawalFeePercentage) external onlyAdmin {
        validatorWithdrawalFeePercentage = _validatorWithdrawalFeePercentage;
    }

    function setConfig(address _config) external onlyAdmin {
        config = IFlockConfig(_config);
    }

    // ------------------------------------------------------------------ emission

    function mintDailyReward() external onlyAdmin {
        uint256 amount = rewardTokenPerDay;
        _flock().mint(address(this), amount);
        emit MintDailyReward(amount);
    }

    // ------------------------------------------------------------------ reward uploads (docs/model.md#locked-and-unlocked-node-rewards, docs/model.md#validator-rewards)

    /// V1 node upload (docs/model.md#v1-delegator-cut): each node gets `unlocked·T_node·p/(B·B)` less its delegators' cut; the event and
    /// `latestRewardForNodes` carry `T_node − Σ cuts`, with N read after the loop.
    function uploadRewardResultsForTrainingNodes(
        uint256 taskId,
        address[] calldata trainingNodesAddrs,
        uint256[] calldata rewardPercentages
    ) public onlyAdmin {
        _uploadChecks(taskId, trainingNodesAddrs.length, rewardPercentages.length);
        uint256 tNode = _poolFor(taskId, NODE, false);
        uint256 base = rewardPercentageBase;
        lockedRewardsForNodes[taskId] += (lockedRewardPercentage * tNode) / base;
        uint256 cuts = 0;
        for (uint256 i = 0; i < trainingNodesAddrs.length; i++) {
            cuts += _rewardNode(taskId, trainingNodesAddrs[i], tNode, rewardPercentages[i]);
        }
        uint256 net = tNode - cuts;
        latestRewardForNodes[taskId] = net;
        taskRewards[taskId] += tNode;
        emit UploadNodeRewardPerTask(taskId, _stakeInfo().getTotalNodeStakesPerTask(taskId), net);
    }

    function uploadRewardResultsForValidators(
        uint256 taskId,
        address[] calldata validatorsAddrs,
        uint256[] calldata rewardPercentages
    ) public onlyAdmin {
        _uploadValidators(taskId, validatorsAddrs, rewardPercentages, false);
    }

    /// No γ split: the validators share the whole task pot.
    function uploadRewardResultsOnlyForValidators(
        uint256 taskId,
        address[] calldata validatorsAddrs,
        uint256[] calldata rewardPercentages
    ) public onlyAdmin {
        _uploadValidators(taskId, validatorsAddrs, rewardPercentages, true);
    }

    /// V1 validator upload (docs/model.md#validator-rewards): `x = T_val·p/B` less the delegators' cut, which is also recorded in
    /// `latestRewardForDelegators`. `latestRewardForValidators` is the whole pot; the event
    /// carries what the validators themselves were credited.
    function _uploadValidators(uint256 taskId, address[] calldata addrs, uint256[] calldata pcts, bool only) internal {
        _uploadChecks(taskId, addrs.length, pcts.length);
        uint256 tVal = _poolFor(taskId, VALIDATOR, only);
        uint256 credited = 0;
        for (uint256 i = 0; i < addrs.length; i++) {
            credited += _rewardValidator(taskId, addrs[i], tVal, pcts[i]);
        }
        latestRewardForValidators[taskId] = tVal;
        taskRewards[taskId] += tVal;
        emit UploadValidatorRewardPerTask(taskId, _stakeInfo().getTotalValidatorStakesPerTask(taskId), credited);
    }

    /// Task end (docs/model.md#final-node-upload; ASSUMPTIONS.md A-tm-events): finishes the task first (TaskFinished), then
    /// splits the locked pot like a daily upload and emits `UploadNodeRewardPerTask(N, L − Σ cuts)`.
    function uploadFinalRewardResultsForTrainingNodes(
        uint256 taskId,
        address[] calldata trainingNodesAddrs,
        uint256[] calldata rewardPercentages
    ) public onlyAdmin {
        _markTaskAsFinished(taskId);
        require(tasks[taskId].isCompleted, "Task not completed");
        require(trainingNodesAddrs.length == rewardPercentages.length, "Mismatched arrays length");
        uint256 locked = lockedRewardsForNodes[taskId];
        uint256 cuts = 0;
        for (uint256 i = 0; i < trainingNodesAddrs.length; i++) {
            cuts += _finalNode(taskId, trainingNodesAddrs[i], locked, rewardPercentages[i]);
        }
        uint256 nodeStake = _stakeInfo().getTotalNodeStakesPerTask(taskId);
        emit UploadNodeRewardPerTask(taskId, nodeStake, locked - cuts);
        lockedRewardsForNodes[taskId] = 0;
    }

    /// One node of a daily upload; returns its delegators' cut.
    function _rewardNode(uint256 taskId, address user, uint256 tNode, uint256 pct) internal returns (uint256) {
        uint256 base = rewardPercentageBase;
        uint256 reward = (unlockedRewardPercentage * tNode * pct) / (base * base);
        uint256 cut = _v1Cut(taskId, user, reward, NODE);
        uint256 own = reward - cut;
        _credit(user, taskId, NODE, own);
        emit ParticipantRewarded(user, own, taskId, NODE);
        return cut;
    }

    /// One validator of a daily upload; returns what the validator itself was credited.
    function _rewardValidator(uint256 taskId, address user, uint256 tVal, uint256 pct) internal returns (uint256) {
        uint256 x = (tVal * pct) / rewardPercentageBase;
        uint256 cut = _v1Cut(taskId, user, x, VALIDATOR);
        uint256 own = x - cut;
        latestRewardForDelegators[taskId][user] = cut;
        _credit(user, taskId, VALIDATOR, own);
        emit ParticipantRewarded(user, own, taskId, VALIDATOR);
        return own;
    }

    /// One node of the final upload: its share of the locked pot, credited like a daily upload;
    /// returns its delegators' cut.
    function _finalNode(uint256 taskId, address user, uint256 locked, uint256 pct) internal returns (uint256) {
        uint256 share = (locked * pct) / rewardPercentageBase;
        uint256 cut = _v1Cut(taskId, user, share, NODE);
        uint256 own = share - cut;
        _credit(user, taskId, NODE, own);
        emit ParticipantRewarded(user, own, taskId, NODE);
        return cut;
    }

    /// V1 `distributeRewardToDelegators`: the stake-ratio cut `((B − σ)·r·d)/(d + own)/B`, pushed
    /// with approve + fundPool (reverts without a pool); 0 and no call when the delegation is 0.
    function _v1Cut(uint256 taskId, address user, uint256 reward, uint8 role) internal returns (uint256) {
        IPoolManager pm = _poolManager();
        address pool = pm.getMiniPool(user);
        uint256 sigma = pm.getPoolSigma(user);
        uint256 d = _stakeInfo().getDelegationTokenAmountForUser(user, taskId, role);
        if (d == 0) return 0;
        uint256 own = role == NODE ? nodeStakes[taskId][user] : validatorStakes[taskId][user];
        uint256 base = rewardPercentageBase;
        uint256 cut = ((((base - sigma) * reward) * d) / (d + own)) / base;
        _fundPool(pool, cut);
        emit UploadDelegatorRewardPerTaskPerUser(taskId, user, d, cut);
        return cut;
    }
}
