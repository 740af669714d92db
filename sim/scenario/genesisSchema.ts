/**
 * The genesis section of a scenario: a deployed network's state read by `flock-lab chain snapshot`
 * (contracts-mirror/chain/snapshot.ts). It is data, not parameters, so it is written here by hand
 * rather than in the parameter registry (sim/scenario/registry.ts); schema.ts re-exports it.
 */
import { z } from 'zod';
import { zNumber } from './kinds.js';

const ppm = zNumber({ int: true, min: 0, max: 1_000_000 });
const weiString = z.string().regex(/^\d+$/, 'an amount in wei, as a decimal string');
const chainAddress = z.string().regex(/^0x[0-9a-f]{40}$/, 'a lowercase 0x address (40 hex digits)');
const unixSeconds = z.number().int().min(0);
const chainValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * A genesis read from a deployed network (`flock-lab chain snapshot`, contracts-mirror/chain/
 * snapshot.ts): when present, the run starts from this state instead of drawing its populations.
 * - The participants are exactly the addresses below (agent names = lowercase 0x addresses).
 *   Pool owners and stakers with node stakes are training nodes; those with validator stakes
 *   only are validators; every other delegator is a delegator. The populations' behaviour mixes
 *   are applied over them deterministically (largest remainder over the sorted addresses, then
 *   the seeded shuffle, as for drawn populations); `count`, `stake` and `sigma` are ignored.
 * - At day 0 00:00 UTC (`start` should be the UTC date of `timestamp`) each task is created with
 *   its remaining duration (`startTime + expectedDuration − start`, within [1 s, 30 days]); the
 *   stakes are placed with their exact amounts; each pool is created by its owner with its σ; each
 *   delegation is placed with its exact amount (a delegator's largest delegation is the one its
 *   agent manages; the others stay where they are).
 * - `emission` replaces `params.rewardTokenPerDay` and `params.maxRewardTokenPerDay` with the exact
 *   wei and sets `currentDailyMintCount`; `sigmaBounds` sets the pool manager's σ bounds.
 * - Not carried: rewards earned before the snapshot (claimable, locked, vesting), task creators'
 *   stakes, token balances and supply, exchange locks, `lastMintTimestamp` (recorded only).
 */
export const GenesisSchema = z
  .object({
    chainId: z.number().int().min(1),
    block: z.number().int().min(0),
    timestamp: unixSeconds.describe('unix seconds of the block'),
    addresses: z.record(z.string(), chainAddress).default({}).describe('the contracts that were read, by name (informational)'),
    emission: z
      .object({
        rewardTokenPerDay: weiString,
        maxRewardTokenPerDay: weiString,
        currentDailyMintCount: z.number().int().min(0),
        lastMintTimestamp: unixSeconds.describe('recorded, not applied: the simulation mints at its own 00:00 settlements'),
      })
      .strict()
      .optional(),
    sigmaBounds: z.object({ min: ppm, max: ppm }).strict().optional(),
    tasks: z
      .array(
        z
          .object({
            id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
            name: z.string(),
            creator: chainAddress,
            startTime: unixSeconds,
            expectedDuration: z.number().int().min(1).describe('seconds'),
            stakeAmount: weiString.describe('the creator’s stake (recorded, not carried)'),
          })
          .strict(),
      )
      .default([]),
    stakes: z
      .array(z.object({ taskId: z.number().int().min(1), address: chainAddress, role: z.enum(['node', 'validator']), amount: weiString }).strict())
      .default([]),
    pools: z
      .array(
        z
          .object({
            owner: chainAddress,
            address: chainAddress.describe('the pool contract on the chain (informational)'),
            sigma: ppm,
            role: z.enum(['node', 'validator']).optional().describe('the owner’s role where the chain tells it'),
            totalDelegation: weiString,
          })
          .strict(),
      )
      .default([]),
    delegations: z.array(z.object({ delegator: chainAddress, owner: chainAddress.describe('the pool’s owner'), amount: weiString }).strict()).default([]),
    state: z.record(z.string(), z.record(z.string(), chainValue)).optional().describe('everything else that was read, by contract (informational, not applied)'),
  })
  .strict()
  .superRefine((g, ctx) => {
    const taskIds = new Set<number>();
    g.tasks.forEach((t, i) => {
      if (taskIds.has(t.id)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'id'], message: `task ${t.id} appears twice` });
      taskIds.add(t.id);
    });
    const seen = new Set<string>();
    g.stakes.forEach((st, i) => {
      if (!taskIds.has(st.taskId)) ctx.addIssue({ code: 'custom', path: ['stakes', i, 'taskId'], message: `task ${st.taskId} is not among genesis.tasks` });
      const k = `${st.taskId}/${st.role}/${st.address}`;
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['stakes', i], message: `a second ${st.role} stake of ${st.address} in task ${st.taskId}` });
      seen.add(k);
    });
    const owners = new Set<string>();
    g.pools.forEach((p, i) => {
      if (owners.has(p.owner)) ctx.addIssue({ code: 'custom', path: ['pools', i, 'owner'], message: `${p.owner} owns two pools` });
      owners.add(p.owner);
    });
    const pairs = new Set<string>();
    g.delegations.forEach((dl, i) => {
      if (!owners.has(dl.owner)) ctx.addIssue({ code: 'custom', path: ['delegations', i, 'owner'], message: `${dl.owner} owns no pool in genesis.pools` });
      const k = `${dl.delegator}/${dl.owner}`;
      if (pairs.has(k)) ctx.addIssue({ code: 'custom', path: ['delegations', i], message: `a second delegation of ${dl.delegator} to ${dl.owner}'s pool` });
      pairs.add(k);
    });
  });

export type Genesis = z.output<typeof GenesisSchema>;
