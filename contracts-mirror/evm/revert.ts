/**
 * Solidity 0.8 failure semantics: `require` strings, panics and checked arithmetic.
 * A Revert unwinds to the outermost call, which rolls the journal back (world.ts).
 */
import { MAX_UINT256 } from '../units.js';

export class Revert extends Error {
  /** The revert reason exactly as traces.md encodes it: the string, `panic 0x11`, or `""`. */
  constructor(readonly reason: string) {
    super(reason === '' ? 'empty revert' : reason);
  }
}

export function require(cond: boolean, reason: string): asserts cond {
  if (!cond) throw new Revert(reason);
}

export function panic(code: 0x01 | 0x11 | 0x12 | 0x32): never {
  throw new Revert(`panic 0x${code.toString(16).padStart(2, '0')}`);
}

/** Checked uint256 subtraction (panic 0x11 on underflow). */
export function sub(a: bigint, b: bigint): bigint {
  if (b > a) panic(0x11);
  return a - b;
}

/** Checked uint256 addition (panic 0x11 on overflow). */
export function add(a: bigint, b: bigint): bigint {
  const r = a + b;
  if (r > MAX_UINT256) panic(0x11);
  return r;
}

/** Checked uint256 multiplication (panic 0x11 on overflow). */
export function mul(a: bigint, b: bigint): bigint {
  const r = a * b;
  if (r > MAX_UINT256) panic(0x11);
  return r;
}

/** Solidity floor division of uint256 (panic 0x12 on division by zero). */
export function div(a: bigint, b: bigint): bigint {
  if (b === 0n) panic(0x12);
  return a / b;
}
