/**
 * The scenario's parameters, group by group (the data of sim/scenario/registry.ts). Key order is
 * the order of the validated scenario's keys; a new parameter goes at the end of its group.
 * Sources: [C] contract source, [D] FLock's docs, sections of docs/model.md,
 * ASSUMPTIONS.md ids, or "project choice"; docs/model.md#… anchors give the lab's own account.
 */
import { z } from 'zod';
import { bool, list, literal, minMax, num, numOrNull, oneOf, optional, required, shares, text, withDefault, zNumber, type ValueType } from './kinds.js';

const tokens = () => num({ min: 0 });
const ppm = () => num({ int: true, min: 0, max: 1_000_000 });
const fraction = () => num({ min: 0, max: 1 });

export const NODE_BEHAVIOURS = ['honest', 'lazy', 'copycat', 'sybil', 'oversized', 'tokenizer-gaming', 'sigma-gamer'] as const;
export const VALIDATOR_BEHAVIOURS = ['honest', 'lazy', 'colluding', 'noisy'] as const;

/** Top-level fields. */
export const TOP = {
  name: required(text({ minLength: 1 }), { unit: 'text', description: 'the scenario’s name (run directories are named after it)', source: 'project choice' }),
  description: withDefault(text(), '', { unit: 'text', description: 'one line on what the scenario shows', source: 'project choice' }),
  protocol: withDefault(oneOf(['v1', 'v2']), 'v2', {
    unit: 'enum',
    description: 'contract version: v1 (mainnet V1) or v2 (the live V2.1 rules)',
    source: 'project choice: the live rules (docs/model.md#protocol-versions)',
  }),
  start: withDefault(text({ pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'a UTC date YYYY-MM-DD', range: 'YYYY-MM-DD' }), '2025-06-02', {
    unit: 'date',
    description: 'UTC date of day 0 (with a genesis: the UTC date of its timestamp)',
    source: 'project choice',
  }),
  days: withDefault(num({ int: true, min: 1, max: 3650 }), 30, { unit: 'days', description: 'simulated days', source: 'project choice: one task length' }),
  seeds: withDefault(list({ int: true, min: 0 }, { minItems: 1 }), [1], { unit: 'seed', description: 'one run per seed; KPIs are averaged over them', source: 'project choice' }),
};

/** `params`: protocol parameters applied through the deployed setters at genesis. */
export const PROTOCOL = {
  rewardTokenPerDay: withDefault(tokens(), 1074, {
    unit: 'tokens',
    description: 'daily emission E (V1: rewardTokenPerDay; V2: the perDay of setRewardParameters)',
    source: '[C2] commented default of the V2 task manager; the mainnet value is unpublished (docs/model.md#emission-and-decay)',
  }),
  maxRewardTokenPerDay: optional(tokens(), {
    unit: 'tokens',
    description: 'V2 DAO ceiling on the daily emission',
    source: 'project choice: the emission itself',
    defaultText: '= rewardTokenPerDay',
  }),
  gamma: withDefault(num({ int: true, min: 0, max: 500_000 }), 0, {
    unit: 'Ppm',
    description: 'γ, the floor of each side in the node/validator split of a task’s pot (above B/2 the contract underflows)',
    source: '[A] FLock has not published it; 0 = the purely stake-proportional split (docs/model.md#gamma-split)',
  }),
  lockedRewardPercentage: withDefault(ppm(), 900_000, {
    unit: 'Ppm',
    description: 'λ, the locked share of the node pool (V1 sets the unlocked share to B − λ)',
    source: '[C] contract default; the docs’ Reward A / Reward B split (docs/model.md#locked-and-unlocked-node-rewards)',
  }),
  feePercentage: withDefault(ppm(), 0, {
    unit: 'Ppm',
    description: 'node/validator claim fee of the task manager; the docs give 80 000 (8 %) for the live network',
    source: '[C] contract default (docs/model.md#claim-fees)',
  }),
  protocolFeePercentage: withDefault(ppm(), 10_000, {
    unit: 'Ppm',
    description: 'delegator claim fee of the pools; the docs give 145 000 (14.5 %) for the live network',
    source: '[C] contract default (docs/model.md#claim-fees)',
  }),
  minNodeStakes: withDefault(tokens(), 3000, { unit: 'tokens', description: 'minimum node stake per task', source: 'genesis default (docs/contracts.md#default-parameters)' }),
  validatorMinStake: withDefault(tokens(), 3000, { unit: 'tokens', description: 'minimum validator stake per task', source: 'genesis default (docs/contracts.md#default-parameters)' }),
  dailyMintResetCount: withDefault(num({ int: true, min: 1 }), 30, {
    unit: 'count',
    description: 'V2: mints between two emission decays',
    source: '[C2] commented default; the mainnet value is unpublished (docs/model.md#emission-and-decay)',
  }),
  dailyMintDecayPercentage: withDefault(ppm(), 900_000, {
    unit: 'Ppm',
    description: 'V2: emission multiplier at each decay (900 000 = × 0.9)',
    source: '[C2] commented default; the mainnet value is unpublished (docs/model.md#emission-and-decay)',
  }),
  vestingDays: withDefault(num({ int: true, min: 0 }), 30, {
    unit: 'days',
    description: 'V2: lockupRewardVestingPeriodInDays, the linear vesting of locked node rewards',
    source: '[A] FLock has not published it; 30 days (docs/model.md#node-vesting)',
  }),
  sigmaCooldownDays: withDefault(num({ min: 0 }), 1, {
    unit: 'days',
    description: 'σ modification cooldown of the pool manager (rounded to whole seconds)',
    source: '[C] contract default 1 day; the docs say once a month (docs/model.md#sigma-bounds-cooldown-and-freeze)',
  }),
  exchangeFeeBps: withDefault(num({ int: true, min: 0, max: 10_000 }), 0, {
    unit: 'Bps',
    description: 'V2: gmFLOCK exchange fee, charged at deposit; the docs give 513 (5.13 %) for the live network',
    source: '[C2] contract default (docs/model.md#exchange-fee)',
  }),
};

/** `offchain`: the scoring pipeline between validators' scores and the uploaded ppm. */
export const OFFCHAIN = {
  q: withDefault(num({ gt: 0, lt: 1 }), 0.9, {
    unit: 'ratio',
    description: 'geometric rank ratio q of g_i = q^(r_i−1) / Σ q^(r_k−1)',
    source: '[D] a geometric series with 0 < q < 1; [A] 0.9 is a placeholder (docs/model.md#rank-geometric-weights)',
  }),
  k1: withDefault(numOrNull({ int: true, min: 1 }), null, {
    unit: 'rank',
    description: 'top-k₁ cut: only nodes of competition rank ≤ k₁ are paid; null = off',
    source: '[A] off by default (docs/model.md#rank-geometric-weights)',
  }),
  k2: withDefault(numOrNull({ int: true, min: 1 }), null, {
    unit: 'rank',
    description: 'top-k₂ cut on validators ranked by F_j: only competition rank ≤ k₂ is paid; null = off',
    source: '[A] off by default (docs/model.md#validator-quality)',
  }),
  alphaT: withDefault(num({ min: 0 }), 1, {
    unit: 'exponent',
    description: 'stake exponent α_t of the node weight g_i·(t_i + ε·d_i)^α_t',
    source: '[X] the community rewards calculator’s form (docs/model.md#node-and-validator-percentages)',
  }),
  alphaV: withDefault(num({ min: 0 }), 1, {
    unit: 'exponent',
    description: 'stake exponent α_v of the validator weight F_j·(s_j + ε·d_j)^α_v',
    source: '[X] the community rewards calculator’s form (docs/model.md#node-and-validator-percentages)',
  }),
  epsilon: withDefault(num({ min: 0 }), 1, {
    unit: 'ratio',
    description: 'effective-delegation factor ε: effective stake = own + ε·delegated',
    source: '[D] the docs’ example of effective stake; [A] 1 (docs/model.md#consensus)',
  }),
  consensus: withDefault(oneOf(['mean', 'median']), 'mean', {
    unit: 'enum',
    description: 'per-submission consensus: stake-weighted mean or stake-weighted median',
    source: '[D1] the legacy docs’ weighted average (docs/model.md#consensus; ASSUMPTIONS.md O-median)',
  }),
  tau: withDefault(num({ gt: 0 }), 0.01, {
    unit: 'ratio',
    description: 'temperature τ of F_j = exp(−D_j/τ), D_j the mean squared relative deviation',
    source: '[A] a placeholder (docs/model.md#validator-quality)',
  }),
  fMode: withDefault(oneOf(['exp', 'linear']), 'exp', {
    unit: 'enum',
    description: 'deviation → performance map: exp(−D/τ), or linear max(0, 1 − √D/fScale)',
    source: '[A] (docs/model.md#validator-quality)',
  }),
  fScale: withDefault(num({ gt: 0 }), 1, {
    unit: 'ratio',
    description: 'scale of the linear F option',
    source: 'ASSUMPTIONS.md O-floor: a placeholder; FLock names the option without a value (docs/model.md#validator-quality)',
  }),
  coverage: withDefault(bool(), true, {
    unit: 'boolean',
    description: 'multiply F_j by the coverage factor n_j / max_k n_k',
    source: '[D] the docs reward the number validated; [A] switchable (docs/model.md#validator-quality)',
  }),
  lowerIsBetter: withDefault(bool(), true, {
    unit: 'boolean',
    description: 'score direction: true for BPC and loss, false for reward-type metrics',
    source: '[R] the validator client: BPC and losses are lower-is-better (docs/model.md#ranking)',
  }),
  selection: withDefault(oneOf(['sqrt', 'linear', 'uniform']), 'sqrt', {
    unit: 'enum',
    description: 'validator selection when validators compete for the same work: weight √s_j, s_j or 1 (s_j = own + ε·delegated), over the largest in the task',
    source: '[D] selection rises with stake by less and less; [A] the rule and when validators compete (docs/model.md#validator-assignment; ASSUMPTIONS.md S-assignment)',
  }),
  failureValues: withDefault(list({}), [999, -999], {
    unit: 'score',
    description: 'sentinel scores that mark a failed evaluation, excluded from consensus (non-finite scores always count as failures)',
    source: '[R] the validator client’s failure scores (docs/model.md#consensus; ASSUMPTIONS.md O-failure)',
  }),
};

const countMeta = (who: string) => ({
  unit: 'count' as const,
  description: `number of ${who}; ≥ 1 without a genesis, ignored with one (the participants are the genesis’)`,
  source: 'scenario input (no default)',
});
const stakeMeta = { unit: 'tokens' as const, description: 'own stake, drawn uniformly per entity in [min, max]', source: 'project choice: from the minimum stake upwards (ASSUMPTIONS.md S-lock)' };
const sigmaMeta = { unit: 'Ppm' as const, description: 'σ of each pool, drawn uniformly in [min, max]', source: 'project choice (ASSUMPTIONS.md S-sigma)' };
const claimMeta = (what: string) => ({ unit: 'days' as const, description: `days between two claims (${what})`, source: 'project choice (ASSUMPTIONS.md S-claims, S-delegators)' });

/**
 * The σ schedule of `sigma-gamer` nodes (docs/simulation.md#sigma-games): σ = lureSigma from pool
 * creation, σ = keepSigma from switchDaysBeforeEnd days before the end of a task the node is in
 * until it leaves that task. switchDaysBeforeEnd ≤ maxDuration = 30 (a larger value is the same
 * as 30: keep from the task's start). No default, so a scenario without it resolves (and hashes)
 * as before.
 */
const SIGMA_PPM = { int: true, min: 0, max: 1_000_000 } as const;
const SWITCH_DAYS = { min: 0, max: 30 } as const;
function sigmaSchedule() {
  const zod = z.object({ lureSigma: zNumber(SIGMA_PPM), keepSigma: zNumber(SIGMA_PPM), switchDaysBeforeEnd: zNumber(SWITCH_DAYS) }).strict();
  return {
    zod,
    range: '{ lureSigma, keepSigma: integer in [0, 1 000 000]; switchDaysBeforeEnd in [0, 30] }',
    expected: '{ lureSigma, keepSigma, switchDaysBeforeEnd }: σ levels, integers in [0, 1 000 000], and days in [0, 30]',
    compound: true as const,
  } satisfies ValueType<typeof zod>;
}

/** `populations.nodes`. */
export const NODES = {
  count: required(num({ int: true, min: 0 }), countMeta('training-node entities')),
  stake: withDefault(minMax({ min: 0 }, { ordered: true }), { min: 3000, max: 10_000 }, stakeMeta),
  sigma: withDefault(minMax({ int: true, min: 0, max: 1_000_000 }, { ordered: false }), { min: 400_000, max: 900_000 }, sigmaMeta),
  mix: withDefault(shares(NODE_BEHAVIOURS), { honest: 1 }, {
    unit: 'fraction',
    description: 'behaviour shares of the entities, placed by largest remainder',
    source: 'project choice: all honest (ASSUMPTIONS.md S-honest, S-lazy, S-sybil)',
  }),
  sybilIdentities: withDefault(num({ int: true, min: 2 }), 3, { unit: 'count', description: 'identities a sybil entity splits its stake over', source: 'project choice (ASSUMPTIONS.md S-sybil)' }),
  sigmaStrategy: withDefault(oneOf(['fixed', 'adaptive']), 'fixed', {
    unit: 'enum',
    description: 'fixed: keep the drawn σ; adaptive: weekly, lower σ by 50 000 ppm while the pool draws less delegation than the median pool, raise it otherwise',
    source: 'project choice (ASSUMPTIONS.md S-sigma; docs/simulation.md#adaptive-sigma)',
  }),
  claimEveryDays: withDefault(num({ int: true, min: 1 }), 7, claimMeta('TaskManager.claimRewards and Vesting.claim')),
  sigmaGame: optional(sigmaSchedule(), {
    unit: 'Ppm',
    description:
      'σ schedule of the sigma-gamer nodes (required when the mix has them, ignored otherwise): σ = lureSigma from pool creation, keepSigma from switchDaysBeforeEnd days before the end of each task the node is in until it leaves the task; σ changes go through setMiniPoolSigma, refused inside the cooldown and the ±2-day freeze',
    source: 'project choice: the σ-games attack (ASSUMPTIONS.md A-sigma-game; docs/simulation.md#sigma-games; docs/attacks.md#families)',
    defaultText: 'none',
  }),
};

/** `populations.validators`. */
export const VALIDATORS = {
  count: required(num({ int: true, min: 0 }), countMeta('validators')),
  stake: withDefault(minMax({ min: 0 }, { ordered: true }), { min: 3000, max: 10_000 }, stakeMeta),
  sigma: withDefault(minMax({ int: true, min: 0, max: 1_000_000 }, { ordered: false }), { min: 400_000, max: 900_000 }, sigmaMeta),
  mix: withDefault(shares(VALIDATOR_BEHAVIOURS), { honest: 1 }, {
    unit: 'fraction',
    description: 'behaviour shares of the validators, placed by largest remainder',
    source: 'project choice: all honest (ASSUMPTIONS.md S-validators)',
  }),
  colludeWith: withDefault(oneOf(['copycat', 'lazy', 'sybil', 'honest', 'tokenizer-gaming']), 'copycat', {
    unit: 'enum',
    description: 'the node behaviour colluding validators favour',
    source: 'project choice (ASSUMPTIONS.md S-validators)',
  }),
  claimEveryDays: withDefault(num({ int: true, min: 1 }), 7, claimMeta('TaskManager.claimRewards')),
};

/** `populations.delegators`. */
export const DELEGATORS = {
  count: required(num({ int: true, min: 0 }), {
    unit: 'count',
    description: 'number of delegators; ignored with a genesis (the delegators are the genesis’)',
    source: 'scenario input; 0 when the section is left out',
  }),
  stake: withDefault(minMax({ min: 0 }, { ordered: true }), { min: 100, max: 2000 }, { ...stakeMeta, description: 'gmFLOCK each delegator locks and delegates, drawn uniformly in [min, max]' }),
  claimEveryDays: withDefault(num({ int: true, min: 1 }), 7, claimMeta('and before moving')),
  rebalanceThreshold: withDefault(num({ min: 0 }), 0.25, {
    unit: 'ratio',
    description: 'move when another pool’s eAPY beats the current one by this fraction',
    source: 'project choice (ASSUMPTIONS.md S-delegators)',
  }),
  herding: optional(fraction(), {
    unit: 'fraction',
    description: 'share of the delegators that herd: each delegates its whole stake to a colluding validator’s pool (round-robin) and never moves; without colluding validators nobody herds',
    source: 'project choice: the delegation-herding attack (ASSUMPTIONS.md A-herding; docs/attacks.md#families)',
    defaultText: '0 (none)',
  }),
};

/** Each entry of `tasks`. */
export const TASK = {
  startDay: withDefault(num({ int: true, min: 0 }), 0, { unit: 'days', description: 'day the task is created at 00:00 UTC', source: 'project choice (ASSUMPTIONS.md S-day)' }),
  durationDays: withDefault(num({ int: true, min: 1 }), 30, {
    unit: 'days',
    description: 'days the task earns; at most maxDuration = 30',
    source: 'the contract’s maxDuration at genesis, 30 days (docs/contracts.md#default-parameters)',
  }),
  type: withDefault(text(), 'lm-bpc', { unit: 'text', description: 'task type name recorded on chain', source: 'project choice: the language task' }),
};

/** `randomTasks` (optional). */
export const RANDOM_TASKS = {
  perDay: required(num({ min: 0, max: 10 }), { unit: 'tasks/day', description: 'Poisson mean of the tasks opened per day', source: 'scenario input (docs/model.md#task-timing)' }),
  durationDays: required(minMax({ int: true, min: 1 }, { ordered: false }), {
    unit: 'days',
    description: 'duration drawn uniformly in [min, max]; max ≤ maxDuration = 30',
    source: 'scenario input',
  }),
  type: withDefault(text(), 'lm-bpc', { unit: 'text', description: 'task type name recorded on chain', source: 'project choice: the language task' }),
};

/** `workload` with mode surrogate (the default workload). */
export const SURROGATE = {
  mode: withDefault(literal('surrogate'), 'surrogate', { unit: 'enum', description: 'the surrogate score model', source: 'project choice: fast and seeded' }),
  baseBpc: withDefault(num({ gt: 0 }), 2.2, { unit: 'BPC', description: 'BPC of the untrained base model', source: 'project choice (ASSUMPTIONS.md S-honest)' }),
  honestGain: withDefault(num({ min: 0 }), 0.6, { unit: 'BPC', description: 'mean BPC improvement of an honest node at skill 1', source: 'project choice (ASSUMPTIONS.md S-honest)' }),
  skillSpread: withDefault(num({ min: 0 }), 0.2, { unit: 'skill', description: 'sd of node skill ~ N(0.7, skillSpread) clamped to [0, 1]', source: 'project choice (ASSUMPTIONS.md S-honest)' }),
  nodeNoise: withDefault(num({ min: 0 }), 0.03, { unit: 'BPC', description: 'day-to-day spread of a node’s submission quality', source: 'project choice (ASSUMPTIONS.md S-honest)' }),
  evalNoise: withDefault(num({ min: 0 }), 0.005, { unit: 'BPC', description: 'honest validator measurement noise', source: 'project choice (ASSUMPTIONS.md S-validators)' }),
  noisyEvalNoise: withDefault(num({ min: 0 }), 0.05, { unit: 'BPC', description: 'noisy validators’ measurement noise (they evaluate a subsample)', source: 'project choice (ASSUMPTIONS.md S-validators)' }),
  collusionBias: withDefault(num({ min: 0 }), 0.3, { unit: 'BPC', description: 'BPC a colluding validator shaves off its friends (and adds to others)', source: 'project choice (ASSUMPTIONS.md S-validators)' }),
  calibration: optional(text({ minLength: 1 }), {
    unit: 'path',
    description: 'calibration JSON written by `flock-lab calibrate`; its fit replaces the distributions above, except collusionBias and skillSpread',
    source: 'project choice: none (ASSUMPTIONS.md W-calibration)',
    defaultText: 'none',
  }),
};

/** `workload` with mode real. */
export const REAL = {
  mode: required(literal('real'), { unit: 'enum', description: 'real TensorFlow.js training and validation', source: 'scenario input' }),
  task: withDefault(oneOf(['lm-bpc', 'tabular']), 'lm-bpc', {
    unit: 'enum',
    description: 'task type of every task in the run: character LM scored in BPC, or tabular classification scored in cross-entropy',
    source: 'project choice (ASSUMPTIONS.md W-task, W-lm, W-tab)',
  }),
  backend: withDefault(oneOf(['wasm', 'cpu']), 'wasm', { unit: 'enum', description: 'TensorFlow.js backend (wasm: one thread)', source: 'project choice (ASSUMPTIONS.md W-backend)' }),
  maxParams: withDefault(num({ int: true, min: 1 }), 50_000, { unit: 'count', description: 'the task’s max_params; a larger model scores 999.0', source: 'project choice (ASSUMPTIONS.md W-oversized)' }),
  epochs: withDefault(num({ gt: 0 }), 2, {
    unit: 'ratio',
    description: 'compute budget: passes over the shard per day at skill 1 (skill s trains (0.25 + 0.75·s) of it)',
    source: 'project choice (ASSUMPTIONS.md W-shard)',
  }),
  width: withDefault(num({ int: true, min: 1 }), 64, { unit: 'count', description: 'compute budget: hidden units of the MLP', source: 'project choice (ASSUMPTIONS.md W-model)' }),
  context: withDefault(num({ int: true, min: 1, max: 64 }), 8, { unit: 'count', description: 'characters of context (language task)', source: 'project choice (ASSUMPTIONS.md W-lm)' }),
  batchSize: withDefault(num({ int: true, min: 1 }), 128, { unit: 'count', description: 'training batch size', source: 'project choice (ASSUMPTIONS.md W-model)' }),
  learningRate: withDefault(num({ gt: 0 }), 0.01, { unit: 'ratio', description: 'Adam learning rate', source: 'project choice (ASSUMPTIONS.md W-model)' }),
  oversizeFactor: withDefault(num({ gt: 1 }), 4, { unit: 'ratio', description: 'oversized nodes train a model this many times wider', source: 'project choice (ASSUMPTIONS.md W-oversized)' }),
  shardSize: withDefault(minMax({ int: true, min: 1 }, { ordered: true }), { min: 3000, max: 12_000 }, {
    unit: 'count',
    description: 'examples in a node’s local shard (characters or rows), drawn uniformly per node',
    source: 'project choice (ASSUMPTIONS.md W-shard)',
  }),
  shardNoise: withDefault(minMax({ min: 0, max: 1 }, { ordered: true }), { min: 0, max: 0.3 }, {
    unit: 'fraction',
    description: 'share of a shard corrupted (random characters or labels), drawn uniformly per node',
    source: 'project choice (ASSUMPTIONS.md W-shard)',
  }),
  evalSize: withDefault(num({ int: true, min: 1 }), 4000, { unit: 'count', description: 'examples in each held-out set (A and B)', source: 'project choice (ASSUMPTIONS.md W-eval)' }),
  noisySubsample: withDefault(fraction(), 0.05, { unit: 'fraction', description: 'share of the held-out set a noisy validator evaluates', source: 'project choice (ASSUMPTIONS.md W-validators)' }),
  lazyReport: withDefault(minMax({ min: 0, max: 1 }, { ordered: true }), { min: 0.5, max: 1 }, {
    unit: 'fraction',
    description: 'lazy validators report a uniform draw in this range × the base model’s score',
    source: 'project choice (ASSUMPTIONS.md W-validators)',
  }),
  collusionBias: withDefault(num({ min: 0 }), 0.3, { unit: 'score', description: 'score a colluding validator shaves off its friends (and adds to others)', source: 'project choice (ASSUMPTIONS.md W-validators)' }),
  skillSpread: withDefault(num({ min: 0 }), 0.2, { unit: 'skill', description: 'sd of node skill ~ N(0.7, skillSpread) clamped to [0, 1]', source: 'project choice (ASSUMPTIONS.md S-honest)' }),
  dataSeed: withDefault(num({ int: true, min: 0 }), 0, {
    unit: 'seed',
    description: 'seeds the task’s data source and held-out sets (the same for every run seed)',
    source: 'project choice (ASSUMPTIONS.md W-task)',
  }),
};
