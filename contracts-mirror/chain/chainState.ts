/**
 * What a chain snapshot returns (docs/contracts.md#deployed-contracts): the contracts it reads,
 * Base mainnet's addresses, the options, and the chain state as plain data (`ChainState`), with
 * the error every failure of a snapshot is.
 */
import { getAddress } from 'ethers';

/** The contracts a snapshot reads, by their trace names. */
export const SNAPSHOT_CONTRACTS = ['TaskManager', 'PoolManager', 'FLOCK', 'gmFLOCK', 'Exchange', 'StakeInfo', 'Vesting', 'Config'] as const;
export type SnapshotContract = (typeof SNAPSHOT_CONTRACTS)[number];
export type AddressSet = Partial<Record<SnapshotContract, string>>;

const KIND: Record<SnapshotContract, string> = {
  TaskManager: 'TaskManagerV2',
  PoolManager: 'PoolManagerV2',
  FLOCK: 'FLOCK',
  gmFLOCK: 'gmFLOCK',
  Exchange: 'Exchange',
  StakeInfo: 'StakeInfo',
  Vesting: 'Vesting',
  Config: 'Config',
};

/** Base mainnet (chain 8453), docs/contracts.md#base-mainnet-addresses: the proxies. */
export const BASE_MAINNET = {
  chainId: 8453,
  addresses: {
    FLOCK: '0x5aB3D4c385B400F3aBB49e80DE2fAF6a88A7B691',
    gmFLOCK: '0x781dd21D8430E4e267aF5713E01332742f5CAD24',
    Exchange: '0xe1fa4592b7a35ff6cef65fdec5e13a1f48fc6123',
    Config: '0x64e5450bbddea04199fbbf1ca5c22a10701e4997',
    PoolManager: '0x5c415570e4a9c49e64ea640180f91161b47a1502',
    StakeInfo: '0x1b964b3df82238b404afd7db1c10b9c0c29f1f98',
    TaskManager: '0x29d4ecea4b1fcac239bf4b4dc3b42829c2e69fed',
    Vesting: '0xf360886bb80eb1efc413c4e89566e6c59d752b53',
  } satisfies Record<SnapshotContract, string>,
};

/** The only JSON-RPC methods a snapshot may use. */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['eth_chainId', 'eth_blockNumber', 'eth_getBlockByNumber', 'eth_getCode', 'eth_call', 'eth_getLogs']);

/** A failure with a reason for the user (the CLI exits 2). */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export interface SnapshotOptions {
  rpc: string;
  /** Block to read at (default: the latest block when the snapshot starts). */
  block?: number;
  /** Resolve every contract through this config's `getAddress(i)` (docs/contracts.md#config-layout, V2 layout). */
  configAddress?: string;
  /** Addresses that override the defaults (and the config's), by contract name. */
  addresses?: AddressSet;
  /** First block scanned for stake and delegation logs (default: the task manager's creation block, else 0). */
  fromBlock?: number;
  /** Expected chain id (default 8453, or any for a node on a loopback address). */
  chainId?: number;
  /** Blocks per eth_getLogs request (default 10,000; halved on errors). */
  logChunk?: number;
  /** Timeout of one request (default 30 s). */
  timeoutMs?: number;
  /** Called with every JSON-RPC method the snapshot asks for, before it is sent. */
  onRequest?: (method: string) => void;
}

/** An active task as `tasks(id)` reads it (the creator lowercase; the creator's stake in wei). */
export interface ChainTask {
  id: number;
  name: string;
  creator: string;
  startTime: number;
  /** Seconds (at least 1). */
  expectedDuration: number;
  stakeAmount: string;
}

/** A direct stake (wei) at the block; only non-zero ones are kept. */
export interface ChainStake {
  taskId: number;
  address: string;
  role: 'node' | 'validator';
  amount: string;
}

/** A pool with its σ (ppm, as getPoolSigma reports it); `role` where the stakes or the logs tell the owner's. */
export interface ChainPool {
  owner: string;
  address: string;
  sigma: number;
  role?: 'node' | 'validator';
  totalDelegation: string;
}

/** A delegation (wei) to the pool of `owner`; only non-zero ones are kept. */
export interface ChainDelegation {
  delegator: string;
  owner: string;
  amount: string;
}

/**
 * What a snapshot reads at one block: plain data, addresses lowercase, amounts as decimal wei
 * strings, lists sorted. Its fields up to `state` are, in this order, what a scenario's
 * `genesis` holds (sim/scenario/schema.ts GenesisSchema); `parameters` are the raw parameter
 * reads the scenario's `params` are made from.
 */
export interface ChainState {
  chainId: number;
  block: number;
  /** Unix seconds of the block. */
  timestamp: number;
  /** The contracts that were read, by name (SNAPSHOT_CONTRACTS order). */
  addresses: Record<string, string>;
  emission: { rewardTokenPerDay: string; maxRewardTokenPerDay: string; currentDailyMintCount: number; lastMintTimestamp: number };
  sigmaBounds: { min: number; max: number };
  tasks: ChainTask[];
  stakes: ChainStake[];
  pools: ChainPool[];
  delegations: ChainDelegation[];
  /** Everything else that was read, by contract, as decimal strings (null: the contract did not answer). */
  state: Record<string, Record<string, string | number | boolean | null>>;
  /** The parameters as read, in contract units (null: the contract did not answer). */
  parameters: {
    taskManager: Record<string, bigint | null>;
    poolManager: Record<string, bigint | null>;
    /** The exchange's protocolFee (bps); null without an exchange or an answer. */
    exchangeFee: bigint | null;
  };
}

export interface SnapshotResult {
  /** The chain's state at the block. */
  chain: ChainState;
  /** Every JSON-RPC method asked for, in order. */
  methods: string[];
  warnings: string[];
}

/** Parses an address file: `{ "TaskManager": "0x…", … }` with the names of SNAPSHOT_CONTRACTS. */
export function parseAddressFile(raw: unknown, file: string): AddressSet {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SnapshotError(`${file}: expected a JSON object of contract name → address`);
  const out: AddressSet = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'FLTaskManager') continue; // written by the exercise script; not read by a snapshot
    if (!(SNAPSHOT_CONTRACTS as readonly string[]).includes(k)) throw new SnapshotError(`${file}: unknown contract "${k}" (expected ${SNAPSHOT_CONTRACTS.join(', ')})`);
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new SnapshotError(`${file}: ${k}: not an address: ${JSON.stringify(v)}`);
    out[k as SnapshotContract] = v;
  }
  return out;
}

