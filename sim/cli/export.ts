/**
 * `flock-lab export <run dir>`: the tables of a run directory's results.duckdb as Parquet or CSV
 * files, one per table, for pandas and Polars (README, "Exporting results"). DuckDB writes the
 * files (sim/results/export.ts); this checks the input and the target first, writes into a hidden
 * folder next to the target and moves the files in only when every table is written, so a refused
 * or failed export leaves nothing behind.
 */
import { rowsLine } from '../results/rowSample.js';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXPORT_FORMATS, EXPORT_TABLES, ExportSource, exportFileName, isExportFormat, isExportTable, type ExportFormat, type ExportTable } from '../results/export.js';
import { openRunDir, readStore, RunDirError } from '../experiments/runDir.js';
import { makeDirs, OutDirError, removeEmptyDirs, why } from '../run/outDirs.js';

interface ExportFlags {
  format: string;
  table?: string[];
  out?: string;
  partial?: boolean;
  force?: boolean;
}

/** Bad input: exit 2 with `error: <message>`, before anything is written. */
class ExportInputError extends Error {}

function parseTables(values: string[] = []): ExportTable[] | undefined {
  const names = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (values.length > 0 && names.length === 0) throw new ExportInputError(`--table: no table named; expected one or more of ${EXPORT_TABLES.join(', ')}`);
  if (names.length === 0) return undefined;
  const bad = names.filter((n) => !isExportTable(n));
  if (bad.length) throw new ExportInputError(`--table: unknown table ${bad.map((b) => JSON.stringify(b)).join(', ')}; expected one or more of ${EXPORT_TABLES.join(', ')}`);
  return [...new Set(names as ExportTable[])];
}

/**
 * What `--out` means for this export, checked before anything is written: a missing folder is
 * created (with its parents) at the end; an existing one gets the files added, but one that would
 * be overwritten is refused unless `force`. A file, or a folder where a table's file goes, is
 * always refused.
 */
function checkOut(out: string, files: string[], force: boolean): { exists: boolean } {
  const dir = resolve(out);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false };
    if (code === 'ENOTDIR') throw new OutDirError(out, `${dir} is below a file, not a directory`);
    throw new OutDirError(out, why(e, dir));
  }
  if (!st.isDirectory()) throw new OutDirError(out, `${dir} is a file, not a directory`);
  const clash = files.filter((f) => existsSync(join(dir, f)));
  const folders = clash.filter((f) => statSync(join(dir, f)).isDirectory());
  if (folders.length) throw new OutDirError(out, `${folders.join(', ')} in ${dir} ${folders.length > 1 ? 'are folders' : 'is a folder'}; choose another --out`);
  if (clash.length && !force) throw new OutDirError(out, `${dir} already holds ${clash.join(', ')}; pass --force to overwrite, or choose another --out`);
  return { exists: true };
}

export async function exportCommand(runDir: string, f: ExportFlags): Promise<number> {
  let tmp: string | undefined;
  let madeParent: string | undefined;
  let src: ExportSource | undefined;
  try {
    const format = f.format;
    if (!isExportFormat(format)) throw new ExportInputError(`--format: unknown format ${JSON.stringify(format)}; expected ${EXPORT_FORMATS.join(' or ')}`);
    const asked = parseTables(f.table);
    const { store } = openRunDir(runDir, { allowPartial: f.partial === true, flag: '--partial' });
    src = await readStore(runDir, store, (file) => ExportSource.open(file));
    const have = await src.tables();
    const missing = (asked ?? []).filter((t) => !have.includes(t));
    if (missing.length)
      throw new ExportInputError(`--table: ${runDir} has no table ${missing.join(', ')} (written by an older flock-lab); it has ${have.join(', ') || 'none'}`);
    const tables = asked ?? have;
    if (!tables.length) throw new ExportInputError(`${runDir}: results.duckdb holds none of the tables ${EXPORT_TABLES.join(', ')}`);

    const out = f.out ?? join(runDir, `export-${format}`);
    const files = tables.map((t) => exportFileName(t, format as ExportFormat));
    const { exists } = checkOut(out, files, f.force === true);
    const target = resolve(out);
    madeParent = makeDirs(dirname(target), out);
    tmp = join(dirname(target), `.${basename(target)}.export-${process.pid}`);
    try {
      mkdirSync(tmp);
    } catch (e) {
      throw new OutDirError(out, why(e, tmp));
    }

    const sampled = tables.includes('agent_days') ? await src.sampled() : [];
    const rows: number[] = [];
    for (let i = 0; i < tables.length; i++) {
      try {
        rows.push(await src.exportTable(tables[i], format, join(tmp, files[i])));
      } catch (e) {
        process.stderr.write(`export failed: ${tables[i]}: ${(e as Error).message}\n`);
        return 1;
      }
    }
    src.close();
    src = undefined;
    if (exists) {
      for (const file of files) renameSync(join(tmp, file), join(target, file));
      rmSync(tmp, { recursive: true, force: true });
    } else renameSync(tmp, target);
    tmp = undefined;
    madeParent = undefined;
    for (let i = 0; i < files.length; i++) process.stdout.write(`${join(out, files[i])}\t${rows[i]} ${rows[i] === 1 ? 'row' : 'rows'}\n`);
    // docs/architecture.md#rows-at-scale: agent_days of a sampled run is not every agent.
    if (sampled.length) process.stdout.write(`${rowsLine(sampled)} in agent_days; group_days and role_days sum every agent\n`);
    return 0;
  } catch (e) {
    if (e instanceof ExportInputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof RunDirError) {
      process.stderr.write(`error: run directory ${e.message}\n`);
      return 2;
    }
    if (e instanceof OutDirError) {
      process.stderr.write(`error: --out ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    src?.close();
    if (tmp !== undefined) {
      rmSync(tmp, { recursive: true, force: true });
      removeEmptyDirs(madeParent, tmp);
    }
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'Write the tables of a run directory\'s results.duckdb as Parquet or CSV files, one per table (<table>.parquet or <table>.csv), for pandas, Polars or a spreadsheet; prints one line per file: its path and its row count.\n' +
        `Tables: ${EXPORT_TABLES.join(', ')} (default: every one the store holds). Rows are ordered: agent_days by run, day, agent; days by run, day; runs by run; cells by cell, key; cell_labels by cell; role_days by run, day, role, behaviour; fl_rounds (runs with FL tasks) by run, task, round; group_days (runs that kept a sample of per-agent rows, --rows) by run, day, role, behaviour.\n` +
        'Wei amounts (HUGEINT in the store) are exact: in Parquet as DECIMAL(38,0) (Parquet has no 128-bit integer; pandas reads Python Decimals, Polars Decimal(38, 0)), in CSV as plain integer digits.\n' +
        'Nothing is written unless every table is: the files are written into a hidden folder next to --out and moved in at the end.\n' +
        'Exit 0: written; 1: DuckDB failed writing a table (nothing written); 2: bad input (unknown --format or --table, a missing, partial or failed run directory without --partial, an --out that is a file or holds a file to be overwritten without --force).',
    )
    .argument('<run dir>', 'a run directory (results.duckdb, manifest.json), e.g. runs/baseline-2025-…')
    .option('--format <format>', `file format: ${EXPORT_FORMATS.join(' or ')}`, 'parquet')
    .option('--table <table>', `a table to export, repeatable or comma-separated (default: all of ${EXPORT_TABLES.join(', ')} the store holds)`, (v: string, acc: string[] | undefined) => [...(acc ?? []), v])
    .option('--out <dir>', 'folder for the files (default <run dir>/export-<format>); created if missing, added to if it exists')
    .option('--partial', 'export a partial or failed run directory as it is (the runs that landed)')
    .option('--force', 'overwrite files of the same name in --out')
    .action(async (dir: string, f: ExportFlags) => {
      process.exitCode = await exportCommand(dir, f);
    });
}
