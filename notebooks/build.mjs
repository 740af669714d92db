#!/usr/bin/env node
/**
 * Builds dist/: the lab's modules (contracts-mirror/, sim/) as CommonJS beside their type
 * declarations, so that the tslab kernel (TypeScript 5.0, CommonJS cells) can import them:
 * `import { makePlan } from '../dist/sim/experiments/plan.js'`.
 * - .js: each .ts file transpiled alone by esbuild (format cjs). `import.meta.url` is the URL of
 *   the source file, so files the lab finds beside its sources (package.json, docs, workers) are
 *   found as they are from the sources; `import()` stays a native import (scenarios load through
 *   tsx's ESM hooks, which the kernel registers: notebooks/kernels/tslab/kernel.json).
 * - .d.ts: the project's TypeScript (5.9) with emitDeclarationOnly.
 * Skipped when dist/ is newer than every source (delete dist/ or pass --force to rebuild).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { transform } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
const DIRS = ['contracts-mirror', 'sim'];

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'build') yield* walk(p);
    } else yield p;
  }
}

const sources = DIRS.flatMap((d) => [...walk(join(ROOT, d))]).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/\.test\.ts$/.test(f));
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs);
if (!process.argv.includes('--force') && existsSync(STAMP) && statSync(STAMP).mtimeMs >= newest) {
  console.log('dist/ is up to date');
  process.exit(0);
}

const t0 = Date.now();
rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
writeFileSync(join(DIST, 'package.json'), '{ "type": "commonjs" }\n');

const skipped = [];
await Promise.all(
  sources.map(async (src) => {
    const rel = relative(ROOT, src);
    const out = join(DIST, rel.replace(/\.ts$/, '.js'));
    const back = relative(dirname(out), src);
    const { code } = await transform(readFileSync(src, 'utf8'), {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcefile: src,
      define: { 'import.meta.url': '__sourceUrl' },
      banner: `const __sourceUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(back)})).href;`,
    }).catch((e) => {
      // Scripts with a top-level await (run by tsx, never imported) have no CommonJS form: left out.
      if (e.errors?.every((x) => /Top-level await/.test(x.text))) return { code: null };
      throw e;
    });
    if (code === null) return void skipped.push(rel);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }),
);

const tsconfig = join(DIST, 'tsconfig.decl.json');
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: '..', outDir: '.', skipLibCheck: true },
    include: DIRS.map((d) => `../${d}`),
    exclude: DIRS.map((d) => `../${d}/**/*.test.ts`),
  }),
);
try {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
} catch {
  // Type errors are `npm run typecheck`'s to report; the declarations are still written.
  console.warn('notebooks/build.mjs: tsc reported type errors (declarations written anyway)');
}
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
console.log(`built dist/ (${sources.length - skipped.length} modules; left out, top-level await: ${skipped.join(', ') || 'none'}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
