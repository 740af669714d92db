// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AdminUpgradeable} from "./base/AdminUpgradeable.sol";
import {IFlockConfig} from "./interfaces/IFlockConfig.sol";
import {ConfigHelper} from "./interfaces/ConfigHelper.sol";
import {IERC20Token} from "./interfaces/ITokens.sol";
import {IFlTask, IFlTaskManager} from "./interfaces/IFlTask.sol";

/// FL Alliance task factory (docs/contracts.md#fl-alliance-task-interface; ASSUMPTIONS.md A-fl-*). Mirror: contracts/flTask.ts.
///
/// Deployment: `new FLTaskManager(config)`, then `initialize()`. The config (for the FLOCK
/// address, index 4) is a constructor argument because the project-defined `initialize()` takes
/// none; it is passed on to every task.
contract FLTaskManager is IFlTaskManager, AdminUpgradeable {
    using ConfigHelper for IFlockConfig;

    IFlockConfig private immutable _config;
    address[] private _taskList;
    mapping(uint256 => address) private _byId;

    event FLTaskCreated(uint256 indexed taskId, address task);

    constructor(address flockConfig) {
        _config = IFlockConfig(flockConfig);
    }

    function initialize() external initializer {
        __AdminUpgradeable_init(msg.sender);
    }

    /// Creates the task and pulls the initial reward pool from the caller straight into it.
    function createTask(uint256 taskId, uint256 totalNumberOfRounds, uint256 minStakeThreshold, uint256 initialRewardPoolSize, uint256 slashPercentage) external onlyAdmin {
        require(_byId[taskId] == address(0), "Task exists");
        require(totalNumberOfRounds > 0, "Invalid rounds");
        FLTask task = new FLTask(address(this), _config, totalNumberOfRounds, minStakeThreshold, slashPercentage, initialRewardPoolSize);
        _byId[taskId] = address(task);
        _taskList.push(address(task));
        _config.getFlockToken().transferFrom(msg.sender, address(task), initialRewardPoolSize);
        emit FLTaskCreated(taskId, address(task));
    }

    /// Unfinished tasks, in creation order.
    function getTasks() external view returns (address[] memory) {
        uint256 n = _taskList.length;
        address[] memory buf = new address[](n);
        uint256 k = 0;
        for (uint256 i = 0; i < n; i++) {
            if (!IFlTask(_taskList[i]).isFinished()) buf[k++] = _taskList[i];
        }
        assembly {
            mstore(buf, k)
        }
        return buf;
    }
}

/// One FL Alliance task: an integer re-statement of the legacy rules (docs/model.md#fl-round-rewards).
/// Deployed only by FLTaskManager; "admin" is a DEFAULT_ADMIN_ROLE holder on the manager.
contract FLTask is IFlTask {
    using ConfigHelper for IFlockConfig;

    struct Round {
        address[] proposers;
        address[] voters;
        /// Distinct voters that voted, in vote order.
        address[] voted;
        mapping(address => uint256) stake;
        mapping(address => bool) isProposer;
        mapping(address => bool) isVoter;
        mapping(address => bool) hasVoted;
        mapping(address => int256) votes;
    }

    address private immutable _manager;
    IFlockConfig private immutable _config;

    uint256 public totalNumberOfRounds;
    uint256 private _minStakeThreshold;
    /// In ppm.
    uint256 private _slashPercentage;
    uint256 public rewardPool;
    uint256 private _totalStakes;
    /// Rewards finalized but not yet claimed.
    uint256 private _totalOwed;
    uint256 public currentRound;
    bool private _roundInProgress;
    bool private _finished;

    mapping(address => uint256) private _stakes;
    mapping(uint256 => Round) private _rounds;
    mapping(uint256 => mapping(address => uint256)) private _owed;
    mapping(uint256 => mapping(address => bool)) private _slashable;

    event Staked(address indexed user, uint256 amount);
    event RoundStarted(uint256 indexed round);
    event Voted(uint256 indexed round, address indexed voter, int256 score);
    event RoundFinalized(uint256 indexed round, bool accepted, uint256 roundReward);
    event RewardClaimed(uint256 indexed round, address indexed user, uint256 amount);
    event Slashed(uint256 indexed round, address indexed participant, address caller, uint256 amount);

    /// `initialRewardPool` is the pool the manager pulls into this task in the same transaction.
    constructor(address manager, IFlockConfig flockConfig, uint256 rounds, uint256 minStake, uint256 slashPpm, uint256 initialRewardPool) {
        _manager = manager;
        _config = flockConfig;
        totalNumberOfRounds = rounds;
        _minStakeThreshold = minStake;
        _slashPercentage = slashPpm;
        rewardPool = initialRewardPool;
    }

    modifier onlyAdmin() {
        require(AdminUpgradeable(_manager).isAdmin(msg.sender), "Restricted to admins");
        _;
    }

    function _flock() private view returns (IERC20Token) {
        return _config.getFlockToken();
    }

    // ---------------------------------------------------------------- views

    function stakeOf(address user) external view returns (uint256) {
        return _stakes[user];
    }

    function owedReward(uint256 round, address user) external view returns (uint256) {
        return _owed[round][user];
    }

    function getTotalStakes() external view returns (uint256) {
        return _totalStakes;
    }

    function isFinished() external view returns (bool) {
        return _finished;
    }

    // ---------------------------------------------------------------- actions

    /// The cumulative stake (checked: an overflow panics 0x11) must reach the threshold.
    function stake(uint256 amount) external {
        uint256 prev = _stakes[msg.sender];
        require(prev + amount >= _minStakeThreshold, "Stake below threshold");
        _flock().transferFrom(msg.sender, address(this), amount);
        _stakes[msg.sender] = prev + amount;
        _totalStakes += amount;
        emit Staked(msg.sender, amount);
    }

    /// Daily funding from the AI Arena task manager: pulls approved FLOCK; no event of its own.
    function fundRewardPool(uint256 amount) external {
        _flock().transferFrom(msg.sender, address(this), amount);
        rewardPool += amount;
    }

    /// The simulator draws the roles; round stakes are snapshotted now.
    function startRound(address[] calldata proposers, address[] calldata voters) external onlyAdmin {
        require(!_roundInProgress, "Round in progress");
        require(!_finished, "Task finished");
        Round storage r = _rounds[currentRound];
        for (uint256 i = 0; i < proposers.length; i++) {
            uint256 x = _stakes[proposers[i]];
            require(x > 0, "Not a participant");
            r.stake[proposers[i]] = x;
            r.isProposer[proposers[i]] = true;
        }
        for (uint256 i = 0; i < voters.length; i++) {
            uint256 x = _stakes[voters[i]];
            require(x > 0, "Not a participant");
            r.stake[voters[i]] = x;
            r.isVoter[voters[i]] = true;
        }
        r.proposers = proposers;
        r.voters = voters;
        _roundInProgress = true;
        emit RoundStarted(currentRound);
    }

    function vote(int256 score) external {
        Round storage r = _rounds[currentRound];
        require(_roundInProgress && r.isVoter[msg.sender], "Not a voter");
        require(!r.hasVoted[msg.sender], "Already voted");
        r.hasVoted[msg.sender] = true;
        r.votes[msg.sender] = score;
        r.voted.push(msg.sender);
        emit Voted(currentRound, msg.sender, score);
    }

    /// Accept iff Σ sign(vote)·roundStake ≥ 0. Eligible: all proposers plus ≥0 voters on accept,
    /// <0 voters on reject (a name listed twice counts twice); each is owed its two-floor pro-rata
    /// share of pool/roundsLeft; every other participant (non-voters included) becomes slashable.
    function finalizeRound() external {
        require(_roundInProgress, "No round in progress");
        uint256 index = currentRound;
        Round storage r = _rounds[index];
        bool admin = AdminUpgradeable(_manager).isAdmin(msg.sender);
        require(admin || r.voted.length == r.voters.length, "Votes pending");

        int256 aggregate = 0;
        for (uint256 i = 0; i < r.voted.length; i++) {
            address u = r.voted[i];
            int256 v = r.votes[u];
            if (v > 0) aggregate += int256(r.stake[u]);
            else if (v < 0) aggregate -= int256(r.stake[u]);
        }
        bool accepted = aggregate >= 0;

        uint256 reward = rewardPool / (totalNumberOfRounds - index);
        uint256 paid = _payEligible(r, index, accepted, reward);
        _markSlashable(r, index, accepted);

        rewardPool -= paid;
        _totalOwed += paid;
        _roundInProgress = false;
        currentRound = index + 1;
        if (index + 1 == totalNumberOfRounds) _finished = true;
        emit RoundFinalized(index, accepted, reward);
    }

    function claimReward(uint256 round) external {
        uint256 amount = _owed[round][msg.sender];
        require(amount > 0, "Nothing to claim");
        _owed[round][msg.sender] = 0;
        _totalOwed -= amount;
        _flock().transfer(msg.sender, amount);
        emit RewardClaimed(round, msg.sender, amount);
    }

    /// `s = min(roundStake·slash%/1e6, stake)`: 9/10 to the pool, the rest to the caller.
    function slash(address participant, uint256 round) external {
        require(_slashable[round][participant], "Not slashable");
        uint256 roundStake = _rounds[round].stake[participant];
        uint256 current = _stakes[participant];
        uint256 want = (roundStake * _slashPercentage) / 1_000_000;
        uint256 slashed = want < current ? want : current;
        uint256 toPool = (slashed * 9) / 10;
        uint256 toCaller = slashed - toPool;
        _slashable[round][participant] = false;
        _stakes[participant] = current - slashed;
        _totalStakes -= slashed;
        rewardPool += toPool;
        _flock().transfer(msg.sender, toCaller);
        emit Slashed(round, participant, msg.sender, slashed);
    }

    // ---------------------------------------------------------------- internals

    /// Credits every eligible entry (proposers first on accept, then the voters on the winning
    /// side, in list order) its share of `reward`; returns the sum credited.
    function _payEligible(Round storage r, uint256 index, bool accepted, uint256 reward) private returns (uint256 paid) {
        address[] memory eligible = _eligibleList(r, accepted);
        uint256 total = 0;
        for (uint256 i = 0; i < eligible.length; i++) total += r.stake[eligible[i]];
        if (total == 0) return 0;
        for (uint256 i = 0; i < eligible.length; i++) {
            address u = eligible[i];
            uint256 o = _owedFor(reward, r.stake[u], total);
            _owed[index][u] += o;
            paid += o;
        }
    }

    function _eligibleList(Round storage r, bool accepted) private view returns (address[] memory eligible) {
        uint256 nProposers = accepted ? r.proposers.length : 0;
        uint256 nVoters = r.voters.length;
        eligible = new address[](nProposers + nVoters);
        uint256 k = 0;
        for (uint256 i = 0; i < nProposers; i++) eligible[k++] = r.proposers[i];
        for (uint256 i = 0; i < nVoters; i++) {
            address u = r.voters[i];
            if (_votedOnSide(r, u, accepted)) eligible[k++] = u;
        }
        assembly {
            mstore(eligible, k)
        }
    }

    /// Every participant who is not eligible becomes slashable for the round.
    function _markSlashable(Round storage r, uint256 index, bool accepted) private {
        for (uint256 i = 0; i < r.proposers.length; i++) {
            address u = r.proposers[i];
            if (!_isEligible(r, u, accepted)) _slashable[index][u] = true;
        }
        for (uint256 i = 0; i < r.voters.length; i++) {
            address u = r.voters[i];
            if (!_isEligible(r, u, accepted)) _slashable[index][u] = true;
        }
    }

    function _votedOnSide(Round storage r, address u, bool accepted) private view returns (bool) {
        if (!r.hasVoted[u]) return false;
        int256 v = r.votes[u];
        return accepted ? v >= 0 : v < 0;
    }

    function _isEligible(Round storage r, address u, bool accepted) private view returns (bool) {
        return (accepted && r.isProposer[u]) || (r.isVoter[u] && _votedOnSide(r, u, accepted));
    }

    /// `proportion = stake·1e18·100/Σ`, then `owed = reward·proportion/(100·1e18)`.
    function _owedFor(uint256 reward, uint256 userStake, uint256 totalEligible) private pure returns (uint256) {
        uint256 proportion = (userStake * 1e18 * 100) / totalEligible;
        return (reward * proportion) / (100 * 1e18);
    }
}
