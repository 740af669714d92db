/**
 * The run directory of an experiment (docs/architecture.md#run-directories): results.duckdb, the
 * resolved scenario, manifest.json and, once complete, summary.json. It is created where `--out`
 * says before the first run starts, with `"status": "partial"`; each finished run lands in the
 * store in its own transaction and the manifest's count follows; the last run makes it
 * `"complete"`. A run that breaks an invariant makes it `"failed"` (with the error), or removes the
 * directory when no run had landed. A killed experiment leaves a partial directory that `--resume`
 * finishes.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeDirs, OutDirError, why } from '../run/outDirs.js';

export const MANIFEST = 'manifest.json';
export const STORE = 'results.duckdb';
export const RUN_FORMAT = 'flock-lab-run/2';

export type RunStatus = 'partial' | 'complete' | 'failed';
export type ExperimentKind = 'run' | 'sweep' | 'compare';

/** What manifest.json says (other fields may follow; readers ignore what they do not know). */
export interface Manifest {
  format: string;
  kind: ExperimentKind;
  status: RunStatus;
  scenario: string;
  scenarioHash: string;
  protocol: string;
  seeds: number[];
  days: number;
  cells: { cell: number; label: string; values: Record<string, unknown>; scenarioHash: string }[];
  runs: { done: number; total: number };
  code: string;
  codeVersion: { package: string; commit: string; dirty: boolean | 'unknown' };
  resultsHash?: string;
  error?: string;
  files: string[];
  [k: string]: unknown;
}

/** A run directory that cannot be read as one: exit 2 with the message. */
export class RunDirError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`${dir}: ${reason}`);
    this.name = 'RunDirError';
  }
}

/** Writes the manifest whole or not at all (a crash leaves the previous one). */
export function writeManifest(dir: string, m: Manifest): void {
  const tmp = join(dir, `.${MANIFEST}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n');
  renameSync(tmp, join(dir, MANIFEST));
}

export function readManifest(dir: string): Manifest {
  const file = join(resolve(dir), MANIFEST);
  if (!existsSync(resolve(dir))) throw new RunDirError(dir, 'no such directory');
  if (!existsSync(file)) throw new RunDirError(dir, `not a run directory (no ${MANIFEST})`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new RunDirError(dir, `${MANIFEST} is not JSON: ${(e as Error).message}`);
  }
  // Directories written before the experiment layer (flock-lab-run/1) were complete by construction.
  if (m.format === 'flock-lab-run/1') return { ...m, kind: 'run', status: 'complete' } as Manifest;
  if (m.format !== RUN_FORMAT) throw new RunDirError(dir, `unknown format ${JSON.stringify(m.format)} in ${MANIFEST} (expected ${RUN_FORMAT})`);
  return m;
}

/**
 * Opens a run directory for reading (report, regress, export): refuses one that is not complete
 * unless `allowPartial`, saying how many runs are there and how to finish it.
 */
export function openRunDir(dir: string, opts: { allowPartial?: boolean; flag?: string } = {}): { dir: string; manifest: Manifest; store: string } {
  const manifest = readManifest(dir);
  if (manifest.status !== 'complete' && !opts.allowPartial) {
    const how = manifest.status === 'failed' ? `it failed: ${manifest.error ?? 'see its manifest'}` : `finish it with \`flock-lab ${manifest.kind} … --resume ${dir}\``;
    throw new RunDirError(dir, `is ${manifest.status}: ${manifest.runs.done} of ${manifest.runs.total} runs landed; ${how}, or pass ${opts.flag ?? '--partial'} to use what is there`);
  }
  const store = join(resolve(dir), STORE);
  if (!existsSync(store)) throw new RunDirError(dir, `no ${STORE}`);
  return { dir: resolve(dir), manifest, store };
}

/** `open(store)` for a reader of a run directory: a file DuckDB cannot read is bad input (RunDirError, exit 2), not a crash. */
export async function readStore<T>(dir: string, store: string, open: (file: string) => Promise<T>): Promise<T> {
  try {
    return await open(store);
  } catch (e) {
    throw new RunDirError(dir, `cannot open ${store} for reading: ${(e as Error).message}`);
  }
}

/** Creates the directory of a new experiment: refused (OutDirError) if it exists or cannot be made. */
export function createRunDir(out: string): { dir: string; madeParent: string | undefined } {
  const dir = resolve(out);
  if (existsSync(dir)) throw new OutDirError(out, `${dir} already exists; choose another directory, remove it, or pass --resume ${out} to finish it`);
  const madeParent = makeDirs(resolve(dir, '..'), out);
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new OutDirError(out, why(e, dir));
  }
  return { dir, madeParent };
}
