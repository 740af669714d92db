/**
 * The EVM engine against the mirror (issue 5):
 *  - every shipped trace gives byte-identical results on both engines (after removing engine/gas),
 *    and the EVM result carries gas per executed step;
 *  - a random parity run of 200+ cases per protocol version passes;
 *  - a deliberately broken artifact (--artifacts dir with Vesting rounding up instead of down) is
 *    caught as a mismatch at the right first differing path;
 *  - the CLI: `replay --engine evm`, `--artifacts`, `parity` and its summary line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, replayTrace } from '../replay/replay.js';
import type { TraceResult } from '../replay/types.js';
import { firstDifference, parityText } from './compare.js';
import { EvmEngine } from './engine.js';
import { runParity } from './parity.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..');
const TRACES = join(here, '..', 'traces');
const SOLIDITY = join(here, '..', 'solidity');
const BIN = join(ROOT, 'bin', 'flock-lab.mjs');
const traceFiles = readdirSync(TRACES).filter((f) => f.endsWith('.json') && !f.endsWith('.result.json')).sort();
const load = (f: string) => JSON.parse(readFileSync(join(TRACES, f), 'utf8')) as unknown;

/** Longest a CLI run may take before it is killed and its test fails (instead of hanging the suite). */
const CLI_TIMEOUT_MS = 120_000;

/** Runs `flock-lab <args>` and asserts it exited by itself (was neither killed by the timeout nor failed to start). */
function cli(args: string[], env?: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, timeout: CLI_TIMEOUT_MS, ...(env ? { env } : {}) });
  expect(r.error, `flock-lab ${args.join(' ')}: ${r.error?.message}`).toBeUndefined();
  expect(r.signal, `flock-lab ${args.join(' ')} was killed (timeout ${CLI_TIMEOUT_MS} ms)`).toBeNull();
  return r;
}

let engine: EvmEngine;
beforeAll(async () => {
  engine = await EvmEngine.create();
}, 300_000);

describe('shipped traces: EVM vs mirror', () => {
  it.each(traceFiles)('%s is in parity', async (f) => {
    const raw = load(f);
    const mirror = replayTrace(raw);
    const evm = await engine.replay(raw);
    expect(evm.engine).toBe('evm');
    expect(firstDifference(mirror, evm)).toBeNull();
    expect(parityText(evm)).toBe(parityText(mirror));
    // gas for every step that executed (all of them: shipped traces call only existing contracts)
    const steps = (raw as { steps: unknown[] }).steps;
    expect(Object.keys(evm.gas ?? {})).toEqual(steps.map((_, i) => String(i)));
    // bound: every call pays the 21,000 intrinsic gas plus its calldata; the exact gas of each step
    // is compared between the fast and the stock interpreter in fastInterpreter.test.ts
    for (const g of Object.values(evm.gas ?? {})) expect(BigInt(g)).toBeGreaterThan(21_000n);
  });

  it('a replay is deterministic across rewinds of the cached genesis', async () => {
    const raw = load(traceFiles[0]);
    const a = canonicalJson(await engine.replay(raw));
    await engine.replay(load(traceFiles[1]));
    expect(canonicalJson(await engine.replay(raw))).toBe(a);
  });

  it('calls to a pool or FL task that does not exist fail with "no such contract"', async () => {
    const t = {
      format: 'flock-trace/1',
      protocol: 'v2',
      steps: [
        { at: 1735689600, from: 'bob', call: 'Pool:alice.delegate', args: ['1e18'] },
        { at: 1735689600, view: 'FLTask:3.rewardPool' },
      ],
    };
    const evm = await engine.replay(t);
    expect(evm.steps.map((s) => (s.status === 'failed' ? s.actual : s.status))).toEqual(['no such contract', 'no such contract']);
    expect(firstDifference(replayTrace(t), evm)).toBeNull();
  });
});

describe('random parity', () => {
  for (const protocol of ['v1', 'v2'] as const) {
    it(`200 random ${protocol} traces are in parity`, async () => {
      const r = await runParity({ cases: 200, seed: protocol === 'v1' ? 1000 : 2000, protocols: [protocol], engine, shrinkMs: 60_000 });
      const shown = r.failures.map((f) => `seed ${f.seed}: ${f.diff.path} at step ${f.diff.step}: mirror ${JSON.stringify(f.diff.mirror)} evm ${JSON.stringify(f.diff.evm)}\n${JSON.stringify(f.trace)}`);
      expect(shown).toEqual([]);
      expect(r.passed).toBe(200);
    }, 600_000);
  }
});

/** What a parity report says, without its timing (to compare runs). */
function reportText(r: Awaited<ReturnType<typeof runParity>>): string {
  const gas = [...r.gas].map(([k, v]) => [k, v.map(String)]);
  const failures = r.failures.map((f) => ({ ...f, trace: JSON.stringify(f.trace) }));
  return JSON.stringify({ ...r, ms: 0, gas, failures });
}

describe('parity in worker threads', () => {
  it('gives the same report, in the same case order, as a run in this thread', async () => {
    const order: number[] = [];
    const here = await runParity({ cases: 16, seed: 77, protocols: ['v1', 'v2'], engine });
    const two = await runParity({ cases: 16, seed: 77, protocols: ['v1', 'v2'], workers: 2, onCase: (k) => order.push(k) });
    expect(two.passed).toBe(16);
    expect(order).toEqual([...Array(16).keys()]);
    expect(reportText(two)).toBe(reportText(here));
  }, 300_000);
});

/** Compiles one reference contract with a source edit (solc-js, the project's settings) into `dir`. */
function compileVariant(file: string, contract: string, edit: (src: string) => string, dir: string): void {
  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(input: string, cb: { import: (p: string) => { contents: string } | { error: string } }): string };
  const src = edit(readFileSync(join(SOLIDITY, file), 'utf8'));
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: src } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'shanghai', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const findImport = (p: string) => {
    for (const c of [join(SOLIDITY, p), join(ROOT, 'node_modules', p)]) {
      try {
        return { contents: readFileSync(c, 'utf8') };
      } catch {
        /* next */
      }
    }
    return { error: `not found: ${p}` };
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = out.contracts[file][contract];
  writeFileSync(join(dir, `${contract}.json`), JSON.stringify({ abi: c.abi, bytecode: '0x' + c.evm.bytecode.object }));
}

/** The temporary folders the tests make, removed after them. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('a deliberately broken artifact', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('flock-artifacts-');
    // Vesting whose clock runs one second ahead: every partial vesting pays a little too much
    compileVariant(
      'Vesting.sol',
      'Vesting',
      (s) => {
        const from = 'uint256 elapsed = ts - g.start;';
        if (!s.includes(from)) throw new Error('Vesting.sol changed: update the variant');
        return s.replace(from, 'uint256 elapsed = ts - g.start + 1;');
      },
      dir,
    );
  }, 300_000);

  it('is detected with the first differing path', async () => {
    const broken = await EvmEngine.create({ artifactsDir: dir });
    expect(broken.artifacts.Vesting.origin).toBe(dir);
    expect(broken.artifacts.FLOCK.origin).toBe('project');
    const raw = load('final-vesting-v2.json');
    const mirror = replayTrace(raw);
    const good = await engine.replay(raw);
    expect(firstDifference(mirror, good)).toBeNull();
    const bad: TraceResult = await broken.replay(raw);
    const d = firstDifference(mirror, bad);
    expect(d).not.toBeNull();
    // the first read of vesting (the view node1VestedAfter10Days) shows more vested than the mirror
    expect(d!.path).toBe('steps[15].value');
    expect(d!.step).toBe(15);
    expect((raw as { steps: { view?: string }[] }).steps[15].view).toBe('Vesting.claimable');
    // node1's grant (step 12): 773279226720000000000 over 2592000 s from 1735862403; step 15 is
    // 864000 s later: amount·864000/2592000 = 257759742240000000000 in the mirror, and the variant's
    // floor(amount·864001/2592000) = 257760040573035000000, one second's vesting more
    expect(d!.mirror).toBe('257759742240000000000');
    expect(d!.evm).toBe('257760040573035000000');
  });

  it('parity in 2 worker threads on the variant finds and shrinks the same mismatches as in this thread', async () => {
    const broken = await EvmEngine.create({ artifactsDir: dir });
    // seeds 13..16: 14 and 15 end before n1's vesting grant (from a final upload) has fully vested
    const opts = { cases: 4, seed: 13, protocols: ['v2' as const] };
    const here = await runParity({ ...opts, engine: broken });
    const two = await runParity({ ...opts, workers: 2, artifactsDir: dir });
    // exactly those two seeds fail (regression values of the seeded sample of
    // traceArbitraries.ts's parity profile, not protocol facts; re-pin if the generator changes)
    expect([here.passed, here.failed]).toEqual([2, 2]);
    expect(here.failures.map((f) => [f.seed, f.diff.path])).toEqual([
      [14, 'state.vesting.n1.claimable'],
      [15, 'state.vesting.n1.claimable'],
    ]);
    expect(here.failures.every((f) => f.diff.path !== '(flaky: the shrunk trace is in parity)')).toBe(true);
    expect(reportText(two)).toBe(reportText(here));
  }, 600_000);

  it('replay --artifacts runs the variant and its result differs from the mirror', () => {
    const file = join(TRACES, 'final-vesting-v2.json');
    const good = cli(['replay', file, '--engine', 'evm']);
    expect(good.status).toBe(0);
    const mirror = cli(['replay', file]);
    const strip = (t: string) => {
      const { engine: _e, gas: _g, ...rest } = JSON.parse(t);
      return canonicalJson(rest);
    };
    expect(strip(good.stdout)).toBe(strip(mirror.stdout));
    expect(JSON.parse(good.stdout).engine).toBe('evm');
    const bad = cli(['replay', file, '--engine', 'evm', '--artifacts', dir]);
    expect([0, 1]).toContain(bad.status);
    expect(strip(bad.stdout)).not.toBe(strip(mirror.stdout));
  }, 120_000);
});

describe('flock-lab parity (CLI)', () => {
  it('prints the summary line and a gas table', () => {
    const out = tempDir('flock-parity-');
    const r = cli(['parity', '--cases', '4', '--seed', '7', '--gas-report', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^4 passed, 0 failed$/m);
    expect(r.stdout).toMatch(/TaskManager\.createTask\s+\d+\s+\d+\s+\d+\s+\d+/);
  }, 120_000);

  it('rejects bad options with exit 2', () => {
    const r = cli(['parity', '--protocol', 'v3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--protocol/);
    const w = cli(['parity', '--workers', '0']);
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(/--workers: expected a positive integer/);
  });

  it('FLOCK_LAB_EVM_STOCK=1 (the stock @ethereumjs path) prints the same result, gas included', () => {
    const file = join(TRACES, 'claim-fees-v2.json');
    const fast = cli(['replay', file, '--engine', 'evm']);
    const stock = cli(['replay', file, '--engine', 'evm'], { ...process.env, FLOCK_LAB_EVM_STOCK: '1' });
    expect(fast.status).toBe(0);
    expect(stock.status).toBe(0);
    // gas for each of the trace's steps (all call existing contracts)
    expect(Object.keys(JSON.parse(fast.stdout).gas)).toEqual((load('claim-fees-v2.json') as { steps: unknown[] }).steps.map((_, i) => String(i)));
    expect(stock.stdout).toBe(fast.stdout);
  }, 120_000);

  it('replay --engine evm rejects an invalid trace with exit 2 and nothing on stdout', () => {
    const dir = tempDir('flock-bad-');
    const file = join(dir, 't.json');
    writeFileSync(file, JSON.stringify({ format: 'flock-trace/1', steps: [{ at: 1, from: 'admin', call: 'TaskManager.nope', args: [] }] }));
    const r = cli(['replay', file, '--engine', 'evm']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/step 0/);
  });
});
