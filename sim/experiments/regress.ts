/**
 * The regression guard of the reward formulas (README, "Regression"): every shipped trace replayed
 * on the mirror against its pinned `X.result.json`, byte for byte, and every baseline scenario under
 * `reports/baselines/` run at its own seeds against its pinned `summary.json` and resultsHash. A
 * difference is listed field by field (path, old, new, relative change), so a 1 ppm change of a
 * formula reads as one, not as "the files differ".
 *
 * Traces are replayed and printed exactly as `flock-lab replay` does (contracts-mirror/replay), and
 * baselines are run through the experiment layer like `flock-lab run`, in this process and without a
 * run directory, so a pin is what those commands would write.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, replayTrace, TraceError } from '../../contracts-mirror/replay/replay.js';
import { ScenarioError } from '../scenario/error.js';
import { InProcessExecutor } from './executor.js';
import { makePlan } from './plan.js';
import { runExperiment } from './runner.js';

/** The lab's root: pins are found beside the code that made them, whatever the working directory. */
export const LAB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TRACES_DIR = join(LAB_ROOT, 'contracts-mirror', 'traces');
export const BASELINES_DIR = join(LAB_ROOT, 'reports', 'baselines');
const RESULT = '.result.json';
const SCENARIO_FILES = ['scenario.json', 'scenario.ts'];
export const SUMMARY = 'summary.json';
export const PIN = 'pin.json';

/** Bad input (a malformed pin, a trace without its result): exit 2, nothing compared or written. */
export class RegressInputError extends Error {}

// ---------------------------------------------------------------------------------------------
// A structural diff of two JSON values, with paths.

/** One differing field: `old` or `new` is undefined where the field is absent on that side. */
export interface Difference {
  path: string;
  old: unknown;
  new: unknown;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pathJoin(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/**
 * Every leaf where two JSON values differ, in canonical order (sorted keys, arrays by index), with
 * the top-level keys in `first` walked before the rest: for a trace result `steps` comes first,
 * because a diverging step is the cause and the `state` it leaves behind the consequence
 * (the same order as the EVM parity check, contracts-mirror/evmEngine/compare.ts).
 */
export function jsonDifferences(a: unknown, b: unknown, first: readonly string[] = []): Difference[] {
  const out: Difference[] = [];
  const walk = (x: unknown, y: unknown, path: string, order: readonly string[]): void => {
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], pathJoin(path, i), []);
      return;
    }
    if (isObj(x) && isObj(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      const ordered = [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))];
      for (const k of ordered) walk(Object.hasOwn(x, k) ? x[k] : undefined, Object.hasOwn(y, k) ? y[k] : undefined, pathJoin(path, k), []);
      return;
    }
    if (Object.is(x, y)) return;
    // Different kinds (an array against an object, a value against an absent field) differ whole.
    if (x !== undefined && y !== undefined && JSON.stringify(x) === JSON.stringify(y)) return;
    out.push({ path: path || '(root)', old: x, new: y });
  };
  walk(a, b, '', first);
  return out;
}

const INTEGER = /^-?\d+$/;

/**
 * The relative change `(new − old)/|old|` of a number, or of a big integer written as a decimal
 * string (wei amounts in trace results), computed exactly in bigint for the latter; with the
 * absolute change for integers, where "+1 wei" says more than "+4e-22". Null for anything else.
 */
export function relativeChange(old: unknown, now: unknown): string | null {
  if (typeof old === 'number' && typeof now === 'number') {
    if (!Number.isFinite(old) || !Number.isFinite(now)) return null;
    if (old === 0) return now === 0 ? null : 'from 0';
    return `${signed((now - old) / Math.abs(old))}`;
  }
  if (typeof old === 'string' && typeof now === 'string' && INTEGER.test(old) && INTEGER.test(now)) {
    const a = BigInt(old);
    const d = BigInt(now) - a;
    const abs = `Δ ${d < 0n ? '' : '+'}${d}`;
    if (a === 0n) return `from 0, ${abs}`;
    // 1e18 fixed point keeps 18 significant digits of the ratio before it becomes a float.
    const scale = 10n ** 18n;
    const ratio = Number((d * scale) / (a < 0n ? -a : a)) / 1e18;
    return `${signed(ratio)}, ${abs}`;
  }
  return null;
}

function signed(x: number): string {
  if (x === 0) return '±0 (below 1e-18)';
  return `${x > 0 ? '+' : ''}${x.toExponential(3)}`;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

/** `path: old → new (relative change)`, one line. */
export function describeDifference(d: Difference): string {
  const rel = relativeChange(d.old, d.new);
  return `${d.path}: ${show(d.old)} → ${show(d.new)}${rel ? ` (${rel})` : ''}`;
}

/** Where two texts first differ, for a difference that is formatting only (same JSON values). */
function firstByte(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `formatting only: first differing byte at offset ${i} (line ${a.slice(0, i).split('\n').length}): pinned ${JSON.stringify(a.slice(i, i + 40))}, now ${JSON.stringify(b.slice(i, i + 40))}`;
}

// ---------------------------------------------------------------------------------------------
// The checks.

export interface Check {
  kind: 'trace' | 'baseline';
  name: string;
  /** The pinned file, relative to the lab's root. */
  pinned: string;
  /** `new`: there was no pin (only with update). */
  status: 'identical' | 'drift' | 'new';
  differences: Difference[];
  /** Lines that are not one field: a moved resultsHash, a formatting-only change. */
  notes: string[];
  /** Only for a trace: the replay did not behave as written (`ok: false`); never pinned. */
  notOk?: boolean;
  seconds: number;
  /** With update: writes the new pin (run only once every check has passed, so a failure writes nothing). */
  write?: () => void;
}

export interface RegressOptions {
  update?: boolean;
  traces?: boolean;
  baselines?: boolean;
  tracesDir?: string;
  baselinesDir?: string;
  /** Before each item starts (progress). */
  onStart?: (kind: Check['kind'], name: string, index: number, total: number) => void;
  /** Once an item is compared (and, with update, written). */
  onCheck?: (c: Check, index: number, total: number) => void;
}

const rel = (p: string) => relative(LAB_ROOT, p) || p;

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new RegressInputError(`${rel(file)}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RegressInputError(`${rel(file)}: ${what} is not valid JSON (${(e as Error).message})`);
  }
}

interface TraceItem {
  name: string;
  trace: string;
  result: string;
}

/** The traces and their pins; a pin without its trace is bad input (a renamed or deleted trace). */
export function listTraces(dir: string, update: boolean): TraceItem[] {
  if (!existsSync(dir)) throw new RegressInputError(`${rel(dir)}: no such directory`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const traces = files.filter((f) => !f.endsWith(RESULT));
  const orphans = files.filter((f) => f.endsWith(RESULT) && !traces.includes(f.slice(0, -RESULT.length) + '.json'));
  if (orphans.length) throw new RegressInputError(`${rel(dir)}: ${orphans.join(', ')} ${orphans.length > 1 ? 'are pins' : 'is a pin'} without a trace beside it; remove it, or restore its trace`);
  const items = traces.map((f) => ({ name: f.slice(0, -'.json'.length), trace: join(dir, f), result: join(dir, f.slice(0, -'.json'.length) + RESULT) }));
  const missing = items.filter((t) => !existsSync(t.result));
  if (missing.length && !update)
    throw new RegressInputError(`${missing.map((t) => rel(t.trace)).join(', ')}: no pinned result beside it (${missing.map((t) => t.name + RESULT).join(', ')}); pin it on purpose with \`flock-lab regress --update\``);
  return items;
}

interface BaselineItem {
  name: string;
  dir: string;
  scenario: string;
}

/** The baselines: every folder of `dir` with one scenario file; anything else there is bad input. */
export function listBaselines(dir: string, update: boolean): BaselineItem[] {
  if (!existsSync(dir)) throw new RegressInputError(`${rel(dir)}: no such directory`);
  const items: BaselineItem[] = [];
  for (const name of readdirSync(dir).sort()) {
    const d = join(dir, name);
    if (!statSync(d).isDirectory()) continue;
    const scenarios = SCENARIO_FILES.filter((f) => existsSync(join(d, f)));
    if (scenarios.length !== 1)
      throw new RegressInputError(`${rel(d)}: a baseline holds exactly one of ${SCENARIO_FILES.join(' or ')}; found ${scenarios.length ? scenarios.join(' and ') : 'neither'}`);
    if (!update) for (const f of [SUMMARY, PIN]) if (!existsSync(join(d, f))) throw new RegressInputError(`${rel(d)}: no pinned ${f}; pin it on purpose with \`flock-lab regress --update\``);
    items.push({ name, dir: d, scenario: join(d, scenarios[0]) });
  }
  if (!items.length) throw new RegressInputError(`${rel(dir)}: no baseline (a folder with ${SCENARIO_FILES.join(' or ')})`);
  return items;
}

/** The pinned resultsHash of a baseline, checked: pin.json is `{ "resultsHash": "<hex>" }`. */
function readPin(file: string): string {
  const pin = parseJson(readText(file, 'the pinned resultsHash'), file, 'the pin');
  if (!isObj(pin) || typeof pin.resultsHash !== 'string' || !/^[0-9a-f]{64}$/.test(pin.resultsHash))
    throw new RegressInputError(`${rel(file)}: expected { "resultsHash": "<64 hex digits>" }`);
  return pin.resultsHash;
}

function checkTrace(t: TraceItem, update: boolean): Check {
  const t0 = Date.now();
  const raw = parseJson(readText(t.trace, 'the trace'), t.trace, 'the trace');
  let result;
  try {
    result = replayTrace(raw);
  } catch (e) {
    if (e instanceof TraceError) throw new RegressInputError(`${rel(t.trace)}: invalid trace: ${e.message}`);
    throw e;
  }
  const now = canonicalJson(result);
  const base = { kind: 'trace' as const, name: t.name, pinned: rel(t.result), notes: [] as string[], notOk: !result.ok };
  const write = update && result.ok ? () => writeFileSync(t.result, now) : undefined;
  if (!existsSync(t.result)) return { ...base, status: 'new', differences: [], seconds: (Date.now() - t0) / 1000, write };
  const pinned = readText(t.result, 'the pinned result');
  if (pinned === now) return { ...base, status: 'identical', differences: [], seconds: (Date.now() - t0) / 1000 };
  const differences = jsonDifferences(parseJson(pinned, t.result, 'the pinned result'), JSON.parse(now), ['steps', 'views', 'state']);
  const notes = differences.length ? [] : [firstByte(pinned, now)];
  // A replay that broke (ok: false) is reported, never pinned: a pin is a result that behaved as written.
  return { ...base, status: 'drift', differences, notes, seconds: (Date.now() - t0) / 1000, write };
}

interface BaselinePins {
  text: string | null;
  summary: unknown;
  hash: string | null;
}

/** A baseline's pins, checked (null where there is none yet: only with update). */
function readBaselinePins(b: BaselineItem): BaselinePins {
  const summaryFile = join(b.dir, SUMMARY);
  const pinFile = join(b.dir, PIN);
  const text = existsSync(summaryFile) ? readText(summaryFile, 'the pinned summary') : null;
  const summary = text === null ? null : parseJson(text, summaryFile, 'the pinned summary');
  if (summary !== null && (!isObj(summary) || !Array.isArray(summary.groups) || !Array.isArray(summary.seeds)))
    throw new RegressInputError(`${rel(summaryFile)}: expected a KPI summary (an object with seeds and groups), as \`flock-lab run\` writes it`);
  return { text, summary, hash: existsSync(pinFile) ? readPin(pinFile) : null };
}

async function checkBaseline(b: BaselineItem, pins: BaselinePins, update: boolean): Promise<Check> {
  const t0 = Date.now();
  const summaryFile = join(b.dir, SUMMARY);
  const pinFile = join(b.dir, PIN);
  const { text: pinnedText, summary: pinnedSummary, hash: pinnedHash } = pins;

  const plan = await makePlan({ kind: 'run', file: b.scenario, sets: [], cells: [{ label: 'base', values: {}, sets: [] }] });
  const r = await runExperiment({ plan, executor: new InProcessExecutor() });
  // Exactly what `flock-lab run` writes as summary.json (sim/experiments/runner.ts), so NaN is null here too.
  const nowText = JSON.stringify(r.cells[0].summary, null, 2) + '\n';
  const base = { kind: 'baseline' as const, name: b.name, pinned: rel(summaryFile), seconds: 0 };
  const write = !update ? undefined : () => {
    writeFileSync(summaryFile, nowText);
    writeFileSync(pinFile, JSON.stringify({ resultsHash: r.resultsHash }, null, 2) + '\n');
  };
  if (pinnedText === null || pinnedHash === null) return { ...base, status: 'new', differences: [], notes: [], seconds: (Date.now() - t0) / 1000, write };
  const differences = pinnedText === nowText ? [] : jsonDifferences(pinnedSummary, JSON.parse(nowText));
  const notes: string[] = [];
  if (pinnedText !== nowText && !differences.length) notes.push(firstByte(pinnedText, nowText));
  if (pinnedHash !== r.resultsHash)
    notes.push(`resultsHash: ${pinnedHash} → ${r.resultsHash}${pinnedText === nowText ? ' (every KPI identical: the recorded rows moved below the summary)' : ''}`);
  const status = differences.length || notes.length ? 'drift' : 'identical';
  return { ...base, status, differences, notes, seconds: (Date.now() - t0) / 1000, ...(status === 'drift' ? { write } : {}) };
}

export interface RegressResult {
  checks: Check[];
  seconds: number;
}

/**
 * Every check, in order (traces, then baselines). Everything is listed and validated first (the
 * pins read, each baseline's scenario loaded), so bad input is a RegressInputError before anything
 * runs or is written; an invalid trace is one too, when its turn comes.
 */
export async function regress(o: RegressOptions = {}): Promise<RegressResult> {
  const t0 = Date.now();
  const update = o.update === true;
  const traces = o.traces === false ? [] : listTraces(o.tracesDir ?? TRACES_DIR, update);
  const baselines = o.baselines === false ? [] : listBaselines(o.baselinesDir ?? BASELINES_DIR, update);
  const pins: BaselinePins[] = [];
  for (const b of baselines) {
    pins.push(readBaselinePins(b));
    try {
      await makePlan({ kind: 'run', file: b.scenario, sets: [], cells: [] });
    } catch (e) {
      if (e instanceof ScenarioError) throw new RegressInputError(`baseline ${b.name}: ${e.message}`);
      throw e;
    }
  }
  const total = traces.length + baselines.length;
  const checks: Check[] = [];
  let i = 0;
  for (const t of traces) {
    o.onStart?.('trace', t.name, i, total);
    const c = checkTrace(t, update);
    checks.push(c);
    o.onCheck?.(c, i++, total);
  }
  for (const [k, b] of baselines.entries()) {
    o.onStart?.('baseline', b.name, i, total);
    const c = await checkBaseline(b, pins[k], update);
    checks.push(c);
    o.onCheck?.(c, i++, total);
  }
  // Only now, with every trace replayed and every baseline run: a failure above leaves the pins as they were.
  if (update) for (const c of checks) if (c.status !== 'identical') c.write?.();
  return { checks, seconds: (Date.now() - t0) / 1000 };
}
