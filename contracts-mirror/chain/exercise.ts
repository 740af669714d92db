/**
 * Exercises a freshly deployed V2 reference stack like a trace, so that a chain has state to read:
 * accounts get gmFLOCK (through the exchange, and minted by admin), two tasks are created, nodes
 * and validators stake (one node tops its stake up), pools are created with σ (one σ is changed
 * later), delegators delegate (one to two pools, one undelegates part after the cooldown), the
 * live fee parameters and a γ are set, and two daily mints with reward uploads run a day apart.
 *
 * It returns what it did in the shape a snapshot must read back (`ExerciseRecord`).
 *
 * CLI (against a node with unlocked accounts, e.g. `npx hardhat --config hardhat.config.cjs node`):
 *   node --import tsx contracts-mirror/chain/exercise.ts --rpc http://127.0.0.1:8545 [--out addresses.json]
 * deploys, exercises, and prints (or writes) the address file `flock-lab chain snapshot --addresses` reads.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAddress } from 'ethers';
import { DAY, E18 } from '../units.js';
import { deployReferenceV2, RpcSender, V2_KIND, type ChainDeployment, type ContractName } from './deploy.js';

const YEAR = 365n * DAY;
const tok = (n: number) => BigInt(Math.round(n * 1e6)) * (E18 / 1_000_000n);

export interface ExerciseRecord {
  deployment: ChainDeployment;
  /** Participants' addresses (checksummed) by role name used below. */
  accounts: Record<string, string>;
  tasks: { id: bigint; durationSeconds: bigint; name: string }[];
  /** Direct stakes: `${taskId}:${role}:${address}` → wei. */
  stakes: Map<string, bigint>;
  /** Pool owner → σ (ppm) as it stands at the end. */
  sigma: Map<string, bigint>;
  /** `${delegator}→${poolOwner}` → wei delegated at the end. */
  delegations: Map<string, bigint>;
  /** Parameters set through setters (raw contract units). */
  params: { gamma: bigint; feePercentage: bigint; protocolFeePercentage: bigint; exchangeFeeBps: bigint; rewardTokenPerDay: bigint };
  mints: number;
}

/** Runs the exercise on `rpc` (deploying first unless `deployment` is given). */
export async function exerciseReferenceV2(rpc: RpcSender, deployment?: ChainDeployment): Promise<ExerciseRecord> {
  const d = deployment ?? (await deployReferenceV2(rpc));
  const a = d.addresses;
  const all = await rpc.accounts();
  const admin = d.admin;
  const others = all.filter((x) => x !== admin);
  if (others.length < 9) throw new Error(`the node has ${all.length} unlocked accounts; the exercise needs 10`);
  const [n1, n2, n3, v1, v2, d1, d2, d3, d4] = others;
  const accounts = { admin, n1, n2, n3, v1, v2, d1, d2, d3, d4 };
  const tx = (from: string, name: ContractName, fn: string, args: unknown[] = []) => rpc.tx(from, V2_KIND[name], a[name], fn, args);
  const poolTx = (from: string, pool: string, fn: string, args: unknown[] = []) => rpc.tx(from, 'MiniPoolV2', pool, fn, args);
  const MAX = (1n << 256n) - 1n;

  // Live-like parameters (docs/contracts.md#default-parameters: the documented live values) and a γ.
  const params = { gamma: 100_000n, feePercentage: 80_000n, protocolFeePercentage: 145_000n, exchangeFeeBps: 513n, rewardTokenPerDay: 1074n * E18 };
  await tx(admin, 'TaskManager', 'setGamma', [params.gamma]);
  await tx(admin, 'TaskManager', 'setFeePercentage', [params.feePercentage]);
  await tx(admin, 'PoolManager', 'setProtocolFeePercentage', [params.protocolFeePercentage]);
  await tx(admin, 'Exchange', 'setProtocolFee', [params.exchangeFeeBps]);

  // gmFLOCK: some through the exchange (FLOCK minted by admin, locked 365 days), some minted by admin.
  for (const [who, flock] of [
    [n1, 9000],
    [n2, 8000],
    [v1, 6000],
    [d1, 2000],
    [d2, 3000],
  ] as const) {
    await tx(admin, 'FLOCK', 'mint', [who, tok(flock)]);
    await tx(who, 'FLOCK', 'approve', [a.Exchange, tok(flock)]);
    await tx(who, 'Exchange', 'exchangeFlock', [tok(flock), YEAR, who]);
  }
  for (const [who, gm] of [
    [n3, 5000],
    [v2, 8000],
    [d3, 3000],
    [d4, 1000],
  ] as const) {
    await tx(admin, 'gmFLOCK', 'mint', [who, tok(gm)]);
  }
  for (const who of [n1, n2, n3, v1, v2]) await tx(who, 'gmFLOCK', 'approve', [a.TaskManager, MAX]);

  // Tasks.
  const tasks = [
    { id: 1n, durationSeconds: 20n * DAY, name: 'lm-bpc' },
    { id: 2n, durationSeconds: 10n * DAY, name: 'tabular' },
  ];
  for (const t of tasks) await tx(admin, 'TaskManager', 'createTask', [t.id, t.durationSeconds, t.name]);

  // Stakes (NodeStakeDeposited / ValidatorStakeDeposited carry the cumulative amount).
  const stakes = new Map<string, bigint>();
  const stake = async (who: string, role: 'node' | 'validator', taskId: bigint, amount: bigint) => {
    await tx(who, 'TaskManager', role === 'node' ? 'stakeTokensForTrainingNodes' : 'stakeTokensForValidators', [taskId, amount]);
    const k = `${taskId}:${role}:${who}`;
    stakes.set(k, (stakes.get(k) ?? 0n) + amount);
  };
  await stake(n1, 'node', 1n, tok(5000));
  await stake(n2, 'node', 1n, tok(4000));
  await stake(n3, 'node', 2n, tok(3500));
  await stake(v1, 'validator', 1n, tok(3000));
  await stake(v2, 'validator', 2n, tok(6000));
  await stake(n2, 'node', 1n, tok(1000)); // top-up: cumulative 5000

  // Pools with σ (n3 runs none).
  const sigma = new Map<string, bigint>();
  const pools: Record<string, string> = {};
  for (const [who, s] of [
    [n1, 600_000n],
    [n2, 450_000n],
    [v1, 700_000n],
    [v2, 300_000n],
  ] as const) {
    await tx(who, 'PoolManager', 'createMiniPool', [s]);
    pools[who] = getAddress(await rpc.view<string>('PoolManagerV2', a.PoolManager, 'getMiniPool', [who]));
    sigma.set(who, s);
  }

  // Delegations.
  const delegations = new Map<string, bigint>();
  const delegate = async (who: string, owner: string, amount: bigint) => {
    await tx(who, 'gmFLOCK', 'approve', [pools[owner], MAX]);
    await poolTx(who, pools[owner], 'delegate', [amount]);
    const k = `${who}→${owner}`;
    delegations.set(k, (delegations.get(k) ?? 0n) + amount);
  };
  await delegate(d1, n1, tok(1000));
  await delegate(d2, n1, tok(500));
  await delegate(d2, v1, tok(700));
  await delegate(d3, n2, tok(2000));
  await delegate(d4, v2, tok(300));

  // Day 1: a mint and the uploads (percentages: ppm, with and without delegation).
  const settle = async () => {
    await tx(admin, 'TaskManager', 'mintDailyReward');
    await tx(admin, 'TaskManager', 'uploadRewardResultsForTrainingNodes', [1n, [n1, n2], [600_000n, 400_000n], [550_000n, 350_000n]]);
    await tx(admin, 'TaskManager', 'uploadRewardResultsForValidators', [1n, [v1], [1_000_000n], [800_000n]]);
    await tx(admin, 'TaskManager', 'uploadRewardResultsForTrainingNodes', [2n, [n3], [1_000_000n], [1_000_000n]]);
    await tx(admin, 'TaskManager', 'uploadRewardResultsForValidators', [2n, [v2], [1_000_000n], [900_000n]]);
  };
  await rpc.advance(Number(DAY));
  await settle();

  // After the 1-day cooldowns: a σ change and a partial undelegation.
  await rpc.advance(Number(DAY) + 10);
  await tx(n2, 'PoolManager', 'setMiniPoolSigma', [500_000n]);
  sigma.set(n2, 500_000n);
  await poolTx(d3, pools[n2], 'undelegate', [tok(500)]);
  delegations.set(`${d3}→${n2}`, delegations.get(`${d3}→${n2}`)! - tok(500));

  // Day 2: another mint and uploads; a node claims.
  await settle();
  await tx(n1, 'TaskManager', 'claimRewards');
  await poolTx(d1, pools[n1], 'claimRewards');

  return { deployment: d, accounts, tasks, stakes, sigma, delegations, params, mints: 2 };
}

async function main(argv: string[]): Promise<number> {
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const url = at('--rpc');
  if (!url) {
    process.stderr.write('usage: node --import tsx contracts-mirror/chain/exercise.ts --rpc URL [--out addresses.json]\n');
    return 2;
  }
  const rpc = await RpcSender.connect(url);
  try {
    const r = await exerciseReferenceV2(rpc);
    const json = JSON.stringify(r.deployment.addresses, null, 2) + '\n';
    const out = at('--out');
    if (out) writeFileSync(out, json);
    else process.stdout.write(json);
    process.stderr.write(`deployed and exercised on chain ${r.deployment.chainId} from block ${r.deployment.fromBlock}\n`);
    return 0;
  } finally {
    rpc.destroy();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
