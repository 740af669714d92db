/**
 * An attack study's run directory (docs/attacks.md#the-run-directory): `manifest.json` (format
 * flock-lab-attack/1, status partial → complete), `attack.duckdb` (table attack_evals),
 * `scenario.json` (the attacked scenario as resolved), `summary.json` once complete, and the best
 * strategy of each family as a runnable scenario file (`best-<family>.scenario.json`, or `.ts`
 * when the scenario carries a settlement edit, which JSON cannot hold). `--resume DIR` refuses a
 * directory of another scenario, code or plan, naming the difference, and replays the
 * deterministic search, taking every evaluation the store holds.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../../contracts-mirror/replay/encode.js';
import { loadScenario, type LoadedScenario, type Override } from '../scenario/load.js';
import { codeId, codeVersion } from '../experiments/job.js';
import { createRunDir, RunDirError } from '../experiments/runDir.js';
import { removeEmptyDirs } from '../run/outDirs.js';
import type { Executor } from '../experiments/executor.js';
import { fileEvaluator } from './evaluate.js';
import { runAttack, type AttackPlan, type AttackProgress, type FamilyResult } from './attack.js';
import { ATTACK_STORE, AttackStore } from './store.js';

export const ATTACK_FORMAT = 'flock-lab-attack/1';
const MANIFEST = 'manifest.json';

/** What the manifest keeps of a plan, and what `--resume` compares. */
export interface AttackPlanRecord {
  families: string[];
  share: number;
  budget: number;
  gridBudget: number;
  grid: number[];
  seeds: number[];
  freshSeeds: number[];
  sets: string[];
}

export interface AttackManifest {
  format: typeof ATTACK_FORMAT;
  kind: 'attack';
  status: 'partial' | 'complete';
  scenario: string;
  scenarioHash: string;
  protocol: string;
  days: number;
  mode: string;
  plan: AttackPlanRecord;
  code: string;
  codeVersion: ReturnType<typeof codeVersion>;
  node: string;
  executor: string;
  startedAt: string;
  evaluations?: number;
  wallSeconds?: number;
  files: string[];
  [k: string]: unknown;
}

export interface AttackSummary {
  kind: 'attack';
  scenario: string;
  scenarioHash: string;
  plan: AttackPlanRecord;
  gainUnit: string;
  families: (FamilyResult & { scenarioFile: string | null })[];
}

export function isAttackDir(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(resolve(dir), MANIFEST), 'utf8')) as { format?: string }).format === ATTACK_FORMAT;
  } catch {
    return false;
  }
}

export function readAttackManifest(dir: string): AttackManifest {
  const file = join(resolve(dir), MANIFEST);
  if (!existsSync(file)) throw new RunDirError(dir, `not a run directory (no ${MANIFEST})`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as AttackManifest;
  if (m.format !== ATTACK_FORMAT) throw new RunDirError(dir, `not an attack directory (format ${JSON.stringify(m.format)})`);
  return m;
}

function writeJson(dir: string, name: string, v: unknown): void {
  const tmp = join(dir, `.${name}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(v, null, 2) + '\n');
  renameSync(tmp, join(dir, name));
}

function difference(m: AttackManifest, hash: string, code: string, plan: AttackPlanRecord): string | null {
  for (const k of Object.keys(plan) as (keyof AttackPlanRecord)[])
    if (JSON.stringify(m.plan[k]) !== JSON.stringify(plan[k])) return `its ${k} is ${JSON.stringify(m.plan[k])}; this command's is ${JSON.stringify(plan[k])}`;
  if (m.scenarioHash !== hash) return `its scenario hash is ${m.scenarioHash.slice(0, 12)}…; this command's is ${hash.slice(0, 12)}…`;
  if (m.code !== code) return `it was made by code ${m.code}; this is ${code}`;
  return null;
}

/** The best strategy as a scenario anyone can run (`run`, or `compare` against the original). */
async function exportScenario(dir: string, file: string, sets: Override[], base: LoadedScenario, r: FamilyResult, plan: AttackPlan): Promise<string | null> {
  const fam = plan.families.find((f) => f.name === r.family);
  if (!r.best || !fam) return null;
  const extra = [...fam.overrides(plan.share, r.best.point), `name=${base.scenario.name}-attack-${r.family}`, `seeds=${JSON.stringify(plan.freshSeeds)}`].map((set) => ({ set, via: `attack ${set}` }));
  const l = await loadScenario(file, [...sets, ...extra]);
  const s = { ...l.scenario, description: `${r.best.words} (flock-lab attack, family ${r.family}; from ${base.scenario.name})` };
  if (l.settlement) {
    const name = `best-${r.family}.scenario.ts`;
    writeFileSync(join(dir, name), `// The best ${r.family} strategy found by flock-lab attack, with the settlement edit of ${file}.\nexport { settlement } from ${JSON.stringify(resolve(file))};\nexport default ${canonicalJson(s)};\n`);
    return name;
  }
  const name = `best-${r.family}.scenario.json`;
  writeFileSync(join(dir, name), canonicalJson(s) + '\n');
  return name;
}

export interface StudyOptions {
  file: string;
  sets: Override[];
  plan: AttackPlan;
  executor: Executor;
  executorName: string;
  /** Run directory: created (must not exist), or finished with `resume`. */
  out: string;
  resume?: boolean;
  meta?: Record<string, unknown>;
  onProgress?: (p: AttackProgress) => void;
  onDirectory?: (dir: string, stored: number) => void;
}

export async function runStudy(o: StudyOptions): Promise<{ dir: string; summary: AttackSummary; wallSeconds: number }> {
  const t0 = Date.now();
  const base = await loadScenario(o.file, o.sets);
  const { plan } = o;
  const record: AttackPlanRecord = {
    families: plan.families.map((f) => f.name),
    share: plan.share,
    budget: plan.budget,
    gridBudget: plan.gridBudget,
    grid: [...plan.grid],
    seeds: plan.seeds,
    freshSeeds: plan.freshSeeds,
    sets: o.sets.map((s) => s.set),
  };
  const code = codeId();
  let dir: string;
  let madeParent: string | undefined;
  let manifest: AttackManifest;
  let priorWall = 0;
  if (o.resume) {
    const m = readAttackManifest(o.out);
    const diff = difference(m, base.hash, code, record);
    if (diff) throw new RunDirError(o.out, `cannot resume: ${diff}`);
    dir = resolve(o.out);
    manifest = m;
    priorWall = m.wallSeconds ?? 0;
  } else {
    ({ dir, madeParent } = createRunDir(o.out));
    const s = base.scenario;
    manifest = {
      format: ATTACK_FORMAT,
      kind: 'attack',
      status: 'partial',
      scenario: s.name,
      scenarioHash: base.hash,
      protocol: s.protocol,
      days: s.days,
      mode: s.workload.mode,
      plan: record,
      code,
      codeVersion: codeVersion(),
      node: process.version,
      executor: o.executorName,
      startedAt: new Date(t0).toISOString(),
      files: [ATTACK_STORE, 'scenario.json', MANIFEST],
      ...o.meta,
    };
    writeFileSync(join(dir, 'scenario.json'), canonicalJson(s));
    writeJson(dir, MANIFEST, manifest);
  }
  let store: AttackStore | null = null;
  try {
    store = await AttackStore.open(join(dir, ATTACK_STORE));
    o.onDirectory?.(dir, store.size);
    const evaluator = fileEvaluator({ file: o.file, sets: o.sets, executor: o.executor });
    let results: FamilyResult[];
    try {
      results = await runAttack({ plan, evaluator, store, onProgress: o.onProgress });
    } catch (e) {
      // Nothing evaluated and nothing to resume: leave no empty directory behind.
      if (!o.resume && store.size === 0) {
        store.close();
        store = null;
        rmSync(dir, { recursive: true, force: true });
        removeEmptyDirs(madeParent, dir);
      }
      throw e;
    }
    const families: AttackSummary['families'] = [];
    for (const r of results) families.push({ ...r, scenarioFile: await exportScenario(dir, o.file, o.sets, base, r, plan) });
    const summary: AttackSummary = {
      kind: 'attack',
      scenario: base.scenario.name,
      scenarioHash: base.hash,
      plan: record,
      gainUnit: 'annualised reward per unit stake, attack minus the same entities honest (0.01 = 1 APR point)',
      families,
    };
    writeJson(dir, 'summary.json', summary);
    const wallSeconds = priorWall + (Date.now() - t0) / 1000;
    writeJson(dir, MANIFEST, {
      ...manifest,
      status: 'complete',
      evaluations: store.size,
      wallSeconds,
      files: [ATTACK_STORE, 'scenario.json', 'summary.json', MANIFEST, ...families.flatMap((f) => (f.scenarioFile ? [f.scenarioFile] : []))],
    });
    return { dir, summary, wallSeconds };
  } finally {
    store?.close();
    await o.executor.close();
  }
}
