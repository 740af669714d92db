/**
 * FLock's backend (fed-ledger) in the simulation: it takes submissions, hands out validation
 * assignments (blind, rate-limited, stake-weighted, docs/model.md#validator-assignment), collects scores, and at
 * the end of each day resolves hash-identical copies: the earliest submission of a model hash in a
 * task, on any day, owns it, and a later identical submission by another identity is a copy with
 * no rank (docs/model.md#copy-detection: submissions are pinned by their weights' hash).
 */
import { Signal, type Environment } from '../engine/env.js';
import type { RandomStream } from '../engine/rng.js';
import type { Submission } from '../workloads/types.js';

/** What a validator is handed: the model, never who submitted it (blind validation). */
export type Assignment = Omit<Submission, 'node'>;

export interface ScoreReport {
  validator: string;
  submission: string;
  value: number;
}

export interface ClosedDay {
  /** Valid, de-duplicated submissions (a node's copies of an earlier hash removed). */
  submissions: Submission[];
  /** Later submissions of an already-submitted hash, with the identity that submitted first. */
  copies: { submission: Submission; original: Submission }[];
  scores: ScoreReport[];
}

/** One validation-assignment lookup per 3 minutes per validator (docs/model.md#validator-assignment). */
export const ASSIGNMENT_INTERVAL = 180;

interface TaskDay {
  submissions: Submission[];
  byId: Map<string, Submission>;
  validatedBy: Map<string, Set<string>>;
  scores: ScoreReport[];
}

/** Observers of the backend, given at construction (a side channel sees what the backend sees). */
export interface BackendHooks {
  /** Called after each submission is filed (colluding validators learn their friends' hashes). */
  onSubmit?: (sub: Submission) => void;
}

export class Backend {
  private readonly days = new Map<number, TaskDay>();
  /** Per task, fired at its next submission; kept across days so idle validators never miss one. */
  private readonly arrivals = new Map<number, Signal<void>>();
  private counter = 0;
  /** Per task, the first submission of every model hash ever seen: copies resolve to it. */
  private readonly firstSeen = new Map<number, Map<string, Submission>>();
  /** Yesterday's best valid submission per task: the public leaderboard copycats read. */
  readonly leaderboard = new Map<number, Submission>();

  constructor(
    private readonly env: Environment,
    private readonly rng: RandomStream,
    private readonly hooks: BackendHooks = {},
  ) {}

  private day(taskId: number): TaskDay {
    let d = this.days.get(taskId);
    if (!d) {
      d = { submissions: [], byId: new Map(), validatedBy: new Map(), scores: [] };
      this.days.set(taskId, d);
    }
    return d;
  }

  submit(s: Omit<Submission, 'id'>): Submission {
    const d = this.day(s.taskId);
    const sub: Submission = { ...s, id: `s${++this.counter}` };
    d.submissions.push(sub);
    d.byId.set(sub.id, sub);
    d.validatedBy.set(sub.id, new Set());
    const arrival = this.arrivals.get(s.taskId);
    if (arrival) {
      this.arrivals.delete(s.taskId);
      arrival.fire();
    }
    this.hooks.onSubmit?.(sub);
    return sub;
  }

  /** A signal that fires at the task's next submission (validators wait on it when idle). */
  nextArrival(taskId: number): Signal<void> {
    let a = this.arrivals.get(taskId);
    if (!a) {
      a = new Signal(this.env);
      this.arrivals.set(taskId, a);
    }
    return a;
  }

  /**
   * An assignment for `validator` in `taskId`, or null. Among today's submissions it has not
   * scored, the server picks at random among those with the fewest validations. `acceptance` is
   * the validator's stake-weighted chance of being served this lookup (√stake, docs/model.md#validator-assignment).
   */
  requestAssignment(validator: string, taskId: number, acceptance: number): Assignment | null {
    const d = this.days.get(taskId);
    if (!d) return null;
    let best: Submission[] = [];
    let fewest = Infinity;
    for (const s of d.submissions) {
      const seen = d.validatedBy.get(s.id)!;
      if (seen.has(validator)) continue;
      if (seen.size < fewest) {
        fewest = seen.size;
        best = [s];
      } else if (seen.size === fewest) best.push(s);
    }
    if (best.length === 0) return null;
    if (this.rng.next() >= acceptance) return null;
    const s = this.rng.pick(best);
    d.validatedBy.get(s.id)!.add(validator);
    const { node: _hidden, ...blind } = s;
    return blind;
  }

  hasWork(validator: string, taskId: number): boolean {
    const d = this.days.get(taskId);
    if (!d) return false;
    return d.submissions.some((s) => !d.validatedBy.get(s.id)!.has(validator));
  }

  report(r: ScoreReport, taskId: number): void {
    this.day(taskId).scores.push(r);
  }

  /** Ends the task's day: resolves copies by hash (earliest wins) and hands the day to scoring. */
  closeDay(taskId: number): ClosedDay {
    const d = this.days.get(taskId);
    this.days.delete(taskId);
    if (!d) return { submissions: [], copies: [], scores: [] };
    let first = this.firstSeen.get(taskId);
    if (!first) {
      first = new Map();
      this.firstSeen.set(taskId, first);
    }
    const copies: ClosedDay['copies'] = [];
    const ordered = [...d.submissions].sort((a, b) => a.at - b.at || Number(a.id.slice(1)) - Number(b.id.slice(1)));
    const valid: Submission[] = [];
    for (const s of ordered) {
      const orig = first.get(s.hash);
      if (!orig) {
        first.set(s.hash, s);
        valid.push(s);
      } else if (orig.node === s.node) valid.push(s); // resubmitting one's own model is no copy
      else copies.push({ submission: s, original: orig });
    }
    const validIds = new Set(valid.map((s) => s.id));
    return { submissions: valid, copies, scores: d.scores.filter((r) => validIds.has(r.submission)) };
  }
}
