// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AdminUpgradeable} from "./AdminUpgradeable.sol";

/// Role-based access of the V2 contracts (docs/contracts.md#roles). The `add*` functions need DAO_ADMIN and,
/// through OpenZeppelin's `grantRole`, DEFAULT_ADMIN_ROLE as well. Mirror: evm/accessControl.ts `Rbac`.
abstract contract RbacUpgradeable is AdminUpgradeable {
    bytes32 public constant DAO_ADMIN = keccak256("DAO_ADMIN");
    bytes32 public constant PROTOCOL_MANAGER = keccak256("PROTOCOL_MANAGER");
    bytes32 public constant REWARD_OPERATOR = keccak256("REWARD_OPERATOR");

    /// Admin init, then DAO_ADMIN to `deployer`.
    // solhint-disable-next-line func-name-mixedcase
    function __RbacUpgradeable_init(address deployer) internal onlyInitializing {
        __AdminUpgradeable_init(deployer);
        _setupRole(DAO_ADMIN, deployer);
    }

    modifier onlyDaoAdmin() {
        require(hasRole(DAO_ADMIN, msg.sender), "Restricted to dao admin");
        _;
    }

    modifier onlyProtocolManager() {
        require(hasRole(PROTOCOL_MANAGER, msg.sender), "Restricted to protocol manager");
        _;
    }

    modifier onlyRewardOperator() {
        require(hasRole(REWARD_OPERATOR, msg.sender), "Restricted to reward operator");
        _;
    }

    function addDaoAdmin(address account) external onlyDaoAdmin {
        grantRole(DAO_ADMIN, account);
    }

    function addProtocolManager(address account) external onlyDaoAdmin {
        grantRole(PROTOCOL_MANAGER, account);
    }

    function addRewardOperator(address account) external onlyDaoAdmin {
        grantRole(REWARD_OPERATOR, account);
    }

    function renounceDaoAdmin() external {
        renounceRole(DAO_ADMIN, msg.sender);
    }

    function renounceProtocolManager() external {
        renounceRole(PROTOCOL_MANAGER, msg.sender);
    }

    function renounceRewardOperator() external {
        renounceRole(REWARD_OPERATOR, msg.sender);
    }

    uint256[50] private __gap;
}
