/**
 * The repository's own documentation stays true to the code: the settlement table in
 * docs/model.md is the block list's, and every `docs/model.md#section` the code cites exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_MD, withTable } from '../sim/run/settlementDoc.js';

const ROOT = join(import.meta.dirname, '..');

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|cjs|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

describe('docs/', () => {
  const model = readFileSync(MODEL_MD, 'utf8');

  it('docs/model.md shows the settlement block list as it is (regenerate: node --import tsx sim/run/settlementDoc.ts --write)', () => {
    expect(model).toBe(withTable(model));
  });

  it('every docs/model.md#section cited in the code is a heading of docs/model.md', () => {
    const anchors = new Set([...model.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
    const missing: string[] = [];
    const files = ['sim', 'contracts-mirror', 'scenarios', 'bench', 'test'].flatMap((d) => sources(join(ROOT, d))).filter((f) => f !== import.meta.filename);
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/docs\/model\.md#([\w-]+)/g)) if (!anchors.has(m[1])) missing.push(`${relative(ROOT, file)}: #${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
