/**
 * The fast interpreter's opcode tables, built once per EVM for its fork: which opcodes the loop
 * runs inline and their base fees, and synchronous gas handlers and handlers for the opcodes
 * that take the table route (the rest keep @ethereumjs's own).
 */
import type { EvmModules, Fn } from './evmInternals.js';
import { callOpcodes } from './callFrame.js';
import { storageOpcodes, type SyncStorage } from './storageOpcodes.js';
import { callDataWord, keccakWord, putWord, top, word, wordValue } from './words.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface FastTables {
  gas: (Fn | undefined)[];
  op: (Fn | undefined)[];
  /** Base fee of each opcode (what an INLINE opcode costs when it needs no memory expansion). */
  fee: Float64Array;
}

const BIG32 = 32n;
/** What a table handler returns to end the frame normally (RETURN), instead of trapping STOP. */
export const HALT = 1;

/** Opcodes the fast loop runs inline (see the loop in fastInterpreter.ts). */
export const INLINE = new Uint8Array(256);
for (const op of [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1b, 0x1c, 0x30, 0x33, 0x34, 0x35, 0x36, 0x3d, 0x50, 0x51, 0x52, 0x56,
  0x57, 0x5a, 0x5b, 0x5f,
]) {
  INLINE[op] = 1;
}
for (let op = 0x60; op <= 0x9f; op++) INLINE[op] = 1; // PUSH1..32, DUP1..16, SWAP1..16

/**
 * The tables for one EVM: its Common (the fork's gas parameters), the state manager's synchronous
 * storage (SLOAD and SSTORE keep the stock handlers without it) and its opcode map. Null when an
 * INLINE opcode is not a live, statically priced opcode of this fork: the stock loop runs then.
 */
export function tables(m: EvmModules, common: any, storage: SyncStorage | null, opcodeMap: any[]): FastTables | null {
  const { subMemUsage, divCeil, trap, EVMError } = m;
  const p = (name: string) => common.param(name) as bigint;
  const copyGas = p('copyGas');
  const keccakWordGas = p('keccak256WordGas');
  const logTopicGas = p('logTopicGas');
  const logDataGas = p('logDataGas');
  const expByteGas = p('expByteGas');
  const gas: (Fn | undefined)[] = new Array(256).fill(undefined);
  const op: (Fn | undefined)[] = new Array(256).fill(undefined);

  // gas: the stock handlers' formulas (opcodes/gas.js), without the branches of inactive EIPs
  const memAt = (size: bigint) => (rs: any, g: bigint) => g + subMemUsage(rs, top(rs), size, common);
  gas[0x51] = memAt(32n); // MLOAD
  gas[0x52] = memAt(32n); // MSTORE
  gas[0x53] = memAt(1n); // MSTORE8
  const range = (rs: any, g: bigint) => {
    const [offset, length] = rs.stack.peek(2);
    return g + subMemUsage(rs, offset, length, common);
  };
  gas[0xf3] = range; // RETURN
  gas[0xfd] = range; // REVERT
  gas[0x20] = (rs: any, g: bigint) => {
    const [offset, length] = rs.stack.peek(2);
    g += subMemUsage(rs, offset, length, common);
    return g + keccakWordGas * divCeil(length, BIG32);
  };
  const copy = (rs: any, g: bigint) => {
    const [memOffset, , dataLength] = rs.stack.peek(3);
    g += subMemUsage(rs, memOffset, dataLength, common);
    if (dataLength !== 0n) g += copyGas * divCeil(dataLength, BIG32);
    return g;
  };
  gas[0x37] = copy; // CALLDATACOPY
  gas[0x39] = copy; // CODECOPY (the code-chunk charge is Verkle's: inactive)
  gas[0x3e] = (rs: any, g: bigint) => {
    // RETURNDATACOPY
    const [memOffset, returnDataOffset, dataLength] = rs.stack.peek(3);
    if (returnDataOffset + dataLength > rs.interpreter.getReturnDataSize()) {
      if (rs.env.eof === undefined) trap(EVMError.errorMessages.OUT_OF_GAS);
    }
    g += subMemUsage(rs, memOffset, dataLength, common);
    if (dataLength !== 0n) g += copyGas * divCeil(dataLength, BIG32);
    return g;
  };
  gas[0x5e] = (rs: any, g: bigint) => {
    // MCOPY
    const [dst, src, length] = rs.stack.peek(3);
    g += 3n * ((length + 31n) / BIG32);
    g += subMemUsage(rs, src, length, common);
    g += subMemUsage(rs, dst, length, common);
    return g;
  };
  for (let topics = 0; topics <= 4; topics++) {
    gas[0xa0 + topics] = (rs: any, g: bigint) => {
      if (rs.interpreter.isStatic()) trap(EVMError.errorMessages.STATIC_STATE_CHANGE);
      const [memOffset, memLength] = rs.stack.peek(2);
      g += subMemUsage(rs, memOffset, memLength, common);
      return g + logTopicGas * BigInt(topics) + memLength * logDataGas;
    };
  }
  gas[0x0a] = (rs: any, g: bigint) => {
    // EXP
    const exponent = rs.stack.peek(2)[1] as bigint;
    if (exponent === 0n) return g;
    let byteLength = exponent.toString(2).length / 8;
    if (byteLength > Math.trunc(byteLength)) byteLength = Math.trunc(byteLength) + 1;
    if (byteLength < 1 || byteLength > 32) trap(EVMError.errorMessages.OUT_OF_RANGE);
    return g + BigInt(byteLength) * expByteGas;
  };

  // handlers
  op[0x51] = (rs: any) => {
    // MLOAD
    const pos = rs.stack.pop();
    rs.stack.push(wordValue(rs.memory.read(Number(pos), 32, true)));
  };
  const scratch = new Uint8Array(32);
  op[0x52] = (rs: any) => {
    // MSTORE (Memory.write copies the word)
    const offset = rs.stack.pop();
    const v = rs.stack.pop();
    putWord(scratch, v);
    rs.memory.write(Number(offset), 32, scratch);
  };
  op[0x20] = (rs: any) => {
    // KECCAK256
    const offset = rs.stack.pop();
    const length = rs.stack.pop();
    const data = length === 0n ? new Uint8Array(0) : rs.memory.read(Number(offset), Number(length), true);
    rs.stack.push(keccakWord(data));
  };
  if (storage) storageOpcodes(m, common, storage, gas, op);
  callOpcodes(m, common, gas, op);
  op[0xf3] = (rs: any) => {
    // RETURN: Interpreter.finish without the STOP trap (the loop ends the frame on HALT)
    const offset = rs.stack.pop();
    const length = rs.stack.pop();
    rs.interpreter._result.returnValue = length === 0n ? new Uint8Array(0) : rs.memory.read(Number(offset), Number(length));
    return HALT;
  };
  for (let topics = 0; topics <= 4; topics++) {
    op[0xa0 + topics] = (rs: any) => {
      // LOG0..LOG4
      const memOffset = rs.stack.pop();
      const memLength = rs.stack.pop();
      const buf: Uint8Array[] = [];
      for (let i = 0; i < topics; i++) buf.push(word(rs.stack.pop()));
      const mem = memLength === 0n ? new Uint8Array(0) : rs.memory.read(Number(memOffset), Number(memLength));
      rs.interpreter.log(mem, topics, buf);
    };
  }
  op[0x35] = (rs: any) => {
    // CALLDATALOAD (when the inline path declines: an empty stack)
    rs.stack.push(callDataWord(rs.interpreter._env.callData, rs.stack.pop()));
  };
  const fee = new Float64Array(256);
  for (let code = 0; code < 256; code++) {
    const info = opcodeMap[code]?.opcodeInfo;
    if (INLINE[code] !== 1) continue;
    // an INLINE opcode must be live in this fork, with a static fee (MLOAD/MSTORE: their base fee)
    if (!info || info.isInvalid || info.code !== code || (info.dynamicGas && code !== 0x51 && code !== 0x52)) return null;
    fee[code] = info.fee;
  }
  return { gas, op, fee };
}
