/**
 * A faster main loop for the @ethereumjs/evm interpreter, with the same semantics, for the one
 * configuration this engine runs (Cancun, no EOF, no Verkle access witness, no step listeners,
 * no profiler, no debug logging). Any other configuration runs the stock loop.
 *
 * Why: the stock loop `await`s `runStep` for every opcode and every dynamic gas handler is an
 * `async` function, so each opcode costs two promise round trips even when nothing in it waits.
 * Here an opcode runs synchronously unless its handler really needs the state manager: the
 * memory-expansion gas handlers have synchronous twins (same formulas, through the EVM's own
 * `subMemUsage` / `divCeil`), and SLOAD reads the journaled state manager synchronously.
 * MLOAD, MSTORE, SLOAD and KECCAK256 also convert words without hex strings, and KECCAK256
 * memoises hashes (mapping slots are hashed again and again).
 *
 * `contracts-mirror/evmEngine/fastInterpreter.test.ts` replays every shipped trace and a batch of
 * random ones on an engine with and without this loop and requires byte-identical results,
 * per-step gas included.
 *
 * This file holds the loop and its installation; the loop's helpers are split by job:
 * opcodeTables.ts (which opcodes run inline, their fees, the synchronous gas handlers and
 * handlers), storageOpcodes.ts (SLOAD, SSTORE), callFrame.ts (CALL, STATICCALL and the EVM's
 * `_executeCall`), words.ts (256-bit word conversions and arithmetic) and evmInternals.ts (the
 * loader of @ethereumjs/evm's internals, shared with perf.ts).
 */
import { patchExecuteCall } from './callFrame.js';
import { evmModules, type EvmModules, type Fn } from './evmInternals.js';
import { HALT, INLINE, tables, type FastTables } from './opcodeTables.js';
import type { SyncStorage } from './storageOpcodes.js';
import { addressValue, binary, BINARY, bytesValue, callDataWord, MAX256, paidWord, putWord, readWordAt, slotHex, wordValue, writeWordAt } from './words.js';

export type { SyncStorage } from './storageOpcodes.js';
export { clearKeccakMemo } from './words.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MAX_STACK = 1024;
/** Gas left above this goes to the stock loop (the fast loop keeps gas in a float). */
const MAX_SAFE_GAS = BigInt(Number.MAX_SAFE_INTEGER);

const FAST = Symbol('flock-lab fast interpreter');

/**
 * Turns the fast loop on for `evm` (a @ethereumjs EVM). Returns false, leaving the stock loop,
 * when the modules cannot be found or the EVM's fork activates an EIP this loop does not model.
 */
export async function installFastInterpreter(evm: unknown, storage: SyncStorage | null): Promise<boolean> {
  const m = await evmModules();
  if (!m) return false;
  const e = evm as any;
  const common = e.common;
  for (const eip of [2780, 3540, 6800, 7702, 7708, 7864, 7928, 8037, 8038]) if (common.isActivatedEIP(eip)) return false;
  if (common.param('memoryGas') === undefined) return false;
  const t = tables(m, common, storage, e._opcodeMap);
  if (t === null) return false;
  e[FAST] = t;
  patchRun(m);
  patchExecuteCall(e, storage);
  // EVM._emit builds a promise and a listener array for every message, listened to or not
  const stockEmit = e._emit as Fn;
  e._emit = (topic: string, data: unknown) => (e.events.listenerCount(topic) === 0 ? undefined : stockEmit(topic, data));
  return true;
}

let runPatched = false;

function patchRun(m: EvmModules): void {
  if (runPatched) return;
  runPatched = true;
  const proto = m.Interpreter.prototype;
  const stock = proto.run as Fn;
  const { EVMError, EVMErrorTypeString, consumeEip7928PostTargetCallOog } = m;
  const STOP = EVMError.errorMessages.STOP;
  const INVALID = EVMError.errorMessages.INVALID_OPCODE;
  const OOG = EVMError.errorMessages.OUT_OF_GAS;

  proto.run = async function run(this: any, code: Uint8Array, opts: { pc?: number } = {}) {
    const evm = this._evm;
    const t: FastTables | undefined = evm[FAST];
    const rs = this._runState;
    if (t === undefined || evm.DEBUG || this.profilerOpts?.enabled === true || evm.events.listenerCount('step') > 0 || code[0] === 0xef || rs.gasLeft > MAX_SAFE_GAS) {
      return stock.call(this, code, opts);
    }
    const common = this.common;
    const gasT = t.gas;
    const opT = t.op;
    const fees = t.fee;
    rs.code = code;
    rs.programCounter = opts.pc ?? rs.programCounter;
    let pc: number = rs.programCounter;
    if (pc !== 0 && (pc < 0 || pc >= code.length)) throw new Error('Internal error: program counter not in range');
    // Between opcodes that run inline, the program counter and the gas left live in these two
    // locals (gas as a float: exact, as it stays below 2^53); they are written back to the run
    // state before any stock or table handler runs, and read back after it.
    let gas = Number(rs.gasLeft);
    const opcodeMap = evm._opcodeMap;
    const st = rs.stack;
    const len = code.length;
    const lenBig = BigInt(len);
    let cached: any[] | null = null;
    let err: any;
    let synced = false;
    frame: while (pc < len) {
      const byte = code[pc];
      if (cached === null && (byte === 0x56 || byte === 0x57 || byte === 0x5e)) {
        const a = this._getValidJumpDestinations(code);
        rs.validJumps = a.jumps;
        rs.cachedPushes = a.pushes;
        rs.shouldDoJumpAnalysis = false;
        cached = a.opcodesCached;
      }
      // The commonest opcodes run here, and only in their well-formed case (gas for the base
      // fee, enough stack items, room to push, a valid jump, memory already expanded); any
      // other case takes the stock route below, which charges and fails exactly as stock.
      // (Every INLINE opcode is a valid one of this fork: installFastInterpreter checks.)
      if (INLINE[byte] === 1 && gas >= fees[byte]) {
        const opCode = byte;
        const s = st._store as bigint[];
        const n = st._len as number;
        let next = pc + 1;
        let ok = true;
        if (BINARY[opCode] === 1) {
          if (n >= 2) {
            s[n - 2] = binary(opCode, s[n - 1], s[n - 2]);
            st._len = n - 1;
          } else ok = false;
        } else switch (opCode) {
          case 0x50: // POP
            if (n >= 1) st._len = n - 1;
            else ok = false;
            break;
          case 0x5b: // JUMPDEST
            break;
          case 0x00: // STOP: the frame ends (the stock handler traps STOP, which the loop swallows)
            pc++;
            break frame;
          case 0x5f: // PUSH0
            if (n < MAX_STACK) {
              s[n] = 0n;
              st._len = n + 1;
            } else ok = false;
            break;
          case 0x56: {
            // JUMP
            const dest = n >= 1 ? s[n - 1] : lenBig + 1n;
            if (dest <= lenBig && rs.validJumps[Number(dest)] === 1) {
              st._len = n - 1;
              next = Number(dest);
            } else ok = false;
            break;
          }
          case 0x57: {
            // JUMPI
            if (n < 2) ok = false;
            else if (s[n - 2] === 0n) st._len = n - 2;
            else {
              const dest = s[n - 1];
              if (dest <= lenBig && rs.validJumps[Number(dest)] === 1) {
                st._len = n - 2;
                next = Number(dest);
              } else ok = false;
            }
            break;
          }
          case 0x15: // ISZERO
            if (n >= 1) s[n - 1] = s[n - 1] === 0n ? 1n : 0n;
            else ok = false;
            break;
          case 0x19: // NOT
            if (n >= 1) s[n - 1] = MAX256 ^ s[n - 1];
            else ok = false;
            break;
          case 0x30: // ADDRESS
          case 0x33: // CALLER
          case 0x34: // CALLVALUE
          case 0x36: // CALLDATASIZE
          case 0x3d: // RETURNDATASIZE
          case 0x5a: // GAS (what is left after its own base fee)
            if (n < MAX_STACK) {
              const env = this._env;
              s[n] =
                opCode === 0x30
                  ? addressValue(env.address)
                  : opCode === 0x33
                    ? addressValue(env.caller)
                    : opCode === 0x34
                      ? env.callValue
                      : opCode === 0x36
                        ? BigInt(env.callData.length)
                        : opCode === 0x3d
                          ? BigInt(rs.returnBytes.length)
                          : BigInt(gas - fees[opCode]);
              st._len = n + 1;
            } else ok = false;
            break;
          case 0x35: {
            // CALLDATALOAD
            if (n >= 1) s[n - 1] = callDataWord(this._env.callData, s[n - 1]);
            else ok = false;
            break;
          }
          case 0x51: {
            // MLOAD within memory already paid for
            const o = n >= 1 ? paidWord(rs, s[n - 1]) : -1;
            if (o >= 0) s[n - 1] = readWordAt(rs.memory._store, o);
            else ok = false;
            break;
          }
          case 0x52: {
            // MSTORE within memory already paid for
            const o = n >= 2 ? paidWord(rs, s[n - 1]) : -1;
            if (o >= 0) {
              writeWordAt(rs.memory._store, o, s[n - 2]);
              st._len = n - 2;
            } else ok = false;
            break;
          }
          default:
            if (opCode <= 0x7f) {
              // PUSH1..PUSH32, from the jump analysis' decoded immediates
              if (cached !== null && n < MAX_STACK) {
                s[n] = rs.cachedPushes[pc + 1];
                st._len = n + 1;
                next = pc + 1 + (opCode - 0x5f);
              } else ok = false;
            } else if (opCode <= 0x8f) {
              // DUP1..DUP16
              const k = opCode - 0x7f;
              if (n >= k && n < MAX_STACK) {
                s[n] = s[n - k];
                st._len = n + 1;
              } else ok = false;
            } else {
              // SWAP1..SWAP16
              const k = opCode - 0x8f;
              if (n > k) {
                const top = s[n - 1];
                s[n - 1] = s[n - 1 - k];
                s[n - 1 - k] = top;
              } else ok = false;
            }
        }
        if (ok) {
          gas -= fees[opCode];
          pc = next;
          continue;
        }
      }
      // the jump analysis' cached entries are this table's entries (Interpreter.lookupOpInfo)
      const entry = opcodeMap[byte];
      const info = entry.opcodeInfo;
      const opCode: number = cached === null ? byte : info.code;
      rs.programCounter = pc;
      rs.gasLeft = BigInt(gas);
      rs.opCode = opCode;
      try {
        let g: bigint = info.feeBigInt;
        if (info.dynamicGas) {
          const h = gasT[opCode];
          if (h === undefined) g = await entry.gasHandler(rs, g, common);
          else {
            const r = h(rs, g, common);
            g = typeof r === 'bigint' ? r : await r;
          }
        }
        if (info.isInvalid) throw new EVMError(INVALID);
        rs.gasLeft -= g;
        if (rs.gasLeft < 0n) {
          rs.gasLeft = 0n;
          throw new EVMError(OOG);
        }
        rs.programCounter++;
        if (rs.eip7928PostTargetCallOog !== undefined) consumeEip7928PostTargetCallOog(rs);
        const f = opT[opCode];
        if (f !== undefined) {
          const r = f(rs, common);
          if (r === HALT) {
            synced = true;
            break;
          }
          if (r !== undefined) await r;
        } else if (info.isAsync) await entry.opHandler(rs, common);
        else entry.opHandler(rs, common);
      } catch (e: any) {
        if (!(typeof e === 'object' && e !== null && e.errorType === EVMErrorTypeString)) throw e;
        if (e.error !== STOP) err = e;
        synced = true;
        break;
      }
      pc = rs.programCounter;
      gas = Number(rs.gasLeft);
    }
    if (!synced) {
      rs.programCounter = pc;
      rs.gasLeft = BigInt(gas);
    }
    if (err === undefined && rs.eip8037BurnLeftoverAfterCreateHaltOntoAlive === true && rs.gasLeft > 0n) {
      rs.gasLeft = 0n;
      err = new EVMError(OOG);
    }
    return { runState: rs, exceptionError: err };
  };
}

/** The word conversions, for their tests. */
export const words = { putWord, wordValue, bytesValue, slotHex };
