/**
 * Genesis (docs/contracts.md#genesis): `admin` deploys the protocol in the order of
 * docs/contracts.md#deployment-order (ASSUMPTIONS.md A-genesis-order), initializes it, grants
 * itself every role, wires tokens and registries, and applies the default parameters through the
 * deployed setters. Traces and simulations both start here.
 */
import { World, type Protocol } from './evm/world.js';
import { CFG, Config } from './contracts/config.js';
import { FlockToken } from './contracts/flockToken.js';
import { GmFlock } from './contracts/gmFlock.js';
import { Exchange } from './contracts/exchange.js';
import { TaskManager } from './contracts/taskManager.js';
import { StakeInfo } from './contracts/stakeInfo.js';
import { PoolManager } from './contracts/poolManager.js';
import { Vesting } from './contracts/vesting.js';
import { FLTaskManager } from './contracts/flTask.js';
import { DAY, E18, ROLES, type Address } from './units.js';
import type { AccessControlled } from './evm/accessControl.js';
import { mustNotRevert } from './evm/revert.js';

export const ADMIN: Address = 'admin';

/** A call `admin` makes at genesis: contract name, function, arguments (bigints, addresses). */
export type GenesisCall = readonly [contract: 'TaskManager' | 'Exchange', fn: string, args: readonly (bigint | string)[]];

/**
 * The V2 default parameters (docs/contracts.md#default-parameters), in the order they are set: one list for the
 * mirror's genesis, the EVM engine's (evmEngine/engine.ts) and a node's (chain/deploy.ts).
 */
export function v2DefaultParameters(vesting: string): GenesisCall[] {
  return [
    ['TaskManager', 'setMaxRewardTokenPerDay', [1074n * E18]],
    ['TaskManager', 'setRewardParameters', [900_000n, 1_000_000n, 1074n * E18]],
    ['TaskManager', 'setMinStakes', [3000n * E18, 3000n * E18]],
    ['TaskManager', 'setMaxDuration', [30n * DAY]],
    ['TaskManager', 'setDailyMintResetCount', [30n]],
    ['TaskManager', 'setDailyMintDecayPercentage', [900_000n]],
    ['TaskManager', 'setDaysToFreezeSigmaBefore', [2n]],
    ['TaskManager', 'setDaysToFreezeSigmaAfter', [2n]],
    ['TaskManager', 'setUpLinearDepositor', [vesting, 30n]],
    ['Exchange', 'setExchangeParams', [30n * DAY, 365n * DAY, 21_900n, 10_000n]],
    ['Exchange', 'setProtocolFee', [0n]],
  ];
}

export interface Deployment {
  w: World;
  flock: FlockToken;
  config: Config;
  taskManager: TaskManager;
  stakeInfo: StakeInfo;
  poolManager: PoolManager;
  flTaskManager: FLTaskManager;
  gmFlock?: GmFlock;
  exchange?: Exchange;
  vesting?: Vesting;
}

export interface GenesisOptions {
  protocol: Protocol;
  aiArenaSlashing?: boolean;
  /** Block timestamp of genesis (docs/contracts.md#genesis: the first step's `at`). */
  time?: bigint;
}

export function deployProtocol(opts: GenesisOptions): Deployment {
  const w = new World(opts.protocol, opts.aiArenaSlashing ?? false);
  w.now = opts.time ?? 0n;
  const logs = w.logs;
  w.logs = null; // genesis emits nothing into results
  const v2 = opts.protocol === 'v2';
  const a = ADMIN;

  const flock = w.deploy(new FlockToken(w));
  const gmFlock = v2 ? w.deploy(new GmFlock(w)) : undefined;
  const config = w.deploy(new Config(w));
  const taskManager = w.deploy(new TaskManager(w));
  const poolManager = w.deploy(new PoolManager(w));
  const stakeInfo = w.deploy(new StakeInfo(w));
  const exchange = v2 ? w.deploy(new Exchange(w)) : undefined;
  const vesting = v2 ? w.deploy(new Vesting(w)) : undefined;
  const flTaskManager = w.deploy(new FLTaskManager(w));

  // Each step is one transaction of admin's, and genesis may never revert.
  mustNotRevert('genesis step "initialize"', w.transact(() => {
    flock.initialize(a, 0n, 'FLock Token', 'FLOCK');
    gmFlock?.initialize(a);
    config.initialize(a);
    taskManager.initialize(a, config.address);
    poolManager.initialize(a, config.address);
    exchange?.initialize(a, config.address);
    vesting?.initialize(a, flock.address);
    flTaskManager.initialize(a);
  }));

  mustNotRevert('genesis step "config"', w.transact(() => {
    config.setAddress(a, CFG.MainManager, taskManager.address);
    config.setAddress(a, CFG.PoolManager, poolManager.address);
    config.setAddress(a, CFG.TaskManager, flTaskManager.address);
    config.setAddress(a, CFG.Config, config.address);
    config.setAddress(a, CFG.FlockToken, flock.address);
    if (v2) {
      config.setAddress(a, CFG.GmFlockToken, gmFlock!.address);
      config.setAddress(a, CFG.StakeInfoV2, stakeInfo.address);
      config.setAddress(a, CFG.Exchange, exchange!.address);
    } else {
      config.setAddress(a, CFG.StakeInfoV1, stakeInfo.address);
    }
  }));

  mustNotRevert('genesis step "roles"', w.transact(() => {
    const rbac: AccessControlled[] = [taskManager, poolManager, ...(exchange ? [exchange] : [])];
    for (const c of rbac) {
      if (!v2) continue;
      for (const role of [ROLES.DAO_ADMIN, ROLES.PROTOCOL_MANAGER, ROLES.REWARD_OPERATOR]) c.grantRole(a, role, a);
    }
    flock.grantRole(a, ROLES.DEFAULT_ADMIN_ROLE, taskManager.address);
    if (v2) {
      gmFlock!.grantRole(a, ROLES.MINTER_ROLE, exchange!.address);
      gmFlock!.grantRole(a, ROLES.REGISTRAR_ROLE, poolManager.address);
      gmFlock!.setRegistered(a, taskManager.address, true);
      gmFlock!.setRegistered(a, exchange!.address, true);
      vesting!.grantRole(a, ROLES.DEFAULT_ADMIN_ROLE, taskManager.address);
    }
  }));

  mustNotRevert('genesis step "parameters"', w.transact(() => {
    if (!v2) return;
    for (const [name, fn, args] of v2DefaultParameters(vesting!.address)) {
      const target = (name === 'TaskManager' ? taskManager : exchange!) as unknown as Record<string, (from: Address, ...args: unknown[]) => void>;
      target[fn](a, ...args);
    }
  }));
  if (opts.aiArenaSlashing) mustNotRevert('genesis step "slashing hook"', w.transact(() => taskManager.setSlashingEnabled(a, true)));

  w.logs = logs;
  return { w, flock, config, taskManager, stakeInfo, poolManager, flTaskManager, gmFlock, exchange, vesting };
}

/** Genesis balances (docs/contracts.md#balances-and-allowances): minted by admin, so they count as minted supply. */
export function mintGenesis(d: Deployment, token: 'FLOCK' | 'gmFLOCK', to: Address, amount: bigint): void {
  const logs = d.w.logs;
  d.w.logs = null;
  try {
    mustNotRevert(
      `genesis step "mint ${token} to ${to}"`,
      d.w.transact(() => {
        if (token === 'FLOCK') d.flock.mint(ADMIN, to, amount);
        else d.gmFlock!.mint(ADMIN, to, amount);
      }),
    );
  } finally {
    d.w.logs = logs;
  }
}
