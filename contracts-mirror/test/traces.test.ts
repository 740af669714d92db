/**
 * Regression suite of the shipped example traces (docs/traces.md#shipped-traces): every
 * `contracts-mirror/traces/X.json` is replayed on the mirror and its canonical result must equal
 * the pinned `X.result.json` byte for byte, with `ok: true`.
 *
 * A failure names the trace and the first differing path of the result (for example
 * `steps[12].events[3].args.amount`). If the change is intended (a deliberate fix of the mirror,
 * or an edited trace), check the new numbers by hand, then re-pin on purpose from the repository
 * root, one trace:
 *
 *   npx flock-lab replay contracts-mirror/traces/X.json > contracts-mirror/traces/X.result.json
 *
 * or every trace (and the baselines in reports/baselines/), printing what moved:
 *
 *   npx flock-lab regress --update
 *
 * A pinned file is exactly the stdout of `flock-lab replay`, which is `canonicalJson(replayTrace(trace))`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson, replayTrace } from '../replay/replay.js';

const DIR = fileURLToPath(new URL('../traces/', import.meta.url));
const REL = 'contracts-mirror/traces';
const RESULT = '.result.json';

const all = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];
const traces = all.filter((f) => !f.endsWith(RESULT));
const pinned = all.filter((f) => f.endsWith(RESULT));
const resultOf = (trace: string): string => trace.slice(0, -'.json'.length) + RESULT;

function pathJoin(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

/** The first path where two JSON values differ, with both values; null when they are equal. */
function firstDifference(a: unknown, b: unknown, path = ''): { path: string; pinned: unknown; actual: unknown } | null {
  const here = { path: path || '(root)', pinned: a, actual: b };
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return here;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = i < a.length && i < b.length ? firstDifference(a[i], b[i], pathJoin(path, i)) : { path: pathJoin(path, i), pinned: a[i], actual: b[i] };
      if (d) return d;
    }
    return null;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    for (const k of keys) {
      const d = !(k in ao) || !(k in bo) ? { path: pathJoin(path, k), pinned: ao[k], actual: bo[k] } : firstDifference(ao[k], bo[k], pathJoin(path, k));
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : here;
}

function firstByteDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.slice(0, i).split('\n').length;
  return `byte offset ${i} (line ${line}): pinned ${JSON.stringify(a.slice(i, i + 40))}, actual ${JSON.stringify(b.slice(i, i + 40))}`;
}

describe('shipped example traces', () => {
  it('exist', () => {
    // bound: at least these shipped traces (a trace deleted together with its pinned result fails
    // here); new traces may be added without editing this list
    expect(traces, `the traces in ${REL}`).toEqual(expect.arrayContaining([
      'claim-fees-v2.json',
      'delegation-v1.json',
      'delegation-v2.json',
      'emission-v1.json',
      'emission-v2.json',
      'exchange-v2.json',
      'final-vesting-v2.json',
      'fl-alliance-v2.json',
      'gamma-split-v2.json',
      'sigma-freeze-v2.json',
      'slashing-disabled-v2.json',
      'slashing-hook-v2.json',
    ]));
  });

  it('each trace has a pinned result (no unpinned traces)', () => {
    const unpinned = traces.filter((t) => !pinned.includes(resultOf(t)));
    expect(unpinned, `traces without a pinned ${RESULT} in ${REL} (pin them with: npx flock-lab replay ${REL}/X.json > ${REL}/X${RESULT})`).toEqual([]);
  });

  it('each pinned result belongs to a trace (no orphans)', () => {
    const orphans = pinned.filter((p) => !traces.map(resultOf).includes(p));
    expect(orphans, `pinned results in ${REL} whose trace is missing`).toEqual([]);
  });

  describe.each(traces)('%s', (file) => {
    it('replays with every step behaving as written, and matches its pinned result byte for byte', () => {
      const raw: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
      const result = replayTrace(raw);
      const actual = canonicalJson(result);
      const bad = result.steps.filter((s) => s.status === 'failed' || s.status === 'invariant');
      expect(result.ok, `${REL}/${file}: a step did not behave as written: ${show(bad)}`).toBe(true);

      const pinnedFile = join(DIR, resultOf(file));
      if (!existsSync(pinnedFile)) throw new Error(`${REL}/${file} has no pinned result ${resultOf(file)}`);
      const expected = readFileSync(pinnedFile, 'utf8');
      if (actual === expected) return;
      let where: string;
      try {
        const d = firstDifference(JSON.parse(expected), JSON.parse(actual));
        where = d
          ? `first differing path ${d.path}: pinned ${show(d.pinned)}, actual ${show(d.actual)}`
          : `same JSON, different bytes at ${firstByteDifference(expected, actual)}`;
      } catch {
        where = `pinned file is not valid JSON; first difference at ${firstByteDifference(expected, actual)}`;
      }
      throw new Error(
        `${REL}/${file}: the replay no longer matches ${resultOf(file)}; ${where}.\n` +
          `If the change is intended, check the numbers by hand and re-pin: npx flock-lab replay ${REL}/${file} > ${REL}/${resultOf(file)}`,
      );
    });
  });
});
