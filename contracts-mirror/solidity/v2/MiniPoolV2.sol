// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IFlockConfig} from "../interfaces/IFlockConfig.sol";
import {ConfigHelper} from "../interfaces/ConfigHelper.sol";
import {IFlockToken, IGmFlock} from "../interfaces/ITokens.sol";
import {IPoolManager} from "../interfaces/IPoolManager.sol";
import {MiniPoolBase} from "../v1/MiniPoolBase.sol";

/// The V2 delegation pool stand-in, `FlockMiniPoolV2` (docs/contracts.md#v2-delegation-pool-stand-in, ASSUMPTIONS.md A-pool-v2-views): a
/// share-based vault with gmFLOCK principal and FLOCK rewards, an accumulator per share scaled by
/// P = 1e18, and `unallocated` for FLOCK funded while the principal is 0, so a newcomer never
/// shares rewards funded before it joined. Every division floors. Events, constructor and the
/// shared getters: v1/MiniPoolBase.sol.
/// Mirror: contracts-mirror/contracts/pool.ts `MiniPoolV2`.
contract MiniPoolV2 is MiniPoolBase {
    using EnumerableSet for EnumerableSet.AddressSet;
    using ConfigHelper for IFlockConfig;

    uint256 private constant P = 1e18;

    /// Declared here, not in the base, so the ABI's internal type stays `MiniPoolV2.DelegationInfo`.
    struct DelegationInfo {
        uint256 amount;
        uint256 since;
    }

    struct ShareAccount {
        uint256 amount;
        uint256 accLast;
        uint256 pending;
    }

    uint256 public accRewardPerShare;
    uint256 public unallocated;
    mapping(address => uint256) public lastClaimTimestamp;

    mapping(address => ShareAccount) private _accounts;

    constructor(address _user, address _flockConfig) MiniPoolBase(_user, _flockConfig) {}

    function _gm() private view returns (IGmFlock) {
        return _config.getGmFlockToken();
    }

    // ------------------------------------------------------------------ views

    /// Gross, before the fee: `pending + amount·(acc − accLast)/P`.
    function claimable(address _delegator) public view override returns (uint256) {
        ShareAccount storage a = _accounts[_delegator];
        return a.pending + (a.amount * (accRewardPerShare - a.accLast)) / P;
    }

    /// `(amount, since = lastStakeTimestamp)`.
    function delegationOf(address _delegator) external view returns (DelegationInfo memory) {
        return DelegationInfo({amount: _accounts[_delegator].amount, since: lastStakeTimestamp[_delegator]});
    }

    // ------------------------------------------------------------------ accounting

    /// Settle(d): `pending += amount·(acc − accLast)/P`, then `accLast = acc`.
    function _settle(address d) private returns (ShareAccount storage a) {
        a = _accounts[d];
        uint256 acc = accRewardPerShare;
        a.pending = a.pending + (a.amount * (acc - a.accLast)) / P;
        a.accLast = acc;
    }

    /// Pulls x FLOCK; with no principal it waits in `unallocated`, else it (and whatever waited)
    /// goes to the accumulator. `x = 0` is allowed.
    function fundPool(uint256 _reward) external {
        require(_flock().transferFrom(msg.sender, address(this), _reward), "Transfer failed");
        if (totalDelegationAmount == 0) {
            unallocated += _reward;
        } else {
            accRewardPerShare += ((_reward + unallocated) * P) / totalDelegationAmount;
            unallocated = 0;
        }
        emit Fund(_reward);
    }

    function delegate(uint256 _amount) external {
        require(_amount > 0, "Amount must be greater than zero");
        require(_gm().transferFrom(msg.sender, address(this), _amount), "Transfer failed");
        ShareAccount storage a = _settle(msg.sender);
        a.amount += _amount;
        totalDelegationAmount += _amount;
        lastStakeTimestamp[msg.sender] = block.timestamp;
        _delegators.add(msg.sender);
        _config.getMainManager().afterDelegationUpdate(user);
        _config.getPoolManager().addDelegatorToPool(msg.sender);
        emit Delegate(msg.sender, user, _amount);
    }

    /// Locked until `lastStakeTimestamp + poolDelegatorCoolDown < now` (strict).
    function undelegate(uint256 _amount) external {
        uint256 cooldown = _config.getPoolManager().getDelegationCoolDown();
        require(_after(lastStakeTimestamp[msg.sender], cooldown), "You can't undelegate before 1 day");
        require(_amount <= _accounts[msg.sender].amount, "User has insufficient token delegated");
        require(_gm().transfer(msg.sender, _amount), "transfer failed");
        ShareAccount storage a = _settle(msg.sender);
        a.amount -= _amount;
        totalDelegationAmount -= _amount;
        if (a.amount == 0) _delegators.remove(msg.sender);
        _config.getMainManager().afterDelegationUpdate(user);
        emit Undelegate(msg.sender, user, _amount);
    }

    /// r = claimable; the optional claim cooldown; `r − fee` to the delegator, `fee` to the FLOCK
    /// token's address (both always); then settle, `pending = 0` and the claim bookkeeping.
    function claimRewards() external {
        uint256 r = claimable(msg.sender);
        require(r > 0, "No rewards to claim");
        IPoolManager pm = _config.getPoolManager();
        uint256 cd = pm.getClaimCoolDown();
        if (cd > 0) require(_after(lastClaimTimestamp[msg.sender], cd), "Too soon to claim");
        uint256 fee = (r * pm.getProtocolFeePercentage()) / pm.getPercentageBase();
        uint256 net = r - fee;
        IFlockToken flock = _flock();
        require(flock.transfer(msg.sender, net), "transfer failed");
        require(flock.transfer(address(flock), fee), "transfer failed");
        claimedRewards[msg.sender] += net;
        ShareAccount storage a = _settle(msg.sender);
        a.pending = 0;
        lastClaimTimestamp[msg.sender] = block.timestamp;
        emit Claim(msg.sender, net);
        emit CollectFee(msg.sender, fee);
    }

    /// `last + cooldown < now` (checked: a cooldown near 2^256 panics 0x11).
    function _after(uint256 last, uint256 cooldown) private view returns (bool) {
        return last + cooldown < block.timestamp;
    }
}
