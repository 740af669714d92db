/**
 * The README's main job: a small network scored by real TensorFlow.js models. One character-level
 * language task (bits per character), six training nodes (three honest, one lazy, one copycat,
 * one oversized), three validators (honest, noisy, lazy) and a few delegators, over four days.
 * Every submission is a real MLP trained on the node's own shard; every score is a real evaluation
 * on held-out set A or B. Finishes in well under 3 minutes on 2 cores.
 */
import { scenario } from '../sim/scenario/schema.js';

export default scenario({
  name: 'real-small',
  description: 'Real workloads: 6 training nodes (3 honest, lazy, copycat, oversized) and 3 validators (honest, noisy, lazy) on one BPC language task for 4 days.',
  protocol: 'v2',
  days: 4,
  seeds: [1, 2, 3],
  params: { rewardTokenPerDay: 1074, gamma: 0, feePercentage: 80_000, protocolFeePercentage: 145_000, exchangeFeeBps: 513 },
  workload: {
    mode: 'real',
    task: 'lm-bpc',
    backend: 'wasm',
    maxParams: 50_000,
    epochs: 2,
    width: 64,
  },
  tasks: [{ startDay: 0, durationDays: 4, type: 'lm-bpc' }],
  populations: {
    nodes: { count: 6, mix: { honest: 0.5, lazy: 1 / 6, copycat: 1 / 6, oversized: 1 / 6 } },
    // Validator stakes within [5000, 8000]: no single validator holds half of the scoring stake.
    validators: { count: 3, stake: { min: 5000, max: 8000 }, mix: { honest: 1 / 3, noisy: 1 / 3, lazy: 1 / 3 } },
    delegators: { count: 12 },
  },
});
