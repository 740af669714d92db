/**
 * `flock-lab report <run dir>`: a report folder (docs/architecture.md#reports) from a complete run
 * directory: index.html, report.md, a PNG and a CSV per chart, and report.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ScenarioError } from '../scenario/error.js';
import { openRunDir, RunDirError } from '../experiments/runDir.js';
import { makeDirs, OutDirError } from '../run/outDirs.js';
import { commandLine, readNotes } from './experiment.js';
import { isAttackDir, readAttackManifest } from '../attacks/study.js';

interface ReportFlags {
  out?: string;
  notes?: string;
  question?: string;
  force?: boolean;
}

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** Writes `write(tmp)` into a folder beside `out` and renames it into place: a failed report leaves nothing behind. */
function intoPlace(out: string, label: string, write: (tmp: string) => void): void {
  makeDirs(dirname(out), label);
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    write(tmp);
    rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** An attack directory's report (sim/report/attack.ts; docs/attacks.md#reports). */
async function attackReport(runDir: string, f: ReportFlags): Promise<number> {
  const m = readAttackManifest(runDir);
  if (m.status !== 'complete') throw new RunDirError(runDir, `is ${m.status}: finish it with \`flock-lab attack … --resume ${runDir}\` (no partial reports)`);
  const dir = resolve(runDir);
  const out = resolve(f.out ?? join(dir, 'report'));
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0) && !f.force)
    throw new OutDirError(f.out ?? out, `${out} already exists and is not empty; pass --force to replace it`);
  const notes = f.notes !== undefined ? readNotes(f.notes) : undefined;
  const [{ loadAttackReport, attackCharts, writeAttackReport }, { readAssumptions }] = await Promise.all([import('../report/attack.js'), import('../report/render.js')]);
  const data = loadAttackReport(dir, { question: f.question, notes, reportCommand: commandLine() });
  const charts = await attackCharts(data);
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
  intoPlace(out, f.out ?? out, (tmp) => void writeAttackReport(tmp, data, charts, readAssumptions(ROOT), version));
  process.stdout.write(`report: ${join(out, 'index.html')}\n       ${join(out, 'report.md')} (with ${charts.length} PNG charts), report.json, ${charts.length} CSVs\n`);
  return 0;
}

export async function reportCommand(runDir: string, f: ReportFlags): Promise<number> {
  try {
    if (isAttackDir(runDir)) return await attackReport(runDir, f);
    const { dir, manifest } = openRunDir(runDir, { flag: 'a complete run directory (no partial reports)' });
    const out = resolve(f.out ?? join(dir, 'report'));
    if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0) && !f.force)
      throw new OutDirError(f.out ?? out, `${out} already exists and is not empty; pass --force to replace it`);
    const notes = f.notes !== undefined ? readNotes(f.notes) : undefined;
    // Loaded here, not at start-up: vega, Plot and jsdom cost every other command a second.
    const [{ loadReportData }, { makeCharts }, { readAssumptions, writeReport }] = await Promise.all([import('../report/data.js'), import('../report/charts.js'), import('../report/render.js')]);
    const data = await loadReportData(dir, manifest, { question: f.question, notes, reportCommand: commandLine() });
    const charts = await makeCharts(data);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    // Written beside the target and renamed: a failed report leaves nothing behind.
    makeDirs(dirname(out), f.out ?? out);
    const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    try {
      const w = writeReport(tmp, data, charts, readAssumptions(ROOT), version);
      rmSync(out, { recursive: true, force: true });
      renameSync(tmp, out);
      process.stdout.write(`report: ${join(out, 'index.html')}\n       ${join(out, 'report.md')} (with ${charts.length} PNG charts), report.json, ${w.files.filter((x) => x.endsWith('.csv')).length} CSVs\n`);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    return 0;
  } catch (e) {
    if (e instanceof RunDirError || e instanceof ScenarioError || e instanceof OutDirError) {
      process.stderr.write(`error: ${e instanceof OutDirError ? '--out ' : ''}${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Write a report of a complete run directory (run, sweep, compare or attack): index.html (self-contained, no network), report.md for a forum post with a PNG per chart, a CSV per chart, and report.json with every number.\nThe question and the opening notes come from the run (compare --question … --notes FILE) or from --question/--notes here.\nExit 0: written; 2: the directory is partial, has no manifest, or --out is not usable.',
    )
    .argument('<run dir>', 'a run directory written by run, sweep, compare or attack')
    .option('--out <dir>', 'report folder (default <run dir>/report); an existing non-empty one only with --force')
    .option('--question <text>', 'the question the report answers (instead of the one the run recorded)')
    .option('--notes <file>', 'opening paragraphs for the reader (instead of the run\'s)')
    .option('--force', 'replace an existing report folder')
    .action(async (dir: string, f: ReportFlags) => {
      process.exitCode = await reportCommand(dir, f);
    });
}
