/**
 * What FL Alliance rounds leave behind (docs/fl-alliance.md#results): one `fl_rounds` row per
 * (run, FL task, round), the run's FL summary (holdings of finished tasks, per-behaviour stake,
 * rewards and slashes, watchers), the store's table for the rows, and the FL KPIs. A run without
 * FL tasks has none of these: its RunOutput, store rows and resultsHash are as before.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface FlRoundRow {
  run: number;
  seed: number;
  /** FL task id (FLTaskManager's id, 1-based). */
  task: number;
  /** 0-based round index, as FLTask counts it. */
  round: number;
  day: number;
  proposers: number;
  voters: number;
  /** Σ sign(vote)·round stake, wei (the contract's aggregate: accept iff ≥ 0). */
  voteTotal: bigint;
  accepted: boolean;
  /** roundReward = pool/roundsLeft at finalize, wei. */
  reward: bigint;
  /** What the round's eligible participants were owed in all, wei. */
  paid: bigint;
  /** Stake slashed from the round's participants, wei (0 when no watcher found it worth a call). */
  slashed: bigint;
  /** A proposer submitted a poisoned update (label flip or sign flip). */
  poisoned: boolean;
  /** True held-out quality (mean cross-entropy, nats, lower is better) before and after the round; analysis only. */
  qualityBefore: number;
  quality: number;
}

/** Per FL node behaviour over a run, in whole FLOCK (analysis). */
export interface FlBehaviourTotals {
  nodes: number;
  staked: number;
  rewards: number;
  slashed: number;
}

export interface FlTaskOutcome {
  task: number;
  startFrom: string;
  workload: Record<string, unknown>;
  roundsRun: number;
  finished: boolean;
  /** What the task contract holds at the end, wei as decimal strings: pool + stakes + owed = balance. */
  holdings: { rewardPool: string; stakes: string; owed: string; balance: string };
  startQuality: number;
  finalQuality: number;
}

export interface FlRunSummary {
  tasks: FlTaskOutcome[];
  behaviours: Record<string, FlBehaviourTotals>;
  watchers: { name: string; calls: number; collected: number; cost: number }[];
  /** Slashable (participant, round) pairs nobody slashed: the caller share did not cover the cost. */
  slashesSkipped: number;
}

export const FL_ROUNDS_SQL = `CREATE TABLE IF NOT EXISTS fl_rounds (
    run INTEGER, seed INTEGER, task INTEGER, round INTEGER, day INTEGER, proposers INTEGER, voters INTEGER,
    vote_total HUGEINT, accepted BOOLEAN, reward HUGEINT, paid HUGEINT, slashed HUGEINT, poisoned BOOLEAN,
    quality_before DOUBLE, quality DOUBLE)`;

/** Appends a run's FL rows (inside the caller's transaction), creating the table with the first ones: a store without FL runs has none. */
export async function appendFlRounds(c: DuckDBConnection, rows: readonly FlRoundRow[]): Promise<void> {
  if (!rows.length) return;
  await c.run(FL_ROUNDS_SQL);
  const a = await c.createAppender('fl_rounds');
  for (const r of rows) {
    a.appendInteger(r.run);
    a.appendInteger(r.seed);
    a.appendInteger(r.task);
    a.appendInteger(r.round);
    a.appendInteger(r.day);
    a.appendInteger(r.proposers);
    a.appendInteger(r.voters);
    a.appendHugeInt(r.voteTotal);
    a.appendBoolean(r.accepted);
    a.appendHugeInt(r.reward);
    a.appendHugeInt(r.paid);
    a.appendHugeInt(r.slashed);
    a.appendBoolean(r.poisoned);
    a.appendDouble(r.qualityBefore);
    a.appendDouble(r.quality);
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
}

/** A stored run's FL rows ordered by (task, round), as a run records them; empty for a run without FL tasks. */
export async function loadFlRounds(c: DuckDBConnection, run: number, seed: number): Promise<FlRoundRow[]> {
  const has = await c.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'fl_rounds'`);
  if (Number(has.getRows()[0][0]) === 0) return [];
  const res = await c.runAndReadAll(
    `SELECT task, round, day, proposers, voters, vote_total, accepted, reward, paid, slashed, poisoned, quality_before, quality
     FROM fl_rounds WHERE run = $1 ORDER BY task, round`,
    [run],
  );
  return res.getRows().map((r) => ({
    run,
    seed,
    task: Number(r[0]),
    round: Number(r[1]),
    day: Number(r[2]),
    proposers: Number(r[3]),
    voters: Number(r[4]),
    voteTotal: r[5] as bigint,
    accepted: Boolean(r[6]),
    reward: r[7] as bigint,
    paid: r[8] as bigint,
    slashed: r[9] as bigint,
    poisoned: Boolean(r[10]),
    qualityBefore: Number(r[11]),
    quality: Number(r[12]),
  }));
}
