/**
 * The scenario: a typed, validated description of one simulated world (docs/architecture.md).
 * Every field is built from the parameter registry (sim/scenario/registry.ts), which holds each
 * one's type, range, default, unit, description and source; this file only assembles the groups
 * and adds the checks that span fields. zod rejects unknown keys, wrong types and impossible
 * values with the field path.
 */
import { z } from 'zod';
import { fieldsOf, objectOf, DELEGATORS, NODES, OFFCHAIN, PROTOCOL, RANDOM_TASKS, REAL, SURROGATE, TASK, TOP, VALIDATORS } from './registry.js';
import { NODE_BEHAVIOURS, VALIDATOR_BEHAVIOURS } from './groups.js';
import { GenesisSchema } from './genesisSchema.js';
import { FL_TASK } from './flGroups.js';
import { checkFlTasks } from './flChecks.js';

export { GenesisSchema, type Genesis } from './genesisSchema.js';

/** Protocol parameters applied through the deployed setters at genesis (registry group PROTOCOL). */
export const ProtocolParams = objectOf(PROTOCOL);

/** Off-chain scoring parameters (registry group OFFCHAIN; sim/offchain/params.ts reads the same). */
export const OffchainParamsSchema = objectOf(OFFCHAIN);

export const NodeBehaviour = z.enum(NODE_BEHAVIOURS);
export const ValidatorBehaviour = z.enum(VALIDATOR_BEHAVIOURS);

const Delegators = objectOf(DELEGATORS);

export const Populations = z
  .object({
    nodes: objectOf(NODES),
    validators: objectOf(VALIDATORS),
    delegators: Delegators.default(Delegators.parse({ count: 0 })),
  })
  .strict();

/** The surrogate score model (sim/workloads/surrogate.ts); `calibration` points at a fitted file. */
export const SurrogateWorkloadSchema = objectOf(SURROGATE);

/** Real TensorFlow.js training and validation (sim/workloads/real/). */
export const RealWorkloadSchema = objectOf(REAL);

export const Workload = z.discriminatedUnion('mode', [SurrogateWorkloadSchema, RealWorkloadSchema]).default(SurrogateWorkloadSchema.parse({}));

export type SurrogateWorkloadConfig = z.output<typeof SurrogateWorkloadSchema>;
export type RealWorkloadConfig = z.output<typeof RealWorkloadSchema>;

export const TaskSpec = objectOf(TASK);

/** One FL Alliance task (registry group FL_TASK; docs/fl-alliance.md). */
export const FlTaskSpec = objectOf(FL_TASK);
export type FlTaskConfig = z.output<typeof FlTaskSpec>;

const top = fieldsOf(TOP);

/** The contracts' maxDuration at genesis (30 days, docs/contracts.md): the longest task a scenario may open. */
export const MAX_TASK_DAYS = 30;

export const ScenarioSchema = z
  .object({
    name: top.name,
    description: top.description,
    protocol: top.protocol,
    start: top.start,
    days: top.days,
    seeds: top.seeds,
    params: ProtocolParams.default(ProtocolParams.parse({})),
    offchain: OffchainParamsSchema.default(OffchainParamsSchema.parse({})),
    workload: Workload,
    tasks: z.array(TaskSpec).default([TaskSpec.parse({})]).describe('tasks opened during the run (with a genesis: in addition to its tasks, with ids after them)'),
    /** Extra tasks the task creator opens at random: a Poisson number per day (docs/model.md#task-timing). */
    randomTasks: objectOf(RANDOM_TASKS).optional(),
    /** FL Alliance tasks (docs/fl-alliance.md); left out, the run is exactly as without FL. */
    flTasks: z.array(FlTaskSpec).optional().describe('FL Alliance tasks run on the FL task stand-in (docs/fl-alliance.md)'),
    populations: Populations,
    /** Start from a deployed network's state (GenesisSchema); written by `flock-lab chain snapshot`. */
    genesis: GenesisSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const maxDays = MAX_TASK_DAYS;
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
    // sigma-gamer nodes follow populations.nodes.sigmaGame (docs/simulation.md#sigma-games): it has no default, so that scenarios without gamers hash as before.
    if ((s.populations.nodes.mix['sigma-gamer'] ?? 0) > 0 && !s.populations.nodes.sigmaGame)
      ctx.addIssue({ code: 'custom', path: ['populations', 'nodes', 'sigmaGame'], message: 'required when populations.nodes.mix has sigma-gamer: { lureSigma, keepSigma, switchDaysBeforeEnd }' });
    if (s.flTasks) for (const issue of checkFlTasks(s.flTasks, s.tasks.length)) ctx.addIssue({ code: 'custom', ...issue });
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
