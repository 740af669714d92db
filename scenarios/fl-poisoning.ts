/**
 * How much poisoning FL Alliance's stake-weighted vote withstands (docs/fl-alliance.md#poisoning-sweep):
 * one FL task on the real tabular workload, 10 FL nodes of equal stake, so a node share is a stake
 * share. Swept over the poisoners' share (sign-flipped, scaled updates; poisoners vote to accept):
 *
 *   npx flock-lab sweep scenarios/fl-poisoning.ts --grid 'flTasks.0.mix={"honest":1},{"honest":0.9,"poisoner":0.1},{"honest":0.8,"poisoner":0.2},{"honest":0.7,"poisoner":0.3},{"honest":0.6,"poisoner":0.4},{"honest":0.5,"poisoner":0.5}'
 *
 * The finding is the smallest share at which the final held-out loss is not better than the
 * start's: the improvement's 95 % CI over seeds reaches 0 (summary.json, cells[].summary.fl.improvement).
 */
import { scenario } from '../sim/scenario/schema.js';

export default scenario({
  name: 'fl-poisoning',
  description: 'FL Alliance under poisoning: 10 equal-stake FL nodes, a share of them sign-flip poisoners, 12 real FedAvg rounds.',
  protocol: 'v2',
  days: 4,
  seeds: [1, 2, 3, 4, 5],
  params: { rewardTokenPerDay: 1074 },
  tasks: [{ startDay: 0, durationDays: 4, type: 'lm-bpc' }],
  populations: { nodes: { count: 1 }, validators: { count: 1 } },
  flTasks: [
    {
      startDay: 0,
      rounds: 12,
      roundsPerDay: 4,
      roundHour: 6,
      minStake: 100,
      initialPool: 1000,
      slashPpm: 100_000,
      proposers: 3,
      voters: 5,
      nodes: 10,
      stake: { min: 300, max: 300 },
      mix: { honest: 1 },
      poisonMode: 'sign-flip',
      poisonScale: 3,
      watchers: 2,
      slashCost: 0.5,
      skew: 0.7,
      workload: 'real',
      dataTask: 'tabular',
    },
  ],
});
