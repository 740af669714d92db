// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";

/// FLock's admin base (source not public; docs/contracts.md#admin-checks): OpenZeppelin 4.9.6 AccessControl where the
/// admin is whoever holds DEFAULT_ADMIN_ROLE. Mirror: contracts-mirror/evm/accessControl.ts.
abstract contract AdminUpgradeable is AccessControlUpgradeable {
    /// Initialises AccessControl and gives DEFAULT_ADMIN_ROLE to `deployer`.
    // solhint-disable-next-line func-name-mixedcase
    function __AdminUpgradeable_init(address deployer) internal onlyInitializing {
        __AccessControl_init();
        _setupRole(DEFAULT_ADMIN_ROLE, deployer);
    }

    modifier onlyAdmin() {
        require(isAdmin(msg.sender), "Restricted to admins");
        _;
    }

    function isAdmin(address account) public view returns (bool) {
        return hasRole(DEFAULT_ADMIN_ROLE, account);
    }

    uint256[50] private __gap;
}
