/** Validation of a trace against docs/traces.md#trace-format and the ABI registry; everything wrong is a TraceError (exit 2). */
import type { FunctionFragment } from 'ethers';
import { CONTRACT_NAMES, functionOf, kindOfName } from '../abi/registry.js';
import { parseInteger, convertArg } from './convert.js';
import { TraceError } from './errors.js';
import type { Protocol } from './types.js';

export interface ParsedStep {
  i: number;
  at: bigint;
  from: string;
  target: string;
  fn: FunctionFragment;
  args: unknown[];
  isView: boolean;
  /** undefined: must succeed; a string: must revert with a reason containing it. */
  expectRevert?: string;
  as?: string;
}

export interface ParsedTrace {
  protocol: Protocol;
  aiArenaSlashing: boolean;
  accounts: { name: string; FLOCK: bigint; gmFLOCK: bigint }[];
  steps: ParsedStep[];
  /** Every name the trace mentions: accounts, senders and address arguments (docs/traces.md#state). */
  names: Set<string>;
}

const TOP_KEYS = new Set(['format', 'protocol', 'aiArenaSlashing', 'accounts', 'steps']);
const STEP_KEYS = new Set(['at', 'from', 'call', 'view', 'args', 'expectRevert', 'as']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isReservedName(name: string): boolean {
  return (CONTRACT_NAMES as readonly string[]).includes(name) || name.startsWith('Pool:') || name.startsWith('FLTask:') || name.startsWith('0x');
}

function collectAddresses(fn: FunctionFragment, args: unknown[], names: Set<string>): void {
  const walk = (type: string, v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(type.replace(/\[\d*\]$/, ''), x);
    else if (type === 'address' && typeof v === 'string' && !v.startsWith('0x')) names.add(v);
  };
  fn.inputs.forEach((p, k) => walk(p.type, args[k]));
}

export function parseTrace(raw: unknown): ParsedTrace {
  if (!isPlainObject(raw)) throw new TraceError('trace', 'expected a JSON object');
  for (const k of Object.keys(raw)) if (!TOP_KEYS.has(k)) throw new TraceError(k, `unknown top-level key (allowed: ${[...TOP_KEYS].join(', ')})`);
  if (raw.format !== 'flock-trace/1') throw new TraceError('format', `expected "flock-trace/1", got ${JSON.stringify(raw.format)}`);
  const protocol = raw.protocol ?? 'v2';
  if (protocol !== 'v1' && protocol !== 'v2') throw new TraceError('protocol', `expected "v1" or "v2", got ${JSON.stringify(protocol)}`);
  const slashing = raw.aiArenaSlashing ?? false;
  if (typeof slashing !== 'boolean') throw new TraceError('aiArenaSlashing', 'expected true or false');

  const names = new Set<string>(['admin']);
  const accounts: ParsedTrace['accounts'] = [];
  const rawAccounts = raw.accounts ?? {};
  if (!isPlainObject(rawAccounts)) throw new TraceError('accounts', 'expected an object of name → balances');
  for (const [name, bal] of Object.entries(rawAccounts)) {
    const field = `accounts.${name}`;
    if (name === '' || isReservedName(name)) throw new TraceError(field, 'an account may not be named after a contract, be empty, or start with Pool:, FLTask: or 0x');
    if (!isPlainObject(bal)) throw new TraceError(field, 'expected { "FLOCK"?: amount, "gmFLOCK"?: amount }');
    const entry = { name, FLOCK: 0n, gmFLOCK: 0n };
    for (const [token, amount] of Object.entries(bal)) {
      if (token !== 'FLOCK' && token !== 'gmFLOCK') throw new TraceError(`${field}.${token}`, 'unknown token (FLOCK or gmFLOCK)');
      if (token === 'gmFLOCK' && protocol === 'v1') throw new TraceError(`${field}.${token}`, 'gmFLOCK does not exist under protocol v1');
      const n = parseInteger(amount);
      if (n === null || n < 0n) throw new TraceError(`${field}.${token}`, `${JSON.stringify(amount)} is not a whole, non-negative number of wei`);
      entry[token] = n;
    }
    accounts.push(entry);
    names.add(name);
  }

  if (!Array.isArray(raw.steps)) throw new TraceError('steps', 'expected an array');
  const steps: ParsedStep[] = [];
  let lastAt = -1n;
  raw.steps.forEach((s: unknown, i: number) => {
    if (!isPlainObject(s)) throw new TraceError('step', 'expected an object', i);
    for (const k of Object.keys(s)) if (!STEP_KEYS.has(k)) throw new TraceError(k, `unknown step key (allowed: ${[...STEP_KEYS].join(', ')})`, i);
    if (typeof s.at !== 'number' || !Number.isSafeInteger(s.at) || s.at < 0) throw new TraceError('at', `expected unix seconds as a non-negative integer, got ${JSON.stringify(s.at)}`, i);
    const at = BigInt(s.at);
    if (at < lastAt) throw new TraceError('at', `time goes backwards (${s.at} < ${lastAt})`, i);
    lastAt = at;
    const isView = s.view !== undefined;
    if (isView === (s.call !== undefined)) throw new TraceError('call', 'a step has exactly one of "call" and "view"', i);
    const key = isView ? 'view' : 'call';
    const ref = s[key];
    if (typeof ref !== 'string' || ref.lastIndexOf('.') <= 0) throw new TraceError(key, `expected "<Contract>.<function>", got ${JSON.stringify(ref)}`, i);
    const dot = ref.lastIndexOf('.');
    const target = ref.slice(0, dot);
    const fnName = ref.slice(dot + 1);
    const kind = kindOfName(target, protocol);
    if (!kind) throw new TraceError(key, `unknown contract "${target}" under protocol ${protocol}`, i);
    const fn = functionOf(kind, fnName);
    if (!fn) throw new TraceError(key, `${target} has no function "${fnName}"`, i);
    if (isView && !(fn.stateMutability === 'view' || fn.stateMutability === 'pure')) throw new TraceError('view', `${ref} is not a view function; use "call"`, i);
    const args = s.args ?? [];
    if (!Array.isArray(args)) throw new TraceError('args', 'expected an array', i);
    if (args.length !== fn.inputs.length) throw new TraceError('args', `${ref} takes ${fn.inputs.length} argument(s) (${fn.inputs.map((p) => p.format('full')).join(', ')}), got ${args.length}`, i);
    const converted = fn.inputs.map((p, k) => convertArg(p, args[k], `args[${k}]`, i));
    let from = 'admin';
    if (s.from !== undefined || !isView) {
      if (typeof s.from !== 'string' || s.from === '') throw new TraceError('from', 'expected the sender\'s name', i);
      from = s.from;
    }
    if (s.expectRevert !== undefined && s.expectRevert !== null && typeof s.expectRevert !== 'string') throw new TraceError('expectRevert', 'expected a string or null', i);
    if (s.as !== undefined && (typeof s.as !== 'string' || s.as === '')) throw new TraceError('as', 'expected a non-empty name', i);
    if (!from.startsWith('0x')) names.add(from);
    collectAddresses(fn, converted, names);
    steps.push({
      i,
      at,
      from,
      target,
      fn,
      args: converted,
      isView,
      expectRevert: typeof s.expectRevert === 'string' ? s.expectRevert : undefined,
      as: s.as as string | undefined,
    });
  });
  return { protocol, aiArenaSlashing: slashing, accounts, steps, names };
}
