/**
 * The AI Arena paper's population for a year: 603 training nodes, 1,051 validators and 63,265
 * delegators on the live V2.1 rules with the surrogate workload. Tasks last at most 30 days
 * (maxDuration, docs/model.md#task-timing), so 16 are live at any time: a schedule renews all 16
 * every 30 days, and the task creator spreads the freed participants over the new ones.
 *
 *   node bin/flock-lab.mjs run scenarios/paper-scale.ts --workers 0 --seeds 1
 */
import { scenario } from '../sim/scenario/schema.js';

const DAYS = 365;
const LIVE_TASKS = 16;
const TASK_DAYS = 30;

const tasks: { startDay: number; durationDays: number }[] = [];
for (let startDay = 0; startDay < DAYS; startDay += TASK_DAYS) {
  for (let i = 0; i < LIVE_TASKS; i++) tasks.push({ startDay, durationDays: TASK_DAYS });
}

export default scenario({
  name: 'paper-scale',
  description: 'The AI Arena paper’s population (603 nodes, 1,051 validators, 63,265 delegators) for a year, 16 live 30-day tasks renewed every 30 days.',
  protocol: 'v2',
  days: DAYS,
  seeds: [1],
  params: { rewardTokenPerDay: 1074, gamma: 0, feePercentage: 80_000, protocolFeePercentage: 145_000, exchangeFeeBps: 513 },
  workload: { mode: 'surrogate' },
  tasks,
  populations: {
    nodes: { count: 603 },
    validators: { count: 1051 },
    delegators: { count: 63_265 },
  },
});
