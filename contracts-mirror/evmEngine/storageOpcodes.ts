/**
 * SLOAD and SSTORE for the fast interpreter's tables (opcodeTables.ts): the stock gas and handler
 * code, but synchronous, on the state manager's hex-keyed storage (SyncStorage) and the journal's
 * hex-keyed warm sets, so that neither opcode waits on a promise.
 */
import { bigIntToBytes, type Account, type Address } from '@ethereumjs/util';
import type { EvmModules, Fn } from './evmInternals.js';
import { addressHex } from './stateManager.js';
import { bytesValue, slotHex, top, word } from './words.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * What the fast loop needs from the state manager: synchronous storage access keyed by unprefixed
 * lowercase hex (40-digit address, 64-digit slot), as @ethereumjs's own journal keys them.
 */
export interface SyncStorage {
  storageHex(address: string, slot: string): Uint8Array;
  /** The slot's value at the start of the transaction (EIP-2200). */
  originalHex(address: string, slot: string): Uint8Array;
  putStorageHex(address: string, slot: string, value: Uint8Array): void;
  getAccountSync(address: Address): Account | undefined;
  getCodeSync(address: Address): Uint8Array;
}

/**
 * Journal.isWarmedStorage then Journal.addWarmedStorage (EIP-2929) on hex keys: true when the
 * slot was cold (and is now warm). With access-list reporting on, the journal's own methods run.
 */
function warmSlot(j: any, addr: Address, a: string, slot: string): boolean {
  if (j.accessList !== undefined) {
    const bytes = word(BigInt('0x' + slot));
    if (j.isWarmedStorage(addr.bytes, bytes)) return false;
    j.addWarmedStorage(addr.bytes, bytes);
    return true;
  }
  let slots: Set<string> | undefined = j.journal.get(a);
  if (slots !== undefined && slots.has(slot)) return false;
  const always: Set<string> | undefined = j.alwaysWarmJournal.get(a);
  if (always !== undefined && always.has(slot)) return false;
  if (slots === undefined) {
    j.addWarmedAddress(addr.bytes);
    slots = j.journal.get(a) as Set<string>;
  }
  slots.add(slot);
  const diff = j.journalDiff[j.journalDiff.length - 1][1][1] as Map<string, Set<string>>;
  let d = diff.get(a);
  if (d === undefined) diff.set(a, (d = new Set()));
  d.add(slot);
  return true;
}

/** Puts SLOAD's and SSTORE's gas handlers and handlers into the tables `gas` and `op`. */
export function storageOpcodes(m: EvmModules, common: any, storage: SyncStorage, gas: (Fn | undefined)[], op: (Fn | undefined)[]): void {
  const { trap, EVMError, updateSstoreGasEIP2200 } = m;
  const cold = common.param('coldsloadGas') as bigint;
  const warm = common.param('warmstoragereadGas') as bigint;
  // setLengthLeftStorage (opcodes/util.js) without its spread-based padding
  const setLengthLeftStorage = (v: Uint8Array): Uint8Array => {
    if (v.length > 32) return m.setLengthLeftStorage(v);
    let zero = true;
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) return new Uint8Array(0);
    if (v.length === 32) return v;
    const out = new Uint8Array(32);
    out.set(v, 32 - v.length);
    return out;
  };
  // SLOAD's gas handler and handler run back to back on the same key: the key's hex is made once
  let lastKey = -1n;
  let lastSlot = '';
  const slotOf = (k: bigint): string => {
    if (k !== lastKey) {
      lastKey = k;
      lastSlot = slotHex(k);
    }
    return lastSlot;
  };
  gas[0x54] = (rs: any, g: bigint) => {
    // SLOAD: EIP-2929 access cost
    const addr = rs.interpreter._env.address as Address;
    return g + (warmSlot(rs.interpreter.journal, addr, addressHex(addr), slotOf(top(rs))) ? cold : warm);
  };
  op[0x54] = (rs: any) => {
    // SLOAD
    const slot = slotOf(rs.stack.pop());
    rs.stack.push(bytesValue(storage.storageHex(addressHex(rs.interpreter._env.address), slot)));
  };
  gas[0x55] = (rs: any, g: bigint) => {
    // SSTORE: the stock order (static check, EIP-2200 with its sentry, then EIP-2929 access)
    if (rs.interpreter.isStatic()) trap(EVMError.errorMessages.STATIC_STATE_CHANGE);
    const [key, val] = rs.stack.peek(2) as bigint[];
    const addr = rs.interpreter._env.address as Address;
    const a = addressHex(addr);
    const slot = slotHex(key);
    const keyBytes = word(key);
    const value = val === 0n ? new Uint8Array(0) : bigIntToBytes(val);
    const current = setLengthLeftStorage(storage.storageHex(a, slot));
    const original = setLengthLeftStorage(storage.originalHex(a, slot));
    g += updateSstoreGasEIP2200(rs, current, original, setLengthLeftStorage(value), keyBytes, common);
    return g + (warmSlot(rs.interpreter.journal, addr, a, slot) ? cold : 0n);
  };
  op[0x55] = (rs: any) => {
    // SSTORE (Interpreter.storageStore: write, then refresh the frame's copy of the account)
    const key = rs.stack.pop();
    const val = rs.stack.pop();
    const env = rs.interpreter._env;
    storage.putStorageHex(addressHex(env.address), slotHex(key), val === 0n ? new Uint8Array(0) : bigIntToBytes(val));
    const account = storage.getAccountSync(env.address);
    if (!account) throw new Error('could not read account while persisting memory');
    env.contract = account;
  };
}
