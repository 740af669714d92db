// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The ERC-20 surface the protocol contracts call on FLOCK and gmFLOCK (OZ 4.9.6 semantics).
interface IERC20Token {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function totalSupply() external view returns (uint256);

    function balanceOf(address account) external view returns (uint256);

    function allowance(address owner, address spender) external view returns (uint256);

    function approve(address spender, uint256 amount) external returns (bool);

    function transfer(address to, uint256 amount) external returns (bool);

    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// FLOCK as the task managers see it: an ERC-20 with an admin-only `mint` (verified source; the
/// mint-only `IMintBurnableERC20`).
interface IFlockToken is IERC20Token {
    function mint(address _account, uint256 _amount) external;

    function currentMinted() external view returns (uint256);
}

/// gmFLOCK (docs/contracts.md#gmflock-stand-in): mint and burn by minters, registration by registrars.
interface IGmFlock is IERC20Token {
    function mint(address _account, uint256 _amount) external;

    function burn(address _account, uint256 _amount) external;

    function setRegistered(address _addr, bool status) external;

    function registered(address addr) external view returns (bool);

    function totalMinted() external view returns (uint256);
}
