/**
 * Exporting a results store (sim/results/store.ts) to Parquet or CSV files, one per table, for
 * pandas, Polars or a spreadsheet. DuckDB writes the files itself (`COPY (SELECT … ORDER BY …) TO`),
 * rows in a fixed order so that two exports of the same store are the same rows in the same order.
 *
 * Wei amounts are HUGEINT in the store. Parquet has no 128-bit integer and DuckDB 1.5 writes a
 * HUGEINT column as DOUBLE (about 16 digits: wei lost), so every HUGEINT column is written as
 * DECIMAL(38,0) instead: exact for every amount below 10^38 wei (10^20 tokens), which pandas reads
 * as Python Decimals and Polars as Decimal(38, 0). An amount of 10^38 or more fails the export
 * (DuckDB refuses the cast) rather than writing a rounded number. CSV writes integers as their
 * exact decimal digits, so it keeps HUGEINT as it is.
 *
 * Nothing here knows about the command line: the caller checks its input and decides where the
 * files go (sim/cli/export.ts).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SampleInfo } from './rowSample.js';

export const EXPORT_FORMATS = ['parquet', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The tables (and the view role_days) an export writes by default, each with its row order. */
export const EXPORT_ORDER = {
  agent_days: ['run', 'day', 'agent'],
  days: ['run', 'day'],
  runs: ['run'],
  cells: ['cell', 'key'],
  cell_labels: ['cell'],
  role_days: ['run', 'day', 'role', 'behaviour'],
  // Only in stores of runs with FL tasks (docs/fl-alliance.md#results).
  fl_rounds: ['run', 'task', 'round'],
  // Only in stores with a sampled run (docs/architecture.md#rows-at-scale): exported when there, not listed with the rest.
  group_days: ['run', 'day', 'role', 'behaviour'],
} as const satisfies Record<string, readonly string[]>;

export type ExportTable = keyof typeof EXPORT_ORDER;
const ALL_TABLES = Object.keys(EXPORT_ORDER) as ExportTable[];
/** The tables a user is told of (group_days, of sampled runs only, is named in `export --help`). */
export const EXPORT_TABLES = ALL_TABLES.filter((t) => t !== 'group_days');

/** Column types DuckDB cannot write to Parquet exactly, written as DECIMAL(38,0). */
const WIDE_INTEGERS = new Set(['HUGEINT', 'UHUGEINT']);

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

export function isExportTable(s: string): s is ExportTable {
  return Object.hasOwn(EXPORT_ORDER, s);
}

/** The file a table is written to: `<table>.parquet` or `<table>.csv`. */
export function exportFileName(table: ExportTable, format: ExportFormat): string {
  return `${table}.${format}`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A results store opened read-only for exporting. */
export class ExportSource {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly c: DuckDBConnection,
  ) {}

  /** Opens the store at `file` read-only: an export never changes it. */
  static async open(file: string): Promise<ExportSource> {
    const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    try {
      return new ExportSource(db, await db.connect());
    } catch (e) {
      db.closeSync();
      throw e;
    }
  }

  /**
   * Which of the exportable tables the store holds, in EXPORT_TABLES order (a store written before
   * sweeps and comparisons has only agent_days, days and role_days).
   */
  async tables(): Promise<ExportTable[]> {
    const rows = (
      await this.c.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'`)
    ).getRows();
    const have = new Set(rows.map((r) => String(r[0])));
    return ALL_TABLES.filter((t) => have.has(t));
  }

  /** What the store's sampled runs kept (docs/architecture.md#rows-at-scale); empty when every run kept every row. */
  async sampled(): Promise<SampleInfo[]> {
    if (!(await this.tables()).includes('group_days')) return [];
    const rows = (await this.c.runAndReadAll(`SELECT extras FROM runs ORDER BY run`)).getRows();
    return rows.flatMap((r) => {
      const s = (JSON.parse(String(r[0])) as { sampled?: SampleInfo }).sampled;
      return s ? [s] : [];
    });
  }

  /** The SELECT an export of `table` runs: every column, wide integers cast for Parquet, rows in EXPORT_ORDER. */
  async query(table: ExportTable, format: ExportFormat): Promise<string> {
    const cols = (
      await this.c.runAndReadAll(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).getRows();
    const list = cols.map(([name, type]) => {
      const n = ident(String(name));
      return format === 'parquet' && WIDE_INTEGERS.has(String(type)) ? `CAST(${n} AS DECIMAL(38,0)) AS ${n}` : n;
    });
    return `SELECT ${list.join(', ')} FROM ${ident(table)} ORDER BY ${EXPORT_ORDER[table].map(ident).join(', ')}`;
  }

  /** Writes `table` to `file` (which must not exist) in `format`; returns the rows written. */
  async exportTable(table: ExportTable, format: ExportFormat, file: string): Promise<number> {
    const options = format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER';
    const r = await this.c.runAndReadAll(`COPY (${await this.query(table, format)}) TO ${literal(file)} (${options})`);
    return Number(r.getRows()[0][0]);
  }

  close(): void {
    this.c.closeSync();
    this.db.closeSync();
  }
}
