/**
 * A run's agent rows in columns: the form in which they travel from a pool thread to the
 * coordinator (typed arrays, transferred rather than copied) and are appended to the store in
 * DuckDB data chunks (store.ts; docs/architecture.md#the-results-store). Row objects with three bigints
 * each cost the coordinator a structured-clone decode, garbage collection and one native call
 * per value; columns cost it a few calls per 2,048 rows. The rows are the same, value for value:
 * wei stay exact (each as two 64-bit halves, as HUGEINT holds them), and the order is the run's.
 */
import type { AgentRow, RunOutput } from './recorder.js';

export interface AgentColumns {
  run: number;
  seed: number;
  /** Number of rows. */
  n: number;
  day: Int32Array;
  /** Per row, the index of its agent in `agents`. */
  who: Int32Array;
  /**
   * stake, reward and reward_cum, column after column (n rows each), each value as (low 64 bits,
   * high 64 bits): the bytes of a DuckDB HUGEINT on a little-endian machine, so a chunk's worth
   * is copied into a vector as it is (store.ts).
   */
  wei: BigInt64Array;
  /** Each distinct (agent, role, behaviour, entity), in order of first appearance. */
  agents: { agent: string[]; role: string[]; behaviour: string[]; entity: string[] };
}

const lo = (x: bigint) => BigInt.asIntN(64, x);
const hi = (x: bigint) => x >> 64n;
/** The wei a column's two words hold. */
export const join = (l: bigint, h: bigint) => (h << 64n) + BigInt.asUintN(64, l);

/**
 * A finished run as the store takes it (store.ts `commit`): its agent rows in columns, made where
 * the run was simulated; everything else as the run reported it. No DuckDB here: a pool thread
 * makes these without loading the database.
 */
export type StoredRun = Omit<RunOutput, 'agentRows'> & { agentDays: AgentColumns };

export function storedRun(out: RunOutput): StoredRun {
  const { agentRows, ...rest } = out;
  return { ...rest, agentDays: toColumns(agentRows, out.run, out.seed) };
}

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
    wei[2 * i] = lo(r.stake);
    wei[2 * i + 1] = hi(r.stake);
    wei[2 * (n + i)] = lo(r.reward);
    wei[2 * (n + i) + 1] = hi(r.reward);
    wei[2 * (2 * n + i)] = lo(r.rewardCum);
    wei[2 * (2 * n + i) + 1] = hi(r.rewardCum);
  }
  return { run, seed, n, day, who, wei, agents };
}

/** The columns as rows again (for tests, and for a caller that wants the rows back). */
export function fromColumns(c: AgentColumns): AgentRow[] {
  const out: AgentRow[] = [];
  for (let i = 0; i < c.n; i++) {
    const k = c.who[i];
    const w = (col: number) => 2 * (col * c.n + i);
    out.push({
      run: c.run,
      seed: c.seed,
      day: c.day[i],
      agent: c.agents.agent[k],
      role: c.agents.role[k],
      behaviour: c.agents.behaviour[k],
      entity: c.agents.entity[k],
      stake: join(c.wei[w(0)], c.wei[w(0) + 1]),
      reward: join(c.wei[w(1)], c.wei[w(1) + 1]),
      rewardCum: join(c.wei[w(2)], c.wei[w(2) + 1]),
    });
  }
  return out;
}

/** The buffers to transfer (each column owns its whole ArrayBuffer). */
export const columnBuffers = (c: AgentColumns): ArrayBuffer[] => [c.day.buffer, c.who.buffer, c.wei.buffer] as ArrayBuffer[];
