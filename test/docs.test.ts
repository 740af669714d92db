/**
 * The repository's own documentation stays true to the code: the settlement table in
 * docs/model.md is the block list's, every `docs/<page>.md#section` the code cites is a heading of
 * that page, and no code file cites the spec folder that users never see.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_MD, withTable } from '../sim/run/settlementDoc.js';

const ROOT = join(import.meta.dirname, '..');
const CODE_DIRS = ['sim', 'contracts-mirror', 'scenarios', 'bench', 'bin', 'test'];

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|cts|cjs|mjs|sol)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every code file of the repository (this test excluded), as paths relative to the root. */
const codeFiles = () =>
  CODE_DIRS.flatMap((d) => sources(join(ROOT, d)))
    .filter((f) => f !== import.meta.filename)
    .map((f) => relative(ROOT, f).split('\\').join('/'));

const anchorCache = new Map<string, Set<string>>();
/** The anchors of docs/<page>.md, or null when the page does not exist. */
function anchorsOf(page: string): Set<string> | null {
  if (!anchorCache.has(page)) {
    const file = join(ROOT, 'docs', `${page}.md`);
    if (!existsSync(file)) return null;
    anchorCache.set(page, new Set([...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]))));
  }
  return anchorCache.get(page)!;
}


/**
 * A citation of the spec folder (shared/spec/ and its companions), which is not part of the
 * repository: a spec file name not preceded by `docs/` (docs/contracts.md and docs/traces.md are
 * the repository's own pages), `shared/spec`, `spec/<file>`, a "stand-ins §" section, or a bare
 * section sign (the docs use anchors, never §).
 */
const SPEC_CITATION = /(?<!docs\/)\b(?:protocol|contracts|workloads|stand-ins|traces|abi|design|stack|style)\.md\b|shared\/spec|\bspec\/[\w-]+\.md|stand-ins §|§/g;

describe('docs/', () => {
  const model = readFileSync(MODEL_MD, 'utf8');

  it('docs/model.md shows the settlement block list as it is (regenerate: node --import tsx sim/run/settlementDoc.ts --write)', () => {
    expect(model).toBe(withTable(model));
  });

  it('every docs/<page>.md#section cited in the code is a heading of that page (model, traces, contracts, architecture, …)', () => {
    const missing: string[] = [];
    for (const file of codeFiles()) {
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/docs\/([\w-]+)\.md(?:#([\w-]+))?/g)) {
        const anchors = anchorsOf(m[1]);
        if (anchors === null) missing.push(`${file}: docs/${m[1]}.md does not exist`);
        else if (m[2] !== undefined && !anchors.has(m[2])) missing.push(`${file}: docs/${m[1]}.md#${m[2]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the pages the code cites most exist: model, traces, contracts, architecture', () => {
    for (const page of ['model', 'traces', 'contracts', 'architecture']) expect(anchorsOf(page), `docs/${page}.md`).not.toBeNull();
  });

  it('no code file cites the spec folder (shared/spec/) users never see; cite docs/ or ASSUMPTIONS.md instead', () => {
    const cited: string[] = [];
    for (const file of codeFiles()) {
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, k) => {
          if (line.match(SPEC_CITATION)) cited.push(`${file}:${k + 1}: ${line.trim()}`);
        });
    }
    expect(cited).toEqual([]);
  });
});
