/**
 * Rows at scale as a user meets them (docs/architecture.md#rows-at-scale): the same sample and
 * resultsHash with 0 or 2 workers, the row options in the manifest and compared by --resume, and
 * bad --rows/--sample values refused with exit 2. The threshold is lowered by the test knob
 * FLOCK_LAB_ROWS_THRESHOLD so that a small run samples.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './support/cli.js';
import { rowOptions } from '../sim/cli/experiment.js';
import { loadReportData } from '../sim/report/data.js';

const newDir = tempDirs();
const env = { FLOCK_LAB_ROWS_THRESHOLD: '10' };
const cli = (args: string[]) => runCli(args, { timeout: 120_000, env });
const small = { name: 'small', days: 3, tasks: [{ startDay: 0, durationDays: 3 }], populations: { nodes: { count: 4, mix: { honest: 0.5, lazy: 0.5 } }, validators: { count: 3 }, delegators: { count: 12 } } };

async function query(dir: string, sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(join(dir, 'results.duckdb'));
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const text = (rows: unknown[][]) => JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

describe('--rows and --sample', () => {
  it('sample the same agents and give the same resultsHash and group_days with 0 and 2 workers', async () => {
    const dir = newDir('flock-rows-cli-');
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    const got = [];
    for (const w of ['0', '2']) {
      const out = join(dir, `w${w}`);
      const r = cli(['run', file, '--seeds', '2', '--workers', w, '--sample', '5', '--out', out, '--no-progress']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/per-agent rows: a seeded sample of 5 of 19 agents in 2 sampled run\(s\)/);
      got.push({
        hash: manifest(out).resultsHash as string,
        agents: text(await query(out, 'SELECT run, count(DISTINCT agent), count(*) FROM agent_days GROUP BY run ORDER BY run')),
        rows: text(await query(out, 'SELECT * FROM agent_days ORDER BY run, day, agent')),
        groups: text(await query(out, 'SELECT * FROM group_days ORDER BY run, day, role, behaviour')),
        summary: readFileSync(join(out, 'summary.json'), 'utf8'),
      });
      expect(manifest(out).rows).toEqual({ mode: 'auto', sample: 5, threshold: 10 });
    }
    expect(got[0].agents).toBe(text([[0, 5n, 15n], [1, 5n, 15n]]));
    expect(got[1]).toEqual(got[0]);
    // Every row kept: another hash, the same KPI summary (the KPIs never came from the sample).
    const whole = join(dir, 'all');
    const r = cli(['run', file, '--seeds', '2', '--workers', '0', '--rows', 'all', '--out', whole, '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/per-agent rows/);
    expect(manifest(whole).resultsHash).not.toBe(got[0].hash);
    expect(readFileSync(join(whole, 'summary.json'), 'utf8')).toBe(got[0].summary);
    // The report's figures of the sampled runs come from their sums over every agent: the same as with every row.
    const [a, b] = await Promise.all([whole, join(dir, 'w0')].map((d) => loadReportData(d, manifest(d), { now: new Date(0) })));
    expect(b.rows).toMatch(/^per-agent rows: a seeded sample of 5 of 19 agents in 2 sampled run\(s\)/);
    expect(a.rows).toBeUndefined();
    expect(b.rewardsByDay).toEqual(a.rewardsByDay);
    expect(b.concentrationByDay).toEqual(a.concentrationByDay);
    expect(b.apr.map((x) => ({ ...x, apr: x.apr.toPrecision(12) }))).toEqual(a.apr.map((x) => ({ ...x, apr: x.apr.toPrecision(12) })));
    // --resume of the sampled directory with other row options is refused, naming them.
    const again = cli(['run', file, '--seeds', '2', '--workers', '0', '--rows', 'all', '--resume', join(dir, 'w0'), '--no-progress']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/cannot resume: its rows are .*"sample":5.*--rows\/--sample must be the same/);
  }, 120_000);

  it('refuse bad values with exit 2, naming the option, before anything runs', () => {
    const cases: [Parameters<typeof rowOptions>[0], RegExp][] = [
      [{ rows: 'some' }, /--rows: expected one of all, sample, auto, got "some"/],
      [{ sample: '0' }, /--sample: expected a positive integer, got "0"/],
      [{ sample: '2.5' }, /--sample: expected a positive integer/],
      [{ rows: 'all', sample: '10' }, /--sample: --rows all keeps every agent's rows/],
    ];
    for (const [flags, message] of cases) expect(() => rowOptions(flags, {})).toThrow(message);
    expect(() => rowOptions({}, { FLOCK_LAB_ROWS_THRESHOLD: 'many' })).toThrow(/FLOCK_LAB_ROWS_THRESHOLD: expected an integer/);
    expect(rowOptions({}, {})).toEqual({ mode: 'auto', sample: 1000 });
    expect(rowOptions({ rows: 'sample', sample: '20' }, { FLOCK_LAB_ROWS_THRESHOLD: '5' })).toEqual({ mode: 'sample', sample: 20, threshold: 5 });
    // As the CLI says it: exit 2, nothing written.
    const dir = newDir('flock-rows-bad-');
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    const r = cli(['run', file, '--workers', '0', '--out', join(dir, 'out'), '--no-progress', '--sample', '0']);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/--sample: expected a positive integer, got "0"/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 60_000);
});
