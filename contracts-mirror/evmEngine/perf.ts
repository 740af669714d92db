/**
 * Speed-ups for @ethereumjs/evm that change no semantics:
 * - `EVM.runInterpreter` returns, besides the result, a `runState` merged by object spreads from
 *   the interpreter's run state, result and environment on every message; nothing in the EVM or
 *   in this engine reads it, so the patched copy passes the run state through unmerged;
 * - the interpreter's jump-destination analysis runs over the whole contract on every call; its
 *   result depends only on the code bytes and the fork's opcode table, so it is cached per code
 *   array (the state manager hands out the same array for the same contract);
 * - `Common.isActivatedEIP` scans an array on every opcode; a Set answers the same question.
 */
import type { Common } from '@ethereumjs/common';
import { Account, createZeroAddress } from '@ethereumjs/util';
import { evmFile } from './evmInternals.js';

const ZERO = createZeroAddress();

type Analysis = { jumps: Uint8Array; pushes: Record<number, bigint>; opcodesCached: unknown[] };
interface InterpreterProto {
  _getValidJumpDestinations(this: { _evm: { _opcodeMap: object } }, code: Uint8Array): Analysis;
  __flockLabPatched?: boolean;
}

let patched: Promise<boolean> | null = null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let InterpreterClass: any = null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let MemoryClass: any = null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let StackClass: any = null;
const EMPTY = new Uint8Array(0);

/** Patches the ESM Interpreter class the VM uses; resolves false when it cannot be found. */
export function patchInterpreter(): Promise<boolean> {
  patched ??= (async () => {
    try {
      const mod = (await evmFile('interpreter.js')) as { Interpreter?: { prototype: InterpreterProto } };
      InterpreterClass = mod.Interpreter ?? null;
      try {
        const [mem, stack] = await Promise.all([evmFile('memory.js'), evmFile('stack.js')]);
        StackClass = stack.Stack ?? null;
        MemoryClass = StackClass ? (mem.Memory ?? null) : null;
      } catch {
        MemoryClass = null;
      }
      const proto = mod.Interpreter?.prototype;
      if (!proto || typeof proto._getValidJumpDestinations !== 'function') return false;
      if (proto.__flockLabPatched) return true;
      const original = proto._getValidJumpDestinations;
      const cache = new WeakMap<Uint8Array, Analysis>();
      // Contracts deployed from the same bytecode (every pool, every FL task) hold equal code in
      // different arrays: a second cache keyed by the bytes serves them, per opcode table.
      const byContent = new WeakMap<object, Map<string, Analysis>>();
      proto._getValidJumpDestinations = function (this: { _evm: { _opcodeMap: object } }, code: Uint8Array): Analysis {
        let a = cache.get(code);
        if (!a) {
          let m = byContent.get(this._evm._opcodeMap);
          if (!m) byContent.set(this._evm._opcodeMap, (m = new Map()));
          const key = Buffer.from(code.buffer, code.byteOffset, code.length).toString('latin1');
          a = m.get(key);
          if (!a) {
            a = original.call(this, code);
            if (m.size >= 256) m.clear();
            m.set(key, a);
          }
          cache.set(code, a);
        }
        return a;
      };
      proto.__flockLabPatched = true;
      return true;
    } catch {
      return false;
    }
  })();
  return patched;
}

/** Replaces the array scan of `isActivatedEIP` by a Set lookup on this Common (its fork never changes here). */
export function fastEips(common: Common): void {
  const c = common as unknown as { _activatedEIPsCache: number[]; isActivatedEIP(eip: number): boolean };
  const set = new Set(c._activatedEIPsCache);
  c.isActivatedEIP = (eip: number) => set.has(eip);
}

/**
 * `EVM.runInterpreter` of @ethereumjs/evm 10.1.3, step for step, except that the result's
 * `runState` is the interpreter's run state itself instead of a fresh merge of three objects,
 * the result is built field by field, and the interpreter is made by newInterpreter.
 * Installed on one EVM instance, only when the Interpreter class was found (patchInterpreter).
 */
export function patchRunInterpreter(evm: unknown): boolean {
  const I = InterpreterClass;
  if (!I) return false;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const e = evm as any;
  const REVERT = 'revert';
  const INVALID_EOF_FORMAT = 'invalid EOF format';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  e.runInterpreter = async function (this: any, message: any, opts: any = {}) {
    let contract = await this.stateManager.getAccount(message.to ?? ZERO);
    if (!contract) contract = new Account();
    const env = {
      address: message.to ?? ZERO,
      caller: message.caller ?? ZERO,
      callData: message.data ?? Uint8Array.from([0]),
      callValue: message.value ?? 0n,
      code: message.code,
      isStatic: message.isStatic ?? false,
      isCreate: message.isCreate ?? false,
      depth: message.depth ?? 0,
      gasPrice: this._tx.gasPrice,
      origin: this._tx.origin ?? message.caller ?? ZERO,
      block: this._block,
      contract,
      codeAddress: message.codeAddress,
      gasRefund: message.gasRefund,
      chargeCodeAccesses: message.chargeCodeAccesses,
      blobVersionedHashes: message.blobVersionedHashes ?? [],
      accessWitness: message.accessWitness,
      createdAddresses: message.createdAddresses,
      initialLogs: opts.initialLogs,
    };
    const interpreter = newInterpreter(I, this, this.stateManager, this.blockchain, env, message.gasLimit, this.journal, this.performanceLogger, this._optsCached.profiler);
    if (message.selfdestruct) interpreter._result.selfdestruct = message.selfdestruct;
    if (message.createdAddresses) interpreter._result.createdAddresses = message.createdAddresses;
    const interpreterRes = await interpreter.run(message.code, opts);
    releaseMemory(interpreter._runState.memory);
    const frame = interpreter._result;
    let gasUsed = message.gasLimit - interpreterRes.runState.gasLeft;
    const failed = interpreterRes.exceptionError !== undefined;
    if (failed && interpreterRes.exceptionError.error !== REVERT && interpreterRes.exceptionError.error !== INVALID_EOF_FORMAT) gasUsed = message.gasLimit;
    message.accessWitness?.commit();
    // The stock code spreads the frame result into a literal with seven more fields, a pattern
    // V8 runs on its slow path (3.5 µs, measured); the frame result holds these fields only.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out: any = {
      logs: failed ? [] : frame.logs,
      returnValue: frame.returnValue ?? new Uint8Array(0),
      selfdestruct: failed ? new Map() : frame.selfdestruct,
      runState: interpreterRes.runState,
      exceptionError: interpreterRes.exceptionError,
      gas: interpreterRes.runState?.gasLeft,
      executionGasUsed: gasUsed,
      gasRefund: interpreterRes.runState.gasRefund,
      stateGasSpilled: interpreterRes.runState.stateGasSpilled,
    };
    if (failed) out.createdAddresses = new Set();
    else if (frame.createdAddresses !== undefined) out.createdAddresses = frame.createdAddresses;
    return out;
  };
  return true;
}

/** Frame memories to reuse: each `new Memory()` allocates (and the GC later frees) an 8 KiB buffer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const memories: any[] = [];
const MEMORY_SIZE = 8192;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function takeMemory(): any {
  return memories.pop() ?? new MemoryClass();
}

/**
 * Returns a finished frame's memory, zeroed, to the pool. RETURN and REVERT copy their data
 * out of memory, and nothing reads a finished frame's memory, so it can serve the next frame.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function releaseMemory(m: any): void {
  if (MemoryClass === null || !(m instanceof MemoryClass) || m._store.length !== MEMORY_SIZE || memories.length >= 64) return;
  m._store.fill(0);
  memories.push(m);
}

/**
 * `new Interpreter(...)` of @ethereumjs/evm 10.1.3, field for field, except that the frame's
 * memory comes from the pool (and the empty arrays it replaces before use are shared).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function newInterpreter(I: any, evm: any, stateManager: any, blockchain: any, env: any, gasLeft: bigint, journal: any, performanceLogs: any, profilerOpts: any): any {
  if (MemoryClass === null) return new I(evm, stateManager, blockchain, env, gasLeft, journal, performanceLogs, profilerOpts);
  const it = Object.create(I.prototype);
  it.opDebuggers = {};
  it._evm = evm;
  it._stateManager = stateManager;
  it.common = evm.common;
  if (it.common.consensusType() === 'poa' && evm._optsCached.cliqueSigner === undefined) {
    throw new Error('Must include cliqueSigner function if clique/poa is being used for consensus type');
  }
  it._runState = {
    programCounter: 0,
    opCode: 0xfe,
    memory: takeMemory(),
    memoryWordCount: 0n,
    highestMemCost: 0n,
    stack: new StackClass(),
    code: EMPTY,
    validJumps: EMPTY,
    cachedPushes: {},
    stateManager,
    blockchain,
    env,
    shouldDoJumpAnalysis: true,
    interpreter: it,
    gasRefund: env.gasRefund,
    gasLeft,
    stateGasSpilled: 0n,
    returnBytes: EMPTY,
  };
  it.journal = journal;
  it._env = env;
  it._result = { logs: env.initialLogs ? [...env.initialLogs] : [], returnValue: undefined, selfdestruct: new Map() };
  it.profilerOpts = profilerOpts;
  it.performanceLogger = performanceLogs;
  return it;
}
