/**
 * The task creator (the first step of an AI Arena task's life; docs/model.md#task-timing):
 * opens the scenario's scheduled tasks on their start day and, with `randomTasks`, a Poisson
 * number of extra tasks a day, each at 00:00 UTC. Participants who are free (in no live task)
 * are spread over the day's new tasks round-robin, by name, and stake 20–50 minutes later.
 */
import { DAY } from '../engine/calendar.js';
import type { RandomStream } from '../engine/rng.js';
import { ADMIN } from '../../contracts-mirror/genesis.js';
import { byName, type SimContext } from './context.js';
import type { TrainingNode } from './trainingNode.js';
import type { Validator } from './validator.js';

/** A live or finished AI Arena task as the simulation tracks it. */
export interface TaskState {
  id: number;
  /** Unix seconds of its end: its final upload runs in the first settlement at or after it. */
  end: number;
  nodes: TrainingNode[];
  validators: Validator[];
  /** Per settled day: the node pool and the node percentages uploaded (for the final upload). */
  days: { nodePool: bigint; nodes: { address: string; pctWith: bigint; pctWithout: bigint }[] }[];
  finished: boolean;
}

/** A task the creator failed to open: the settlement turns it into a SimulationError. */
export type CreateFailure = { day: number; what: string; reason: string };

export class TaskCreator {
  private readonly rng: RandomStream;
  /** Scenario tasks take ids after the genesis tasks' (none without a genesis). */
  private readonly idBase: number;
  private nextTaskId: number;

  constructor(
    private readonly ctx: SimContext,
    private readonly tasks: TaskState[],
    private readonly nodes: readonly TrainingNode[],
    private readonly validators: readonly Validator[],
    private readonly onFailure: (f: CreateFailure) => never,
  ) {
    const s = ctx.scenario;
    this.rng = ctx.rng('creator');
    this.idBase = s.genesis ? Math.max(0, ...s.genesis.tasks.map((t) => t.id)) : 0;
    this.nextTaskId = this.idBase + s.tasks.length;
  }

  /** Poisson draw (Knuth) from the creator's own stream. */
  private poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = this.rng.next(); p > limit; p *= this.rng.next()) k++;
    return k;
  }

  /** Called at 00:00 of each day, after the settlement. */
  open(day: number): void {
    const { scenario: s, chain, env, rng } = this.ctx;
    const starting = s.tasks.map((spec, i) => ({ spec, id: this.idBase + i + 1 })).filter((x) => x.spec.startDay === day);
    if (s.randomTasks) {
      const r = s.randomTasks;
      for (let k = this.poisson(r.perDay); k > 0; k--) {
        const durationDays = r.durationDays.min + this.rng.int(r.durationDays.max - r.durationDays.min + 1);
        starting.push({ spec: { startDay: day, durationDays, type: r.type }, id: ++this.nextTaskId });
      }
    }
    if (starting.length === 0) return;
    const created: TaskState[] = [];
    for (const { spec, id } of starting) {
      const r = chain.tx('createTask', () => chain.d.taskManager.createTask(ADMIN, BigInt(id), BigInt(spec.durationDays * DAY), spec.type));
      if (!r.ok) this.onFailure({ day, what: `createTask(${id})`, reason: r.reason ?? '' });
      const t: TaskState = { id, end: env.now + spec.durationDays * DAY, nodes: [], validators: [], days: [], finished: false };
      this.tasks.push(t);
      created.push(t);
    }
    const busy = new Set(this.tasks.filter((t) => !t.finished && !created.includes(t)).flatMap((t) => [...t.nodes, ...t.validators].map((a) => a.name)));
    const free = <T extends { name: string }>(list: readonly T[]) => list.filter((a) => !busy.has(a.name)).sort(byName);
    free(this.nodes).forEach((n, i) => {
      const t = created[i % created.length];
      t.nodes.push(n);
      env.at(env.now + 1200 + rng(`join:${n.name}/${t.id}`).next() * 1800, () => n.join(t.id));
    });
    free(this.validators).forEach((v, i) => {
      const t = created[i % created.length];
      t.validators.push(v);
      env.at(env.now + 1200 + rng(`join:${v.name}/${t.id}`).next() * 1800, () => v.join(t.id));
    });
  }
}
