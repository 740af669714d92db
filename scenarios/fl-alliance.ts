/**
 * FL Alliance on the real workload (docs/fl-alliance.md): one FL task of 12 rounds, 4 a day, whose
 * 8 FL nodes (6 honest, 1 free-rider, 1 poisoner flipping and scaling its update) each hold a
 * private non-IID slice of the tabular task; every round is real local training, FedAvg by sample
 * counts, and votes from each voter's own test split; the global model's true quality is measured
 * on a held-out set nobody sees. A small AI Arena network runs beside it on the surrogate, and its
 * daily FL share tops up the task's pool. Runs in well under 2 minutes on 2 cores.
 */
import { scenario } from '../sim/scenario/schema.js';

export default scenario({
  name: 'fl-alliance',
  description: 'One FL Alliance task on real FedAvg rounds: 6 honest FL nodes, a free-rider and a sign-flip poisoner, 12 rounds over 3 days.',
  protocol: 'v2',
  days: 4,
  seeds: [1, 2, 3],
  params: { rewardTokenPerDay: 1074 },
  tasks: [{ startDay: 0, durationDays: 4, type: 'lm-bpc' }],
  populations: { nodes: { count: 2 }, validators: { count: 1 } },
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
      voters: 4,
      nodes: 8,
      stake: { min: 200, max: 400 },
      mix: { honest: 0.75, 'free-rider': 0.125, poisoner: 0.125 },
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
