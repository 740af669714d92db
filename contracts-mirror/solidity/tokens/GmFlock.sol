// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AdminUpgradeable} from "../base/AdminUpgradeable.sol";
import {LabERC20Upgradeable} from "./LabERC20Upgradeable.sol";

/// gmFLOCK, the V2 staking token: the stand-in of docs/contracts.md#gmflock-stand-in (ASSUMPTIONS.md A-gm1, A-gm2).
/// Mirror: contracts/gmFlock.ts.
// solhint-disable-next-line contract-name-camelcase
contract gmFLOCK is LabERC20Upgradeable, AdminUpgradeable {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// Lifetime mints.
    uint256 public totalMinted;
    mapping(address => bool) public registered;

    event Registered(address indexed addr, bool status);

    function initialize() external initializer {
        __AdminUpgradeable_init(msg.sender);
        __ERC20_init("gmFLOCK", "gmFLOCK");
    }

    function _isMinter(address a) private view returns (bool) {
        return hasRole(MINTER_ROLE, a) || hasRole(DEFAULT_ADMIN_ROLE, a);
    }

    function mint(address _account, uint256 _amount) external {
        require(_isMinter(msg.sender), "gmFLOCK: not minter");
        totalMinted += _amount;
        _mint(_account, _amount);
    }

    /// Burns without an allowance: the exchange burns its users' gmFLOCK on redemption.
    function burn(address _account, uint256 _amount) external {
        require(_isMinter(msg.sender), "gmFLOCK: not minter");
        _burn(_account, _amount);
    }

    /// Emits Registered even when the status does not change.
    function setRegistered(address _addr, bool status) external {
        require(hasRole(REGISTRAR_ROLE, msg.sender) || hasRole(DEFAULT_ADMIN_ROLE, msg.sender), "gmFLOCK: not registrar");
        registered[_addr] = status;
        emit Registered(_addr, status);
    }

    /// The transfer rule: one side must be registered; mint and burn are exempt. It runs before
    /// the balance check and after transferFrom spent the allowance.
    function _beforeTokenTransfer(address from, address to, uint256 amount) internal virtual override {
        super._beforeTokenTransfer(from, to, amount);
        if (from == address(0) || to == address(0)) return;
        require(registered[from] || registered[to], "gmFLOCK: transfer not allowed");
    }
}
