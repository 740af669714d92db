/**
 * A run's agent rows in columns: the form in which they travel from a pool thread to the
 * coordinator (typed arrays, transferred rather than copied) and are appended to the store in
 * DuckDB data chunks (docs/architecture.md#the-results-store). Row objects with three bigints
 * each cost the coordinator a structured-clone decode, garbage collection and one native call
 * per value; columns cost it a few calls per 2,048 rows. The rows are the same, value for value:
 * wei stay exact (each as two 64-bit halves, as HUGEINT holds them), and the order is the run's.
 */
import { DuckDBDataChunk, DuckDBVector, ENUM, HUGEINT, INTEGER, type DuckDBAppender } from '@duckdb/node-api';
import type { AgentRow } from './recorder.js';

export interface AgentColumns {
  run: number;
  seed: number;
  /** Number of rows. */
  n: number;
  day: Int32Array;
  /** Per row, the index of its agent in `agents`. */
  who: Int32Array;
  /** Per row, stake, reward and reward_cum, each as (low 64 bits, high 64 bits): 6 words a row. */
  wei: BigInt64Array;
  /** Each distinct (agent, role, behaviour, entity), in order of first appearance. */
  agents: { agent: string[]; role: string[]; behaviour: string[]; entity: string[] };
}

const lo = (x: bigint) => BigInt.asIntN(64, x);
const hi = (x: bigint) => x >> 64n;
const join = (l: bigint, h: bigint) => (h << 64n) + BigInt.asUintN(64, l);

/** The rows of one run (all with the same run and seed) as columns. */
export function toColumns(rows: readonly AgentRow[], run: number, seed: number): AgentColumns {
  const n = rows.length;
  const day = new Int32Array(n);
  const who = new Int32Array(n);
  const wei = new BigInt64Array(n * 6);
  const agents: AgentColumns['agents'] = { agent: [], role: [], behaviour: [], entity: [] };
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.run !== run || r.seed !== seed) throw new Error(`row ${i} of run ${run} (seed ${seed}) says run ${r.run}, seed ${r.seed}`);
    let k = index.get(r.agent);
    // An agent keeps its role, behaviour and entity through a run; a row that differs gets its own entry.
    if (k === undefined || agents.role[k] !== r.role || agents.behaviour[k] !== r.behaviour || agents.entity[k] !== r.entity) {
      k = agents.agent.length;
      index.set(r.agent, k);
      agents.agent.push(r.agent);
      agents.role.push(r.role);
      agents.behaviour.push(r.behaviour);
      agents.entity.push(r.entity);
    }
    day[i] = r.day;
    who[i] = k;
    const w = i * 6;
    wei[w] = lo(r.stake);
    wei[w + 1] = hi(r.stake);
    wei[w + 2] = lo(r.reward);
    wei[w + 3] = hi(r.reward);
    wei[w + 4] = lo(r.rewardCum);
    wei[w + 5] = hi(r.rewardCum);
  }
  return { run, seed, n, day, who, wei, agents };
}

/** The columns as rows again (for tests, and for a caller that wants the rows back). */
export function fromColumns(c: AgentColumns): AgentRow[] {
  const out: AgentRow[] = [];
  for (let i = 0; i < c.n; i++) {
    const k = c.who[i];
    const w = i * 6;
    out.push({
      run: c.run,
      seed: c.seed,
      day: c.day[i],
      agent: c.agents.agent[k],
      role: c.agents.role[k],
      behaviour: c.agents.behaviour[k],
      entity: c.agents.entity[k],
      stake: join(c.wei[w], c.wei[w + 1]),
      reward: join(c.wei[w + 2], c.wei[w + 3]),
      rewardCum: join(c.wei[w + 4], c.wei[w + 5]),
    });
  }
  return out;
}

/** The buffers to transfer (each column owns its whole ArrayBuffer). */
export const columnBuffers = (c: AgentColumns): ArrayBuffer[] => [c.day.buffer, c.who.buffer, c.wei.buffer] as ArrayBuffer[];

const NAMES = ['agent', 'role', 'behaviour', 'entity'] as const;

/**
 * Appends the columns to agent_days through `a`, a vector's worth of rows per data chunk. The four
 * text columns go in as ENUMs of the run's distinct values (one byte or two per row, copied in
 * bulk) and the appender casts them to the table's VARCHAR: one native call per string would be
 * most of the store's time. A full-size chunk is filled again for the next rows once appended
 * (the appender has copied it); only the last, shorter one is a new chunk.
 */
export function appendColumns(a: DuckDBAppender, c: AgentColumns): void {
  if (c.n === 0) return;
  const size = DuckDBVector.standardSize();
  const types = [INTEGER, INTEGER, INTEGER, ...NAMES.map((f) => ENUM([...new Set(c.agents[f])])), HUGEINT, HUGEINT, HUGEINT];
  const texts = NAMES.map((f) => c.agents[f]);
  const make = (rows: number) => {
    const chunk = DuckDBDataChunk.create(types, rows);
    return { chunk, v: types.map((_, k) => chunk.getColumnVector(k)) };
  };
  let full: ReturnType<typeof make> | null = null;
  for (let off = 0; off < c.n; off += size) {
    const m = Math.min(size, c.n - off);
    const { chunk, v } = m === size ? (full ??= make(size)) : make(m);
    for (let j = 0; j < m; j++) {
      const i = off + j;
      const k = c.who[i];
      const w = i * 6;
      v[0].setItem(j, c.run);
      v[1].setItem(j, c.seed);
      v[2].setItem(j, c.day[i]);
      v[3].setItem(j, texts[0][k]);
      v[4].setItem(j, texts[1][k]);
      v[5].setItem(j, texts[2][k]);
      v[6].setItem(j, texts[3][k]);
      v[7].setItem(j, join(c.wei[w], c.wei[w + 1]));
      v[8].setItem(j, join(c.wei[w + 2], c.wei[w + 3]));
      v[9].setItem(j, join(c.wei[w + 4], c.wei[w + 5]));
    }
    for (const x of v) x.flush();
    a.appendDataChunk(chunk);
  }
}
