// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AdminUpgradeable} from "./base/AdminUpgradeable.sol";
import {IFlockConfig} from "./interfaces/IFlockConfig.sol";

/// `FlockConfig` / `FlockConfigV2`, the address book (docs/contracts.md#config-layout). Mirror: contracts/config.ts.
contract Config is IFlockConfig, AdminUpgradeable {
    mapping(uint256 => address) private _addresses;

    event AddressUpdated(address owner, uint256 index, address oldValue, address newValue);

    function initialize() external initializer {
        __AdminUpgradeable_init(msg.sender);
    }

    /// Reverts with no message for the zero address.
    function setAddress(uint256 addressIndex, address newAddress) public onlyAdmin {
        require(newAddress != address(0));
        address oldValue = _addresses[addressIndex];
        _addresses[addressIndex] = newAddress;
        emit AddressUpdated(msg.sender, addressIndex, oldValue, newAddress);
    }

    /// Copies indexes 0..length−1 through setAddress; the source is only called inside the loop.
    function copyFromOtherConfig(address _initialConfig, uint256 addressesLength) external onlyAdmin {
        for (uint256 i = 0; i < addressesLength; i++) {
            setAddress(i, IFlockConfig(_initialConfig).getAddress(i));
        }
    }

    function getAddress(uint256 index) external view returns (address) {
        return _addresses[index];
    }
}
