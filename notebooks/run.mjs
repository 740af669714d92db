#!/usr/bin/env node
/**
 * `npm run notebooks`: builds dist/ (notebooks/build.mjs), then executes every notebook in this
 * folder headless on the committed tslab kernel (kernels/flock-lab, found through JUPYTER_PATH) with
 * Debian's nbconvert, writing the executed HTML to notebooks/out/ (git-ignored). One line per
 * notebook with its time; exit 1 when any cell of any notebook fails (nbconvert's own exit status).
 * Arguments: notebook names to run only those (e.g. `npm run notebooks -- reward-formulas`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const JUPYTER = existsSync('/usr/bin/jupyter') ? '/usr/bin/jupyter' : 'jupyter';

const t0 = Date.now();
const built = spawnSync(process.execPath, [join(HERE, 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const wanted = process.argv.slice(2).map((a) => a.replace(/\.ipynb$/, ''));
const notebooks = readdirSync(HERE).filter((f) => f.endsWith('.ipynb') && (!wanted.length || wanted.includes(f.replace(/\.ipynb$/, '')))).sort();
if (!notebooks.length) {
  console.error(`no notebook ${wanted.join(', ')} in notebooks/`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
const env = { ...process.env, JUPYTER_PATH: [HERE, process.env.JUPYTER_PATH].filter(Boolean).join(':'), PYDEVD_DISABLE_FILE_VALIDATION: '1' };
let failed = 0;
for (const nb of notebooks) {
  const t = Date.now();
  const r = spawnSync(JUPYTER, ['nbconvert', '--to', 'html', '--execute', '--ExecutePreprocessor.timeout=600', '--output-dir', OUT, join(HERE, nb)], { cwd: HERE, env, encoding: 'utf8' });
  const secs = ((Date.now() - t) / 1000).toFixed(1);
  if (r.status === 0) console.log(`ok    ${nb}  ${secs} s`);
  else {
    failed++;
    console.log(`FAIL  ${nb}  ${secs} s`);
    // nbconvert's traceback ends with the failing cell and the kernel's error.
    const err = `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
    const at = err.lastIndexOf('An error occurred while executing the following cell');
    console.log((at >= 0 ? err.slice(at) : err.slice(-4000)).replace(/^/gm, '      '));
  }
}
console.log(`${notebooks.length - failed}/${notebooks.length} notebooks ran in ${((Date.now() - t0) / 1000).toFixed(1)} s; HTML in ${OUT}`);
process.exit(failed ? 1 : 0);
