/**
 * The attack part of `flock-lab regress` (docs/attacks.md#regression): for each pinned family of
 * reports/baselines/attacks.json, the minimum profitable coalition share on the baseline scenario,
 * found again with the pinned budget and seeds. A rule change that lowers it by one grid step or
 * more fails, naming the family (an attack got cheaper); a raise is reported as an improvement;
 * `--update` re-pins. Only the grid step is compared: gains are recorded beside it for readers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Executor } from '../experiments/executor.js';
import { BASELINES_DIR, LAB_ROOT, RegressInputError } from '../experiments/regress.js';
import { fileEvaluator } from './evaluate.js';
import { runAttack, type FamilyResult } from './attack.js';
import { FAMILIES, SHARE_GRID } from './families.js';

export const ATTACK_BASELINE = join(BASELINES_DIR, 'attacks.json');
export const ATTACK_BASELINE_FORMAT = 'flock-lab-attack-baseline/1';

export interface AttackPin {
  /** Checked by `flock-lab regress` (CI); the others only by `npm run bench`. */
  ci: boolean;
  gridBudget: number;
  seeds: number[];
  freshSeeds: number[];
  minProfitableShare: number | null;
  /** For readers: the fresh-seed gain at each grid share (not compared). */
  grid: { share: number; gain: number | null; lo: number | null; hi: number | null; point: Record<string, string | number> | null }[];
}

export interface AttackBaselineFile {
  format: string;
  /** The scenario, relative to the lab's folder, and the overrides it runs with. */
  scenario: string;
  sets: string[];
  grid: number[];
  families: Record<string, AttackPin>;
}

export interface AttackCheck {
  family: string;
  pinned: number | null;
  now: number | null;
  /** lower: the attack got cheaper (fails); higher: dearer (an improvement). */
  status: 'identical' | 'lower' | 'higher' | 'new';
  seconds: number;
  result: FamilyResult;
}

/** A share's grid step; "none profitable" is the step past the grid's end. */
const step = (x: number | null) => (x === null ? SHARE_GRID.length : SHARE_GRID.findIndex((g) => g === x));
export const shareWords = (x: number | null) => (x === null ? 'none of 5–50 %' : `${Math.round(x * 100)} %`);

export function readAttackBaseline(file = ATTACK_BASELINE): AttackBaselineFile {
  const rel = relative(LAB_ROOT, file);
  if (!existsSync(file)) throw new RegressInputError(`${rel}: no such file`);
  let b: AttackBaselineFile;
  try {
    b = JSON.parse(readFileSync(file, 'utf8')) as AttackBaselineFile;
  } catch (e) {
    throw new RegressInputError(`${rel}: not valid JSON (${(e as Error).message})`);
  }
  if (b.format !== ATTACK_BASELINE_FORMAT || typeof b.scenario !== 'string' || !Array.isArray(b.sets) || typeof b.families !== 'object')
    throw new RegressInputError(`${rel}: expected { "format": "${ATTACK_BASELINE_FORMAT}", "scenario", "sets", "grid", "families" }`);
  if (JSON.stringify(b.grid) !== JSON.stringify(SHARE_GRID)) throw new RegressInputError(`${rel}: grid ${JSON.stringify(b.grid)} is not the attack grid ${JSON.stringify(SHARE_GRID)}; re-pin with --update`);
  for (const [name, p] of Object.entries(b.families)) {
    if (!FAMILIES[name]) throw new RegressInputError(`${rel}: families.${name}: unknown family`);
    if (!(Number.isInteger(p.gridBudget) && p.gridBudget >= 1) || !Array.isArray(p.seeds) || !Array.isArray(p.freshSeeds) || step(p.minProfitableShare) < 0)
      throw new RegressInputError(`${rel}: families.${name}: expected gridBudget ≥ 1, seeds, freshSeeds and minProfitableShare (a grid share or null)`);
  }
  return b;
}

/**
 * Runs the pinned families (`which`: those, default the CI ones) and compares; with `update`,
 * writes the new results into the file (only after every family ran).
 */
export async function checkAttacks(o: { executor: Executor; which?: 'ci' | 'all'; update?: boolean; file?: string; onStart?: (family: string) => void; onCheck?: (c: AttackCheck) => void }): Promise<AttackCheck[]> {
  const file = o.file ?? ATTACK_BASELINE;
  const b = readAttackBaseline(file);
  const names = Object.keys(b.families).filter((n) => o.which === 'all' || b.families[n].ci);
  const checks: AttackCheck[] = [];
  try {
    for (const name of names) {
      const p = b.families[name];
      o.onStart?.(name);
      const t0 = Date.now();
      const evaluator = fileEvaluator({ file: resolve(LAB_ROOT, b.scenario), sets: b.sets.map((set) => ({ set, via: `attacks.json sets ${set}` })), executor: o.executor });
      // Only the grid is pinned: no main search (budget 0).
      const [r] = await runAttack({ plan: { families: [FAMILIES[name]], share: 0.3, budget: 0, gridBudget: p.gridBudget, grid: SHARE_GRID, seeds: p.seeds, freshSeeds: p.freshSeeds }, evaluator });
      const now = r.minProfitableShare;
      const d = step(now) - step(p.minProfitableShare);
      const c: AttackCheck = { family: name, pinned: p.minProfitableShare, now, status: d === 0 ? 'identical' : d < 0 ? 'lower' : 'higher', seconds: (Date.now() - t0) / 1000, result: r };
      checks.push(c);
      o.onCheck?.(c);
    }
  } finally {
    await o.executor.close();
  }
  if (o.update) {
    for (const c of checks)
      b.families[c.family] = {
        ...b.families[c.family],
        minProfitableShare: c.now,
        grid: c.result.grid.map((g) => ({ share: g.share, gain: g.freshGain?.mean ?? null, lo: g.freshGain?.lo ?? null, hi: g.freshGain?.hi ?? null, point: g.point ?? null })),
      };
    writeFileSync(file, JSON.stringify(b, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  }
  return checks;
}
