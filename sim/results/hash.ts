/**
 * `resultsHash`: sha256 over the canonical result rows, so equal runs are provably byte-identical.
 * Each row becomes one line (its fields sorted by name, every value as a string); a table is its
 * name, then its lines in run order. The lines of a run can be made where the run was simulated
 * (a pool thread) and hashed later in run order: the hash is the same either way.
 */
import { createHash } from 'node:crypto';

/** The last row shape seen: its own key order, and the sorted keys with their JSON prefixes. */
let shape: { own: string[]; sorted: string[]; prefix: string[] } | null = null;

/**
 * `JSON.stringify(sortedKeys.map((k) => [k, String(row[k])]))`, written out: rows of a table share
 * one shape, so the keys are sorted and quoted once per shape rather than once per row.
 */
function line(row: object): string {
  const own = Object.keys(row);
  if (!shape || shape.own.length !== own.length || !own.every((k, i) => k === shape!.own[i])) {
    const sorted = [...own].sort();
    shape = { own, sorted, prefix: sorted.map((k, i) => `${i === 0 ? '' : ','}[${JSON.stringify(k)},`) };
  }
  const { sorted, prefix } = shape;
  let out = '[';
  for (let i = 0; i < sorted.length; i++) out += prefix[i] + JSON.stringify(String((row as Record<string, unknown>)[sorted[i]])) + ']';
  return out + ']';
}

/** A table's rows as hash lines, in chunks (one string per chunk keeps V8's string limit far away). */
export function hashLines(rows: readonly object[], chunk = 20_000): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    let s = '';
    for (const r of rows.slice(i, i + chunk)) s += line(r) + '\n';
    out.push(s);
  }
  return out;
}

/** The hash of tables given as lines (each table's chunks in order). */
export function hashOfLines(tables: Record<string, readonly string[]>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(tables).sort()) {
    h.update(`#${name}\n`);
    for (const chunk of tables[name]) h.update(chunk);
  }
  return h.digest('hex');
}

export function resultsHash(tables: Record<string, object[]>): string {
  return hashOfLines(Object.fromEntries(Object.entries(tables).map(([k, rows]) => [k, hashLines(rows)])));
}
