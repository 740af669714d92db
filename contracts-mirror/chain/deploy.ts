/**
 * Deploys flock-lab's V2 reference stack (the compiled Solidity of contracts-mirror/solidity/) onto
 * a JSON-RPC node with ethers, exactly as contracts-mirror/genesis.ts builds the mirror's genesis
 * (docs/contracts.md#genesis): the same deployment order, initializers, config wiring (docs/contracts.md#config-layout), roles
 * and default parameters. Pools are deployed by the pool manager (`createMiniPool`) and FL tasks
 * by FLTaskManager (`createTask`), never directly.
 *
 * Transactions are sent with `eth_sendTransaction` from the node's unlocked accounts (a local
 * Hardhat node: its first account is the deployer, `admin`). This is a test and tooling helper:
 * it is never used by `chain snapshot`, which is read-only.
 */
import './noKeepAlive.js';
import { AbiCoder, Interface, JsonRpcProvider, Network, getAddress } from 'ethers';
import { abiOf } from '../abi/registry.js';
import { CFG } from '../contracts/config.js';
import { v2DefaultParameters } from '../genesis.js';
import { ROLES } from '../units.js';
import { loadArtifacts } from '../solidity/compile.js';

const coder = AbiCoder.defaultAbiCoder();
/** Gas for every transaction (well under Hardhat's 30M block gas limit; no estimation round trip). */
const GAS = '0xe4e1c0'; // 15,000,000

/** The protocol contracts, by their trace names (abi/registry.ts CONTRACT_NAMES). */
export type ContractName = 'FLOCK' | 'gmFLOCK' | 'Exchange' | 'Config' | 'TaskManager' | 'PoolManager' | 'StakeInfo' | 'Vesting' | 'FLTaskManager';

/** ABI kind of each V2 contract name. */
export const V2_KIND: Record<ContractName, string> = {
  FLOCK: 'FLOCK',
  gmFLOCK: 'gmFLOCK',
  Exchange: 'Exchange',
  Config: 'Config',
  TaskManager: 'TaskManagerV2',
  PoolManager: 'PoolManagerV2',
  StakeInfo: 'StakeInfo',
  Vesting: 'Vesting',
  FLTaskManager: 'FLTaskManager',
};

/** Deployment order of genesis.ts / the EVM engine (docs/contracts.md#deployment-order). */
const ORDER: ContractName[] = ['FLOCK', 'gmFLOCK', 'Config', 'TaskManager', 'PoolManager', 'StakeInfo', 'Exchange', 'Vesting', 'FLTaskManager'];

export interface ChainDeployment {
  chainId: number;
  /** The deployer, holder of every role (`admin` of docs/contracts.md#roles-and-wiring). */
  admin: string;
  /** Checksummed addresses by contract name. */
  addresses: Record<ContractName, string>;
  /** Block of the first deployment. */
  fromBlock: number;
}

export class TxError extends Error {}

/**
 * A thin transaction sender over a JSON-RPC node with unlocked accounts: one `eth_sendTransaction`
 * and one receipt per call (Hardhat automines), reverts thrown with their reason.
 */
export class RpcSender {
  readonly provider: JsonRpcProvider;

  constructor(
    readonly url: string,
    chainId: number,
  ) {
    this.provider = new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, pollingInterval: 50 });
  }

  static async connect(url: string): Promise<RpcSender> {
    const probe = new JsonRpcProvider(url, undefined, { batchMaxCount: 1 });
    try {
      const id = Number(await probe.send('eth_chainId', []));
      return new RpcSender(url, id);
    } finally {
      probe.destroy();
    }
  }

  async accounts(): Promise<string[]> {
    return ((await this.provider.send('eth_accounts', [])) as string[]).map((a) => getAddress(a));
  }

  private async send(label: string, tx: { from: string; to?: string; data: string }): Promise<{ contractAddress: string | null; blockNumber: number }> {
    let hash: string;
    try {
      hash = await this.provider.send('eth_sendTransaction', [{ ...tx, gas: GAS }]);
    } catch (e) {
      throw new TxError(`${label} reverted: ${(e as { error?: { message?: string } }).error?.message ?? (e as Error).message}`);
    }
    const r = (await this.provider.send('eth_getTransactionReceipt', [hash])) as { status: string; contractAddress: string | null; blockNumber: string } | null;
    if (!r) throw new TxError(`${label}: no receipt (is the node automining?)`);
    if (r.status !== '0x1') throw new TxError(`${label} reverted`);
    return { contractAddress: r.contractAddress ? getAddress(r.contractAddress) : null, blockNumber: Number(r.blockNumber) };
  }

  async deploy(label: string, from: string, bytecode: string, ctorTypes: string[] = [], ctorArgs: unknown[] = []): Promise<{ address: string; blockNumber: number }> {
    const data = bytecode + (ctorTypes.length ? coder.encode(ctorTypes, ctorArgs).slice(2) : '');
    const r = await this.send(`deploy ${label}`, { from, data });
    if (!r.contractAddress) throw new TxError(`deploy ${label}: no contract address`);
    return { address: r.contractAddress, blockNumber: r.blockNumber };
  }

  /** Calls `fn(args)` of an ABI kind at `to` from `from`. */
  async tx(from: string, kind: string, to: string, fn: string, args: unknown[] = []): Promise<void> {
    const iface: Interface = abiOf(kind);
    await this.send(`${kind}.${fn}`, { from, to, data: iface.encodeFunctionData(fn, args) });
  }

  /** A view of an ABI kind at `to` (latest block); one return value is unwrapped. */
  async view<T = unknown>(kind: string, to: string, fn: string, args: unknown[] = []): Promise<T> {
    const iface = abiOf(kind);
    const ret = await this.provider.call({ to, data: iface.encodeFunctionData(fn, args) });
    const out = iface.decodeFunctionResult(fn, ret);
    return (out.length === 1 ? out[0] : out) as T;
  }

  /** Moves the node's clock forward and mines a block (Hardhat's evm_increaseTime + evm_mine). */
  async advance(seconds: number): Promise<void> {
    await this.provider.send('evm_increaseTime', [seconds]);
    await this.provider.send('evm_mine', []);
  }

  async blockNumber(): Promise<number> {
    return Number(await this.provider.send('eth_blockNumber', []));
  }

  destroy(): void {
    this.provider.destroy();
  }
}

type Artifacts = Record<string, { abi: unknown[]; bytecode: string }>;

/**
 * Deploys and wires the V2 reference stack from `admin` (default: the node's first account).
 * The artifacts default to the project's build (compiled with solc-js first when stale).
 */
export async function deployReferenceV2(rpc: RpcSender, opts: { admin?: string; artifacts?: Artifacts } = {}): Promise<ChainDeployment> {
  const artifacts = opts.artifacts ?? (await loadArtifacts());
  const admin = getAddress(opts.admin ?? (await rpc.accounts())[0]);
  const chainId = Number((await rpc.provider.getNetwork()).chainId);
  const a = {} as Record<ContractName, string>;
  let fromBlock = -1;

  for (const name of ORDER) {
    const kind = V2_KIND[name];
    const art = artifacts[kind];
    if (!art) throw new Error(`no compiled artifact for ${kind} (contracts-mirror/solidity/build)`);
    const ctor = (art.abi as { type?: string; inputs?: { type: string; name: string }[] }[]).find((x) => x.type === 'constructor');
    const inputs = ctor?.inputs ?? [];
    // Every constructor argument of the genesis contracts is the config address (StakeInfo, FLTaskManager).
    const args = inputs.map((p) => {
      if (p.type !== 'address' || !a.Config) throw new Error(`${kind}'s constructor parameter ${p.name} (${p.type}) is not supported`);
      return a.Config;
    });
    const r = await rpc.deploy(name, admin, art.bytecode, inputs.map((p) => p.type), args);
    a[name] = r.address;
    if (fromBlock < 0) fromBlock = r.blockNumber;
  }

  const call = (name: ContractName, fn: string, args: unknown[] = []) => rpc.tx(admin, V2_KIND[name], a[name], fn, args);

  // initializers (docs/contracts.md#deployment-order)
  await call('FLOCK', 'initialize', [0n, 'FLock Token', 'FLOCK']);
  await call('gmFLOCK', 'initialize');
  await call('Config', 'initialize');
  await call('TaskManager', 'initialize', [a.Config]);
  await call('PoolManager', 'initialize', [a.Config]);
  await call('Exchange', 'initialize', [a.Config]);
  await call('Vesting', 'initialize', [a.FLOCK]);
  await call('FLTaskManager', 'initialize');

  // config wiring (docs/contracts.md#config-layout, V2 layout)
  await call('Config', 'setAddress', [CFG.MainManager, a.TaskManager]);
  await call('Config', 'setAddress', [CFG.PoolManager, a.PoolManager]);
  await call('Config', 'setAddress', [CFG.TaskManager, a.FLTaskManager]);
  await call('Config', 'setAddress', [CFG.Config, a.Config]);
  await call('Config', 'setAddress', [CFG.FlockToken, a.FLOCK]);
  await call('Config', 'setAddress', [CFG.GmFlockToken, a.gmFLOCK]);
  await call('Config', 'setAddress', [CFG.StakeInfoV2, a.StakeInfo]);
  await call('Config', 'setAddress', [CFG.Exchange, a.Exchange]);

  // roles
  for (const c of ['TaskManager', 'PoolManager', 'Exchange'] as const) {
    for (const role of [ROLES.DAO_ADMIN, ROLES.PROTOCOL_MANAGER, ROLES.REWARD_OPERATOR]) await call(c, 'grantRole', [role, admin]);
  }
  await call('FLOCK', 'grantRole', [ROLES.DEFAULT_ADMIN_ROLE, a.TaskManager]);
  await call('gmFLOCK', 'grantRole', [ROLES.MINTER_ROLE, a.Exchange]);
  await call('gmFLOCK', 'grantRole', [ROLES.REGISTRAR_ROLE, a.PoolManager]);
  await call('gmFLOCK', 'setRegistered', [a.TaskManager, true]);
  await call('gmFLOCK', 'setRegistered', [a.Exchange, true]);
  await call('Vesting', 'grantRole', [ROLES.DEFAULT_ADMIN_ROLE, a.TaskManager]);

  // default parameters (docs/contracts.md#default-parameters, V2 column)
  for (const [name, fn, args] of v2DefaultParameters(a.Vesting)) await call(name, fn, [...args]);

  return { chainId, admin, addresses: a, fromBlock };
}
