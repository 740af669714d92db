/**
 * What an experiment will run, decided and validated before anything runs
 * (docs/architecture.md#experiments): its cells (one for `run`; the grid's product for `sweep`;
 * baseline and proposal for `compare`), each loaded with its overrides so that a bad key or value
 * is exit 2 with nothing started or enqueued, and one job per (cell, seed). Every cell runs the
 * same seeds: common random numbers, so cells differ only by what the cell changes.
 */
import { resolve } from 'node:path';
import { loadScenario, ScenarioError, type LoadedScenario, type Override } from '../scenario/load.js';
import { settlementFor, type SettlementEdit } from '../run/settlement.js';
import type { Scenario } from '../scenario/schema.js';
import { codeId, repoRelative, type JobSpec } from './job.js';
import type { ExperimentKind } from './runDir.js';
import { KEEP_ALL, ROWS_THRESHOLD, type RowOptions } from '../results/rowSample.js';

export interface CellSpec {
  label: string;
  /** The swept or proposed values, by key (as parsed from `key=value`). */
  values: Record<string, unknown>;
  /** The overrides that make this cell, as the user typed them (named in errors). */
  sets: Override[];
}

export interface PlannedCell extends CellSpec {
  cell: number;
  scenario: Scenario;
  scenarioHash: string;
}

export interface Plan {
  kind: ExperimentKind;
  file: string;
  /** The scenario with the command's own overrides and no cell's. */
  base: LoadedScenario;
  baseSets: Override[];
  cells: PlannedCell[];
  seeds: number[];
  jobs: JobSpec[];
  code: string;
  /** The settlement's block names (the same for every cell: cells change values, not code). */
  settlement: string[];
  /** Which per-agent rows the runs keep (every job carries the same); without it, every row. */
  rows?: RowOptions;
}

/** The row options as the manifest records them and `--resume` compares them (threshold spelled out). */
export function rowsRecord(r: RowOptions | undefined): Required<RowOptions> {
  const o = r ?? KEEP_ALL;
  return { mode: o.mode, sample: o.sample, threshold: o.threshold ?? ROWS_THRESHOLD };
}

/** Sets the row options of a plan and of each of its jobs. */
export function setRows(plan: Plan, rows: RowOptions): void {
  plan.rows = rows;
  for (const j of plan.jobs) j.rows = rows;
}

/**
 * `seeds`: exactly these; or `seedCount`: that many consecutive seeds from the scenario's first
 * (`--seeds N`); or neither: the scenario's own list.
 */
export async function makePlan(o: { kind: ExperimentKind; file: string; sets: Override[]; cells: CellSpec[]; seeds?: number[]; seedCount?: number }): Promise<Plan> {
  const base = await loadScenario(o.file, o.sets);
  const settlement = settlementFor(base.settlement as SettlementEdit | undefined, o.file).names();
  const first = base.scenario.seeds[0];
  const seeds = o.seeds ?? (o.seedCount !== undefined ? Array.from({ length: o.seedCount }, (_, i) => first + i) : base.scenario.seeds);
  const cells: PlannedCell[] = [];
  for (const [i, c] of o.cells.entries()) {
    const l = await loadScenario(o.file, [...o.sets, ...c.sets]);
    cells.push({ ...c, cell: i, scenario: l.scenario, scenarioHash: l.hash });
  }
  const hashes = new Map<string, string>();
  for (const c of cells) {
    const same = hashes.get(c.scenarioHash);
    if (same !== undefined && o.kind !== 'run')
      throw new ScenarioError('command line', [{ path: c.label, message: `gives the same scenario as ${same}; every cell must differ` }]);
    hashes.set(c.scenarioHash, c.label);
  }
  const code = codeId();
  const file = resolve(o.file);
  const fileInRepo = repoRelative(file);
  const jobs: JobSpec[] = cells.flatMap((c) =>
    seeds.map((seed, i) => ({ run: c.cell * seeds.length + i, cell: c.cell, seed, file, ...(fileInRepo ? { fileInRepo } : {}), sets: [...o.sets, ...c.sets], scenarioHash: c.scenarioHash, code })),
  );
  return { kind: o.kind, file, base, baseSets: o.sets, cells, seeds, jobs, code, settlement };
}

/**
 * What the manifest keeps of a plan, and what `--resume` compares: the same scenario, the same
 * cells and seeds, the same code. Returns the first difference in words, or null.
 */
export function planDifference(
  plan: Plan,
  m: { kind: string; scenarioHash: string; seeds: number[]; cells: { label: string; scenarioHash: string }[]; code: string; rows?: unknown },
): string | null {
  if (m.kind !== plan.kind) return `it is a ${m.kind}, not a ${plan.kind}`;
  // docs/architecture.md#rows-at-scale: a store whose runs kept other rows would mix two kinds of run.
  // A manifest without them is older than row options: its code differs, which the next check says.
  const rows = JSON.stringify(rowsRecord(plan.rows));
  const theirRows = JSON.stringify(m.rows);
  if (m.rows !== undefined && rows !== theirRows) return `its rows are ${theirRows}; this command's are ${rows} (--rows/--sample must be the same)`;
  if (m.code !== plan.code) return `it was made by code ${m.code}; this is ${plan.code}`;
  if (m.scenarioHash !== plan.base.hash) return `its scenario hash is ${m.scenarioHash.slice(0, 12)}…; this command's is ${plan.base.hash.slice(0, 12)}…`;
  if (JSON.stringify(m.seeds) !== JSON.stringify(plan.seeds)) return `its seeds are ${JSON.stringify(m.seeds)}; this command's are ${JSON.stringify(plan.seeds)}`;
  const mine = plan.cells.map((c) => `${c.label}=${c.scenarioHash}`).join(' ');
  const theirs = m.cells.map((c) => `${c.label}=${c.scenarioHash}`).join(' ');
  if (mine !== theirs) return `its cells are ${m.cells.map((c) => c.label).join('; ')}; this command's are ${plan.cells.map((c) => c.label).join('; ')}`;
  return null;
}
