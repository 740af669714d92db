/**
 * The results store (docs/architecture.md#the-parts, `results/`): an embedded DuckDB file with one row per (run, day, agent) and
 * one per (run, day), plus views that aggregate by role and behaviour. Wei amounts are HUGEINT.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { AgentRow, DayRow } from './recorder.js';

export async function writeResults(file: string, agentRows: AgentRow[], dayRows: DayRow[]): Promise<void> {
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  try {
    await c.run(`CREATE TABLE agent_days (
      run INTEGER, seed INTEGER, day INTEGER, agent VARCHAR, role VARCHAR, behaviour VARCHAR, entity VARCHAR,
      stake HUGEINT, reward HUGEINT, reward_cum HUGEINT)`);
    await c.run(`CREATE TABLE days (
      run INTEGER, seed INTEGER, day INTEGER, minted HUGEINT, burned HUGEINT, supply HUGEINT,
      reward_token_per_day HUGEINT, staked HUGEINT, delegated HUGEINT,
      submissions INTEGER, copies_detected INTEGER, invalid_submissions INTEGER)`);
    const a = await c.createAppender('agent_days');
    for (const r of agentRows) {
      a.appendInteger(r.run);
      a.appendInteger(r.seed);
      a.appendInteger(r.day);
      a.appendVarchar(r.agent);
      a.appendVarchar(r.role);
      a.appendVarchar(r.behaviour);
      a.appendVarchar(r.entity);
      a.appendHugeInt(r.stake);
      a.appendHugeInt(r.reward);
      a.appendHugeInt(r.rewardCum);
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
    const d = await c.createAppender('days');
    for (const r of dayRows) {
      d.appendInteger(r.run);
      d.appendInteger(r.seed);
      d.appendInteger(r.day);
      d.appendHugeInt(r.minted);
      d.appendHugeInt(r.burned);
      d.appendHugeInt(r.supply);
      d.appendHugeInt(r.rewardTokenPerDay);
      d.appendHugeInt(r.staked);
      d.appendHugeInt(r.delegated);
      d.appendInteger(r.submissions);
      d.appendInteger(r.copiesDetected);
      d.appendInteger(r.invalidSubmissions);
      d.endRow();
    }
    d.flushSync();
    d.closeSync();
    await c.run(`CREATE VIEW role_days AS
      SELECT run, seed, day, role, behaviour, count(*) AS agents, sum(stake) AS stake, sum(reward) AS reward,
             sum(reward)::DOUBLE / 1e18 AS reward_tokens
      FROM agent_days GROUP BY ALL`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
