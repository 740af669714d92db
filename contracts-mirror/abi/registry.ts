/**
 * The external ABI of every contract the mirror implements, in human-readable form: the deployed
 * contracts' signatures from their verified sources and the stand-ins' from docs/contracts.md#stand-ins
 * (docs/contracts.md#abi-registry). It is the one source of
 * truth for trace validation, argument conversion, event argument names and (issue 5) the EVM
 * engine, so a trace written against it runs unchanged on either engine.
 */
import { Interface, type EventFragment, type FunctionFragment } from 'ethers';

const ACCESS = [
  'function DEFAULT_ADMIN_ROLE() view returns (bytes32)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function getRoleAdmin(bytes32 role) view returns (bytes32)',
  'function grantRole(bytes32 role, address account)',
  'function revokeRole(bytes32 role, address account)',
  'function renounceRole(bytes32 role, address account)',
  'function isAdmin(address account) view returns (bool)',
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)',
  'event Initialized(uint8 version)',
];

const RBAC = [
  ...ACCESS,
  'function DAO_ADMIN() view returns (bytes32)',
  'function PROTOCOL_MANAGER() view returns (bytes32)',
  'function REWARD_OPERATOR() view returns (bytes32)',
  'function addDaoAdmin(address account)',
  'function addProtocolManager(address account)',
  'function addRewardOperator(address account)',
  'function renounceDaoAdmin()',
  'function renounceProtocolManager()',
  'function renounceRewardOperator()',
];

const ERC20 = [
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function increaseAllowance(address spender, uint256 addedValue) returns (bool)',
  'function decreaseAllowance(address spender, uint256 subtractedValue) returns (bool)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function transferFrom(address from, address to, uint256 amount) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
];

const FLOCK = [
  ...ACCESS,
  ...ERC20,
  'function initialize(uint256 _dailyMintLimit, string _tokenName, string _tokenSymbol)',
  'function dailyMintLimit() view returns (uint256)',
  'function maxTotalSupply() view returns (uint256)',
  'function currentMinted() view returns (uint256)',
  'function lastMintedDay(address) view returns (uint256)',
  'function amountMintedToday(address) view returns (uint256)',
  'function addBatchToBlacklist(address[] accounts)',
  'function removeBatchFromBlacklist(address[] accounts)',
  'function setDailyMintLimit(uint256 _dailyMintLimit)',
  'function mint(address _account, uint256 _amount)',
  'function burnNetworkFees()',
  'function transferERC20(address _tokenAddress, address _account, uint256 _amount)',
  'event Blacklisted(address indexed account)',
  'event Unblacklisted(address indexed account)',
];

const GMFLOCK = [
  ...ACCESS,
  ...ERC20,
  'function initialize()',
  'function MINTER_ROLE() view returns (bytes32)',
  'function REGISTRAR_ROLE() view returns (bytes32)',
  'function totalMinted() view returns (uint256)',
  'function registered(address addr) view returns (bool)',
  'function mint(address _account, uint256 _amount)',
  'function burn(address _account, uint256 _amount)',
  'function setRegistered(address _addr, bool status)',
  'event Registered(address indexed addr, bool status)',
];

const EXCHANGE = [
  ...RBAC,
  'function initialize(address _flockConfig)',
  'function config() view returns (address)',
  'function currentLockInfoId() view returns (uint256)',
  'function protocolFee() view returns (uint256)',
  'function userLocks(address, uint256) view returns (uint256)',
  'function lockInfoMap(uint256) view returns (uint256 id, uint256 flockAmount, uint256 gmFlockAmount, uint256 unlockTime, address beneficiary)',
  'function registered(address) view returns (bool)',
  'function lockIndexMap(address, uint256) view returns (uint256)',
  'function setFlockConfig(address _flockConfig)',
  'function setExchangeParams(uint256 _t0, uint256 _t1, uint256 _epsilon, uint256 _base)',
  'function setProtocolFee(uint256 _protocolFee)',
  'function getExchangeMultiplier(uint256 lockPeriod) view returns (uint256)',
  'function exchangeFlock(uint256 flockAmount, uint256 lockPeriod, address beneficiary)',
  'function claimUnlockedFlock(uint256 timestamp)',
  'function claimUnlockedFlockByIds(uint256[] ids)',
  'function getUnlockedAmounts(uint256 timestamp) view returns (uint256 totalFlock, uint256 totalgmFlock)',
  'function getUserLocks(address user) view returns (uint256[])',
  'event FlockExchanged(address indexed user, uint256 flockAmount, uint256 gmFlockAmount, uint256 unlockTime, uint256 id)',
  'event gmFlockClaimed(address indexed user, uint256 flockAmount, uint256 gmFlockAmount, uint256 id)',
];

const CONFIG = [
  ...ACCESS,
  'function initialize()',
  'function setAddress(uint256 addressIndex, address newAddress)',
  'function copyFromOtherConfig(address _initialConfig, uint256 addressesLength)',
  'function getAddress(uint256 index) view returns (address)',
  'event AddressUpdated(address owner, uint256 index, address oldValue, address newValue)',
];

const TASK_VIEWS = [
  'function initialize(address _flockConfig)',
  'function baseStakeAmount() view returns (uint256)',
  'function maxDuration() view returns (uint256)',
  'function minNodeStakes() view returns (uint256)',
  'function rewardTokenPerDay() view returns (uint256)',
  'function lockedRewardPercentage() view returns (uint256)',
  'function unlockedRewardPercentage() view returns (uint256)',
  'function rewardPercentageBase() view returns (uint256)',
  'function validatorMinStake() view returns (uint256)',
  'function totalActiveTaskStakes() view returns (uint256)',
  'function validatorWithdrawalFeePercentage() view returns (uint256)',
  'function flTaskRewardAmountDaily() view returns (uint256)',
  'function gamma() view returns (uint256)',
  'function feePercentage() view returns (uint256)',
  'function flockToken() view returns (address)',
  'function config() view returns (address)',
  'function taskIds(uint256) view returns (uint256)',
  'function taskStakes(uint256) view returns (uint256)',
  'function tasks(uint256) view returns (uint256 id, bool isCompleted, address creator, uint256 startTime, uint256 expectedDuration, uint256 stakeAmount, string taskName)',
  'function taskValidators(uint256, uint256) view returns (address)',
  'function nodeTasks(address, uint256) view returns (uint256)',
  'function validatorTasks(address, uint256) view returns (uint256)',
  'function nodeStakes(uint256, address) view returns (uint256)',
  'function validatorStakes(uint256, address) view returns (uint256)',
  'function lockedRewardsForNodes(uint256) view returns (uint256)',
  'function latestRewardForNodes(uint256) view returns (uint256)',
  'function latestRewardForValidators(uint256) view returns (uint256)',
  'function latestRewardForDelegators(uint256, address) view returns (uint256)',
  'function userRewards(address) view returns (uint256)',
  'function taskRewards(uint256) view returns (uint256)',
  'function unlockedRewardsByRole(uint256, address, uint8) view returns (uint256)',
  'function totalStakes(address) view returns (uint256)',
  'function flTaskStakes(address) view returns (uint256)',
  'function totalNodeStakesPerTask(uint256) view returns (uint256)',
  'function totalValidatorStakesPerTask(uint256) view returns (uint256)',
  'function setGamma(uint256 _gamma)',
  'function setFeePercentage(uint256 _feePercentage)',
  'function setBaseStakeAmount(uint256 _baseStakeAmount)',
  'function setMaxDuration(uint256 _maxDuration)',
  'function setTotalStakes(address _user, uint256 _totalStakes)',
  'function getNodeStakes(uint256 _taskId, address _user) view returns (uint256)',
  'function getValidatorStakes(uint256 _taskId, address _user) view returns (uint256)',
  'function getAvailableRewardTasksForUser(address _user) view returns (uint256[])',
  'function isTaskCompleted(uint256 taskId) view returns (bool)',
  'function getTotalStakes(address _user) view returns (uint256)',
  'function getNodeTasks(address _user) view returns (uint256[])',
  'function getValidatorTasks(address _user) view returns (uint256[])',
  'function createTask(uint256 taskId, uint256 expectedDuration, string taskName)',
  'function stakeTokensForTrainingNodes(uint256 taskId, uint256 additionalStakes)',
  'function withdrawStakeTokensForTrainingNodes(uint256 taskId)',
  'function stakeTokensForValidators(uint256 taskId, uint256 additionalStakes)',
  'function withdrawStakeTokensForValidators(uint256 taskId)',
  'function claimRewards()',
  'function transferRewardsToFLTasks()',
  'function mintDailyReward()',
  'function afterDelegationUpdate(address user)',
  'function slash(uint256 taskId, address user, uint256 ppm)',
  'function setSlashingEnabled(bool enabled)',
  'event TaskCreated(uint256 indexed taskId, address indexed creator, uint256 expectedDuration, uint256 stakeAmount)',
  'event NodeStakeDeposited(uint256 indexed taskId, address indexed node, uint256 amount)',
  'event NodeStakeWithdrawn(uint256 indexed taskId, address indexed node, uint256 amount)',
  'event RewardsClaimed(address indexed node, uint256 rewardAmount)',
  'event ValidatorStakeDeposited(uint256 indexed taskId, address indexed validator, uint256 amount)',
  'event ValidatorStakeWithdrawn(uint256 indexed taskId, address indexed validator, uint256 amount)',
  'event TaskFinished(uint256 taskId)',
  'event UploadNodeRewardPerTask(uint256 indexed taskId, uint256 nodeStake, uint256 rewardAmount)',
  'event UploadValidatorRewardPerTask(uint256 indexed taskId, uint256 validatorStake, uint256 rewardAmount)',
  'event ParticipantRewarded(address indexed participant, uint256 reward, uint256 taskId, uint8 role)',
  'event FLTaskRewardTransferred(address indexed flTaskAddress, uint256 reward)',
  'event DelegationAmountChanged(address indexed user, uint256 totalDelegationAmount)',
  'event MintDailyReward(uint256 rewardAmount)',
  'event Slashed(uint256 indexed taskId, address indexed user, uint256 amount)',
];

const TASK_MANAGER_V1 = [
  ...ACCESS,
  ...TASK_VIEWS,
  'function rewardPercentageForNodes() view returns (uint256)',
  'function rewardPercentageForValidators() view returns (uint256)',
  'function delegatorStakes(uint256, address) view returns (uint256)',
  'function validatorDelegatorStakes(uint256, address, address) view returns (uint256)',
  'function validatorTotalDelegatorStakes(uint256, address) view returns (uint256)',
  'function delegatorValidatorStakes(uint256, address, address) view returns (uint256)',
  'function totalDelegatorStakesPerTaskPerValidator(uint256, address) view returns (uint256)',
  'function setRewardTokenPerDay(uint256 _rewardTokenPerDay)',
  'function setLockedRewardPercentage(uint256 _lockedRewardPercentage)',
  'function setUnlockedRewardPercentage(uint256 _unlockedRewardPercentage)',
  'function setRewardPercentageBase(uint256 _rewardPercentageBase)',
  'function setMinNodeStakes(uint256 _minNodeStakes)',
  'function setValidatorMinStake(uint256 _validatorMinStake)',
  'function setValidatorFeeWithdrawalPercentage(uint256 _validatorWithdrawalFeePercentage)',
  'function setConfig(address _config)',
  'function uploadRewardResultsForTrainingNodes(uint256 taskId, address[] trainingNodesAddrs, uint256[] rewardPercentages)',
  'function uploadRewardResultsForValidators(uint256 taskId, address[] validatorsAddrs, uint256[] rewardPercentages)',
  'function uploadRewardResultsOnlyForValidators(uint256 taskId, address[] validatorsAddrs, uint256[] rewardPercentages)',
  'function uploadFinalRewardResultsForTrainingNodes(uint256 taskId, address[] trainingNodesAddrs, uint256[] rewardPercentages)',
  'event DelegatorStaked(uint256 indexed taskId, address indexed validator, address indexed delegator, uint256 amount)',
  'event DelegatorUnstaked(uint256 indexed taskId, address indexed validator, address indexed delegator, uint256 amount)',
  'event UploadDelegatorRewardPerTaskPerUser(uint256 indexed taskId, address indexed user, uint256 delegatorStake, uint256 rewardAmount)',
];

const TASK_MANAGER_V2 = [
  ...RBAC,
  ...TASK_VIEWS,
  'function latestRewardForDelegators(uint256, address) view returns (uint256)',
  'function dailyMintResetCount() view returns (uint256)',
  'function dailyMintDecayPercentage() view returns (uint256)',
  'function currentDailyMintCount() view returns (uint256)',
  'function daysToFreezeSigmaBefore() view returns (uint256)',
  'function daysToFreezeSigmaAfter() view returns (uint256)',
  'function maxRewardTokenPerDay() view returns (uint256)',
  'function lastMintTimestamp() view returns (uint256)',
  'function activeTaskIds(uint256) view returns (uint256)',
  'function nodeInTask(uint256, address) view returns (bool)',
  'function lockupRewardVestingPeriodInDays() view returns (uint256)',
  'function linearVestingDepositor() view returns (address)',
  'function taskFinishedTimestamp(uint256) view returns (uint256)',
  'function setRewardParameters(uint256 _lockedRewardPercentage, uint256 _rewardPercentageBase, uint256 _rewardTokenPerDay)',
  'function setMinStakes(uint256 _minNodeStakes, uint256 _validatorMinStake)',
  'function setDailyMintResetCount(uint256 _dailyMintResetCount)',
  'function setDailyMintDecayPercentage(uint256 _dailyMintDecayPercentage)',
  'function setCurrentDailyMintCount(uint256 _currentDailyMintCount)',
  'function setDaysToFreezeSigmaBefore(uint256 _daysToFreezeSigma)',
  'function setDaysToFreezeSigmaAfter(uint256 _daysToFreezeSigma)',
  'function setUpLinearDepositor(address _linearVestingDepositor, uint256 _lockupRewardVestingPeriodInDays)',
  'function setMaxRewardTokenPerDay(uint256 _maxRewardTokenPerDay)',
  'function transferToken(address _to, uint256 _amount)',
  'function isNodePoolFreezing(address _user) view returns (bool)',
  'function uploadRewardResultsForTrainingNodes(uint256 taskId, address[] trainingNodesAddrs, uint256[] rewardPercentagesWithDelegation, uint256[] rewardPercentagesWithoutDelegation)',
  'function uploadRewardResultsForValidators(uint256 taskId, address[] validatorsAddrs, uint256[] rewardPercentagesWithDelegation, uint256[] rewardPercentagesWithoutDelegation)',
  'function uploadRewardResultsOnlyForValidators(uint256 taskId, address[] validatorsAddrs, uint256[] rewardPercentagesWithDelegation, uint256[] rewardPercentagesWithoutDelegation)',
  'function uploadFinalRewardResultsForTrainingNodes(uint256 taskId, address[] trainingNodesAddrs, uint256[] rewardPercentagesWithDelegation, uint256[] rewardPercentagesWithoutDelegation)',
  'event UploadDelegatorRewardPerTaskPerUser(uint256 indexed taskId, address indexed user, uint256 rewardAmount)',
  'event UploadFinalNodeRewardPerTask(uint256 indexed taskId, uint256 nodeStake, uint256 rewardAmount)',
  'event CollectFee(address indexed _delegator, uint256 _amount)',
];

const STAKE_INFO = [
  'function addStakes(uint256 taskId, uint256 stakes, uint256 role, address user)',
  'function removeStakes(uint256 taskId, uint256 stakes, uint256 role, address user)',
  'function clearStakes(uint256 taskId)',
  'function retallyDelegation(address _user)',
  'function getDelegationTokenAmountForUser(address _user, uint256 _taskId, uint256 _role) view returns (uint256)',
  'function getTotalActiveTaskStakes(uint256 _role) view returns (uint256)',
  'function getTaskStakes(uint256 taskId, uint256 _role) view returns (uint256)',
  'function getTotalActiveTaskWeights(uint256 _role) view returns (uint256)',
  'function getTaskWeights(uint256 taskId, uint256 _role) view returns (uint256)',
  'function getTotalNodeStakesPerTask(uint256 taskId) view returns (uint256)',
  'function getTotalValidatorStakesPerTask(uint256 taskId) view returns (uint256)',
];

const POOL_MANAGER_COMMON = [
  'function initialize(address _flockConfig)',
  'function rewardPercentageBase() view returns (uint256)',
  'function sigmaModificationCooldown() view returns (uint256)',
  'function minSigma() view returns (uint256)',
  'function maxSigma() view returns (uint256)',
  'function protocolFeePercentage() view returns (uint256)',
  'function miniPools(address) view returns (address)',
  'function poolToUser(address) view returns (address)',
  'function poolSigmas(address) view returns (uint256)',
  'function lastSigmaModificationTimestamp(address) view returns (uint256)',
  'function setMinSigma(uint256 _minSigma)',
  'function setMaxSigma(uint256 _maxSigma)',
  'function setProtocolFeePercentage(uint256 _protocolFeePercentage)',
  'function setSigmaModificationCooldown(uint256 _sigmaModificationCooldown)',
  'function setConfig(address _config)',
  'function getMiniPool(address user) view returns (address)',
  'function getPoolSigma(address _user) view returns (uint256)',
  'function isPool(address _pool) view returns (bool)',
  'function getPercentageBase() view returns (uint256)',
  'function getProtocolFeePercentage() view returns (uint256)',
  'function getPools() view returns (address[])',
  'function getUsers() view returns (address[])',
  'function getUserAt(uint256 index) view returns (address)',
  'function getUsersLength() view returns (uint256)',
  'function getDelegatorPools(address _delegator) view returns (address[])',
  'function createMiniPool(uint256 sigma) returns (address)',
  'function setMiniPoolSigma(uint256 sigma)',
  'function addDelegatorToPool(address _delegator)',
  'event SetMinSigma(uint256 minSigma)',
  'event SetMaxSigma(uint256 maxSigma)',
  'event SetPoolSigma(address indexed user, uint256 sigma)',
  'event CreateMiniPool(address indexed user, address pool, uint256 sigma)',
];

const POOL_MANAGER_V1 = [...ACCESS, ...POOL_MANAGER_COMMON];

const POOL_MANAGER_V2 = [
  ...RBAC,
  ...POOL_MANAGER_COMMON,
  'function poolDelegatorCoolDown() view returns (uint256)',
  'function poolClaimCoolDown() view returns (uint256)',
  'function claimableRewardPercentage() view returns (uint256)',
  'function setClaimableRewardPercentage(uint256 _claimableRewardPercentage)',
  'function setDelegatorCoolDown(uint256 _poolDelegatorCoolDown)',
  'function setClaimCoolDown(uint256 _poolClaimCoolDown)',
  'function getClaimableRewardPercentage() view returns (uint256)',
  'function getDelegationCoolDown() view returns (uint256)',
  'function getClaimCoolDown() view returns (uint256)',
];

const POOL_COMMON = [
  'function user() view returns (address)',
  'function totalDelegationAmount() view returns (uint256)',
  'function lastStakeTimestamp(address) view returns (uint256)',
  'function claimedRewards(address) view returns (uint256)',
  'function delegate(uint256 _amount)',
  'function undelegate(uint256 _amount)',
  'function claimRewards()',
  'function fundPool(uint256 _reward)',
  'function delegationOf(address _delegator) view returns (tuple(uint256 amount, uint256 since))',
  'function getTotalDelegationAmount() view returns (uint256)',
  'function claimable(address _delegator) view returns (uint256)',
  'function getDelegators() view returns (address[])',
  'function totalRewardForDelegator(address _delegator) view returns (uint256)',
  'event Delegate(address indexed _delegator, address indexed _user, uint256 _amount)',
  'event Undelegate(address indexed _delegator, address indexed _user, uint256 _amount)',
  'event Claim(address indexed _delegator, uint256 _amount)',
  'event CollectFee(address indexed _delegator, uint256 _amount)',
  'event Fund(uint256 _amount)',
];

const MINI_POOL_V1 = [
  ...POOL_COMMON,
  'function config() view returns (address)',
  'function owner() view returns (address)',
  'function renounceOwnership()',
  'function transferOwnership(address newOwner)',
  'function totalPastTemporalDelegation() view returns (uint256)',
  'function pastTemporalDelegationMap(address) view returns (uint256)',
  'function delegationMap(address) view returns (uint256 amount, uint256 since)',
  'function activeTotalDelegationInfo() view returns (uint256 amount, uint256 since)',
  'function receiverTemporalDelegation(address _delegator) view returns (uint256)',
  'function totalTemporalDelegation() view returns (uint256)',
  'function interestPerYear() view returns (uint256)',
  'event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)',
];

const MINI_POOL_V2 = [
  ...POOL_COMMON,
  'function accRewardPerShare() view returns (uint256)',
  'function unallocated() view returns (uint256)',
  'function lastClaimTimestamp(address) view returns (uint256)',
];

const VESTING = [
  ...ACCESS,
  'function initialize(address token)',
  'function rewardToken() view returns (address)',
  'function depositReward(address user, uint256 amount, uint256 start, uint256 duration)',
  'function claim()',
  'function activeGrantCount(address user) view returns (uint256)',
  'function getActiveGrant(address user, uint256 index) view returns (tuple(uint128 amount, uint128 claimed, uint256 start, uint256 duration))',
  'function claimable(address user) view returns (uint256)',
  'function claimableAt(address user, uint256 ts) view returns (uint256)',
  'event RewardDeposited(address indexed user, uint256 indexed grantIndex, uint256 amount, uint256 start, uint256 duration)',
  'event RewardClaimed(address indexed user, uint256 amount)',
];

const FL_TASK_MANAGER = [
  ...ACCESS,
  'function initialize()',
  'function createTask(uint256 taskId, uint256 totalNumberOfRounds, uint256 minStakeThreshold, uint256 initialRewardPoolSize, uint256 slashPercentage)',
  'function getTasks() view returns (address[])',
  'event FLTaskCreated(uint256 indexed taskId, address task)',
];

const FL_TASK = [
  'function stake(uint256 amount)',
  'function startRound(address[] proposers, address[] voters)',
  'function vote(int256 score)',
  'function finalizeRound()',
  'function claimReward(uint256 round)',
  'function slash(address participant, uint256 round)',
  'function fundRewardPool(uint256 amount)',
  'function getTotalStakes() view returns (uint256)',
  'function isFinished() view returns (bool)',
  'function rewardPool() view returns (uint256)',
  'function currentRound() view returns (uint256)',
  'function totalNumberOfRounds() view returns (uint256)',
  'function stakeOf(address user) view returns (uint256)',
  'function owedReward(uint256 round, address user) view returns (uint256)',
  'event Staked(address indexed user, uint256 amount)',
  'event RoundStarted(uint256 indexed round)',
  'event Voted(uint256 indexed round, address indexed voter, int256 score)',
  'event RoundFinalized(uint256 indexed round, bool accepted, uint256 roundReward)',
  'event RewardClaimed(uint256 indexed round, address indexed user, uint256 amount)',
  'event Slashed(uint256 indexed round, address indexed participant, address caller, uint256 amount)',
];

export const ABI_SOURCES = {
  FLOCK,
  gmFLOCK: GMFLOCK,
  Exchange: EXCHANGE,
  Config: CONFIG,
  TaskManagerV1: TASK_MANAGER_V1,
  TaskManagerV2: TASK_MANAGER_V2,
  StakeInfo: STAKE_INFO,
  PoolManagerV1: POOL_MANAGER_V1,
  PoolManagerV2: POOL_MANAGER_V2,
  MiniPoolV1: MINI_POOL_V1,
  MiniPoolV2: MINI_POOL_V2,
  Vesting: VESTING,
  FLTaskManager: FL_TASK_MANAGER,
  FLTask: FL_TASK,
} as const;

export type ContractKind = keyof typeof ABI_SOURCES;

const cache = new Map<string, Interface>();

export function abiOf(kind: string): Interface {
  let i = cache.get(kind);
  if (!i) {
    const src = (ABI_SOURCES as Record<string, readonly string[]>)[kind];
    if (!src) throw new Error(`no ABI for contract kind ${kind}`);
    i = new Interface(src as string[]);
    cache.set(kind, i);
  }
  return i;
}

const functions = new Map<string, FunctionFragment | null>();

/** The function of `kind` named `name` (no contract of the protocol overloads a name). */
export function functionOf(kind: string, name: string): FunctionFragment | null {
  const key = kind + '.' + name;
  let f = functions.get(key);
  if (f === undefined) {
    // ethers' lookup by name walks every fragment of the ABI; replays look names up per step
    f = abiOf(kind).getFunction(name);
    functions.set(key, f);
  }
  return f;
}

export function eventOf(kind: string, name: string): EventFragment | null {
  return abiOf(kind).getEvent(name);
}

/** The ABI kind behind a trace contract name under a protocol version. */
export function kindOfName(name: string, protocol: 'v1' | 'v2'): string | null {
  if (name.startsWith('Pool:')) return protocol === 'v1' ? 'MiniPoolV1' : 'MiniPoolV2';
  if (name.startsWith('FLTask:')) return 'FLTask';
  switch (name) {
    case 'FLOCK':
    case 'Config':
    case 'StakeInfo':
    case 'FLTaskManager':
      return name;
    case 'TaskManager':
      return protocol === 'v1' ? 'TaskManagerV1' : 'TaskManagerV2';
    case 'PoolManager':
      return protocol === 'v1' ? 'PoolManagerV1' : 'PoolManagerV2';
    case 'gmFLOCK':
    case 'Exchange':
    case 'Vesting':
      return protocol === 'v2' ? name : null;
    default:
      return null;
  }
}

export const CONTRACT_NAMES = ['FLOCK', 'gmFLOCK', 'Exchange', 'TaskManager', 'StakeInfo', 'PoolManager', 'Vesting', 'Config', 'FLTaskManager'] as const;
