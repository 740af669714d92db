/**
 * A report is a function of the runs, not of the order the store holds their rows in: a pool
 * stores runs as its threads finish them, so two runs of the same experiment can hold the same
 * rows in another physical order (docs/architecture.md#reports). Here the rows of a finished run
 * directory are rewritten in reverse run order, and the report data must stay byte-identical —
 * float means included, which an unordered sum moves in the last digit.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './support/cli.js';
import { loadReportData } from '../sim/report/data.js';
import { readManifest } from '../sim/experiments/runDir.js';

const newDir = tempDirs();

/** Rewrites each table with its rows in reverse run order (last run first). */
async function reverseRuns(store: string, tables: readonly string[]): Promise<void> {
  const db = await DuckDBInstance.create(store);
  const c = await db.connect();
  for (const t of tables) {
    await c.run(`CREATE TABLE reordered AS SELECT * FROM ${t} ORDER BY run DESC`);
    await c.run(`DROP TABLE ${t}`);
    await c.run(`ALTER TABLE reordered RENAME TO ${t}`);
  }
  await c.run('CHECKPOINT');
  c.closeSync();
  db.closeSync();
}

async function firstRun(store: string, table: string): Promise<number> {
  const db = await DuckDBInstance.create(store, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  const r = await c.runAndReadAll(`SELECT run FROM ${table} LIMIT 1`);
  const run = Number(r.getRows()[0][0]);
  c.closeSync();
  db.closeSync();
  return run;
}

const asJson = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/** A small run of the surrogate network; the scenario file is written into `dir`. */
function tinyScenario(dir: string): string {
  const file = join(dir, 's.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'order',
      days: 6,
      tasks: [{ startDay: 0, durationDays: 6 }],
      populations: { nodes: { count: 6, mix: { honest: 0.5, lazy: 0.5 } }, validators: { count: 4 }, delegators: { count: 6 } },
    }),
  );
  return file;
}

describe('report data and physical row order', () => {
  it.each([
    { what: 'AI Arena (agent and day rows)', scenario: tinyScenario, days: [] as string[], tables: ['agent_days', 'days'] },
    { what: 'FL Alliance (with FL rounds)', scenario: () => 'scenarios/fl-alliance.ts', days: ['--days', '4'], tables: ['agent_days', 'days', 'fl_rounds'] },
  ])('$what: the same report data when the store holds the runs in reverse order', async ({ scenario, days, tables }) => {
    const dir = newDir('flock-report-order-');
    const inOrder = join(dir, 'in-order');
    const r = runCli(['run', scenario(dir), '--seeds', '5', ...days, '--workers', '0', '--out', inOrder, '--no-progress'], { timeout: 120_000 });
    expect(r.code, r.err).toBe(0);
    const reversed = join(dir, 'reversed');
    cpSync(inOrder, reversed, { recursive: true });
    await reverseRuns(join(reversed, 'results.duckdb'), tables);
    // The rewrite did reorder what a scan without ORDER BY sees.
    for (const t of tables) {
      expect(await firstRun(join(inOrder, 'results.duckdb'), t), t).toBe(0);
      expect(await firstRun(join(reversed, 'results.duckdb'), t), t).toBe(4);
    }
    const now = new Date('2026-12-02T00:00:00Z');
    const a = await loadReportData(inOrder, readManifest(inOrder), { now });
    const b = await loadReportData(reversed, readManifest(reversed), { now });
    expect(b.rewardsByDay.length).toBeGreaterThan(0);
    // Field by field, so a failure shows which numbers moved rather than two pages of JSON.
    for (const k of Object.keys(a) as (keyof typeof a)[]) expect(asJson(b[k]), k).toBe(asJson(a[k]));
  }, 150_000);
});
