/**
 * Calls between frames for the fast interpreter: CALL and STATICCALL in its tables
 * (opcodeTables.ts), and the EVM's `_executeCall` that starts the callee's frame, each the stock
 * code less the work that is wasted in the one configuration the fast loop runs.
 */
import { Account, type Address } from '@ethereumjs/util';
import type { EvmModules, Fn } from './evmInternals.js';
import { addressHex } from './stateManager.js';
import type { SyncStorage } from './storageOpcodes.js';
import { addressOf } from './words.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Puts CALL's and STATICCALL's gas handlers and handlers into the tables `gas` and `op`. */
export function callOpcodes(m: EvmModules, common: any, gas: (Fn | undefined)[], op: (Fn | undefined)[]): void {
  // CALL and STATICCALL: the stock gas and handler code (opcodes/gas.js, functions.js) with the
  // target's Address from addressOf; the EIP-7702 hooks are unused with EIP-7702 inactive
  const { callFamilyGas, writeCallOutput, trap, EVMError } = m;
  gas[0xfa] = (rs: any, g: bigint) => {
    const [currentGasLimit, toAddr, inOffset, inLength, outOffset, outLength] = rs.stack.peek(6);
    const o = { currentGasLimit, toAddress: addressOf(toAddr), value: 0n, inOffset, inLength, outOffset, outLength, includeValueTransfer: false, includeNewAccountPostCheck: false };
    return callFamilyGas(rs, g, common, o);
  };
  gas[0xf1] = (rs: any, g: bigint) => {
    const [currentGasLimit, toAddr, value, inOffset, inLength, outOffset, outLength] = rs.stack.peek(7);
    if (rs.interpreter.isStatic() && value !== 0n) trap(EVMError.errorMessages.STATIC_STATE_CHANGE);
    const o = { currentGasLimit, toAddress: addressOf(toAddr), value, inOffset, inLength, outOffset, outLength, includeValueTransfer: true, includeNewAccountPostCheck: true };
    return callFamilyGas(rs, g, common, o);
  };
  op[0xfa] = async (rs: any) => {
    const [, toAddr, inOffset, inLength, outOffset, outLength] = rs.stack.popN(6);
    const toAddress = addressOf(toAddr);
    const gasLimit = rs.messageGasLimit;
    rs.messageGasLimit = undefined;
    const data = inLength === 0n ? new Uint8Array(0) : rs.memory.read(Number(inOffset), Number(inLength), true);
    const ret = await rs.interpreter.callStatic(gasLimit, toAddress, 0n, data);
    writeCallOutput(rs, outOffset, outLength);
    rs.stack.push(ret);
  };
  const callStipend = common.param('callStipendGas') as bigint;
  op[0xf1] = async (rs: any) => {
    const [, toAddr, value, inOffset, inLength, outOffset, outLength] = rs.stack.popN(7);
    const toAddress = addressOf(toAddr);
    const data = inLength === 0n ? new Uint8Array(0) : rs.memory.read(Number(inOffset), Number(inLength), true);
    let gasLimit = rs.messageGasLimit;
    rs.messageGasLimit = undefined;
    if (value !== 0n) {
      rs.interpreter.addStipend(callStipend);
      gasLimit += callStipend;
    }
    const ret = await rs.interpreter.call(gasLimit, toAddress, value, data);
    writeCallOutput(rs, outOffset, outLength);
    rs.stack.push(ret);
  };
}

/**
 * The frame message `_executeCall` hands to `runInterpreter`: the stock code builds it as
 * `{ ...{ codeAddress }, ...message, gasLimit }`, a spread into a non-empty literal that V8 runs
 * on its slow path (about 11 µs a call, measured); this is the same set of fields, built directly.
 */
function frameMessage(m: any, gasLimit: bigint): any {
  return {
    codeAddress: m.codeAddress,
    to: m.to,
    value: m.value,
    caller: m.caller,
    gasLimit,
    data: m.data,
    eofCallData: m.eofCallData,
    depth: m.depth,
    code: m.code,
    _codeAddress: m._codeAddress,
    isStatic: m.isStatic,
    isCompiled: m.isCompiled,
    salt: m.salt,
    selfdestruct: m.selfdestruct,
    createdAddresses: m.createdAddresses,
    delegatecall: m.delegatecall,
    gasRefund: m.gasRefund,
    blobVersionedHashes: m.blobVersionedHashes,
    accessWitness: m.accessWitness,
    chargeCodeAccesses: m.chargeCodeAccesses,
  };
}

/** The Message fields frameMessage copies; any other own field sends the call down the stock path. */
const MESSAGE_FIELDS = new Set(['to', 'value', 'caller', 'gasLimit', 'data', 'eofCallData', 'depth', 'code', '_codeAddress', 'isStatic', 'isCompiled', 'salt', 'selfdestruct', 'createdAddresses', 'delegatecall', 'gasRefund', 'blobVersionedHashes', 'accessWitness', 'chargeCodeAccesses']);

/**
 * `EVM._executeCall` for a call that moves no ETH into code that is not a precompile, with the
 * EIPs that installFastInterpreter excludes inactive: the stock steps in the stock order (sender
 * and recipient touched through the balance helpers, code loaded, empty code returns at once),
 * with the frame message built by frameMessage. Every other call takes the stock path.
 */
export function patchExecuteCall(e: any, storage: SyncStorage | null): void {
  const stock = e._executeCall as Fn;
  e._executeCall = async function (this: any, message: any) {
    if (message.value !== 0n || message.isCompiled || (message.code === undefined && this.precompiles.get(addressHex(message.codeAddress)) !== undefined)) {
      return stock.call(this, message);
    }
    for (const k of Object.keys(message)) if (!MESSAGE_FIELDS.has(k)) return stock.call(this, message);
    const gasLimit: bigint = message.gasLimit;
    // With no value moving, the balance helpers only write each account back unchanged and mark
    // it touched; touching matters only to an empty account (EIP-161 deletes it at the end of the
    // transaction) or a missing one (the write creates it), so only those take the helpers.
    const settle = async (address: Address, helper: '_reduceSenderBalance' | '_addToBalance'): Promise<unknown> => {
      const account: Account | undefined = await this.stateManager.getAccount(address);
      if (account !== undefined && !account.isEmpty()) return undefined;
      try {
        await this[helper](account ?? new Account(), message);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    let errorMessage: unknown;
    if (!message.delegatecall) {
      const fromSender = await settle(message.caller, '_reduceSenderBalance');
      // as in the stock code, a failure of the second helper replaces one of the first
      errorMessage = (await settle(message.to, '_addToBalance')) ?? fromSender;
    }
    if (storage !== null && !message.code) {
      // EVM._loadCode for code that is not a precompile (checked above) with EIP-7702 inactive
      message.code = storage.getCodeSync(message.codeAddress);
      message.isCompiled = false;
      message.chargeCodeAccesses = true;
    } else await this._loadCode(message);
    if (!message.code || (typeof message.code !== 'function' && message.code.length === 0) || errorMessage !== undefined) {
      return { execResult: { gasRefund: message.gasRefund, executionGasUsed: 0n, exceptionError: errorMessage, returnValue: new Uint8Array(0), logs: undefined } };
    }
    if (message.isCompiled) throw new Error('flock-lab fast _executeCall: a precompile slipped through');
    const result = await this.runInterpreter(frameMessage(message, gasLimit), { initialLogs: undefined });
    if (message.depth === 0) this.postMessageCleanup();
    result.executionGasUsed += message.gasLimit - gasLimit;
    return { execResult: result };
  };
}
