// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";

/// OpenZeppelin 4.9.6 ERC20 plus flock-lab's genesis allowance (docs/contracts.md#balances-and-allowances, ASSUMPTIONS.md
/// A-allowance; mirror: evm/erc20.ts `allowance`): until an owner approves a spender explicitly,
/// an account (an address without code, not the zero address) allows every contract (an address
/// with code, including pools and FL tasks created later) 2^256−1. Any explicit approval, zero
/// included, replaces the default for that pair from then on. Everything else is OpenZeppelin's:
/// a transferFrom against a 2^256−1 allowance emits no Approval.
abstract contract LabERC20Upgradeable is ERC20Upgradeable {
    /// owner → spender → an explicit approval has been made.
    mapping(address => mapping(address => bool)) private _explicitAllowance;

    function allowance(address owner, address spender) public view virtual override returns (uint256) {
        if (_explicitAllowance[owner][spender]) return super.allowance(owner, spender);
        if (owner != address(0) && owner.code.length == 0 && spender.code.length > 0) return type(uint256).max;
        return 0;
    }

    function _approve(address owner, address spender, uint256 amount) internal virtual override {
        super._approve(owner, spender, amount);
        _explicitAllowance[owner][spender] = true;
    }

    uint256[49] private __gap;
}
