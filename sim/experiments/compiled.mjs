// The lab's TypeScript compiled ahead to plain JavaScript, one .js per .ts, so that a process or a
// pool thread loads it with Node's own loader instead of through tsx's hooks (a thread spends about
// a second and a half of CPU loading ~200 lab modules through tsx, a fifth of that natively;
// docs/architecture.md#worker-pool). Plain JavaScript, as it runs before anything can load TypeScript.
//
// - Built on first use, into node_modules/.cache/flock-lab/<key>/ (sim/ and contracts-mirror/ with
//   their layout, so relative imports and package lookups work as in the sources). <key> is a hash
//   of the lab's folder, every source's path and content, tsconfig.json, esbuild's and Node's
//   versions and this file: an edited source gets a new tree, never a stale one. A clean clone
//   needs no build step.
// - Each file is compiled by esbuild as tsx compiles it (same esbuild, tsconfig.json, this Node
//   as target), with `import.meta.url` (and dirname, filename) fixed to the source file's, so that
//   files found beside a module (package.json, poolThread.mjs, solidity sources) are the same.
// - Anything wrong (no esbuild, a read-only folder, a compile error) gives null: the caller goes on
//   through tsx, as before, and a compile error is reported there, where it always was.
// - redirectHooks: resolve hooks that send an import of a lab source (a scenario importing
//   '../sim/scenario/schema.js' through tsx) to its compiled module, so that a scenario shares the
//   running lab's modules (one `scenario`, one SimulationError) rather than loading a second copy.
import { createHash } from 'node:crypto';
import { register } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIRS = ['sim', 'contracts-mirror'];
const CACHE = join(ROOT, 'node_modules', '.cache', 'flock-lab');
/** Trees not used for this long are removed (a process still running on an older tree keeps it in use). */
const KEEP_MS = 24 * 3600 * 1000;

/** The lab's sources to compile: every .ts under DIRS but tests and declarations, sorted. */
function sources() {
  const out = [];
  for (const d of DIRS) {
    for (const f of readdirSync(join(ROOT, d), { recursive: true })) {
      const rel = `${d}/${f}`;
      if (rel.endsWith('.ts') && !rel.endsWith('.test.ts') && !rel.endsWith('.d.ts') && !rel.includes('/node_modules/')) out.push(rel);
    }
  }
  return out.sort();
}

let memo;

/**
 * The compiled tree's folder as a file URL ending in '/', built if missing; null when it cannot be
 * had (the caller then loads the TypeScript through tsx). FLOCK_LAB_TSX=1 forces null.
 */
export async function compiledRoot() {
  if (process.env.FLOCK_LAB_TSX === '1') return null;
  // A pool thread takes its process's tree (the same code as its coordinator) without hashing again.
  const [pid, known] = (process.env.FLOCK_LAB_COMPILED ?? '').split('|');
  if (!memo && pid === String(process.pid) && known && existsSync(fileURLToPath(`${known}.complete`))) memo = Promise.resolve(known);
  return (memo ??= build().then(
    (url) => {
      process.env.FLOCK_LAB_COMPILED = `${process.pid}|${url}`;
      return url;
    },
    () => null,
  ));
}

async function build() {
  // esbuild's version from its package.json: importing esbuild itself costs a tenth of a second.
  const esbuildVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  const files = sources();
  const h = createHash('sha256');
  // The folder too: the tree names its sources' paths (import.meta.url), and node_modules may be shared.
  h.update(`${ROOT}\n${esbuildVersion}\n${process.versions.node}\n`).update(readFileSync(fileURLToPath(import.meta.url)));
  const tsconfig = readFileSync(join(ROOT, 'tsconfig.json'), 'utf8');
  h.update(tsconfig);
  const texts = files.map((f) => readFileSync(join(ROOT, f), 'utf8'));
  files.forEach((f, i) => h.update(`\0${f}\0`).update(texts[i]));
  const key = h.digest('hex').slice(0, 16);
  const dir = join(CACHE, key);
  if (existsSync(join(dir, '.complete'))) {
    // Its use keeps it from being pruned (prune below).
    touch(join(dir, '.complete'));
    return pathToFileURL(dir).href + '/';
  }

  const esbuild = await import('esbuild');
  if (esbuild.version !== esbuildVersion) throw new Error(`esbuild ${esbuild.version} is not node_modules/esbuild ${esbuildVersion}`);
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const tsconfigRaw = JSON.parse(tsconfig);
  const target = `node${process.versions.node}`;
  try {
    const outs = await Promise.all(
      files.map((f, i) => {
        const src = join(ROOT, f);
        const url = pathToFileURL(src).href;
        return esbuild.transform(texts[i], {
          loader: 'ts',
          format: 'esm',
          target,
          tsconfigRaw,
          sourcefile: src,
          sourcemap: 'inline',
          sourcesContent: false,
          define: {
            'import.meta.url': JSON.stringify(url),
            'import.meta.filename': JSON.stringify(src),
            'import.meta.dirname': JSON.stringify(dirname(src)),
          },
        });
      }),
    );
    files.forEach((f, i) => {
      const out = join(tmp, f.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outs[i].code);
    });
    // The tree is ESM whatever the package.json above it says.
    writeFileSync(join(tmp, 'package.json'), '{"type":"module"}\n');
    writeFileSync(join(tmp, '.complete'), '');
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process built the same tree at the same time: theirs is as good.
      if (!existsSync(join(dir, '.complete'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(key);
  return pathToFileURL(dir).href + '/';
}

function touch(file) {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    /* housekeeping only */
  }
}

/** Removes the trees not used for KEEP_MS (and leftovers of builds that died). */
function prune(current) {
  try {
    for (const d of readdirSync(CACHE)) {
      if (d === current) continue;
      const p = join(CACHE, d);
      const used = existsSync(join(p, '.complete')) ? join(p, '.complete') : p;
      if (Date.now() - statSync(used).mtimeMs > KEEP_MS) rmSync(p, { recursive: true, force: true });
    }
  } catch {
    /* pruning is housekeeping */
  }
}

/**
 * Loader hooks (module.register, with data { src, out }: the lab's folder and the compiled tree as
 * file URLs) that resolve a lab source (.ts under sim/ or contracts-mirror/) to its compiled .js,
 * after the hooks registered before them (tsx's) have resolved it.
 */
export const redirectHooks = `
let src, out;
export function initialize(data) { src = data.src; out = data.out; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith(src) && r.url.endsWith('.ts') && !r.url.endsWith('.test.ts')) {
    const rel = r.url.slice(src.length);
    if (rel.startsWith('sim/') || rel.startsWith('contracts-mirror/')) return { ...r, url: out + rel.slice(0, -3) + '.js', format: 'module' };
  }
  return r;
}`;

/** The lab's folder as a file URL ending in '/'. */
export const labRoot = pathToFileURL(ROOT).href;

/**
 * Where a process runs the compiled tree, what must run before it imports a TypeScript file (a
 * scenario, a bench): sim/scenario/typescript.ts calls it through this symbol, and
 * find nothing there under tsx or vitest, which load TypeScript already.
 */
export const TYPESCRIPT = Symbol.for('flock-lab.loadTypeScript');

let typescript;
/**
 * Registers tsx, then redirectHooks over it, once: from then on a TypeScript file can be imported,
 * and its imports of the lab are the compiled modules this process already runs. Registered only
 * when needed because every hook costs every later import a trip to the hooks' thread.
 */
export function loadTypeScript(root) {
  return (typescript ??= (async () => {
    (await import('tsx/esm/api')).register();
    register(`data:text/javascript,${encodeURIComponent(redirectHooks)}`, { data: { src: labRoot, out: root } });
  })());
}

/**
 * Imports `rel` (a compiled module's path in the tree, e.g. 'sim/cli/main.js') from the compiled
 * tree, with TYPESCRIPT set; null when there is no tree (the caller loads the source through tsx).
 */
export async function importCompiled(rel) {
  const root = await compiledRoot();
  if (!root) return null;
  // As under tsx: stack traces name the TypeScript sources (the tree carries inline source maps).
  process.setSourceMapsEnabled(true);
  globalThis[TYPESCRIPT] = () => loadTypeScript(root);
  return import(`${root}${rel}`);
}
