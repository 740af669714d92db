// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AdminUpgradeable} from "../base/AdminUpgradeable.sol";
import {LabERC20Upgradeable} from "./LabERC20Upgradeable.sol";
import {IERC20Token} from "../interfaces/ITokens.sol";

/// FLOCK, `FlockTokenUpgradeable` (verified source; docs/model.md#supply-cap). Mirror: contracts/flockToken.ts.
// solhint-disable-next-line contract-name-camelcase
contract FLOCK is LabERC20Upgradeable, AdminUpgradeable {
    /// Stored, never enforced.
    uint256 public dailyMintLimit;
    uint256 public maxTotalSupply;
    /// Lifetime mints; burns never lower it.
    uint256 public currentMinted;
    /// Unused by the deployed token; kept for the ABI.
    mapping(address => uint256) public lastMintedDay;
    mapping(address => uint256) public amountMintedToday;
    /// Private, no getter (ASSUMPTIONS.md A-flock-blacklist).
    mapping(address => bool) private _blacklisted;

    event Blacklisted(address indexed account);
    event Unblacklisted(address indexed account);

    function initialize(uint256 _dailyMintLimit, string calldata _tokenName, string calldata _tokenSymbol) external initializer {
        __AdminUpgradeable_init(msg.sender);
        __ERC20_init(_tokenName, _tokenSymbol);
        dailyMintLimit = _dailyMintLimit;
        maxTotalSupply = 1_000_000_000e18;
    }

    function addBatchToBlacklist(address[] calldata accounts) external onlyAdmin {
        for (uint256 i = 0; i < accounts.length; i++) {
            _blacklisted[accounts[i]] = true;
            emit Blacklisted(accounts[i]);
        }
    }

    function removeBatchFromBlacklist(address[] calldata accounts) external onlyAdmin {
        for (uint256 i = 0; i < accounts.length; i++) {
            _blacklisted[accounts[i]] = false;
            emit Unblacklisted(accounts[i]);
        }
    }

    function setDailyMintLimit(uint256 _dailyMintLimit) external onlyAdmin {
        dailyMintLimit = _dailyMintLimit;
    }

    /// The cap is on lifetime mints (checked addition first, then the cap).
    function mint(address _account, uint256 _amount) external onlyAdmin {
        uint256 next = currentMinted + _amount;
        require(next <= maxTotalSupply, "Minting exceeds the max total supply");
        currentMinted = next;
        _mint(_account, _amount);
    }

    /// Checks the sender; recipients are never checked.
    function transfer(address to, uint256 amount) public virtual override returns (bool) {
        require(!_blacklisted[msg.sender], "BlacklistedToken: account is blacklisted");
        return super.transfer(to, amount);
    }

    /// Checks `from`, not msg.sender, before the allowance.
    function transferFrom(address from, address to, uint256 amount) public virtual override returns (bool) {
        require(!_blacklisted[from], "BlacklistedToken: account is blacklisted");
        return super.transferFrom(from, to, amount);
    }

    /// Burns the token contract's own balance, where every protocol fee is sent.
    function burnNetworkFees() public onlyAdmin {
        _burn(address(this), balanceOf(address(this)));
    }

    /// Rescue of any token held by this contract. As in the mirror, the token's return value is
    /// not inspected, and a token address without code reverts with no reason.
    function transferERC20(address _tokenAddress, address _account, uint256 _amount) public onlyAdmin {
        IERC20Token(_tokenAddress).transfer(_account, _amount);
    }
}
