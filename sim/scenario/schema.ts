/**
 * The scenario: a typed, validated description of one simulated world (design.md, Scenario).
 * Every unknown constant of the spec is a parameter here, with the spec's assumption as its
 * default; zod rejects unknown keys, wrong types and impossible values with the field path.
 */
import { z } from 'zod';

const tokens = z.number().nonnegative().describe('an amount in whole tokens (converted to wei)');
const ppm = z.number().int().min(0).max(1_000_000);
const share = z.number().min(0).max(1);
const range = z
  .object({ min: tokens, max: tokens })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must be ≤ max' });

/** Protocol parameters applied through the deployed setters at genesis (stand-ins.md §1 defaults). */
export const ProtocolParams = z
  .object({
    rewardTokenPerDay: tokens.default(1074).describe('daily emission E (contracts.md §4.2 commented default)'),
    maxRewardTokenPerDay: tokens.optional().describe('DAO ceiling; defaults to rewardTokenPerDay'),
    gamma: z.number().int().min(0).max(500_000).default(0).describe('γ in ppm (protocol.md §6 item 3: default 0)'),
    lockedRewardPercentage: ppm.default(900_000).describe('λ, locked share of the node pool'),
    feePercentage: ppm.default(0).describe('node/validator claim fee; the live value is 80000'),
    protocolFeePercentage: ppm.default(10_000).describe('delegator claim fee; the live value is 145000'),
    minNodeStakes: tokens.default(3000),
    validatorMinStake: tokens.default(3000),
    dailyMintResetCount: z.number().int().min(1).default(30),
    dailyMintDecayPercentage: ppm.default(900_000),
    vestingDays: z.number().int().min(0).default(30).describe('lockupRewardVestingPeriodInDays (protocol.md §6 item 11)'),
    sigmaCooldownDays: z.number().min(0).default(1).describe('σ cooldown (contract default 1 day; docs say a month)'),
    exchangeFeeBps: z.number().int().min(0).max(10_000).default(0).describe('gmFLOCK exchange fee; the live value is 513'),
  })
  .strict();

/** Off-chain scoring parameters (workloads.md §5, protocol.md §6 items 1, 2, 7). */
export const OffchainParamsSchema = z
  .object({
    q: z.number().gt(0).lt(1).default(0.9),
    k1: z.number().int().min(1).nullable().default(null),
    k2: z.number().int().min(1).nullable().default(null),
    alphaT: z.number().min(0).default(1),
    alphaV: z.number().min(0).default(1),
    epsilon: z.number().min(0).default(1),
    consensus: z.enum(['mean', 'median']).default('mean'),
    tau: z.number().gt(0).default(0.01),
    fMode: z.enum(['exp', 'linear']).default('exp'),
    fScale: z.number().gt(0).default(1),
    coverage: z.boolean().default(true),
  })
  .strict();

export const NodeBehaviour = z.enum(['honest', 'lazy', 'copycat', 'sybil', 'oversized']);
export const ValidatorBehaviour = z.enum(['honest', 'lazy', 'colluding', 'noisy']);

const mixOf = <T extends string>(names: readonly T[]) =>
  z
    .partialRecord(z.enum(names as [T, ...T[]]), share)
    .refine((m) => Math.abs(Object.values(m).reduce((a: number, b) => a + (b as number), 0) - 1) < 1e-9, {
      message: 'behaviour shares must sum to 1',
    });

export const Populations = z
  .object({
    nodes: z
      .object({
        count: z.number().int().min(0).describe('≥ 1 without a genesis; ignored with one (the participants are the genesis’)'),
        stake: range.default({ min: 3000, max: 10_000 }),
        sigma: z.object({ min: ppm, max: ppm }).strict().default({ min: 400_000, max: 900_000 }).describe('σ drawn uniformly per pool'),
        mix: mixOf(NodeBehaviour.options).default({ honest: 1 }),
        sybilIdentities: z.number().int().min(2).default(3).describe('identities a sybil splits its stake over'),
        sigmaStrategy: z
          .enum(['fixed', 'adaptive'])
          .default('fixed')
          .describe('fixed: keep the drawn σ; adaptive: weekly, lower σ by 50 000 ppm while the pool draws less delegation than the median pool, raise it otherwise'),
        claimEveryDays: z.number().int().min(1).default(7),
      })
      .strict(),
    validators: z
      .object({
        count: z.number().int().min(0).describe('≥ 1 without a genesis; ignored with one (the participants are the genesis’)'),
        stake: range.default({ min: 3000, max: 10_000 }),
        sigma: z.object({ min: ppm, max: ppm }).strict().default({ min: 400_000, max: 900_000 }),
        mix: mixOf(ValidatorBehaviour.options).default({ honest: 1 }),
        colludeWith: z.enum(['copycat', 'lazy', 'sybil', 'honest']).default('copycat').describe('node behaviour colluding validators favour'),
        claimEveryDays: z.number().int().min(1).default(7),
      })
      .strict(),
    delegators: z
      .object({
        count: z.number().int().min(0).describe('ignored with a genesis (the delegators are the genesis’)'),
        stake: range.default({ min: 100, max: 2000 }),
        claimEveryDays: z.number().int().min(1).default(7),
        rebalanceThreshold: z.number().min(0).default(0.25).describe('move when another pool’s eAPY beats the current by this fraction'),
      })
      .strict()
      .default({ count: 0, stake: { min: 100, max: 2000 }, claimEveryDays: 7, rebalanceThreshold: 0.25 }),
  })
  .strict();

/** The surrogate score model (sim/workloads/surrogate.ts); `calibration` points at a fitted file. */
export const SurrogateWorkloadSchema = z
  .object({
    mode: z.literal('surrogate').default('surrogate'),
    baseBpc: z.number().gt(0).default(2.2).describe('BPC of the untrained base model'),
    honestGain: z.number().min(0).default(0.6).describe('mean BPC improvement of an honest node at skill 1'),
    skillSpread: z.number().min(0).default(0.2),
    nodeNoise: z.number().min(0).default(0.03).describe('day-to-day spread of a node’s submission quality'),
    evalNoise: z.number().min(0).default(0.005).describe('honest validator measurement noise (BPC)'),
    noisyEvalNoise: z.number().min(0).default(0.05).describe('noisy validators evaluate a subsample'),
    collusionBias: z.number().min(0).default(0.3).describe('BPC a colluding validator shaves off its friends'),
    calibration: z
      .string()
      .min(1)
      .optional()
      .describe('calibration JSON written by `flock-lab calibrate` (path relative to the working directory); its fit replaces the distributions above, except collusionBias and skillSpread'),
  })
  .strict();

const fraction = z.object({ min: share, max: share }).strict().refine((r) => r.min <= r.max, { message: 'min must be ≤ max' });

/** Real TensorFlow.js training and validation (sim/workloads/real/). */
export const RealWorkloadSchema = z
  .object({
    mode: z.literal('real'),
    task: z.enum(['lm-bpc', 'tabular']).default('lm-bpc').describe('task type of every task in the run: character LM scored in BPC, or tabular classification scored in cross-entropy'),
    backend: z.enum(['wasm', 'cpu']).default('wasm').describe('TensorFlow.js backend (wasm: one thread)'),
    maxParams: z.number().int().min(1).default(50_000).describe('the task’s max_params; a larger model scores 999.0'),
    epochs: z.number().gt(0).default(2).describe('compute budget: passes over the shard per day at skill 1 (skill s trains (0.25 + 0.75·s) of it)'),
    width: z.number().int().min(1).default(64).describe('compute budget: hidden units of the MLP'),
    context: z.number().int().min(1).max(64).default(8).describe('characters of context (language task)'),
    batchSize: z.number().int().min(1).default(128),
    learningRate: z.number().gt(0).default(0.01).describe('Adam learning rate'),
    oversizeFactor: z.number().gt(1).default(4).describe('oversized nodes train a model this many times wider'),
    shardSize: z
      .object({ min: z.number().int().min(1), max: z.number().int().min(1) })
      .strict()
      .refine((r) => r.min <= r.max, { message: 'min must be ≤ max' })
      .default({ min: 3000, max: 12_000 })
      .describe('examples in a node’s local shard (characters or rows), drawn uniformly per node'),
    shardNoise: fraction.default({ min: 0, max: 0.3 }).describe('share of a shard corrupted (random characters or labels), drawn uniformly per node'),
    evalSize: z.number().int().min(1).default(4000).describe('examples in each held-out set (A and B)'),
    noisySubsample: share.default(0.05).describe('share of the held-out set a noisy validator evaluates'),
    lazyReport: fraction.default({ min: 0.5, max: 1 }).describe('lazy validators report a uniform draw in this range × the base model’s score'),
    collusionBias: z.number().min(0).default(0.3).describe('score a colluding validator shaves off its friends (and adds to others)'),
    skillSpread: z.number().min(0).default(0.2),
    dataSeed: z.number().int().min(0).default(0).describe('seeds the task’s data source and held-out sets (the same for every run seed)'),
  })
  .strict();

export const Workload = z
  .discriminatedUnion('mode', [SurrogateWorkloadSchema, RealWorkloadSchema])
  .default({ mode: 'surrogate', baseBpc: 2.2, honestGain: 0.6, skillSpread: 0.2, nodeNoise: 0.03, evalNoise: 0.005, noisyEvalNoise: 0.05, collusionBias: 0.3 });

export type SurrogateWorkloadConfig = z.output<typeof SurrogateWorkloadSchema>;
export type RealWorkloadConfig = z.output<typeof RealWorkloadSchema>;

export const TaskSpec = z
  .object({
    startDay: z.number().int().min(0).default(0),
    durationDays: z.number().int().min(1).default(30),
    type: z.string().default('lm-bpc'),
  })
  .strict();

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

export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    protocol: z.enum(['v1', 'v2']).default('v2'),
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC date YYYY-MM-DD').default('2025-06-02'),
    days: z.number().int().min(1).max(3650).default(30),
    seeds: z.array(z.number().int().min(0)).min(1).default([1]),
    params: ProtocolParams.default(ProtocolParams.parse({})),
    offchain: OffchainParamsSchema.default(OffchainParamsSchema.parse({})),
    workload: Workload,
    tasks: z.array(TaskSpec).default([{ startDay: 0, durationDays: 30, type: 'lm-bpc' }]).describe('tasks opened during the run (with a genesis: in addition to its tasks, with ids after them)'),
    /** Extra tasks the task creator opens at random: a Poisson number per day (protocol.md §1.2 step 1). */
    randomTasks: z
      .object({
        perDay: z.number().min(0).max(10),
        durationDays: z.object({ min: z.number().int().min(1), max: z.number().int().min(1) }).strict(),
        type: z.string().default('lm-bpc'),
      })
      .strict()
      .optional(),
    populations: Populations,
    /** Start from a deployed network's state (GenesisSchema above); written by `flock-lab chain snapshot`. */
    genesis: GenesisSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const maxDays = 30;
    if (!s.genesis) {
      if (s.tasks.length === 0) ctx.addIssue({ code: 'custom', path: ['tasks'], message: 'at least one task (or a genesis with tasks)' });
      for (const role of ['nodes', 'validators'] as const)
        if (s.populations[role].count < 1) ctx.addIssue({ code: 'custom', path: ['populations', role, 'count'], message: 'Too small: expected number to be >=1' });
    }
    if (s.randomTasks) {
      const d = s.randomTasks.durationDays;
      if (d.max > maxDays) ctx.addIssue({ code: 'custom', path: ['randomTasks', 'durationDays', 'max'], message: `a task lasts at most maxDuration = ${maxDays} days` });
      if (d.min > d.max) ctx.addIssue({ code: 'custom', path: ['randomTasks', 'durationDays'], message: 'min must be ≤ max' });
    }
    s.tasks.forEach((t, i) => {
      if (t.durationDays > maxDays)
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'durationDays'], message: `a task lasts at most maxDuration = ${maxDays} days` });
    });
    for (const role of ['nodes', 'validators'] as const) {
      const sg = s.populations[role].sigma;
      if (sg.min > sg.max) ctx.addIssue({ code: 'custom', path: ['populations', role, 'sigma'], message: 'min must be ≤ max' });
    }
  });

/** What a scenario file exports: the input shape (defaults may be omitted). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof ScenarioSchema>;

/** Typed helper for scenario files: `export default scenario({ ... })`. */
export function scenario(s: ScenarioInput): ScenarioInput {
  return s;
}

export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' });
}
