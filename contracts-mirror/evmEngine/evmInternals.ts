/**
 * The one loader of @ethereumjs/evm's internal modules, for perf.ts and the fast interpreter.
 *
 * Why the ESM files by path: the VM runs @ethereumjs/evm's ESM build, and a patch must reach the
 * very classes and helpers it uses; the package exports neither the Interpreter class nor the
 * gas helpers, and `require` would load the CJS build (other class instances). So the package's
 * CJS entry is resolved and the ESM file next to it is imported: Node's module cache hands back
 * the instances the VM holds.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Fn = (...a: any[]) => any;

/**
 * One ESM module of @ethereumjs/evm by its path under `dist/esm/` ('interpreter.js',
 * 'opcodes/util.js'); rejects when the package is not laid out that way or the file is missing.
 */
export async function evmFile(path: string): Promise<Record<string, any>> {
  const cjs = createRequire(import.meta.url).resolve('@ethereumjs/evm');
  const root = cjs.replace(/[\\/]cjs[\\/]index\.js$/, '/esm/');
  if (root === cjs) throw new Error(`@ethereumjs/evm: no ESM build next to ${cjs}`);
  return (await import(pathToFileURL(root + path).href)) as Record<string, any>;
}

/** What the fast interpreter takes from @ethereumjs/evm. */
export interface EvmModules {
  Interpreter: { prototype: any };
  EVMError: any;
  EVMErrorTypeString: string;
  subMemUsage: (rs: any, offset: bigint, length: bigint, common: any) => bigint;
  divCeil: (a: bigint, b: bigint) => bigint;
  trap: (err: string) => never;
  accessStorageEIP2929: (rs: any, key: Uint8Array, isSstore: boolean, common: any, charge?: boolean) => bigint;
  consumeEip7928PostTargetCallOog: (rs: any) => void;
  updateSstoreGasEIP2200: (rs: any, current: Uint8Array, original: Uint8Array, value: Uint8Array, key: Uint8Array, common: any) => bigint;
  callFamilyGas: (rs: any, gas: bigint, common: any, opts: Record<string, unknown>) => Promise<bigint>;
  writeCallOutput: (rs: any, outOffset: bigint, outLength: bigint) => void;
  setLengthLeftStorage: (v: Uint8Array) => Uint8Array;
}

let loaded: Promise<EvmModules | null> | null = null;

/** The modules the fast interpreter needs, all of them, or null when any is missing. */
export function evmModules(): Promise<EvmModules | null> {
  loaded ??= (async () => {
    try {
      const [interp, errors, util, eip2929, eip7928, eip2200] = await Promise.all([
        evmFile('interpreter.js'),
        evmFile('errors.js'),
        evmFile('opcodes/util.js'),
        evmFile('opcodes/EIP2929.js'),
        evmFile('opcodes/EIP7928.js'),
        evmFile('opcodes/EIP2200.js'),
      ]);
      const m: EvmModules = {
        Interpreter: interp.Interpreter,
        EVMError: errors.EVMError,
        EVMErrorTypeString: errors.EVMErrorTypeString,
        subMemUsage: util.subMemUsage,
        divCeil: util.divCeil,
        trap: util.trap,
        accessStorageEIP2929: eip2929.accessStorageEIP2929,
        consumeEip7928PostTargetCallOog: eip7928.consumeEip7928PostTargetCallOog,
        updateSstoreGasEIP2200: eip2200.updateSstoreGasEIP2200,
        callFamilyGas: eip7928.callFamilyGas,
        writeCallOutput: util.writeCallOutput,
        setLengthLeftStorage: util.setLengthLeftStorage,
      };
      for (const [k, v] of Object.entries(m)) if (v === undefined) throw new Error(`@ethereumjs/evm has no ${k}`);
      return m;
    } catch {
      return null;
    }
  })();
  return loaded;
}
