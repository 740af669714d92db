// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The config address book (docs/contracts.md#config-layout). `getAddress` is a view so that ConfigHelper can resolve
/// entries from view functions; an unset index returns address(0).
interface IFlockConfig {
    function getAddress(uint256 index) external view returns (address);

    function setAddress(uint256 addressIndex, address newAddress) external;
}
