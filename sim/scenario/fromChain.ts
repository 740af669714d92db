/**
 * A deployed network's state as a scenario: the ChainState a snapshot read
 * (contracts-mirror/chain/snapshot.ts) becomes a scenario that `flock-lab run` accepts, with the
 * chain's `params` and a `genesis` section (schema.ts GenesisSchema) holding the chain id, block,
 * timestamp and the exact tasks, stakes, pools, σ and delegations. `flock-lab chain snapshot`
 * (sim/cli/chain.ts) reads the chain and writes what this returns.
 *
 * Also who is what in a genesis (`genesisRoles`), which sizes the populations here and places
 * them when a run starts from a genesis (sim/run/population.ts).
 */
import { formatUnits } from 'ethers';
import { SnapshotError, type ChainState } from '../../contracts-mirror/chain/snapshot.js';
import { ScenarioSchema, type Genesis, type ScenarioInput } from './schema.js';

const DAY = 86_400;

/** A scenario written from a chain: its genesis is always there. */
export type ChainScenario = ScenarioInput & { genesis: Genesis };

export interface FromChainOptions {
  /** Scenario name (default `snapshot-<chain>-<block>`). */
  name?: string;
  /** Days the scenario simulates (default 30). */
  days?: number;
}

/**
 * Who is what in a genesis (see populateFromGenesis): training nodes, validators and delegators
 * by address, and each address's total node and validator stake (wei).
 */
export function genesisRoles(g: Genesis) {
  const add = (m: Map<string, bigint>, k: string, x: bigint) => m.set(k, (m.get(k) ?? 0n) + x);
  const nodeStake = new Map<string, bigint>();
  const valStake = new Map<string, bigint>();
  for (const st of g.stakes) add(st.role === 'node' ? nodeStake : valStake, st.address, BigInt(st.amount));
  const nodes = new Set(nodeStake.keys());
  const validators = new Set([...valStake.keys()].filter((a) => !nodes.has(a)));
  for (const p of g.pools) if (!nodes.has(p.owner) && !validators.has(p.owner)) (p.role === 'validator' ? validators : nodes).add(p.owner);
  const delegators = new Set(g.delegations.map((d) => d.delegator).filter((a) => !nodes.has(a) && !validators.has(a)));
  return { nodes, validators, delegators, nodeStake, valStake };
}

/**
 * The scenario that starts from `c`: V2, the chain's parameters in the scenario's units (tokens,
 * ppm, days), one seed, no scenario tasks, every participant honest, and the genesis. A
 * SnapshotError when the state does not fit a scenario (ScenarioSchema's issues, by path).
 */
export function scenarioFromChain(c: ChainState, o: FromChainOptions = {}): ChainScenario {
  const { chainId, block, timestamp } = c;
  const tmv = c.parameters.taskManager;
  const pmv = c.parameters.poolManager;
  const genesis: Genesis = {
    chainId,
    block,
    timestamp,
    addresses: c.addresses,
    emission: c.emission,
    sigmaBounds: c.sigmaBounds,
    tasks: c.tasks,
    stakes: c.stakes,
    pools: c.pools,
    delegations: c.delegations,
    state: c.state,
  };
  const tokens = (x: bigint) => Number(formatUnits(x, 18));
  const roles = genesisRoles(genesis);
  const params: Record<string, number> = {
    rewardTokenPerDay: tokens(tmv.rewardTokenPerDay!),
    maxRewardTokenPerDay: tokens(tmv.maxRewardTokenPerDay!),
    gamma: Number(tmv.gamma),
    lockedRewardPercentage: Number(tmv.lockedRewardPercentage),
    feePercentage: Number(tmv.feePercentage),
    protocolFeePercentage: Number(pmv.protocolFeePercentage),
    minNodeStakes: tokens(tmv.minNodeStakes!),
    validatorMinStake: tokens(tmv.validatorMinStake!),
    sigmaCooldownDays: Number(pmv.sigmaModificationCooldown) / DAY,
    exchangeFeeBps: Number(c.parameters.exchangeFee ?? 0n),
  };
  if (tmv.dailyMintResetCount != null) params.dailyMintResetCount = Number(tmv.dailyMintResetCount);
  if (tmv.dailyMintDecayPercentage != null) params.dailyMintDecayPercentage = Number(tmv.dailyMintDecayPercentage);
  if (tmv.lockupRewardVestingPeriodInDays != null) params.vestingDays = Number(tmv.lockupRewardVestingPeriodInDays);

  const scenario = {
    name: o.name ?? `snapshot-${chainId}-${block}`,
    description: `State of chain ${chainId} at block ${block} (${new Date(timestamp * 1000).toISOString()}), read by flock-lab chain snapshot.`,
    protocol: 'v2' as const,
    start: new Date(Math.floor(timestamp / DAY) * DAY * 1000).toISOString().slice(0, 10),
    days: o.days ?? 30,
    seeds: [1],
    params,
    tasks: [],
    populations: {
      nodes: { count: roles.nodes.size, mix: { honest: 1 } },
      validators: { count: roles.validators.size, mix: { honest: 1 } },
      delegators: { count: roles.delegators.size },
    },
    genesis,
  };
  const check = ScenarioSchema.safeParse(scenario);
  if (!check.success)
    throw new SnapshotError(`the chain's state does not fit a scenario:\n${check.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return scenario;
}
