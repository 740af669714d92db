/**
 * The results store (docs/architecture.md#the-results-store): an embedded DuckDB file with one row
 * per (run, day, agent) and one per (run, day), one per run (its cell and seed, and what the run
 * reported besides its rows), and one per (cell, parameter) of a sweep or comparison. Wei amounts
 * are HUGEINT.
 *
 * Each run lands in its own transaction (`commitRun`), so a store read after a crash holds whole
 * runs only, and `--resume` knows exactly which are missing. Rows carry no order: every reader
 * orders by (run, day, agent), which is also the order a run records them in.
 */
import { DuckDBDataChunk, DuckDBInstance, DuckDBVector, ENUM, HUGEINT, INTEGER, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { AgentRow, DayRow, RunOutput } from './recorder.js';
import { appendFlRounds, loadFlRounds } from './flRows.js';
import { join, storedRun, type AgentColumns, type StoredRun } from './columns.js';
import type { GroupDayRow } from './rowSample.js';

/**
 * `group_days`: a sampled run's daily sums per role and behaviour over every agent
 * (docs/architecture.md#rows-at-scale). Made only in a store with a sampled run, so every other
 * store has the tables it always had; there role_days reads it instead of the sampled agent_days.
 */
const GROUP_DAYS_SQL = [
  `CREATE TABLE IF NOT EXISTS group_days (
    run INTEGER, seed INTEGER, day INTEGER, role VARCHAR, behaviour VARCHAR, agents INTEGER,
    stake HUGEINT, reward HUGEINT, reward_cum HUGEINT)`,
  `CREATE OR REPLACE VIEW role_days AS
    SELECT run, seed, day, role, behaviour, count(*) AS agents, sum(stake) AS stake, sum(reward) AS reward,
           sum(reward)::DOUBLE / 1e18 AS reward_tokens
    FROM agent_days WHERE run NOT IN (SELECT run FROM group_days) GROUP BY ALL
    UNION ALL
    SELECT run, seed, day, role, behaviour, agents::BIGINT, stake, reward, reward::DOUBLE / 1e18 FROM group_days`,
];

/** Whether the store holds `group_days` (a sampled run landed in it). */
async function hasGroupDays(c: DuckDBConnection): Promise<boolean> {
  const r = await c.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'group_days'`);
  return Number(r.getRows()[0][0]) > 0;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS agent_days (
    run INTEGER, seed INTEGER, day INTEGER, agent VARCHAR, role VARCHAR, behaviour VARCHAR, entity VARCHAR,
    stake HUGEINT, reward HUGEINT, reward_cum HUGEINT)`,
  `CREATE TABLE IF NOT EXISTS days (
    run INTEGER, seed INTEGER, day INTEGER, minted HUGEINT, burned HUGEINT, supply HUGEINT,
    locked_vesting HUGEINT, locked_gm HUGEINT, held_protocol HUGEINT, circulating HUGEINT,
    reward_token_per_day HUGEINT, staked HUGEINT, delegated HUGEINT,
    submissions INTEGER, copies_detected INTEGER, invalid_submissions INTEGER)`,
  // extras: the run's scores, copies, reverts and workload (RunOutput minus its rows), as JSON.
  `CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, cell INTEGER, seed INTEGER, extras VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS cells (cell INTEGER, key VARCHAR, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS cell_labels (cell INTEGER PRIMARY KEY, label VARCHAR, scenario_hash VARCHAR)`,
  `CREATE OR REPLACE VIEW role_days AS
    SELECT run, seed, day, role, behaviour, count(*) AS agents, sum(stake) AS stake, sum(reward) AS reward,
           sum(reward)::DOUBLE / 1e18 AS reward_tokens
    FROM agent_days GROUP BY ALL`,
];

/** A cell of an experiment as the store records it: its label and the value of each swept key. */
export interface CellRecord {
  cell: number;
  label: string;
  scenarioHash: string;
  values: Record<string, unknown>;
}

type Extras = Omit<RunOutput, 'seed' | 'run' | 'agentRows' | 'dayRows' | 'groupRows'>;

export class ResultsStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: DuckDBInstance,
    private readonly c: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) the store at `file`; a crashed writer's last transaction is replayed or dropped whole. */
  static async open(file: string): Promise<ResultsStore> {
    // One DuckDB thread: the store takes one run of a few thousand rows at a time, where a second
    // thread costs more CPU than it saves (measured: about a fifth less CPU for 64 commits), and
    // a pool's threads are simulating on the other cores.
    // Checkpoints at 64 MB of WAL rather than DuckDB's 16 MB: at 16 MB the store checkpointed every
    // few baseline runs (a run is ~9,400 rows), and checkpoints are where DuckDB compresses. On 240
    // 120-day baseline seeds: about 1.4 s less CPU of ~20, the same peak RSS (256 MB cost 140 MB more
    // and saved no more), the same rows. A crash still loses nothing committed: the WAL is replayed.
    const db = await DuckDBInstance.create(file, { threads: '1', checkpoint_threshold: '64MB' });
    const c = await db.connect();
    for (const sql of SCHEMA) await c.run(sql);
    // SCHEMA's role_days reads agent_days alone: a store with sampled runs needs its own again.
    if (await hasGroupDays(c)) for (const sql of GROUP_DAYS_SQL) await c.run(sql);
    return new ResultsStore(db, c);
  }

  /** Writes the experiment's cells once (a no-op when they are there: a resumed run). */
  async writeCells(cells: CellRecord[]): Promise<void> {
    await this.serial(async () => {
      const n = Number((await this.c.runAndReadAll('SELECT count(*) FROM cell_labels')).getRows()[0][0]);
      if (n > 0) return;
      await this.c.run('BEGIN TRANSACTION');
      for (const cell of cells) {
        await this.c.run('INSERT INTO cell_labels VALUES ($1, $2, $3)', [cell.cell, cell.label, cell.scenarioHash]);
        for (const [k, v] of Object.entries(cell.values)) await this.c.run('INSERT INTO cells VALUES ($1, $2, $3)', [cell.cell, k, JSON.stringify(v)]);
      }
      await this.c.run('COMMIT');
    });
  }

  /** Stores one finished run, rows and all, in one transaction. */
  commitRun(out: RunOutput, cell: number): Promise<void> {
    return this.commit(storedRun(out), cell);
  }

  /** The same, for a run whose agent rows are already columns (a pool thread made them). */
  commit(r: StoredRun, cell: number): Promise<void> {
    return this.serial(async () => {
      // The KPI totals go in extras: a sampled run's cannot be made again from its rows (a resume reads them).
      const { seed, run, agentDays, dayRows, flRounds, groupRows, ...extras } = r;
      await this.c.run('BEGIN TRANSACTION');
      try {
        const a = await this.c.createAppender('agent_days');
        appendColumns(a, agentDays);
        a.flushSync();
        a.closeSync();
        appendDayRows(await this.c.createAppender('days'), dayRows);
        if (groupRows?.length) await this.appendGroupRows(groupRows);
        // fl_rounds exists only in stores of runs with FL tasks (sim/results/flRows.ts).
        await appendFlRounds(this.c, flRounds ?? []);
        await this.c.run('INSERT INTO runs VALUES ($1, $2, $3, $4)', [run, cell, seed, JSON.stringify(extras)]);
        await this.c.run('COMMIT');
      } catch (e) {
        await this.c.run('ROLLBACK').catch(() => {});
        throw e;
      }
    });
  }

  /** The runs the store holds, by run index. */
  async runIndices(): Promise<number[]> {
    const rows = (await this.c.runAndReadAll('SELECT run FROM runs ORDER BY run')).getRows();
    return rows.map((r) => Number(r[0]));
  }

  /** A stored run as it came out of the simulation (rows in recording order: by day, then agent). */
  async loadRun(run: number): Promise<RunOutput> {
    const meta = (await this.c.runAndReadAll('SELECT seed, extras FROM runs WHERE run = $1', [run])).getRows();
    if (!meta.length) throw new Error(`run ${run} is not in the store`);
    const seed = Number(meta[0][0]);
    const extras = JSON.parse(String(meta[0][1])) as Extras;
    const a = await this.c.runAndReadAll(
      'SELECT day, agent, role, behaviour, entity, stake, reward, reward_cum FROM agent_days WHERE run = $1 ORDER BY day, agent',
      [run],
    );
    const agentRows: AgentRow[] = a.getRows().map((r) => ({
      run,
      seed,
      day: Number(r[0]),
      agent: String(r[1]),
      role: String(r[2]),
      behaviour: String(r[3]),
      entity: String(r[4]),
      stake: r[5] as bigint,
      reward: r[6] as bigint,
      rewardCum: r[7] as bigint,
    }));
    const d = await this.c.runAndReadAll(
      `SELECT day, minted, burned, supply, locked_vesting, locked_gm, held_protocol, circulating,
              reward_token_per_day, staked, delegated, submissions, copies_detected, invalid_submissions
       FROM days WHERE run = $1 ORDER BY day`,
      [run],
    );
    const dayRows: DayRow[] = d.getRows().map((r) => ({
      run,
      seed,
      day: Number(r[0]),
      minted: r[1] as bigint,
      burned: r[2] as bigint,
      supply: r[3] as bigint,
      lockedVesting: r[4] as bigint,
      lockedGm: r[5] as bigint,
      heldProtocol: r[6] as bigint,
      circulating: r[7] as bigint,
      rewardTokenPerDay: r[8] as bigint,
      staked: r[9] as bigint,
      delegated: r[10] as bigint,
      submissions: Number(r[11]),
      copiesDetected: Number(r[12]),
      invalidSubmissions: Number(r[13]),
    }));
    const flRounds = await loadFlRounds(this.c, run, seed);
    const groupRows = await this.loadGroupRows(run, seed);
    return { seed, run, agentRows, dayRows, ...extras, ...(flRounds.length ? { flRounds } : {}), ...(groupRows.length ? { groupRows } : {}) };
  }

  private async appendGroupRows(rows: GroupDayRow[]): Promise<void> {
    for (const sql of GROUP_DAYS_SQL) await this.c.run(sql);
    const a = await this.c.createAppender('group_days');
    for (const r of rows) {
      a.appendInteger(r.run);
      a.appendInteger(r.seed);
      a.appendInteger(r.day);
      a.appendVarchar(r.role);
      a.appendVarchar(r.behaviour);
      a.appendInteger(r.agents);
      a.appendHugeInt(r.stake);
      a.appendHugeInt(r.reward);
      a.appendHugeInt(r.rewardCum);
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
  }

  /** A sampled run's group rows in recording order (by day, role, behaviour); none for any other run. */
  private async loadGroupRows(run: number, seed: number): Promise<GroupDayRow[]> {
    if (!(await hasGroupDays(this.c))) return [];
    const g = await this.c.runAndReadAll('SELECT day, role, behaviour, agents, stake, reward, reward_cum FROM group_days WHERE run = $1 ORDER BY day, role, behaviour', [run]);
    return g.getRows().map((r) => ({
      run,
      seed,
      day: Number(r[0]),
      role: String(r[1]),
      behaviour: String(r[2]),
      agents: Number(r[3]),
      stake: r[4] as bigint,
      reward: r[5] as bigint,
      rewardCum: r[6] as bigint,
    }));
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    this.c.closeSync();
    this.db.closeSync();
  }

  /** One statement sequence at a time on the one connection. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.queue.then(f, f);
    this.queue = p.catch(() => {});
    return p;
  }
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function appendDayRows(d: Appender, rows: DayRow[]): void {
  for (const r of rows) {
    d.appendInteger(r.run);
    d.appendInteger(r.seed);
    d.appendInteger(r.day);
    d.appendHugeInt(r.minted);
    d.appendHugeInt(r.burned);
    d.appendHugeInt(r.supply);
    d.appendHugeInt(r.lockedVesting);
    d.appendHugeInt(r.lockedGm);
    d.appendHugeInt(r.heldProtocol);
    d.appendHugeInt(r.circulating);
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
}

const NAMES = ['agent', 'role', 'behaviour', 'entity'] as const;

/**
 * The typed array behind a fixed-width vector of @duckdb/node-api (the exact version package.json
 * pins keeps it in `dataView` or `items`; flush() copies it into DuckDB), to be written in bulk;
 * undefined when it is not there as expected, and the caller then sets the values one by one.
 * Setting them one by one costs the coordinator a BigInt per wei and most of its time.
 */
function backing(v: DuckDBVector, field: 'dataView' | 'items', bytes: number): Uint8Array | undefined {
  const x = (v as unknown as Record<string, unknown>)[field];
  return ArrayBuffer.isView(x) && x.byteLength === bytes ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : undefined;
}

/**
 * Appends the columns to agent_days through `a`, a vector's worth of rows per data chunk. The four
 * text columns go in as ENUMs of the run's distinct values (one to four bytes a row) and the
 * appender casts them to the table's VARCHAR: one native call per string would be most of the
 * store's time. Integers, wei and ENUM indexes are copied into the vectors in bulk where the
 * vectors allow it (backing). A full-size chunk is filled again for the next rows once appended
 * (the appender has copied it); only the last, shorter one is a new chunk.
 */
function appendColumns(a: DuckDBAppender, c: AgentColumns): void {
  if (c.n === 0) return;
  const size = DuckDBVector.standardSize();
  const enums = NAMES.map((f) => ENUM([...new Set(c.agents[f])]));
  const types = [INTEGER, INTEGER, INTEGER, ...enums, HUGEINT, HUGEINT, HUGEINT];
  const texts = NAMES.map((f) => c.agents[f]);
  // Per agent entry, its index in each ENUM.
  const index = enums.map((e, t) => Uint32Array.from(texts[t], (x) => e.indexForValue(x)));
  const make = (rows: number) => {
    const chunk = DuckDBDataChunk.create(types, rows);
    return { chunk, v: types.map((_, k) => chunk.getColumnVector(k)) };
  };
  const wei = new Uint8Array(c.wei.buffer, c.wei.byteOffset, c.wei.byteLength);
  let full: ReturnType<typeof make> | null = null;
  for (let off = 0; off < c.n; off += size) {
    const m = Math.min(size, c.n - off);
    const { chunk, v } = m === size ? (full ??= make(size)) : make(m);
    const ints = [0, 1, 2].map((k) => backing(v[k], 'items', m * 4));
    if (ints.every(Boolean)) {
      const [run, seed, day] = ints.map((b) => new Int32Array(b!.buffer, b!.byteOffset, m));
      run.fill(c.run);
      seed.fill(c.seed);
      day.set(c.day.subarray(off, off + m));
    } else {
      for (let j = 0; j < m; j++) {
        v[0].setItem(j, c.run);
        v[1].setItem(j, c.seed);
        v[2].setItem(j, c.day[off + j]);
      }
    }
    for (let t = 0; t < 4; t++) {
      const x = (v[3 + t] as unknown as Record<string, unknown>).items;
      if (x instanceof Uint8Array || x instanceof Uint16Array || x instanceof Uint32Array) {
        if (x.length !== m) throw new Error(`agent_days: an ENUM vector of ${x.length} items for ${m} rows`);
        for (let j = 0; j < m; j++) x[j] = index[t][c.who[off + j]];
      } else for (let j = 0; j < m; j++) v[3 + t].setItem(j, texts[t][c.who[off + j]]);
    }
    for (let w = 0; w < 3; w++) {
      const b = backing(v[7 + w], 'dataView', m * 16);
      const from = 16 * (w * c.n + off);
      if (b) b.set(wei.subarray(from, from + m * 16));
      else for (let j = 0; j < m; j++) v[7 + w].setItem(j, join(c.wei[2 * (w * c.n + off + j)], c.wei[2 * (w * c.n + off + j) + 1]));
    }
    for (const x of v) x.flush();
    a.appendDataChunk(chunk);
  }
}
