/**
 * Loading a scenario file (TypeScript exporting one, or the same as JSON), applying
 * `--set key=value` overrides by path, and validating. Every problem is a ScenarioError naming the
 * field path and what is accepted (exit code 2): a problem in the file names the file (a syntax
 * error its file:line:col), one that a command-line override brings in names that override
 * (`--set params.bogus=1`, `--days 0`).
 *
 * A TypeScript scenario may live anywhere: see scenarioHooks below for how a `.ts` file outside a
 * `"type": "module"` package is loaded, and how it imports the lab as `flock-lab`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioSchema, type Scenario } from './schema.js';
import { checkSetKey } from './registry.js';
import { canonicalJson } from '../../contracts-mirror/replay/encode.js';
import { ScenarioError } from './error.js';
import { readyForTypeScript } from './typescript.js';

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

/**
 * A command-line override: `set` is `key=value`, `via` the flag as the user typed it, named in
 * errors (`--days 10` becomes { set: 'days=10', via: '--days 10' }). A plain string is `--set <it>`.
 */
export interface Override {
  set: string;
  via: string;
}
type OverrideInput = string | Override;
const asOverride = (o: OverrideInput): Override => (typeof o === 'string' ? { set: o, via: `--set ${o}` } : o);

const CODE_HINT = 'write the scenario in TypeScript and `export const settlement = (blocks) => blocks.insertAfter(…)` beside its default export (docs/model.md#settlement-order)';

/** The value of `key=value` as `--set` (and `--grid`, `--proposal`) reads it: JSON when it parses as JSON, else the text. */
export function parseSetValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Applies `a.b.c=value` (value parsed as JSON when it is JSON, else taken as a string). The key
 * must name a parameter of the registry (`flock-lab params`), a section, or a place inside a
 * compound parameter; an unknown key is rejected here, naming it, before anything is validated.
 */
export function applySets(raw: unknown, sets: readonly OverrideInput[]): unknown {
  const root = structuredClone(raw) as Record<string, unknown>;
  for (const o0 of sets) {
    const { set: s, via } = asOverride(o0);
    const eq = s.indexOf('=');
    if (eq <= 0) throw new ScenarioError(via, [{ path: s, message: '--set expects key=value, e.g. --set params.gamma=100000' }]);
    const path = s.slice(0, eq).split('.');
    const unknown = checkSetKey(path.join('.'));
    if (unknown) throw new ScenarioError(via, [unknown]);
    const value = parseSetValue(s.slice(eq + 1));
    let o: Record<string, unknown> = root;
    for (const [i, k] of path.slice(0, -1).entries()) {
      if (o[k] === undefined) o[k] = {};
      // A list element is named by its index (`tasks.0.startDay`, `flTasks.0.mix`).
      const intoList = Array.isArray(o[k]) && /^\d+$/.test(path[i + 1]) && Number(path[i + 1]) < (o[k] as unknown[]).length;
      if (typeof o[k] !== 'object' || o[k] === null || (Array.isArray(o[k]) && !intoList))
        throw new ScenarioError(via, [{ path: path.join('.'), message: `cannot set inside ${k}, which is not an object` }]);
      o = o[k] as Record<string, unknown>;
    }
    o[path[path.length - 1]] = value;
  }
  return root;
}

const hasKey = (o: unknown, k: string) => typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k);

type Issue = { path: string; message: string };
const issuesOf = (raw: unknown): Issue[] => {
  const r = ScenarioSchema.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};
const sameIssue = (a: Issue) => (b: Issue) => a.path === b.path && a.message === b.message;
/** Whether a value set at `key` can be what an issue at `path` is about (one contains the other). */
const touches = (key: string, path: string) => path !== '' && (key === path || key.startsWith(path + '.') || path.startsWith(key + '.'));

/**
 * Applies the overrides and validates. Each issue names where it comes from: the file when the
 * file alone has it; else the last override whose key contains (or is inside) the issue's path;
 * else the overrides without which it goes away (all of them if no single one does).
 */
export function validateScenario(raw: unknown, file: string, sets: readonly OverrideInput[] = []): Scenario {
  const overrides = sets.map(asOverride);
  const r = ScenarioSchema.safeParse(applySets(raw, overrides));
  if (r.success) return r.data;
  const issues: Issue[] = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (overrides.length === 0) throw new ScenarioError(file, issues);
  const fileAlone = issuesOf(raw);
  const keyOf = (o: Override) => o.set.slice(0, o.set.indexOf('='));
  const sourceOf = (i: Issue): string => {
    if (fileAlone.some(sameIssue(i))) return file;
    const near = overrides.filter((o) => touches(keyOf(o), i.path)).at(-1);
    if (near) return near.via;
    const culprits = overrides.filter((_, j) => !issuesOf(applySets(raw, overrides.filter((_, k) => k !== j))).some(sameIssue(i)));
    return (culprits.length ? culprits : overrides).map((o) => o.via).join(' and ');
  };
  const sourced = issues.map((i) => ({ ...i, source: sourceOf(i) }));
  const sources = [...new Set(sourced.map((i) => i.source))];
  if (sources.length === 1) throw new ScenarioError(sources[0], issues);
  throw new ScenarioError(
    sources.includes(file) ? file : 'command line',
    sourced.map((i) => (i.source === file ? i : { path: `${i.source}: ${i.path || '(root)'}`, message: i.message })),
  );
}

/**
 * Loader hooks for TypeScript scenarios, registered (after tsx's, so they run first) on the first
 * load of one. Two jobs:
 * - `flock-lab` and `flock-lab/…` resolve to this lab (the package's own `exports`) from any folder:
 *   a scenario outside the clone imports the running lab, whether or not its folder has a
 *   node_modules/flock-lab, and shares its modules (one `scenario`, one SimulationError).
 * - A `.ts` file that Node would take for CommonJS (no `"type": "module"` in its nearest
 *   package.json; tsx then compiles it to CommonJS and `require`s the lab's ES modules, which fails
 *   with ERR_REQUIRE_CYCLE_MODULE) is loaded as an ES module, as scenarios are written. Files
 *   under node_modules keep their format.
 * A data: URL, so that the hooks need no file of their own.
 */
const HOOKS = `
let lab;
export function initialize(data) { lab = data.lab; }
export async function resolve(specifier, context, next) {
  if (specifier === 'flock-lab' || specifier.startsWith('flock-lab/')) return next(specifier, { ...context, parentURL: lab });
  const r = await next(specifier, context);
  if (r.format === 'commonjs' && r.url.startsWith('file:') && !r.url.includes('/node_modules/') && /\\.tsx?$/.test(new URL(r.url).pathname)) return { ...r, format: 'module' };
  return r;
}`;
let hooked = false;
function scenarioHooks(): void {
  if (hooked) return;
  hooked = true;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { lab: new URL('../../package.json', import.meta.url).href } });
}

/**
 * Imports a TypeScript (or JavaScript) scenario. A file that cannot be compiled or linked is bad
 * input: a syntax error names its file:line:col (the scenario's, or that of a file it imports), a
 * missing import names the import.
 */
async function importScenario(path: string, file: string): Promise<Record<string, unknown>> {
  await readyForTypeScript();
  scenarioHooks();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as Error & { code?: string };
    // esbuild's (through tsx, from the hooks' thread: only the message survives):
    // "Transform failed with 1 error:\n/abs/file.ts:2:18: ERROR: Unexpected \";\""
    const located = [...(err?.message ?? '').matchAll(/^(.+?):(\d+):(\d+): ERROR: (.*)$/gm)];
    if (err?.name === 'TransformError' || located.length) {
      throw new ScenarioError(
        file,
        located.length
          ? located.map(([, at, line, col, text]) => ({ path: `${sourceName(at, path, file)}:${line}:${col}`, message: text }))
          : [{ path: '', message: err.message }],
      );
    }
    if (err instanceof SyntaxError || err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || err?.code === 'ERR_UNSUPPORTED_DIR_IMPORT')
      throw new ScenarioError(file, [{ path: '', message: err.message }]);
    throw e;
  }
}

/** The file a compile error is in, as the user knows it (tsx names a `.mts`/`.cts` file `.ts`). */
function sourceName(at: string, path: string, file: string): string {
  const candidates = [at, ...['.mts', '.cts', '.tsx'].map((x) => at.replace(/\.ts$/, x))].map((c) => resolve(c));
  if (candidates.includes(path)) return file;
  return candidates.find(existsSync) ?? at;
}

export async function loadScenario(file: string, sets: readonly OverrideInput[] = []): Promise<LoadedScenario> {
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
    const mod = await importScenario(path, file);
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
  const scenario = validateScenario(raw, file, sets);
  const h = createHash('sha256').update(canonicalJson(scenario));
  if (settlement) h.update('\n').update(readFileSync(path));
  return { scenario, hash: h.digest('hex'), file, settlement };
}
