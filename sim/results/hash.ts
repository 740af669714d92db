/** `resultsHash`: sha256 over the canonical result rows, so equal runs are provably byte-identical. */
import { createHash } from 'node:crypto';

function line(row: object): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(keys.map((k) => [k, String((row as Record<string, unknown>)[k])]));
}

export function resultsHash(tables: Record<string, object[]>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(tables).sort()) {
    h.update(`#${name}\n`);
    for (const row of tables[name]) h.update(line(row) + '\n');
  }
  return h.digest('hex');
}
