/** What every agent can reach: the clock, the chain, the off-chain backend and the run's scenario. */
import type { Environment } from '../engine/env.js';
import { stream, type RandomStream } from '../engine/rng.js';
import type { Scenario } from '../scenario/schema.js';
import type { Workload } from '../workloads/types.js';
import type { MirrorClient } from './mirrorClient.js';
import type { Backend } from '../offchain/backend.js';

export interface SimContext {
  env: Environment;
  chain: MirrorClient;
  scenario: Scenario;
  seed: number;
  run: number;
  workload: Workload;
  backend: Backend;
  /** Unix seconds of day 0, 00:00 UTC. */
  start: number;
  /** The agent's own named stream (seed, run, name): independent of creation order. */
  rng(name: string): RandomStream;
}

/**
 * The run's named streams, keyed by the seed's VALUE and the sweep cell (0 until sweeps), never by
 * the run's position in a seed list: seed 2 alone and seed 2 of `--seeds 3` draw the same numbers
 * (ASSUMPTIONS.md S-seed-streams).
 */
export function makeRng(seed: number, cell = 0): (name: string) => RandomStream {
  return (name) => stream(seed, cell, name);
}

/** Whole tokens (a float from the scenario) to wei, rounded to the nearest micro-token (docs/parameters.md). */
export { tokensToWei as toWei } from '../scenario/units.js';

/** Orders agents by name: the one order of the results rows and of task joining. */
export const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** fl-node and fl-watcher: FL Alliance participants (docs/fl-alliance.md), present only in runs with FL tasks. */
export type Role = 'node' | 'validator' | 'delegator' | 'fl-node' | 'fl-watcher';

/** The bookkeeping every agent keeps for the results: what it was paid, gross of fees. */
export interface AgentBase {
  readonly name: string;
  readonly role: Role;
  readonly behaviour: string;
  /** The real-world participant behind the identity (a sybil's identities share one). */
  readonly entity: string;
  /** Rewards already claimed, gross of the claim fee. */
  claimedGross: bigint;
  /** Current stake in wei (own task stake for nodes/validators, delegated gmFLOCK for delegators). */
  stake(): bigint;
  /** Rewards earned but not yet claimed (claimable now plus still vesting), gross. */
  unclaimed(): bigint;
}
