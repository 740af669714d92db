/**
 * The FL Alliance parameters (docs/fl-alliance.md): each entry of a scenario's `flTasks` list is
 * one FL task of the stand-in `FLTaskManager`/`FLTask:<id>` (docs/contracts.md#fl-alliance-task-interface),
 * its own population of FL nodes, its watchers and its workload. Part of the parameter registry
 * (sim/scenario/registry.ts); a scenario without `flTasks` simulates exactly as before.
 */
import { minMax, num, numOrNull, oneOf, optional, shares, text, withDefault } from './kinds.js';

/** FL node behaviours (docs/fl-alliance.md#behaviours; ASSUMPTIONS.md FL-behaviours). */
export const FL_BEHAVIOURS = ['honest', 'free-rider', 'poisoner', 'lazy-voter', 'colluding'] as const;

const src = (id: string) => `project choice (ASSUMPTIONS.md ${id})`;

/** Each entry of `flTasks`. */
export const FL_TASK = {
  startDay: withDefault(num({ int: true, min: 0 }), 0, { unit: 'days', description: 'day the task creator creates and funds the FL task (FLTaskManager.createTask, 00:10 UTC)', source: src('FL-timing') }),
  rounds: withDefault(num({ int: true, min: 1, max: 10_000 }), 10, { unit: 'count', description: 'totalNumberOfRounds of the task', source: '[R] the legacy FlockTask’s _totalNumberOfRounds; the value is a project choice' }),
  minStake: withDefault(num({ min: 0 }), 100, { unit: 'tokens', description: 'minStakeThreshold: the least cumulative stake (FLOCK) a participant must reach', source: '[R] the legacy _minStakeThreshold; the value is a project choice' }),
  initialPool: withDefault(num({ min: 0 }), 1000, { unit: 'tokens', description: 'initialRewardPoolSize (FLOCK) the task creator puts in at creation', source: '[R] initializeRewardPool; the value is a project choice' }),
  slashPpm: withDefault(num({ int: true, min: 0, max: 1_000_000 }), 100_000, {
    unit: 'Ppm',
    description: 'slash percentage of the round stake, in ppm (100 000 = 10 %)',
    source: '[D] "a customizable percentage" of stake; the value is a project choice (ASSUMPTIONS.md FL-slash)',
  }),
  proposers: withDefault(num({ int: true, min: 1 }), 3, { unit: 'count', description: 'proposers drawn per round', source: '[R] participantsDistributionRate governs the mix; the count is a project choice (ASSUMPTIONS.md FL-roles)' }),
  voters: withDefault(num({ int: true, min: 1 }), 3, { unit: 'count', description: 'voters drawn per round', source: src('FL-roles') }),
  roundsPerDay: withDefault(num({ int: true, min: 1, max: 24 }), 2, { unit: 'count', description: 'rounds run per day, evenly spaced from roundHour to midnight', source: src('FL-timing') }),
  roundHour: withDefault(num({ int: true, min: 1, max: 23 }), 6, { unit: 'count', description: 'UTC hour of the day’s first round', source: src('FL-timing') }),
  nodes: withDefault(num({ int: true, min: 2 }), 6, { unit: 'count', description: 'FL nodes that stake into this task (each its own entity)', source: src('FL-population') }),
  stake: withDefault(minMax({ min: 0 }, { ordered: true }), { min: 100, max: 500 }, { unit: 'tokens', description: 'each FL node’s stake (FLOCK), drawn uniformly in [min, max]; min ≥ minStake', source: src('FL-population') }),
  mix: withDefault(shares(FL_BEHAVIOURS), { honest: 1 }, {
    unit: 'fraction',
    description: 'behaviour shares of the FL nodes, placed by largest remainder',
    source: src('FL-behaviours'),
  }),
  poisonMode: withDefault(oneOf(['label-flip', 'sign-flip']), 'sign-flip', {
    unit: 'enum',
    description: 'how a poisoner (and a colluding proposer) poisons: trains on flipped labels, or submits global − scale·(its honest update)',
    source: src('FL-poison'),
  }),
  poisonScale: withDefault(num({ gt: 0 }), 3, { unit: 'ratio', description: 'scale of a sign-flipped update', source: src('FL-poison') }),
  colludersPropose: withDefault(oneOf(['poison', 'honest']), 'poison', { unit: 'enum', description: 'what colluding nodes submit as proposers', source: src('FL-collusion') }),
  claimEveryDays: withDefault(num({ int: true, min: 1 }), 2, { unit: 'days', description: 'days between an FL node’s claims (FLTask.claimReward of every round it is owed)', source: src('FL-claims') }),
  watchers: withDefault(num({ int: true, min: 0 }), 2, { unit: 'count', description: 'watchers who call FLTask.slash when the 10 % caller share pays', source: src('FL-watchers') }),
  slashCost: withDefault(num({ min: 0 }), 0.5, {
    unit: 'tokens',
    description: 'a watcher’s cost per slash call in FLOCK (stands for gas); it calls only when the caller share exceeds it',
    source: src('FL-watchers'),
  }),
  arenaTask: withDefault(numOrNull({ int: true, min: 0 }), null, {
    unit: 'count',
    description: 'index in `tasks` of the AI Arena task whose best model starts this task (same task type, real workloads); null = the base model',
    source: '[D] an FL task derives from a finished AI Arena task (ASSUMPTIONS.md FL-start)',
  }),
  workload: withDefault(oneOf(['surrogate', 'real']), 'surrogate', {
    unit: 'enum',
    description: 'real: TensorFlow.js FedAvg rounds; surrogate: the calibrated update-quality → vote model',
    source: src('FL-workload'),
  }),
  dataTask: withDefault(oneOf(['tabular', 'lm-bpc']), 'tabular', {
    unit: 'enum',
    description: 'the real task FL nodes train: tabular classification, or the character language model (non-IID by topic words)',
    source: src('FL-workload'),
  }),
  backend: withDefault(oneOf(['wasm', 'cpu']), 'wasm', { unit: 'enum', description: 'TensorFlow.js backend of the real FL workload', source: 'project choice (ASSUMPTIONS.md W-backend)' }),
  width: withDefault(num({ int: true, min: 1 }), 32, { unit: 'count', description: 'hidden units of the FL model (MLP)', source: src('FL-model') }),
  localEpochs: withDefault(num({ gt: 0 }), 1, { unit: 'ratio', description: 'passes over its shard a proposer trains per round', source: src('FL-model') }),
  batchSize: withDefault(num({ int: true, min: 1 }), 32, { unit: 'count', description: 'local training batch size', source: src('FL-model') }),
  learningRate: withDefault(num({ gt: 0 }), 0.01, { unit: 'ratio', description: 'local Adam learning rate', source: src('FL-model') }),
  shardSize: withDefault(minMax({ int: true, min: 10 }, { ordered: true }), { min: 300, max: 800 }, { unit: 'count', description: 'examples in a node’s private data (rows, or characters for lm-bpc), drawn uniformly per node', source: src('FL-data') }),
  skew: withDefault(num({ min: 0, max: 1 }), 0.8, {
    unit: 'fraction',
    description: 'non-IID skew: share of a node’s examples from its two dominant classes (0.5 with 4 classes is IID)',
    source: src('FL-data'),
  }),
  localTestShare: withDefault(num({ gt: 0, lt: 1 }), 0.25, { unit: 'fraction', description: 'share of a node’s data held out as its local test split', source: '[D] each participant splits its data into train and test (ASSUMPTIONS.md FL-data)' }),
  heldOutSize: withDefault(num({ int: true, min: 1 }), 2000, { unit: 'count', description: 'examples in the held-out set nobody sees (true global quality, analysis only)', source: src('FL-quality') }),
  dataSeed: withDefault(num({ int: true, min: 0 }), 0, { unit: 'seed', description: 'seeds the task’s data source and held-out set (the same for every run seed)', source: src('FL-data') }),
  context: withDefault(num({ int: true, min: 1, max: 64 }), 8, { unit: 'count', description: 'characters of context (lm-bpc only)', source: 'project choice (ASSUMPTIONS.md W-lm)' }),
  calibration: optional(text({ minLength: 1 }), {
    unit: 'path',
    description: 'surrogate only: FL calibration JSON written by `flock-lab calibrate --fl`; none = the built-in fit',
    source: src('FL-surrogate'),
    defaultText: 'the built-in fit',
  }),
};
