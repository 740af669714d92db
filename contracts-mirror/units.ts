/**
 * Branded unit types: a ppm can never be passed where wei is expected.
 * At run time they are plain bigints; the brand exists only for the type checker.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Token amount in wei (18 decimals). */
export type Wei = Brand<bigint, 'Wei'>;
/** Parts per million of `rewardPercentageBase` (1e6 = 100 %). */
export type Ppm = Brand<bigint, 'Ppm'>;
/** Basis points of 10 000 (the gmFLOCK exchange's fee and multiplier base). */
export type Bps = Brand<bigint, 'Bps'>;
/** A duration in seconds. */
export type Seconds = Brand<bigint, 'Seconds'>;
/** A unix timestamp in seconds (block.timestamp). */
export type UnixTime = Brand<bigint, 'UnixTime'>;
/** An address in the mirror: an account or contract name (`alice`, `Pool:alice`), or lowercase 0x-hex. */
export type Address = string;

export const wei = (x: bigint) => x as Wei;
export const ppm = (x: bigint) => x as Ppm;
export const seconds = (x: bigint) => x as Seconds;

export const E18 = 10n ** 18n;
/** `rewardPercentageBase` default (docs/model.md#ppm). */
export const PPM_BASE = 1_000_000n;
export const DAY = 86_400n;
export const MAX_UINT256 = (1n << 256n) - 1n;
export const MAX_UINT128 = (1n << 128n) - 1n;
export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

/** OZ AccessControl and RbacUpgradeable role ids (docs/contracts.md#roles), as lowercase 0x-hex bytes32. */
export const ROLES = {
  DEFAULT_ADMIN_ROLE: '0x0000000000000000000000000000000000000000000000000000000000000000',
  DAO_ADMIN: '0xf591dda2e9b53c180cef2a1f29bc285ccc0649b7a0efc8de2ec0cfe024d46b96',
  PROTOCOL_MANAGER: '0x2bc41c098678ace33d835f6dd5e4d0493a5ebaa8bdd934827ff3b03ff4a0f2eb',
  REWARD_OPERATOR: '0x8cdb2048a0f28ec9565d785a331da5ecd1b9d4f413b7e499dbb1cf72399b53a5',
  /** gmFLOCK stand-in roles (ASSUMPTIONS.md A-gm1): keccak256("MINTER_ROLE"), keccak256("REGISTRAR_ROLE"). */
  MINTER_ROLE: '0x9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6',
  REGISTRAR_ROLE: '0xedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c309238',
} as const;

/** Task-manager stake-role enum, both versions (docs/contracts.md#stake-roles). */
export const ROLE = { NODE: 0n, VALIDATOR: 1n, DELEGATOR: 2n, NODE_VALIDATOR: 3n } as const;
