/**
 * Reading a live deployment (issue 5), end to end: the reference V2 contracts are deployed on a
 * local Hardhat node (started and stopped here, 127.0.0.1 only) and exercised like a trace; the
 * chain reader (contracts-mirror/chain/snapshot.ts) must read back exactly what was done, send
 * nothing and fail clearly; the scenario made from what it read (sim/scenario/fromChain.ts) is
 * one that `run` starts from, and `flock-lab chain snapshot` writes it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, rpcCall, startLocalNode, type LocalNode } from '../contracts-mirror/chain/localNode.js';
import { deployReferenceV2, RpcSender, type ChainDeployment } from '../contracts-mirror/chain/deploy.js';
import { exerciseReferenceV2, type ExerciseRecord } from '../contracts-mirror/chain/exercise.js';
import { READ_ONLY_METHODS, SnapshotError, takeSnapshot, type SnapshotResult } from '../contracts-mirror/chain/snapshot.js';
import { E18 } from '../contracts-mirror/units.js';
import { scenarioFromChain, type ChainScenario } from '../sim/scenario/fromChain.js';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { runSet } from '../sim/run/runSet.js';

const BIN = join(REPO_ROOT, 'bin', 'flock-lab.mjs');
/** How long one CLI call may take before it is killed and its test fails (each takes seconds; more beside other test files). */
const CLI_DEADLINE_MS = 120_000;
/** The CLI as a user runs it (asynchronously: the node keeps serving meanwhile); rejects when it outlives the deadline. */
function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      killed = true;
      p.kill('SIGKILL');
    }, CLI_DEADLINE_MS);
    p.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (killed) fail(new Error(`flock-lab ${args.join(' ')} did not finish within ${CLI_DEADLINE_MS / 1000} s and was killed\nstdout: ${out}\nstderr: ${err}`));
      else ok({ code, out, err });
    });
  });
}

const lower = (a: string) => a.toLowerCase();

describe('the local node harness', () => {
  it('starts hardhat node on 127.0.0.1 with the chain id asked for, and stops the whole process group', async () => {
    const node = await startLocalNode({ chainId: 4242, startTimeoutMs: 60_000 });
    try {
      expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(await rpcCall(node.url, 'eth_chainId'))).toBe(4242);
    } finally {
      await node.stop();
    }
    expect(() => process.kill(node.pid, 0)).toThrow(); // the guard (group leader) is gone
    await expect(rpcCall(node.url, 'eth_chainId', [], 500)).rejects.toThrow(); // and so is the node
  }, 90_000);
});

describe('chain snapshot of the exercised reference contracts', () => {
  let node: LocalNode;
  let rpc: RpcSender;
  let deployment: ChainDeployment;
  let rec: ExerciseRecord;
  let blockAfterDeploy: number;
  let snap: SnapshotResult;
  /** The scenario made from what the snapshot read. */
  let scenario: ChainScenario;
  const asked: string[] = [];
  let before: { block: string; nonces: string[] };
  let after: { block: string; nonces: string[] };
  const dir = mkdtempSync(join(tmpdir(), 'flock-chain-'));

  const chainState = async () => ({
    block: (await rpcCall(node.url, 'eth_blockNumber')) as string,
    nonces: await Promise.all(Object.values(rec.accounts).map((a) => rpcCall(node.url, 'eth_getTransactionCount', [a, 'latest']) as Promise<string>)),
  });

  beforeAll(async () => {
    node = await startLocalNode();
    rpc = await RpcSender.connect(node.url);
    deployment = await deployReferenceV2(rpc);
    blockAfterDeploy = await rpc.blockNumber();
    rec = await exerciseReferenceV2(rpc, deployment);
    writeFileSync(join(dir, 'addresses.json'), JSON.stringify(deployment.addresses));
    before = await chainState();
    snap = await takeSnapshot({ rpc: node.url, addresses: deployment.addresses, onRequest: (m) => asked.push(m) });
    after = await chainState();
    scenario = scenarioFromChain(snap.chain);
  }, 240_000); // a clean clone compiles the Solidity first (solc-js, ~25 s alone, more beside other test files)

  afterAll(async () => {
    rpc?.destroy();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads every stake that was made, with its exact amount (a top-up is cumulative)', () => {
    const got = new Map(snap.chain.stakes.map((s) => [`${s.taskId}:${s.role}:${s.address}`, BigInt(s.amount)]));
    const want = new Map([...rec.stakes].map(([k, v]) => [lower(k), v]));
    expect(got).toEqual(want);
    expect(snap.chain.tasks.map((t) => [t.id, t.name, t.expectedDuration])).toEqual(rec.tasks.map((t) => [Number(t.id), t.name, Number(t.durationSeconds)]));
  });

  it('reads the pools with their σ (after a change) and every delegation net of undelegations', () => {
    const g = snap.chain;
    expect(new Map(g.pools.map((p) => [p.owner, BigInt(p.sigma)]))).toEqual(new Map([...rec.sigma].map(([k, v]) => [lower(k), v])));
    expect(new Map(g.delegations.map((d) => [`${d.delegator}→${d.owner}`, BigInt(d.amount)]))).toEqual(new Map([...rec.delegations].map(([k, v]) => [lower(k), v])));
    for (const p of g.pools) {
      const sum = g.delegations.filter((d) => d.owner === p.owner).reduce((a, d) => a + BigInt(d.amount), 0n);
      expect(BigInt(p.totalDelegation)).toBe(sum);
    }
    expect(g.pools.find((p) => p.owner === lower(rec.accounts.v1))!.role).toBe('validator');
    expect(g.pools.find((p) => p.owner === lower(rec.accounts.n1))!.role).toBe('node');
    expect(snap.warnings).toEqual([]);
  });

  it('reads the parameters and the emission state, and the scenario carries them', async () => {
    const p = scenario.params!;
    expect(p).toMatchObject({
      rewardTokenPerDay: 1074,
      maxRewardTokenPerDay: 1074,
      gamma: Number(rec.params.gamma),
      lockedRewardPercentage: 900_000,
      feePercentage: Number(rec.params.feePercentage),
      protocolFeePercentage: Number(rec.params.protocolFeePercentage),
      minNodeStakes: 3000,
      validatorMinStake: 3000,
      dailyMintResetCount: 30,
      dailyMintDecayPercentage: 900_000,
      vestingDays: 30,
      sigmaCooldownDays: 1,
      exchangeFeeBps: Number(rec.params.exchangeFeeBps),
    });
    const g = snap.chain;
    expect(g.emission).toMatchObject({ rewardTokenPerDay: rec.params.rewardTokenPerDay.toString(), currentDailyMintCount: rec.mints });
    // Bounds, not a value: the node stamps blocks with its own clock, which runs at wall-clock
    // speed (plus the exercise's two advances), so the second mint's time depends on how long the
    // deployment and the exercise took. It came after both advances (1 day, then 1 day + 10 s)
    // and at or before the block read.
    const deployedAt = Number(((await rpcCall(node.url, 'eth_getBlockByNumber', [`0x${blockAfterDeploy.toString(16)}`, false])) as { timestamp: string }).timestamp);
    expect(g.emission.lastMintTimestamp).toBeGreaterThanOrEqual(deployedAt + 2 * 86_400 + 10);
    expect(g.emission.lastMintTimestamp).toBeLessThanOrEqual(g.timestamp);
    expect(g.sigmaBounds).toEqual({ min: 0, max: 1_000_000 });
    expect(g.chainId).toBe(31337);
    expect(g.block).toBe(Number(before.block));
    // FLOCK's lifetime mints are exactly the 28,000 FLOCK the admin minted for the exchangers
    // (exercise.ts: 9000 + 8000 + 6000 + 2000 + 3000) and the task manager's two daily mints of
    // 1074 FLOCK (no decay before the 30th): those two are the whole FLOCK the task manager minted.
    const adminMinted = (9000n + 8000n + 6000n + 2000n + 3000n) * E18;
    expect(rec.mints).toBe(2);
    expect(BigInt(g.state.FLOCK.currentMinted as string)).toBe(adminMinted + 2n * 1074n * E18);
    // the scenario's genesis is exactly what was read, the raw parameters aside
    const { parameters, ...read } = g;
    expect(scenario.genesis).toEqual(read);
    expect(parameters.taskManager.gamma).toBe(rec.params.gamma);
  });

  it('never signs or sends a transaction: only read methods were asked for, and the chain did not move', () => {
    expect(asked.length).toBeGreaterThan(10);
    expect(asked).toEqual(snap.methods);
    for (const m of asked) expect(READ_ONLY_METHODS.has(m), m).toBe(true);
    expect(asked).not.toContain('eth_sendTransaction');
    expect(asked).not.toContain('eth_sendRawTransaction');
    expect(after).toEqual(before);
  });

  it('pins every read to --block: at the block after deployment there is nothing yet, and the defaults', async () => {
    const early = await takeSnapshot({ rpc: node.url, addresses: deployment.addresses, block: blockAfterDeploy });
    const g = early.chain;
    expect(g.block).toBe(blockAfterDeploy);
    expect([g.tasks.length, g.stakes.length, g.pools.length, g.delegations.length]).toEqual([0, 0, 0, 0]);
    expect(scenarioFromChain(g).params).toMatchObject({ gamma: 0, feePercentage: 0, protocolFeePercentage: 10_000, exchangeFeeBps: 0 });
    expect(g.emission!.currentDailyMintCount).toBe(0);
  });

  it('resolves the addresses through --config-address (docs/contracts.md#config-layout) and reads the same state', async () => {
    const viaConfig = await takeSnapshot({ rpc: node.url, configAddress: deployment.addresses.Config });
    const { addresses: a1, ...g1 } = viaConfig.chain;
    const { addresses: a2, ...g2 } = snap.chain;
    expect(g1).toEqual(g2);
    expect(a1).toEqual(a2);
  });

  it('starts a simulation from the snapshot: exactly those participants, stakes, σ and delegations', () => {
    const s = ScenarioSchema.parse({ ...scenario, days: 3 });
    const out = runSimulation(s, { seed: 1, run: 0 });
    const g = scenario.genesis;
    const day0 = out.agentRows.filter((r) => r.day === 0);
    const names = new Set([...g.stakes.map((x) => x.address), ...g.pools.map((p) => p.owner), ...g.delegations.map((d) => d.delegator)]);
    expect(new Set(day0.map((r) => r.agent))).toEqual(names);
    const stakeOf = (a: string) => g.stakes.filter((x) => x.address === a).reduce((t, x) => t + BigInt(x.amount), 0n);
    for (const r of day0.filter((r) => r.role !== 'delegator')) expect(r.stake, r.agent).toBe(stakeOf(r.agent));
    // d2 delegates to two pools: its agent manages the larger delegation
    const d2 = day0.find((r) => r.agent === lower(rec.accounts.d2))!;
    expect(d2.stake).toBe(rec.delegations.get(`${rec.accounts.d2}→${rec.accounts.v1}`));
    expect(out.dayRows[0].staked).toBe(g.stakes.reduce((t, x) => t + BigInt(x.amount), 0n));
    expect(out.dayRows[0].delegated).toBe(g.delegations.reduce((t, x) => t + BigInt(x.amount), 0n));
    expect(out.dayRows[0].rewardTokenPerDay).toBe(BigInt(g.emission!.rewardTokenPerDay));
    // the validators and nodes are paid from day 0 on; honest by default
    for (const r of day0.filter((r) => r.role !== 'delegator')) {
      expect(r.behaviour).toBe('honest');
      expect(r.reward, r.agent).toBeGreaterThan(0n);
    }
  });

  it('applies a behaviour mix over the participants deterministically, and runs through runSet', async () => {
    const raw = { ...scenario, days: 2, populations: { ...scenario.populations, nodes: { count: 3, mix: { honest: 2 / 3, lazy: 1 / 3 } } } };
    const s = ScenarioSchema.parse(raw);
    const a = await runSet({ scenario: s, seeds: [5] });
    const b = await runSet({ scenario: s, seeds: [5] });
    expect(a.resultsHash).toBe(b.resultsHash);
    const behaviours = new Map(a.runs[0].agentRows.filter((r) => r.role === 'node').map((r) => [r.agent, r.behaviour]));
    expect([...behaviours.values()].sort()).toEqual(['honest', 'honest', 'lazy']);
    expect(runSimulation(s, { seed: 5, run: 0, shuffleAgents: true }).agentRows).toEqual(a.runs[0].agentRows);
  });

  it('`flock-lab chain snapshot` writes a scenario that `flock-lab run` accepts', async () => {
    const file = join(dir, 'snapshot.json');
    const r = await cli('chain', 'snapshot', '--rpc', node.url, '--addresses', join(dir, 'addresses.json'), '--out', file, '--days', '2');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 active task\(s\), 5 stake\(s\), 4 pool\(s\), 5 delegation\(s\)/);
    // the chain has not moved since `snap`: the file is that state made into a scenario, byte for byte
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(scenarioFromChain(snap.chain, { days: 2 }), null, 2) + '\n');
    const out = join(dir, 'run');
    const run = await cli('run', file, '--out', out, '--no-progress');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  }, 2 * CLI_DEADLINE_MS + 30_000);

  describe('fails clearly (exit 2, with the reason)', () => {
    it('when the RPC is unreachable', async () => {
      const port = await freePort(); // nothing listens there
      const r = await cli('chain', 'snapshot', '--rpc', `http://127.0.0.1:${port}`, '--out', join(dir, 'x.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/RPC unreachable at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      expect(existsSync(join(dir, 'x.json'))).toBe(false);
    }, CLI_DEADLINE_MS + 30_000);

    it('when the chain id is not the one expected', async () => {
      const r = await cli('chain', 'snapshot', '--rpc', node.url, '--chain-id', '8453', '--addresses', join(dir, 'addresses.json'), '--out', join(dir, 'x.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/wrong chain id: .* is on chain 31337, expected 8453/);
      // and through the API
      await expect(takeSnapshot({ rpc: node.url, chainId: 1 })).rejects.toThrow(SnapshotError);
    }, CLI_DEADLINE_MS + 30_000);

    it('when there is no contract code at an address', async () => {
      const file = join(dir, 'bad-addresses.json');
      writeFileSync(file, JSON.stringify({ ...deployment.addresses, TaskManager: rec.accounts.d4 }));
      const r = await cli('chain', 'snapshot', '--rpc', node.url, '--addresses', file, '--out', join(dir, 'x.json'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`no contract code at the TaskManager address ${rec.accounts.d4}`));
      // the Base mainnet defaults are not deployed on a fresh local chain
      await expect(takeSnapshot({ rpc: node.url })).rejects.toThrow(/no contract code at the TaskManager address 0x29d4ecea/);
    }, CLI_DEADLINE_MS + 30_000);

    it('when the block does not exist yet', async () => {
      await expect(takeSnapshot({ rpc: node.url, addresses: deployment.addresses, block: 10_000_000 })).rejects.toThrow(/does not exist yet/);
    });
  });
});
