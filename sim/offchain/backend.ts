/**
 * FLock's backend (fed-ledger) in the simulation: it takes submissions, hands out validation
 * assignments (blind, rate-limited, stake-weighted when validators compete,
 * docs/model.md#validator-assignment), collects scores, and at the end of each day resolves
 * hash-identical copies: the earliest submission of a model hash in a task, on any day, owns it,
 * and a later identical submission by another identity is a copy with no rank
 * (docs/model.md#copy-detection: submissions are pinned by their weights' hash).
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
  /** The day's scores, of submissions and of copies alike (a copy is scored work: docs/model.md#copy-detection). */
  scores: ScoreReport[];
}

/** One validation-assignment lookup per 3 minutes per validator (docs/model.md#validator-assignment). */
export const ASSIGNMENT_INTERVAL = 180;

/** The selection rule among competing validators (`offchain.selection`, docs/model.md#validator-assignment). */
export type Selection = 'sqrt' | 'linear' | 'uniform';

/** A validator's selection weight under `rule` for its stake s_j = own + ε·delegated (tokens). */
export function selectionWeight(s: number, rule: Selection): number {
  return rule === 'uniform' ? 1 : rule === 'linear' ? Math.max(0, s) : Math.sqrt(Math.max(0, s));
}

/**
 * The chance that `validator` is served a lookup when validators compete: its selection weight
 * over the largest weight among the task's validators (`stakes`: s_j of each, tokens), itself
 * included. 1 when every weight is 0 (docs/model.md#validator-assignment).
 */
export function acceptance(validator: string, stakes: ReadonlyMap<string, number>, rule: Selection): number {
  const own = selectionWeight(stakes.get(validator) ?? 0, rule);
  let top = own;
  for (const s of stakes.values()) top = Math.max(top, selectionWeight(s, rule));
  return top > 0 ? own / top : 1;
}

/**
 * One task's day at the backend. Validators are numbered by the backend (`Backend.idOf`), so the
 * lookup path reads compact arrays instead of hashing names (docs/architecture.md#paper-scale-performance).
 */
interface TaskDay {
  submissions: Submission[];
  byId: Map<string, Submission>;
  /** Per submission, at its index in `submissions`: the ids of the validators it was given (its length: how many). */
  scorers: number[][];
  /** Per validator id: a flag per submission index, set when it was given that submission (grown as submissions come). */
  given: (Uint8Array | undefined)[];
  /** Per validator id: how many of the day's submissions it was given (the flags set above). */
  givenTo: number[];
  /** Per submission: what a validator is handed, made at its first hand-out and shared (validators only read it). */
  blind: (Assignment | undefined)[];
  scores: ScoreReport[];
}

/** Observers of the backend, given at construction (a side channel sees what the backend sees). */
export interface BackendHooks {
  /** Called after each submission is filed (colluding validators learn their friends' hashes). */
  onSubmit?: (sub: Submission) => void;
  /**
   * The task's staked validators and their s_j = own + ε·delegated in tokens, read at the lookup
   * (as the settlement's stakes are). Without it every validator weighs the same.
   */
  stakes?: (taskId: number) => ReadonlyMap<string, number>;
  /** The selection rule among competing validators (default 'sqrt'). */
  selection?: Selection;
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
  /** Each validator's id (its index in `names`), given at its first lookup. */
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  /** Each validator's last lookup (s), by id, for the 180 s rate limit. */
  private readonly lastLookup: number[] = [];
  /** Scores reported after their submission's day was closed (lost: docs/model.md#validator-assignment). */
  lateScores = 0;

  constructor(
    private readonly env: Environment,
    private readonly rng: RandomStream,
    private readonly hooks: BackendHooks = {},
  ) {}

  private day(taskId: number): TaskDay {
    let d = this.days.get(taskId);
    if (!d) {
      d = { submissions: [], byId: new Map(), scorers: [], given: [], givenTo: [], blind: [], scores: [] };
      this.days.set(taskId, d);
    }
    return d;
  }

  submit(s: Omit<Submission, 'id'>): Submission {
    const d = this.day(s.taskId);
    const sub: Submission = { ...s, id: `s${++this.counter}` };
    d.submissions.push(sub);
    d.byId.set(sub.id, sub);
    d.scorers.push([]);
    d.blind.push(undefined);
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
   * An assignment for `validator` in `taskId`, or null (docs/model.md#validator-assignment).
   * - Rate limit: a lookup less than ASSIGNMENT_INTERVAL after the validator's previous one is refused.
   * - Candidates: today's submissions it has not scored with the fewest validations; none → null.
   * - Competition: the task's other staked validators that have not scored every candidate want
   *   one too. When the candidates are fewer than the validators wanting them (the requester
   *   included), the lookup is served with probability `acceptance` (the selection rule on s_j,
   *   normalised within the task); otherwise always.
   * - Served: one candidate at random, without its node (blind validation).
   */
  requestAssignment(validator: string, taskId: number): Assignment | null {
    const now = this.env.now;
    const me = this.idOf(validator);
    const last = this.lastLookup[me];
    if (last !== undefined && now - last < ASSIGNMENT_INTERVAL - 1e-6) return null;
    this.lastLookup[me] = now;
    const d = this.days.get(taskId);
    if (!d) return null;
    const best = this.candidates(d, me);
    if (best.length === 0) return null;
    const stakes = this.hooks.stakes?.(taskId);
    if (stakes && stakes.size > 0) {
      // 1 + the other staked validators that have not scored every candidate: all of them but
      // those that scored every one, found among the scorers of one candidate.
      let scoredAll = 0;
      for (const v of d.scorers[best[0]]) {
        if (v === me) continue;
        const flags = d.given[v]!;
        let all = true;
        for (let k = 1; all && k < best.length; k++) all = flags[best[k]] === 1;
        // The flags first: compact arrays, where the name look-up hashes.
        if (all && stakes.has(this.names[v])) scoredAll++;
      }
      const wanting = 1 + stakes.size - (stakes.has(validator) ? 1 : 0) - scoredAll;
      if (best.length < wanting && this.rng.next() >= acceptance(validator, stakes, this.hooks.selection ?? 'sqrt')) return null;
    }
    const i = this.rng.pick(best);
    let flags = d.given[me];
    if (flags === undefined || flags.length <= i) {
      const grown = new Uint8Array(Math.max(16, 2 * d.submissions.length));
      if (flags) grown.set(flags);
      d.given[me] = flags = grown;
    }
    if (flags[i] === 0) {
      flags[i] = 1;
      d.scorers[i].push(me);
      d.givenTo[me] = (d.givenTo[me] ?? 0) + 1;
    }
    let blind = d.blind[i];
    if (blind === undefined) {
      const { node: _hidden, ...rest } = d.submissions[i];
      d.blind[i] = blind = rest;
    }
    return blind;
  }

  /** The backend's number for `validator` (its first lookup gives it the next one). */
  private idOf(validator: string): number {
    let id = this.ids.get(validator);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(validator, id);
      this.names.push(validator);
    }
    return id;
  }

  /** Scratch for `candidates`, reused by every lookup (read before the next one). */
  private readonly best: number[] = [];

  /**
   * Today's submissions validator `me` has not scored, with the fewest validations: their indexes
   * in `d.submissions`, in submission order, in a scratch array valid until the next call.
   */
  private candidates(d: TaskDay, me: number): number[] {
    const best = this.best;
    best.length = 0;
    const scorers = d.scorers;
    const flags = d.given[me];
    let fewest = Infinity;
    for (let i = 0; i < scorers.length; i++) {
      const n = scorers[i].length;
      if (n > fewest || (flags !== undefined && flags[i] === 1)) continue;
      if (n < fewest) {
        fewest = n;
        best.length = 0;
      }
      best.push(i);
    }
    return best;
  }

  hasWork(validator: string, taskId: number): boolean {
    const d = this.days.get(taskId);
    if (!d) return false;
    // Some submission it was not given: fewer given than submitted (each given one is a submission of the day).
    const id = this.ids.get(validator);
    return (id === undefined ? 0 : (d.givenTo[id] ?? 0)) < d.submissions.length;
  }

  /**
   * Files a score in its submission's day. A score for a submission whose day was already closed
   * (an evaluation still running at 00:00) is lost: the day was settled without it, and it is
   * counted in `lateScores` (ASSUMPTIONS.md S-late-scores).
   */
  report(r: ScoreReport, taskId: number): void {
    const d = this.days.get(taskId);
    if (!d || !d.byId.has(r.submission)) {
      this.lateScores++;
      return;
    }
    d.scores.push(r);
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
    return { submissions: valid, copies, scores: d.scores };
  }
}
