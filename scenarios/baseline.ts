/**
 * A modest, honest AI Arena network on the live V2.1 rules: two 30-day tasks, honest training
 * nodes and validators, and delegators choosing pools by eAPY. The reference for every proposal.
 */
import { scenario } from '../sim/scenario/schema.js';

export default scenario({
  name: 'baseline',
  description: 'Honest V2.1 network: 12 training nodes, 6 validators, 60 delegators, two 30-day tasks.',
  protocol: 'v2',
  days: 30,
  seeds: [1, 2, 3],
  params: { rewardTokenPerDay: 1074, gamma: 0, feePercentage: 80_000, protocolFeePercentage: 145_000, exchangeFeeBps: 513 },
  tasks: [
    { startDay: 0, durationDays: 30 },
    { startDay: 0, durationDays: 30 },
  ],
  populations: {
    nodes: { count: 12 },
    validators: { count: 6 },
    delegators: { count: 60 },
  },
});
