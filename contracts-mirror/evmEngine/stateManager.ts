/**
 * An in-memory state manager for @ethereumjs/evm with an undo log instead of map copies.
 *
 * The stock SimpleStateManager copies every account, code and storage map on each checkpoint,
 * and the EVM checkpoints on every message (every inner call), so a call costs O(total state).
 * Here a checkpoint is a mark in an undo log: puts record the old value, revert undoes back to
 * the mark, commit drops it. The engine also uses it to learn which contracts a transaction
 * wrote (to re-read only those for the invariants) and which contracts a view read, and to
 * rewind a trace to the cached genesis.
 */
import type { AccountFields, StateManagerInterface } from '@ethereumjs/common';
import { Account, type Address, bytesToUnprefixedHex } from '@ethereumjs/util';
import { getBytes, keccak256 } from 'ethers';

type Undo =
  | { k: 0; a: string; old: Account | undefined; had: boolean }
  | { k: 1; a: string; old: Uint8Array | undefined }
  | { k: 2; a: string; slot: string; old: Uint8Array | undefined }
  | { k: 3; a: string; old: Map<string, Uint8Array> | undefined };

const EMPTY = new Uint8Array(0);

/** keccak256 of deployed code, by content: every pool and FL task deploys the same bytes. */
const codeHashes = new Map<string, Uint8Array>();
function codeHash(code: Uint8Array): Uint8Array {
  const key = Buffer.from(code.buffer, code.byteOffset, code.length).toString('latin1');
  let h = codeHashes.get(key);
  if (!h) {
    h = getBytes(keccak256(code));
    if (codeHashes.size >= 256) codeHashes.clear();
    codeHashes.set(key, h);
  }
  return h;
}

function copyAccount(a: Account): Account {
  return Object.assign(Object.create(Object.getPrototypeOf(a)), a) as Account;
}

/** Unprefixed hex of an address, remembered per Address object (calls pass the same ones around). */
const hexes = new WeakMap<Address, string>();
export function addressHex(address: Address): string {
  let h = hexes.get(address);
  if (h === undefined) {
    h = bytesToUnprefixedHex(address.bytes);
    hexes.set(address, h);
  }
  return h;
}

export class JournaledStateManager implements StateManagerInterface {
  private readonly accounts = new Map<string, Account | undefined>();
  private readonly code = new Map<string, Uint8Array>();
  private readonly storage = new Map<string, Map<string, Uint8Array>>();
  private readonly log: Undo[] = [];
  private readonly marks: number[] = [];
  /**
   * Storage slots (`<address>_<slot>`, unprefixed hex) and code (`<address>_code`) written since
   * the engine last cleared it. Reverted writes stay in it: it over-approximates.
   */
  readonly writes = new Set<string>();
  /** When set, each storage slot and code read is pushed here (repeats included), keyed as in `writes`. */
  reads: string[] | null = null;
  readonly originalStorageCache: { get(address: Address, key: Uint8Array): Promise<Uint8Array>; clear(): void };

  /** First value seen of each slot in the current transaction (`<address>_<slot>`): EIP-2200's original. */
  private orig = new Map<string, Uint8Array>();

  constructor() {
    this.originalStorageCache = {
      get: async (address, key) => this.originalHex(addressHex(address), bytesToUnprefixedHex(key)),
      clear: () => {
        this.orig = new Map();
      },
    };
  }

  originalHex(a: string, slot: string): Uint8Array {
    const id = a + '_' + slot;
    let v = this.orig.get(id);
    if (v === undefined) {
      v = this.storageOf(a, slot);
      this.orig.set(id, v);
    }
    return v;
  }

  private storageOf(a: string, slot: string): Uint8Array {
    return this.storage.get(a)?.get(slot) ?? EMPTY;
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    return this.getAccountSync(address);
  }

  getAccountSync(address: Address): Account | undefined {
    const a = this.accounts.get(addressHex(address));
    return a === undefined ? undefined : copyAccount(a);
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    const a = addressHex(address);
    if (this.marks.length) this.log.push({ k: 0, a, old: this.accounts.get(a), had: this.accounts.has(a) });
    this.accounts.set(a, account === undefined ? undefined : copyAccount(account));
  }

  async deleteAccount(address: Address): Promise<void> {
    await this.putAccount(address, undefined);
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const acc = (await this.getAccount(address)) ?? new Account();
    if (fields.nonce !== undefined) acc.nonce = fields.nonce as bigint;
    if (fields.balance !== undefined) acc.balance = fields.balance as bigint;
    if (fields.storageRoot !== undefined) acc.storageRoot = fields.storageRoot as Uint8Array;
    if (fields.codeHash !== undefined) acc.codeHash = fields.codeHash as Uint8Array;
    if (fields.codeSize !== undefined) acc.codeSize = fields.codeSize as number;
    await this.putAccount(address, acc);
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    const a = addressHex(address);
    if (this.marks.length) this.log.push({ k: 1, a, old: this.code.get(a) });
    this.code.set(a, value);
    this.writes.add(a + '_code');
    await this.modifyAccountFields(address, { codeHash: codeHash(value) });
  }

  async getCode(address: Address): Promise<Uint8Array> {
    return this.getCodeSync(address);
  }

  getCodeSync(address: Address): Uint8Array {
    const a = addressHex(address);
    if (this.reads) this.reads.push(a + '_code');
    return this.code.get(a) ?? EMPTY;
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length;
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.storageHex(addressHex(address), bytesToUnprefixedHex(key));
  }

  /** A slot by unprefixed hex address and slot (the fast interpreter's keys: fastInterpreter.ts). */
  storageHex(a: string, slot: string): Uint8Array {
    if (this.reads) this.reads.push(a + '_' + slot);
    return this.storageOf(a, slot);
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    this.putStorageHex(addressHex(address), bytesToUnprefixedHex(key), value);
  }

  putStorageHex(a: string, slot: string, value: Uint8Array): void {
    let m = this.storage.get(a);
    if (!m) {
      m = new Map();
      this.storage.set(a, m);
    }
    if (this.marks.length) this.log.push({ k: 2, a, slot, old: m.get(slot) });
    if (value.length === 0 || value.every((b) => b === 0)) m.delete(slot);
    else m.set(slot, value);
    this.writes.add(a + '_' + slot);
  }

  async clearStorage(address: Address): Promise<void> {
    const a = addressHex(address);
    if (this.marks.length) this.log.push({ k: 3, a, old: this.storage.get(a) });
    const old = this.storage.get(a);
    if (old) for (const slot of old.keys()) this.writes.add(a + '_' + slot);
    this.storage.delete(a);
  }

  async checkpoint(): Promise<void> {
    this.marks.push(this.log.length);
  }

  async commit(): Promise<void> {
    this.marks.pop();
    if (this.marks.length === 0) this.log.length = 0;
  }

  async revert(): Promise<void> {
    const mark = this.marks.pop();
    if (mark === undefined) throw new Error('revert without checkpoint');
    this.undoTo(mark);
  }

  private undoTo(mark: number): void {
    const log = this.log;
    for (let i = log.length - 1; i >= mark; i--) {
      const u = log[i];
      if (u.k === 0) {
        if (u.had) this.accounts.set(u.a, u.old);
        else this.accounts.delete(u.a);
      } else if (u.k === 1) {
        if (u.old === undefined) this.code.delete(u.a);
        else this.code.set(u.a, u.old);
      } else if (u.k === 2) {
        let m = this.storage.get(u.a);
        if (!m) {
          m = new Map();
          this.storage.set(u.a, m);
        }
        if (u.old === undefined) m.delete(u.slot);
        else m.set(u.slot, u.old);
      } else {
        if (u.old === undefined) this.storage.delete(u.a);
        else this.storage.set(u.a, u.old);
      }
    }
    log.length = mark;
  }

  /** Depth of open checkpoints (the engine keeps one under each trace to rewind to genesis). */
  get depth(): number {
    return this.marks.length;
  }

  async flush(): Promise<void> {}
  clearCaches(): void {}

  async getStateRoot(): Promise<Uint8Array> {
    throw new Error('JournaledStateManager keeps no state root');
  }
  async setStateRoot(): Promise<void> {
    throw new Error('JournaledStateManager keeps no state root');
  }
  async hasStateRoot(): Promise<boolean> {
    throw new Error('JournaledStateManager keeps no state root');
  }

  shallowCopy(): StateManagerInterface {
    const c = new JournaledStateManager();
    for (const [k, v] of this.accounts) c.accounts.set(k, v === undefined ? undefined : copyAccount(v));
    for (const [k, v] of this.code) c.code.set(k, v);
    for (const [k, v] of this.storage) c.storage.set(k, new Map(v));
    return c;
  }
}
