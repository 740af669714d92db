/**
 * `resultsHash`: sha256 over the canonical result rows, so equal runs are provably byte-identical.
 * Each row becomes one line (its fields sorted by name, every value as a string); a table is its
 * name, then its lines in run order. The lines of a run can be made where the run was simulated
 * (a pool thread) and hashed later in run order: the hash is the same either way.
 */
import { createHash } from 'node:crypto';

function line(row: object): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(keys.map((k) => [k, String((row as Record<string, unknown>)[k])]));
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
