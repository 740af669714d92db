/**
 * One FL Alliance task's life in a run (docs/fl-alliance.md#the-round): on its start day the task
 * creator creates and funds it (00:10 UTC), its FL nodes stake (00:15–00:55); then each round, at
 * its set time, the simulator draws proposers and voters with the task's own stream
 * (`fl:<index>/roles`) and calls `startRound`; proposers submit; voters evaluate and `vote`;
 * `finalizeRound` pays and marks the slashable; watchers `slash` when the caller share beats their
 * cost. The invariants (docs/model.md#invariants) are checked after every finalize and every
 * round's slashes. Every amount is the mirror's bigint wei.
 */
import { ADMIN, mintGenesis, type Deployment } from '../../contracts-mirror/genesis.js';
import type { FLTask } from '../../contracts-mirror/contracts/flTask.js';
import { checkInvariants } from '../../contracts-mirror/invariants.js';
import { roundReward, slashAmounts } from '../../contracts-mirror/math/flRound.js';
import { DAY } from '../engine/calendar.js';
import type { RandomStream } from '../engine/rng.js';
import type { FlTaskConfig } from '../scenario/schema.js';
import type { FlStartModel, FlTaskWorkload, FlWorkloadFactory } from '../workloads/flTypes.js';
import type { SimContext } from '../agents/context.js';
import { toWei } from '../agents/context.js';
import type { FlRoundRow, FlTaskOutcome } from '../results/flRows.js';
import { SimulationError } from '../run/errors.js';
import type { FlNode, Watcher } from './agents.js';

/** Minutes after a round starts: votes within [1, 10], finalize at 15, slashes within [16, 25] (ASSUMPTIONS.md FL-timing). */
const VOTE_FROM = 60;
const VOTE_SPAN = 540;
const FINALIZE_AT = 900;
const SLASH_FROM = 960;
const SLASH_SPAN = 540;

export interface FlTaskDeps {
  ctx: SimContext;
  cfg: FlTaskConfig;
  index: number;
  nodes: FlNode[];
  watchers: Watcher[];
  workloadFactory: FlWorkloadFactory;
  /** The AI Arena model the task starts from, looked up when it is created (null: the base model). */
  startModel: () => FlStartModel | undefined;
  rows: FlRoundRow[];
  onSkippedSlash: () => void;
}

export class FlTaskRun {
  readonly id: number;
  task: FLTask | null = null;
  workload: FlTaskWorkload | null = null;
  roundsRun = 0;
  startQuality = NaN;
  private readonly roles: RandomStream;
  private readonly watcherPick: RandomStream;
  private readonly slashCost: bigint;

  constructor(private readonly x: FlTaskDeps) {
    this.id = x.index + 1;
    this.roles = x.ctx.rng(`fl:${x.index}/roles`);
    this.watcherPick = x.ctx.rng(`fl:${x.index}/watchers`);
    this.slashCost = toWei(x.cfg.slashCost);
  }

  private get d(): Deployment {
    return this.x.ctx.chain.d;
  }

  private day(): number {
    return Math.floor((this.x.ctx.env.now - this.x.ctx.start) / DAY);
  }

  private must(what: string, fn: () => unknown): void {
    const r = this.x.ctx.chain.tx(what, fn);
    if (!r.ok) throw new SimulationError(this.day(), `FL task ${this.id}: ${what}`, { reason: r.reason ?? '' });
  }

  /** Round-level conservation and solvency (docs/model.md#invariants). */
  private checkInvariants(when: string): void {
    const v = checkInvariants(this.d);
    if (v) throw new SimulationError(this.day(), `${v.check} (after ${when} of FL task ${this.id})`, v.details);
  }

  /** Schedules the whole task on the run's clock. */
  schedule(): void {
    const { ctx, cfg } = this.x;
    const { env } = ctx;
    const day0 = ctx.start + cfg.startDay * DAY;
    env.at(day0 + 600, () => this.create());
    for (const n of this.x.nodes) env.at(day0 + 900 + n.rng.next() * 2400, () => this.stake(n));
    const spacing = ((24 - cfg.roundHour) * 3600) / cfg.roundsPerDay;
    for (let r = 0; r < cfg.rounds; r++) {
      const dayOf = cfg.startDay + Math.floor(r / cfg.roundsPerDay);
      const at = ctx.start + dayOf * DAY + cfg.roundHour * 3600 + (r % cfg.roundsPerDay) * spacing;
      env.at(at, () => this.round(at));
    }
  }

  private create(): void {
    const { cfg } = this.x;
    const pool = toWei(cfg.initialPool);
    // The task creator's FLOCK for the initial pool is minted to it (counted as minted supply, as genesis balances are).
    mintGenesis(this.d, 'FLOCK', ADMIN, pool);
    this.must('FLTaskManager.createTask', () =>
      this.d.flTaskManager.createTask(ADMIN, BigInt(this.id), BigInt(cfg.rounds), toWei(cfg.minStake), pool, BigInt(cfg.slashPpm)),
    );
    this.task = this.d.w.at<FLTask>(this.d.flTaskManager.byId.get(BigInt(this.id))!);
    for (const n of this.x.nodes) n.task = this.task;
    this.workload = this.x.workloadFactory({ cfg, index: this.x.index, seed: this.x.ctx.seed, cell: 0, members: this.x.nodes.map((n) => n.name), start: this.x.startModel() });
    this.startQuality = this.workload.quality();
  }

  private stake(n: FlNode): void {
    const { cfg } = this.x;
    const amount = toWei(cfg.stake.min + n.rng.next() * (cfg.stake.max - cfg.stake.min));
    mintGenesis(this.d, 'FLOCK', n.name, amount);
    this.must(`FLTask.stake(${n.name})`, () => this.task!.stake(n.name, amount));
    n.staked += amount;
  }

  private round(at: number): void {
    const task = this.task!;
    const wl = this.workload!;
    const { cfg, ctx } = this.x;
    if (task.isFinished()) return;
    const eligible = this.x.nodes.filter((n) => task.stakeOf(ADMIN, n.name) > 0n);
    if (eligible.length < cfg.proposers + cfg.voters) return; // too few with stake left: no round (the contract would refuse "Not a participant")
    const drawn = this.roles.shuffle([...eligible]);
    const proposers = drawn.slice(0, cfg.proposers).sort((a, b) => (a.name < b.name ? -1 : 1));
    const voters = drawn.slice(cfg.proposers, cfg.proposers + cfg.voters).sort((a, b) => (a.name < b.name ? -1 : 1));
    const index = task.currentRound();
    this.must('FLTask.startRound', () => task.startRound(ADMIN, proposers.map((p) => p.name), voters.map((v) => v.name)));
    const qualityBefore = wl.quality();
    const kinds = proposers.map((p) => p.updateKind(cfg));
    wl.propose(proposers.map((p, i) => ({ member: p.name, kind: kinds[i] })), this.roles);
    const poisoned = kinds.some((k) => k === 'label-flip' || k === 'sign-flip');
    const partner = proposers.some((p) => p.behaviour === 'colluding');
    // Evaluations happen now, in name order (the workload's state is the round's); votes land at each voter's own time.
    const votes = voters.map((v) => {
      const partnerProposed = v.behaviour === 'colluding' && partner;
      const improvement = v.evaluates(partnerProposed) ? wl.improvement(v.name, v.rng) : null;
      return { v, score: v.vote(improvement, partnerProposed), at: at + VOTE_FROM + v.rng.next() * VOTE_SPAN };
    });
    for (const { v, score, at: t } of votes) ctx.env.at(t, () => this.must(`FLTask.vote(${v.name})`, () => task.vote(v.name, score)));
    ctx.env.at(at + FINALIZE_AT, () => this.finalize(index, proposers, voters, votes, { qualityBefore, poisoned, at }));
  }

  private finalize(
    index: bigint,
    proposers: FlNode[],
    voters: FlNode[],
    votes: { v: FlNode; score: bigint }[],
    r: { qualityBefore: number; poisoned: boolean; at: number },
  ): void {
    const task = this.task!;
    const wl = this.workload!;
    const { ctx } = this.x;
    const reward = roundReward(task.rewardPool(), task.totalNumberOfRounds() - index);
    const owedBefore = task.s.totalOwed;
    this.must('FLTask.finalizeRound', () => task.finalizeRound(ADMIN));
    const paid = task.s.totalOwed - owedBefore;
    const stakeOf = (n: FlNode) => task.rounds[Number(index)].stake.get(n.name) ?? 0n;
    let voteTotal = 0n;
    for (const { v, score } of votes) voteTotal += score > 0n ? stakeOf(v) : score < 0n ? -stakeOf(v) : 0n;
    const accepted = voteTotal >= 0n;
    if (accepted) wl.accept();
    else wl.reject();
    this.roundsRun++;
    this.checkInvariants(`finalizeRound ${index}`);
    const row: FlRoundRow = {
      run: ctx.run,
      seed: ctx.seed,
      task: this.id,
      round: Number(index),
      day: this.day(),
      proposers: proposers.length,
      voters: voters.length,
      voteTotal,
      accepted,
      reward,
      paid,
      slashed: 0n,
      poisoned: r.poisoned,
      qualityBefore: r.qualityBefore,
      quality: wl.quality(),
    };
    this.x.rows.push(row);
    const slashable = [...proposers, ...voters].filter((n) => task.slashable.get(`${index}|${n.name}`) === true).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const n of slashable) {
      ctx.env.at(r.at + SLASH_FROM + this.watcherPick.next() * SLASH_SPAN, () => this.slash(n, index, row));
    }
    if (slashable.length) ctx.env.at(r.at + SLASH_FROM + SLASH_SPAN + 1, () => this.checkInvariants(`the slashes of round ${index}`));
  }

  /** The first watcher to notice (drawn) calls `slash` if the caller share beats its cost; otherwise nobody does. */
  private slash(n: FlNode, index: bigint, row: FlRoundRow): void {
    const task = this.task!;
    const { watchers, cfg } = this.x;
    if (!watchers.length) return this.x.onSkippedSlash();
    const w = watchers[Math.floor(this.watcherPick.next() * watchers.length)];
    const stakeNow = task.stakeOf(ADMIN, n.name);
    const roundStake = task.rounds[Number(index)].stake.get(n.name) ?? 0n;
    const { slashed, toCaller } = slashAmounts(roundStake, BigInt(cfg.slashPpm), stakeNow);
    if (!w.worthIt(toCaller, this.slashCost)) return this.x.onSkippedSlash();
    this.must(`FLTask.slash(${n.name})`, () => task.slash(w.name, n.name, index));
    w.calls++;
    w.claimedGross += toCaller;
    n.slashed += slashed;
    row.slashed += slashed;
  }

  /** What the task holds at the end (docs/fl-alliance.md#what-a-finished-task-keeps). */
  outcome(): FlTaskOutcome {
    const t = this.task;
    const wl = this.workload;
    const bal = t ? this.d.flock.bal(t.address) : 0n;
    return {
      task: this.id,
      startFrom: wl ? String(wl.describe().startFrom ?? 'base model') : 'not created',
      workload: wl?.describe() ?? {},
      roundsRun: this.roundsRun,
      finished: t?.isFinished() ?? false,
      holdings: { rewardPool: String(t?.s.rewardPool ?? 0n), stakes: String(t?.s.totalStakes ?? 0n), owed: String(t?.s.totalOwed ?? 0n), balance: String(bal) },
      startQuality: this.startQuality,
      finalQuality: wl ? wl.quality() : NaN,
    };
  }
}

/** Claims every round an FL node is owed for, every `claimEveryDays` days at its own time (ASSUMPTIONS.md FL-claims). */
export function scheduleClaims(ctx: SimContext, n: FlNode, cfg: FlTaskConfig): void {
  const first = ctx.start + cfg.startDay * DAY + 12 * 3600 + n.rng.next() * 11 * 3600;
  const every = cfg.claimEveryDays * DAY;
  const claim = (): void => {
    const t = n.task;
    if (t) {
      for (let r = 0n; r < t.currentRound(); r++) {
        const owed = t.owedReward(n.name, r, n.name);
        if (owed === 0n) continue;
        const ok = ctx.chain.tx('FLTask.claimReward', () => t.claimReward(n.name, r)).ok;
        if (ok) n.claimedGross += owed;
      }
    }
    ctx.env.at(ctx.env.now + every, claim);
  };
  ctx.env.at(first, claim);
}
