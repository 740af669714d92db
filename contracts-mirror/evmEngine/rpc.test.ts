/**
 * `replay --engine evm --rpc URL` (docs/traces.md#engines-and-options) on a local Hardhat node that this
 * file starts on 127.0.0.1 and stops in afterAll:
 *  - every shipped trace, and random traces of both protocols, give results byte-identical to the
 *    mirror's (after removing engine and gas), with each transaction's gas equal to the
 *    in-process engine's;
 *  - a replay leaves the node as it found it (evm_snapshot / evm_revert), so it can run again;
 *  - the CLI works against the node; an unreachable or non-local URL, or a trace older than the
 *    node's clock, is a clear error (exit 2 on the command line).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, rpcCall, startLocalNode, type LocalNode } from '../chain/localNode.js';
import { canonicalJson, replayTrace } from '../replay/replay.js';
import type { TraceResult } from '../replay/types.js';
import { firstDifference, parityText } from './compare.js';
import { EvmEngine } from './engine.js';
import { buildTrace, scenarioArb } from './generator.js';
import { checkRpcUrl, replayTraceRpc, RpcError } from './rpc.js';

const TRACES = join(REPO_ROOT, 'contracts-mirror', 'traces');
const BIN = join(REPO_ROOT, 'bin', 'flock-lab.mjs');
const traceFiles = readdirSync(TRACES).filter((f) => f.endsWith('.json') && !f.endsWith('.result.json')).sort();
const load = (f: string) => JSON.parse(readFileSync(join(TRACES, f), 'utf8')) as unknown;

let node: LocalNode;
let engine: EvmEngine;

beforeAll(async () => {
  [node, engine] = await Promise.all([startLocalNode(), EvmEngine.create()]);
}, 240_000); // a clean clone compiles the Solidity first (solc-js)

afterAll(async () => {
  await node?.stop();
});

/** RPC result vs the mirror's (parity) and the in-process engine's (gas of every transaction). */
async function check(raw: unknown): Promise<TraceResult> {
  const rpc = await replayTraceRpc(raw, { url: node.url, engine });
  const mirror = replayTrace(raw);
  expect(rpc.engine).toBe('evm');
  expect(firstDifference(mirror, rpc)).toBeNull();
  expect(parityText(rpc)).toBe(parityText(mirror));
  const inProcess = await engine.replay(raw);
  for (const [i, g] of Object.entries(rpc.gas ?? {})) expect(g, `gas of step ${i}`).toBe(inProcess.gas![i]);
  return rpc;
}

describe('replay --rpc on a local hardhat node', () => {
  it.each(traceFiles)('%s is in parity with the mirror', async (f) => {
    const rpc = await check(load(f));
    // gas comes from receipts: every transaction step has it, views have none
    const steps = (load(f) as { steps: { view?: string }[] }).steps;
    const txs = rpc.steps.filter((s) => !steps[s.i].view && !(s.status === 'failed' && s.actual === 'no such contract'));
    expect(Object.keys(rpc.gas ?? {}).sort()).toEqual(txs.map((s) => String(s.i)).sort());
  });

  it('random traces of both protocols are in parity (reverts, panics, shared timestamps, time jumps)', async () => {
    let reverts = 0;
    let shared = 0;
    for (const protocol of ['v1', 'v2'] as const) {
      for (const sc of fc.sample(scenarioArb(protocol), { seed: 4242, numRuns: 3 })) {
        const trace = buildTrace(sc);
        const rpc = await check(trace);
        reverts += rpc.steps.filter((s) => s.status === 'reverted' || (s.status === 'failed' && s.actual !== 'success')).length;
        const txs = trace.steps.filter((s) => !s.view);
        shared += txs.filter((s, k) => k > 0 && s.at === txs[k - 1].at).length;
      }
    }
    // regression values of the seeded sample (seed 4242) of traceArbitraries.ts's parity profile,
    // not protocol facts (re-pin if the generator changes):
    expect(reverts).toBe(52); // revert reasons decoded from failed transactions
    expect(shared).toBe(90); // transactions in consecutive blocks with the same timestamp
  }, 180_000); // about 60 s on a busy 2-core machine

  it('leaves the node as it found it, so the same trace replays again identically', async () => {
    const before = await rpcCall(node.url, 'eth_getBlockByNumber', ['latest', false]);
    const raw = load('delegation-v2.json');
    const a = canonicalJson(await replayTraceRpc(raw, { url: node.url, engine }));
    const b = canonicalJson(await replayTraceRpc(raw, { url: node.url, engine }));
    expect(b).toBe(a);
    expect(await rpcCall(node.url, 'eth_getBlockByNumber', ['latest', false])).toEqual(before);
  });

  it('refuses a trace that starts before the node\'s clock, and a node that is not local', async () => {
    const old = { format: 'flock-trace/1', steps: [{ at: 1000, from: 'admin', call: 'TaskManager.setGamma', args: [5] }] };
    await expect(replayTraceRpc(old, { url: node.url, engine })).rejects.toThrow(/cannot go back in time/);
    expect(() => checkRpcUrl('http://10.0.0.1:8545')).toThrow(RpcError);
    expect(() => checkRpcUrl('http://example.com:8545')).toThrow(/only a node on this machine/);
    expect(checkRpcUrl(node.url).hostname).toBe('127.0.0.1');
  });
});

describe('the CLI', () => {
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'replay', ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 60_000 });
    // a hanging CLI is killed by the timeout and fails here
    expect(r.error, `replay ${args.join(' ')}: ${r.error?.message}`).toBeUndefined();
    expect(r.signal, `replay ${args.join(' ')} was killed (timeout 60000 ms)`).toBeNull();
    return r;
  };
  const strip = (text: string) => {
    const { engine: _e, gas: _g, ...rest } = JSON.parse(text) as TraceResult;
    return canonicalJson(rest);
  };

  it('replay --engine evm --rpc URL prints the mirror\'s result', () => {
    const file = join(TRACES, 'delegation-v2.json');
    const r = cli(file, '--engine', 'evm', '--rpc', node.url);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).engine).toBe('evm');
    expect(strip(r.stdout)).toBe(strip(cli(file).stdout));
  }, 60_000);

  it('an unreachable --rpc URL is exit 2 with a clear message and nothing on stdout', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = cli(join(TRACES, 'delegation-v2.json'), '--engine', 'evm', '--rpc', url);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cannot reach a JSON-RPC node at ${url}`);
  }, 60_000);

  it('--rpc without --engine evm is exit 2', () => {
    const r = cli(join(TRACES, 'delegation-v2.json'), '--rpc', node.url);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--rpc needs --engine evm/);
  });
});
