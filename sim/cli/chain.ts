/**
 * `flock-lab chain snapshot`: reads a deployed FLock V2 network read-only
 * (contracts-mirror/chain/snapshot.ts) and writes its state as a scenario with a genesis
 * (sim/scenario/fromChain.ts). Exit 0: written; 2: the reason it could not be read (RPC
 * unreachable, wrong chain id, no contract code at an address, bad options) or written.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { BASE_MAINNET, parseAddressFile, SnapshotError, takeSnapshot, type AddressSet } from '../../contracts-mirror/chain/snapshot.js';
import { scenarioFromChain } from '../scenario/fromChain.js';

interface SnapshotFlags {
  rpc: string;
  out: string;
  block?: string;
  configAddress?: string;
  addresses?: string;
  fromBlock?: string;
  chainId?: string;
  days: string;
  name?: string;
  logChunk?: string;
  timeout: string;
}

function int(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new SnapshotError(`${flag}: expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

export async function snapshotCommand(f: SnapshotFlags): Promise<number> {
  try {
    let addresses: AddressSet | undefined;
    if (f.addresses !== undefined) {
      if (!existsSync(f.addresses)) throw new SnapshotError(`--addresses ${f.addresses}: file not found`);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(f.addresses, 'utf8'));
      } catch (e) {
        throw new SnapshotError(`--addresses ${f.addresses}: bad JSON: ${(e as Error).message}`);
      }
      addresses = parseAddressFile(raw, f.addresses);
    }
    const block = f.block === undefined || f.block === 'latest' ? undefined : int('--block', f.block, 0);
    // the flags are checked in this order, all before the first request
    const fromBlock = int('--from-block', f.fromBlock, 0);
    const chainId = int('--chain-id', f.chainId, 1);
    const days = int('--days', f.days, 1);
    const logChunk = int('--log-chunk', f.logChunk, 1);
    const timeoutMs = int('--timeout', f.timeout, 1)! * 1000;
    const r = await takeSnapshot({ rpc: f.rpc, block, configAddress: f.configAddress, addresses, fromBlock, chainId, logChunk, timeoutMs });
    const scenario = scenarioFromChain(r.chain, { name: f.name, days });
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    const out = resolve(f.out);
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.partial-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(scenario, null, 2) + '\n');
    renameSync(tmp, out);
    const g = r.chain;
    process.stdout.write(
      `chain ${g.chainId}, block ${g.block} (${new Date(g.timestamp * 1000).toISOString()}): ` +
        `${g.tasks.length} active task(s), ${g.stakes.length} stake(s), ${g.pools.length} pool(s), ${g.delegations.length} delegation(s); ` +
        `${r.methods.length} read-only requests\nwrote ${f.out} (run it with: flock-lab run ${f.out})\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof SnapshotError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export function registerChain(program: Command): void {
  const chain = program.command('chain').description('Read a deployed FLock network into the lab (read-only: it never signs or sends a transaction).');
  chain
    .command('snapshot')
    .description(
      'Read the parameters, active tasks, stakes, pools with σ, delegations and emission state of a FLock V2 deployment at one block, ' +
        'and write them as a scenario with a `genesis` that `flock-lab run` starts from.\n' +
        `Addresses default to Base mainnet's (chain ${BASE_MAINNET.chainId}, docs/contracts.md#base-mainnet-addresses); --config-address resolves them through a FlockConfig; --addresses overrides them.\n` +
        'Exit 0: written; 2: RPC unreachable, wrong chain id, no contract code at an address, or a bad option.',
    )
    .requiredOption('--rpc <url>', 'JSON-RPC endpoint (http or https)')
    .requiredOption('--out <file>', 'scenario JSON to write, e.g. snapshot.json')
    .option('--block <n>', 'block number to read at (default: latest)')
    .option('--config-address <address>', 'resolve the contracts through this config’s getAddress(i) (V2 index layout)')
    .option('--addresses <file>', 'JSON object of contract name → address (TaskManager, PoolManager, FLOCK, gmFLOCK, Exchange, StakeInfo, Vesting, Config); overrides the others')
    .option('--from-block <n>', 'first block scanned for stake and delegation logs (default: the task manager’s deployment block where the node can tell, else 0)')
    .option('--chain-id <id>', `expected chain id (default ${BASE_MAINNET.chainId}; any for a node on 127.0.0.1/localhost)`)
    .option('--days <d>', 'days the written scenario simulates', '30')
    .option('--name <name>', 'scenario name (default snapshot-<chain>-<block>)')
    .option('--log-chunk <blocks>', 'blocks per eth_getLogs request (default 10000; halved when the node refuses)')
    .option('--timeout <seconds>', 'timeout of one request', '30')
    .action(async (f: SnapshotFlags) => {
      process.exitCode = await snapshotCommand(f);
    });
}
