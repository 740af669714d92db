/**
 * `flock-lab export` as a user meets it from the shell: every table of a run directory out as
 * Parquet or CSV, read back with DuckDB and compared with the store row by row (wei exact, same
 * order); partial directories refused unless --partial; bad input is exit 2 with nothing written.
 *
 * Most fixture directories are built here from the simulation and the results store (the same
 * rows `flock-lab run` stores, plus cells and a partial status at will); one comes from
 * `flock-lab run` itself.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './support/cli.js';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { ResultsStore } from '../sim/results/store.js';
import type { RunOutput } from '../sim/results/recorder.js';
import { MANIFEST, RUN_FORMAT, STORE, writeManifest, type Manifest, type RunStatus } from '../sim/experiments/runDir.js';
import { EXPORT_ORDER, EXPORT_TABLES, type ExportTable } from '../sim/results/export.js';

const cli = (args: string[]) => runCli(['export', ...args]);
const newDir = tempDirs();

const tiny = { name: 'tiny', days: 3, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 4 } } };

/** A run directory as the experiment layer writes one: 2 seeds of `tiny` in 2 cells, with the given status. */
async function runDir(status: RunStatus, runs: RunOutput[], opts: { format?: string } = {}): Promise<string> {
  const dir = join(newDir('flock-export-'), 'run');
  mkdirSync(dir);
  const store = await ResultsStore.open(join(dir, STORE));
  try {
    await store.writeCells([
      { cell: 0, label: 'gamma=100000', scenarioHash: 'h0', values: { 'params.gamma': 100000 } },
      { cell: 1, label: 'gamma=200000', scenarioHash: 'h1', values: { 'params.gamma': 200000, 'params.sigma': 'x' } },
    ]);
    for (const r of runs) await store.commitRun(r, r.run % 2);
  } finally {
    await store.close();
  }
  const m: Manifest = {
    format: opts.format ?? RUN_FORMAT,
    kind: 'run',
    status,
    scenario: 'tiny',
    scenarioHash: 'h0',
    protocol: 'v2',
    seeds: runs.map((r) => r.seed),
    days: 3,
    cells: [],
    runs: { done: runs.length, total: 2 },
    code: 'test',
    codeVersion: { package: '0.1.0', commit: 'test', dirty: 'unknown' },
    files: [STORE, MANIFEST],
  };
  writeManifest(dir, m);
  return dir;
}

/** Every row of `sql` as strings (NULL as null): exact wei whatever the column type. */
async function rows(sql: string, attach?: string): Promise<(string | null)[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    if (attach) await c.run(`ATTACH '${attach}' AS s (READ_ONLY)`);
    const r = await c.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM (${sql})`);
    return r.getRows().map((row) => row.map((v) => (v === null ? null : String(v))));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function columnTypes(sql: string): Promise<Record<string, string>> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(`DESCRIBE ${sql}`);
    return Object.fromEntries(r.getRows().map((row) => [String(row[0]), String(row[1])]));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** The store's rows of `table` in the export's order. */
const stored = (dir: string, table: ExportTable) => rows(`SELECT * FROM s.${table} ORDER BY ${EXPORT_ORDER[table].join(', ')}`, join(dir, STORE));

/** Files and folders in `dir`, hidden ones (a leftover temporary folder) included. */
const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

let sims: RunOutput[];
let complete: string;

beforeAll(async () => {
  const s = ScenarioSchema.parse(tiny);
  sims = [runSimulation(s, { seed: 1, run: 0 }), runSimulation(s, { seed: 2, run: 1 })];
  complete = await runDir('complete', sims);
}, 60_000);

describe('export to Parquet', () => {
  it('every table, one file each in <run dir>/export-parquet, rows and order exactly the store\'s, wei as DECIMAL(38,0)', async () => {
    const r = cli([complete]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = join(complete, 'export-parquet');
    // fl_rounds is only in stores of runs with FL tasks (test/fl*.test.ts exports one).
    const tables = EXPORT_TABLES.filter((t) => t !== 'fl_rounds');
    expect(ls(out)).toEqual(tables.map((t) => `${t}.parquet`).sort());
    expect(ls(complete)).toEqual(['export-parquet', MANIFEST, STORE].sort());
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBe(tables.length);
    for (const [i, t] of tables.entries()) {
      const want = await stored(complete, t);
      expect(want.length).toBeGreaterThan(0);
      expect(lines[i]).toBe(`${join(out, `${t}.parquet`)}\t${want.length} ${want.length === 1 ? 'row' : 'rows'}`);
      expect(await rows(`SELECT * FROM read_parquet('${join(out, `${t}.parquet`)}')`)).toEqual(want);
    }
    const types = await columnTypes(`SELECT * FROM read_parquet('${join(out, 'agent_days.parquet')}')`);
    expect([types.stake, types.reward, types.reward_cum]).toEqual(['DECIMAL(38,0)', 'DECIMAL(38,0)', 'DECIMAL(38,0)']);
    expect((await columnTypes(`SELECT * FROM read_parquet('${join(out, 'days.parquet')}')`)).supply).toBe('DECIMAL(38,0)');
    // The check means something: the supply is past 2^64 and past a double's 53 bits.
    const supply = sims[0].dayRows[0].supply;
    expect(supply > 2n ** 64n).toBe(true);
    const back = await rows(`SELECT supply FROM read_parquet('${join(out, 'days.parquet')}') WHERE run = 0 AND day = ${sims[0].dayRows[0].day}`);
    expect(back).toEqual([[supply.toString()]]);
    // Agent rows come out as the simulation recorded them: by run, day, agent.
    const agents = await rows(`SELECT agent, stake, reward_cum FROM read_parquet('${join(out, 'agent_days.parquet')}')`);
    const want = sims
      .flatMap((s) => s.agentRows)
      .sort((a, b) => a.run - b.run || a.day - b.day || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0))
      .map((a) => [a.agent, a.stake.toString(), a.rewardCum.toString()]);
    expect(agents).toEqual(want);
  }, 60_000);

  it('a second export into the same folder is refused without --force (nothing changed), and replaces the files with it', () => {
    const out = join(complete, 'export-parquet');
    if (!existsSync(out)) expect(cli([complete]).code).toBe(0);
    const before = readFileSync(join(out, 'days.parquet'));
    writeFileSync(join(out, 'days.parquet'), 'not parquet');
    const r = cli([complete, '--table', 'days']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^error: --out .*days\.parquet.*--force/)]);
    expect(readFileSync(join(out, 'days.parquet'), 'utf8')).toBe('not parquet');
    const f = cli([complete, '--table', 'days', '--force']);
    expect(f.code).toBe(0);
    expect(readFileSync(join(out, 'days.parquet'))).toEqual(before);
    expect(ls(complete)).toEqual(['export-parquet', MANIFEST, STORE].sort());
  }, 60_000);
});

describe('a directory from flock-lab run', () => {
  it('every table the run stored comes out with the store\'s rows', async () => {
    const base = newDir('flock-export-run-');
    writeFileSync(join(base, 's.json'), JSON.stringify(tiny));
    const run = runCli(['run', join(base, 's.json'), '--seeds', '2', '--out', join(base, 'run'), '--no-progress', '--workers', '1'], { timeout: 120_000 });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const dir = join(base, 'run');
    const r = cli([dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const written = r.out.trim().split('\n').map((l) => l.split('\t')[0]);
    expect(written.length).toBeGreaterThanOrEqual(3);
    for (const file of written) {
      const t = file.slice(file.lastIndexOf('/') + 1, -'.parquet'.length) as ExportTable;
      expect(await rows(`SELECT * FROM read_parquet('${file}')`)).toEqual(await stored(dir, t));
    }
  }, 180_000);
});

describe('export to CSV', () => {
  it('--table repeatable and comma-separated: only those files, header and exact integer wei', async () => {
    const out = join(newDir('flock-export-out-'), 'a', 'b');
    const r = cli([complete, '--format', 'csv', '--table', 'agent_days,days', '--table', 'cells', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(ls(out)).toEqual(['agent_days.csv', 'cells.csv', 'days.csv']);
    expect(r.out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['agent_days', 'days', 'cells'].map((t) => join(out, `${t}.csv`)));
    for (const t of ['agent_days', 'days', 'cells'] as const) {
      const back = await rows(`SELECT * FROM read_csv('${join(out, `${t}.csv`)}', header = true, all_varchar = true)`);
      expect(back).toEqual(await stored(complete, t));
    }
    expect(readFileSync(join(out, 'days.csv'), 'utf8').split('\n')[0]).toBe(
      'run,seed,day,minted,burned,supply,locked_vesting,locked_gm,held_protocol,circulating,reward_token_per_day,staked,delegated,submissions,copies_detected,invalid_submissions',
    );
  }, 60_000);

  it('an existing --out folder gets the files added, other files left alone', () => {
    const out = newDir('flock-export-out-');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = cli([complete, '--format', 'csv', '--table', 'runs', '--out', out]);
    expect(r.code).toBe(0);
    expect(ls(out)).toEqual(['notes.txt', 'runs.csv']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  }, 60_000);
});

describe('partial and old run directories', () => {
  let partial: string;
  beforeAll(async () => {
    partial = await runDir('partial', sims.slice(0, 1));
  }, 60_000);

  it('refused with exit 2, a message saying how many runs landed and how to finish it, nothing written', () => {
    const r = cli([partial]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^error: run directory .*is partial: 1 of 2 runs landed.*--resume.*--partial/);
    expect(ls(partial)).toEqual([MANIFEST, STORE].sort());
  });

  it('exported as it is with --partial', async () => {
    const r = cli([partial, '--partial', '--table', 'runs,agent_days']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const back = await rows(`SELECT run FROM read_parquet('${join(partial, 'export-parquet', 'runs.parquet')}')`);
    expect(back).toEqual([['0']]);
    expect(await rows(`SELECT * FROM read_parquet('${join(partial, 'export-parquet', 'agent_days.parquet')}')`)).toEqual(await stored(partial, 'agent_days'));
  }, 60_000);

  it('a directory written before the experiment layer (flock-lab-run/1) counts as complete; its store has three of the tables', async () => {
    const dir = newDir('flock-export-old-');
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ format: 'flock-lab-run/1', seeds: [1], days: 3 }));
    {
      // An old store: agent_days, days and role_days only.
      const db = await DuckDBInstance.create(join(dir, STORE));
      const c = await db.connect();
      await c.run(`CREATE TABLE agent_days (run INTEGER, seed INTEGER, day INTEGER, agent VARCHAR, role VARCHAR, behaviour VARCHAR, entity VARCHAR,
        stake HUGEINT, reward HUGEINT, reward_cum HUGEINT)`);
      await c.run(`INSERT INTO agent_days VALUES (0, 1, 0, 'n1', 'node', 'honest', 'e1', 123456789012345678901234567890, 1, 2)`);
      await c.run(`CREATE TABLE days (run INTEGER, seed INTEGER, day INTEGER, minted HUGEINT, burned HUGEINT, supply HUGEINT,
        reward_token_per_day HUGEINT, staked HUGEINT, delegated HUGEINT, submissions INTEGER, copies_detected INTEGER, invalid_submissions INTEGER)`);
      await c.run(`CREATE VIEW role_days AS SELECT run, seed, day, role, behaviour, count(*) AS agents, sum(stake) AS stake, sum(reward) AS reward,
        sum(reward)::DOUBLE / 1e18 AS reward_tokens FROM agent_days GROUP BY ALL`);
      c.closeSync();
      db.closeSync();
    }
    const ok = cli([dir]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ls(join(dir, 'export-parquet'))).toEqual(['agent_days.parquet', 'days.parquet', 'role_days.parquet']);
    expect(await rows(`SELECT stake FROM read_parquet('${join(dir, 'export-parquet', 'role_days.parquet')}')`)).toEqual([['123456789012345678901234567890']]);
    const no = cli([dir, '--table', 'runs', '--out', join(dir, 'other')]);
    expect(no.code).toBe(2);
    expect(no.err.trim().split('\n')).toEqual([expect.stringMatching(/^error: --table: .* has no table runs .*agent_days, days, role_days$/)]);
    expect(existsSync(join(dir, 'other'))).toBe(false);
  }, 60_000);
});

describe('bad input: exit 2, one line naming the flag, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown format', ['--format', 'xlsx'], /^error: --format: unknown format "xlsx"; expected parquet or csv$/],
    ['unknown table', ['--table', 'days,agents'], /^error: --table: unknown table "agents"; expected one or more of agent_days, days, runs, cells, cell_labels, role_days, fl_rounds$/],
  ];
  for (const [name, args, message] of cases)
    it(name, () => {
      const out = join(newDir('flock-export-out-'), 'out');
      const r = cli([complete, ...args, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(existsSync(out)).toBe(false);
    });

  it('no such run directory', () => {
    const dir = join(newDir('flock-export-'), 'nope');
    const r = cli([dir]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([`error: run directory ${dir}: no such directory`]);
  });

  it('--out that is a file, even with --force', () => {
    const file = join(newDir('flock-export-out-'), 'f');
    writeFileSync(file, 'x');
    for (const extra of [[], ['--force']]) {
      const r = cli([complete, '--out', file, ...extra]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toEqual([`error: --out ${file}: ${file} is a file, not a directory`]);
      expect(readFileSync(file, 'utf8')).toBe('x');
    }
  });
});

describe('wei past DECIMAL(38,0)', () => {
  it('Parquet fails with exit 1 and writes nothing (no rounded number); CSV keeps the digits', async () => {
    const huge = 10n ** 38n + 7n;
    const base = sims[0];
    const r0 = { ...base, agentRows: base.agentRows.map((a, i) => (i === 0 ? { ...a, stake: huge } : a)) };
    const dir = await runDir('complete', [r0]);
    const r = cli([dir, '--table', 'agent_days']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/agent_days/);
    expect(ls(dir)).toEqual([MANIFEST, STORE].sort());
    const c = cli([dir, '--format', 'csv', '--table', 'agent_days']);
    expect(c.code).toBe(0);
    const first = base.agentRows[0];
    const back = await rows(
      `SELECT stake FROM read_csv('${join(dir, 'export-csv', 'agent_days.csv')}', header = true, all_varchar = true) WHERE day = '${first.day}' AND agent = '${first.agent}'`,
    );
    expect(back).toEqual([[huge.toString()]]);
  }, 60_000);
});
