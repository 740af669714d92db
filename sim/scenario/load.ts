/**
 * Loading a scenario file (TypeScript exporting one, or the same as JSON), applying
 * `--set key=value` overrides by path, and validating. Every problem is a ScenarioError naming the
 * field path and what is accepted (exit code 2).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioSchema, type Scenario } from './schema.js';
import { checkSetKey } from './registry.js';
import { canonicalJson } from '../../contracts-mirror/replay/encode.js';
import { ScenarioError } from './error.js';

export { ScenarioError } from './error.js';

export interface LoadedScenario {
  scenario: Scenario;
  /**
   * sha256 of the canonical JSON of the validated scenario, defaults and overrides included; for a
   * scenario that edits the settlement, of that JSON and the file's source, since code changes the run.
   */
  hash: string;
  file: string;
  /**
   * A TypeScript scenario's `export const settlement = (blocks) => …`: its edit of the daily
   * settlement's block list (sim/run/settlement.ts `SettlementEdit`), applied by the run.
   */
  settlement?: (blocks: never) => unknown;
}

const CODE_HINT = 'write the scenario in TypeScript and `export const settlement = (blocks) => blocks.insertAfter(…)` beside its default export (docs/model.md#settlement-order)';

/**
 * Applies `a.b.c=value` (value parsed as JSON when it is JSON, else taken as a string). The key
 * must name a parameter of the registry (`flock-lab params`), a section, or a place inside a
 * compound parameter; an unknown key is rejected here, naming it, before anything is validated.
 */
export function applySets(raw: unknown, sets: readonly string[], file: string): unknown {
  const root = structuredClone(raw) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new ScenarioError(file, [{ path: s, message: '--set expects key=value, e.g. --set params.gamma=100000' }]);
    const path = s.slice(0, eq).split('.');
    const unknown = checkSetKey(path.join('.'));
    if (unknown) throw new ScenarioError(file, [unknown]);
    const text = s.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    let o: Record<string, unknown> = root;
    for (const k of path.slice(0, -1)) {
      if (o[k] === undefined) o[k] = {};
      if (typeof o[k] !== 'object' || o[k] === null || Array.isArray(o[k]))
        throw new ScenarioError(file, [{ path: path.join('.'), message: `cannot set inside ${k}, which is not an object` }]);
      o = o[k] as Record<string, unknown>;
    }
    o[path[path.length - 1]] = value;
  }
  return root;
}

const hasKey = (o: unknown, k: string) => typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k);

export function validateScenario(raw: unknown, file: string): Scenario {
  const r = ScenarioSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new ScenarioError(
    file,
    r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

export async function loadScenario(file: string, sets: readonly string[] = []): Promise<LoadedScenario> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ScenarioError(file, [{ path: '', message: 'file not found' }]);
  let raw: unknown;
  let settlement: LoadedScenario['settlement'];
  const ext = extname(path);
  if (ext === '.json') {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ScenarioError(file, [{ path: '', message: `bad JSON: ${(e as Error).message}` }]);
    }
    if (hasKey(raw, 'settlement')) throw new ScenarioError(file, [{ path: 'settlement', message: `a JSON scenario cannot carry code; ${CODE_HINT}` }]);
  } else if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    raw = mod.default ?? mod.scenario;
    if (raw === undefined) throw new ScenarioError(file, [{ path: '', message: 'the module must `export default scenario({...})`' }]);
    if (hasKey(raw, 'settlement')) throw new ScenarioError(file, [{ path: 'settlement', message: `not a field of the scenario object; ${CODE_HINT}` }]);
    if (mod.settlement !== undefined) {
      if (typeof mod.settlement !== 'function') throw new ScenarioError(file, [{ path: 'settlement', message: `expected a function of the block list; ${CODE_HINT}` }]);
      settlement = mod.settlement as LoadedScenario['settlement'];
    }
  } else {
    throw new ScenarioError(file, [{ path: '', message: 'expected a .ts or .json scenario file' }]);
  }
  const scenario = validateScenario(applySets(raw, sets, file), file);
  const h = createHash('sha256').update(canonicalJson(scenario));
  if (settlement) h.update('\n').update(readFileSync(path));
  return { scenario, hash: h.digest('hex'), file, settlement };
}
