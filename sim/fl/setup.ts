/**
 * FL Alliance in a run (docs/fl-alliance.md): for each entry of the scenario's `flTasks`, its FL
 * nodes (`fl<i>-n<k>`, behaviours placed by largest remainder and shuffled with the task's
 * `fl:<i>/population` stream), its watchers (`fl<i>-w<k>`) and its rounds (sim/fl/rounds.ts).
 * The run's agents gain these participants (role fl-node and fl-watcher), so their rewards and
 * stakes are in the day rows; the run's output gains `flRounds` and `fl`. A scenario without
 * `flTasks` never reaches this module.
 */
import { byName, type AgentBase, type SimContext } from '../agents/context.js';
import { allocate } from '../run/population.js';
import type { Scenario } from '../scenario/schema.js';
import type { RunOutput } from '../results/recorder.js';
import type { FlBehaviourTotals, FlRoundRow, FlRunSummary } from '../results/flRows.js';
import { realFlFactory, type FlStartModel, type FlWorkloadFactory } from '../workloads/flTypes.js';
import { SurrogateFlWorkload } from '../workloads/flSurrogate.js';
import { FlNode, Watcher, type FlBehaviour } from './agents.js';
import { FlTaskRun, scheduleClaims } from './rounds.js';

const TOKENS = 1e18;

export interface FlRun {
  /** The FL participants, to be recorded with the run's agents. */
  agents: AgentBase[];
  runs: FlTaskRun[];
  /** The run's agents with the FL participants, in name order (the order rows are recorded and read back in). */
  withAgents(agents: readonly AgentBase[]): AgentBase[];
  /** The run's output with its FL rows and summary. */
  finish(out: RunOutput): RunOutput;
}

/** An AI Arena task's best model, where the scenario links one and the AI Arena workload is real with models to give. */
function arenaModel(ctx: SimContext, s: Scenario, arenaTask: number | null): FlStartModel | undefined {
  if (arenaTask === null) return undefined;
  const id = (s.genesis ? Math.max(0, ...s.genesis.tasks.map((t) => t.id)) : 0) + arenaTask + 1;
  const best = ctx.backend.leaderboard.get(id);
  const registry = (ctx.workload as { registry?: { get(hash: string): unknown } }).registry;
  const model = best && registry ? registry.get(best.hash) : undefined;
  return model ? { model, from: `AI Arena task ${id}: best model ${best!.hash.slice(0, 12)} (${best!.node})` } : undefined;
}

export function setupFl(ctx: SimContext, s: Scenario): FlRun {
  const rows: FlRoundRow[] = [];
  const agents: AgentBase[] = [];
  const nodesAll: FlNode[] = [];
  const watchersAll: Watcher[] = [];
  let skipped = 0;
  const runs = (s.flTasks ?? []).map((cfg, i) => {
    const behaviours = ctx.rng(`fl:${i}/population`).shuffle(allocate(cfg.nodes, cfg.mix as Record<string, number>));
    const pad = String(cfg.nodes).length;
    const nodes = behaviours.map((b, k) => {
      const name = `fl${i}-n${String(k + 1).padStart(pad, '0')}`;
      return new FlNode(name, b as FlBehaviour, ctx.rng(`agent:${name}`));
    });
    const watchers = Array.from({ length: cfg.watchers }, (_, k) => new Watcher(`fl${i}-w${k + 1}`, cfg.slashCost));
    const factory: FlWorkloadFactory = cfg.workload === 'real' ? realFlFactory() : (req) => new SurrogateFlWorkload(req);
    const run = new FlTaskRun({ ctx, cfg, index: i, nodes, watchers, workloadFactory: factory, startModel: () => arenaModel(ctx, s, cfg.arenaTask), rows, onSkippedSlash: () => skipped++ });
    run.schedule();
    for (const n of nodes) scheduleClaims(ctx, n, cfg);
    nodesAll.push(...nodes);
    watchersAll.push(...watchers);
    agents.push(...nodes, ...watchers);
    return run;
  });
  agents.sort(byName);

  const finish = (out: RunOutput): RunOutput => {
    const behaviours: Record<string, FlBehaviourTotals> = {};
    for (const n of [...nodesAll].sort(byName)) {
      const b = (behaviours[n.behaviour] ??= { nodes: 0, staked: 0, rewards: 0, slashed: 0 });
      b.nodes++;
      b.staked += Number(n.staked) / TOKENS;
      b.rewards += Number(n.claimedGross + n.unclaimed()) / TOKENS;
      b.slashed += Number(n.slashed) / TOKENS;
    }
    const fl: FlRunSummary = {
      tasks: runs.map((r) => r.outcome()),
      behaviours: Object.fromEntries(Object.entries(behaviours).sort(([a], [b]) => (a < b ? -1 : 1))),
      watchers: watchersAll.map((w) => ({ name: w.name, calls: w.calls, collected: Number(w.claimedGross) / TOKENS, cost: w.calls * w.costPerCall })),
      slashesSkipped: skipped,
    };
    const flRounds = [...rows].sort((a, b) => a.task - b.task || a.round - b.round);
    return { ...out, flRounds, fl };
  };
  return { agents, runs, finish, withAgents: (list) => [...list, ...agents].sort(byName) };
}
