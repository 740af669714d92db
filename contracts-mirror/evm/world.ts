/**
 * The mirror's chain: a clock (block.timestamp), the deployed contracts by address, the undo
 * journal and the event log. Contracts call each other directly, passing msg.sender as the
 * first argument of every external function; only the outermost call (a transaction) owns
 * rollback.
 */
import { keccak256, toUtf8Bytes } from 'ethers';
import type { Address } from '../units.js';
import { Journal } from './journal.js';
import { Revert } from './revert.js';

export type Protocol = 'v1' | 'v2';

/** One emitted log: positional values in ABI order; names come from the ABI at encoding time. */
export interface Log {
  contract: Address;
  name: string;
  values: unknown[];
}

export abstract class Contract {
  /** The ABI this contract exposes (a key of abi/registry.ts). */
  abstract readonly kind: string;
  constructor(
    readonly w: World,
    readonly address: Address,
  ) {}

  /** The config contract this contract resolves its peers through (its stored `config`). */
  configOf(): Address {
    return this.w.configAddress;
  }
}

export type TxResult = { ok: true; value: unknown } | { ok: false; reason: string };

export class World {
  now = 0n;
  readonly j = new Journal();
  /** Event log of the current transaction; null turns recording off (simulation hot path). */
  logs: Log[] | null = [];
  readonly contracts = new Map<Address, Contract>();
  /** Address-book contract every lookup goes through (docs/contracts.md#config-layout: resolved at call time). */
  configAddress: Address = 'Config';

  constructor(
    readonly protocol: Protocol,
    readonly aiArenaSlashing = false,
  ) {}

  isContract(a: Address): boolean {
    return this.contracts.has(a);
  }

  /** The contract at `a`; calling an address without code reverts with no reason, as in Solidity. */
  at<T extends Contract>(a: Address): T {
    const c = this.contracts.get(a);
    if (!c) throw new Revert('');
    return c as T;
  }

  deploy<T extends Contract>(c: T): T {
    this.j.mset(this.contracts, c.address, c);
    return c;
  }

  emit(contract: Address, name: string, ...values: unknown[]): void {
    if (this.logs) this.logs.push({ contract, name, values });
  }

  /**
   * Runs `fn` as one transaction: on a Revert every state change and log since the start is
   * undone and the reason returned. Other exceptions are bugs and propagate.
   */
  transact(fn: () => unknown): TxResult {
    const cp = this.j.checkpoint();
    const logCp = this.logs ? this.logs.length : 0;
    try {
      const value = fn();
      this.j.commit();
      return { ok: true, value };
    } catch (e) {
      const reason = revertReasonOf(e);
      this.j.revertTo(cp);
      if (this.logs) this.logs.length = logCp;
      return { ok: false, reason };
    }
  }

  /** Runs a view: any state it touched (none, for a correct view) is undone. */
  view(fn: () => unknown): TxResult {
    const cp = this.j.checkpoint();
    const logCp = this.logs ? this.logs.length : 0;
    try {
      return { ok: true, value: fn() };
    } catch (e) {
      return { ok: false, reason: revertReasonOf(e) };
    } finally {
      this.j.revertTo(cp);
      if (this.logs) this.logs.length = logCp;
    }
  }
}

/**
 * A Revert's reason. Calling a function a contract does not have is, in the EVM, a call that
 * reverts with no data (no fallback); in the mirror it is a TypeError on the missing method, so
 * that one shape maps to `""`. Anything else is a bug and propagates.
 */
function revertReasonOf(e: unknown): string {
  if (e instanceof Revert) return e.reason;
  if (e instanceof TypeError && /is not a function|Cannot read properties of undefined/.test(e.message)) return '';
  throw e;
}

const hexCache = new Map<string, string>();

/**
 * The 0x-address of a named account (docs/contracts.md#accounts-and-addresses): the last 20 bytes of
 * keccak256(utf8("flock-lab:" + name)). Contracts use the same derivation in the mirror
 * (ASSUMPTIONS.md A-addr). Only AccessControl revert messages show it.
 */
export function hexAddress(name: Address): string {
  if (name.startsWith('0x')) return name;
  let h = hexCache.get(name);
  if (!h) {
    h = '0x' + keccak256(toUtf8Bytes('flock-lab:' + name)).slice(26);
    hexCache.set(name, h);
  }
  return h;
}
