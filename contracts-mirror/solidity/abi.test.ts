/**
 * The compiled reference contracts expose exactly the registry's ABI (contracts-mirror/abi/registry.ts):
 * every function with its input types, mutability and outputs (types and names, tuple components
 * included), and every event with its argument names, types and `indexed` flags. Every name in
 * KINDS must build: a contract missing from the build fails its test (it is not skipped).
 */
import { describe, expect, it } from 'vitest';
import { Interface, type EventFragment, type FunctionFragment, type ParamType } from 'ethers';
import { abiOf } from '../abi/registry.js';
import { compileAll, SolidityCompileError, type CompileReport } from './compile.js';

const KINDS = [
  'FLOCK',
  'gmFLOCK',
  'Exchange',
  'Config',
  'StakeInfo',
  'Vesting',
  'FLTaskManager',
  'FLTask',
  'TaskManagerV1',
  'TaskManagerV2',
  'PoolManagerV1',
  'PoolManagerV2',
  'MiniPoolV1',
  'MiniPoolV2',
] as const;

let report: CompileReport | null = null;
let compileError: string | null = null;
try {
  report = compileAll();
} catch (e) {
  compileError = e instanceof SolidityCompileError ? e.messages.join('\n') : String(e);
}
const built = new Set(report?.contracts ?? []);

/** A parameter with its type and name, recursively (tuple components by name). */
function param(p: ParamType, withIndexed = false): string {
  const t = p.isTuple()
    ? `(${p.components.map((c) => param(c)).join(', ')})`
    : p.isArray()
      ? `${param(p.arrayChildren).replace(/ .*$/, '')}[${p.arrayLength === -1 ? '' : p.arrayLength}]`
      : p.type;
  return [t, withIndexed && p.indexed ? 'indexed' : '', p.name].filter(Boolean).join(' ');
}

function fnSig(f: FunctionFragment): string {
  // pure and view are the same call for a trace; nonpayable and payable are not compared apart either.
  const mut = f.stateMutability === 'pure' ? 'view' : f.stateMutability === 'payable' ? 'nonpayable' : f.stateMutability;
  return `${f.format('sighash')} ${mut} returns (${f.outputs.map((o) => param(o)).join(', ')})`;
}

function evSig(e: EventFragment): string {
  return `${e.name}(${e.inputs.map((i) => param(i, true)).join(', ')})${e.anonymous ? ' anonymous' : ''}`;
}

function signatures(i: Interface): { functions: string[]; events: string[] } {
  const functions: string[] = [];
  const events: string[] = [];
  i.forEachFunction((f) => functions.push(fnSig(f)));
  i.forEachEvent((e) => events.push(evSig(e)));
  return { functions: functions.sort(), events: events.sort() };
}

async function artifactAbi(name: string): Promise<Interface> {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { BUILD_DIR } = await import('./compile.js');
  const j = JSON.parse(readFileSync(join(BUILD_DIR, `${name}.json`), 'utf8')) as { abi: unknown[] };
  return new Interface(j.abi as never);
}

describe('reference Solidity', () => {
  it('compiles', () => {
    expect(compileError).toBeNull();
  });

  it('builds every contract the registry describes', () => {
    expect(KINDS.filter((k) => !built.has(k)), `not built (compile error: ${compileError})`).toEqual([]);
  });

  for (const kind of KINDS) {
    it(`${kind}: ABI equals the registry's`, async () => {
      expect(built.has(kind), `${kind} was not built (compile error: ${compileError})`).toBe(true);
      const sol = signatures(await artifactAbi(kind));
      const reg = signatures(abiOf(kind));
      expect({ functions: sol.functions, events: sol.events }).toEqual({ functions: reg.functions, events: reg.events });
    });
  }
});
