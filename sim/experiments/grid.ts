/**
 * The cells of a sweep and of a comparison, from the command line: `--grid key=v1,v2,…` (the
 * Cartesian product over every --grid, the last key varying fastest) and `--proposal key=value`.
 * Values are read as `--set` reads them (JSON when they parse as JSON); a comma inside brackets or
 * braces does not split (`--grid 'populations.nodes.sigma={"min":0,"max":1},{"min":0,"max":2}'`).
 */
import { ScenarioError } from '../scenario/error.js';
import { parseSetValue } from '../scenario/load.js';
import type { CellSpec } from './plan.js';

/** Splits on commas outside brackets, braces and quotes. */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '[' || ch === '{')) depth++;
    if (!quoted && (ch === ']' || ch === '}')) depth--;
    if (ch === ',' && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function keyAndText(flag: string, arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new ScenarioError('command line', [{ path: `${flag} ${arg}`, message: `expected key=value, e.g. ${flag} params.gamma=${flag === '--grid' ? '100000,200000' : '200000'}` }]);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** A short label for a value in tables: JSON, without quotes around plain strings. */
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function gridCells(grids: string[]): CellSpec[] {
  if (!grids.length) throw new ScenarioError('command line', [{ path: '--grid', message: 'give at least one --grid key=v1,v2,…' }]);
  const axes = grids.map((g) => {
    const [key, text] = keyAndText('--grid', g);
    const values = splitValues(text);
    if (values.some((v) => v.trim() === '')) throw new ScenarioError('command line', [{ path: `--grid ${g}`, message: 'an empty value; separate values with single commas' }]);
    if (new Set(values).size !== values.length) throw new ScenarioError('command line', [{ path: `--grid ${g}`, message: 'a value is listed twice' }]);
    return { key, values };
  });
  const keys = axes.map((a) => a.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new ScenarioError('command line', [{ path: `--grid ${dup}`, message: 'the same key in two --grid flags; list all its values in one' }]);
  let cells: { values: Record<string, unknown>; texts: [string, string][] }[] = [{ values: {}, texts: [] }];
  for (const a of axes)
    cells = cells.flatMap((c) => a.values.map((t) => ({ values: { ...c.values, [a.key]: parseSetValue(t) }, texts: [...c.texts, [a.key, t] as [string, string]] })));
  return cells.map((c) => ({
    label: c.texts.map(([k, t]) => `${k}=${show(parseSetValue(t))}`).join(' '),
    values: c.values,
    sets: c.texts.map(([k, t]) => ({ set: `${k}=${t}`, via: `--grid ${k}=${t}` })),
  }));
}

/** Baseline (the scenario as it is) and the proposal (the scenario with every --proposal applied). */
export function proposalCells(proposals: string[], name = 'proposal'): CellSpec[] {
  if (!proposals.length) throw new ScenarioError('command line', [{ path: '--proposal', message: 'give at least one --proposal key=value (the change to compare against the scenario as it is)' }]);
  const values: Record<string, unknown> = {};
  for (const p of proposals) {
    const [key, text] = keyAndText('--proposal', p);
    if (key in values) throw new ScenarioError('command line', [{ path: `--proposal ${p}`, message: `${key} is proposed twice` }]);
    values[key] = parseSetValue(text);
  }
  return [
    { label: 'baseline', values: {}, sets: [] },
    { label: name, values, sets: proposals.map((p) => ({ set: p, via: `--proposal ${p}` })) },
  ];
}
