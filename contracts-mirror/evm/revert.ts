/**
 * Solidity 0.8 failure semantics: `require` strings, panics and checked arithmetic.
 * A Revert unwinds to the outermost call, which rolls the journal back (world.ts).
 */
import { MAX_UINT256 } from '../units.js';

export class Revert extends Error {
  /** The revert reason exactly as a trace result encodes it (docs/traces.md#revert-reasons): the string, `panic 0x11`, or `""`. */
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

/** What a must-not-revert check reads of a call: success, or the revert reason (the mirror's TxResult has this shape). */
export type CallOutcome = { ok: true } | { ok: false; reason: string };

/**
 * The one check for a call that may not revert, such as a genesis step: throws
 * `new Err('<what> reverted: <reason>')` when it did. The mirror's genesis (genesis.ts) passes
 * its transaction's result; the EVM engine (evmEngine/engine.ts) awaits its call, decodes the
 * revert reason and passes its GenesisError, so a failed genesis reads the same on both engines.
 */
export function mustNotRevert(what: string, r: CallOutcome, Err: new (message: string) => Error = Error): void {
  if (!r.ok) throw new Err(`${what} reverted: ${r.reason}`);
}
