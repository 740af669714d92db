/**
 * Benchmark (not a test): every attack family pinned in reports/baselines/attacks.json checked as
 * `flock-lab regress` checks the CI ones (docs/attacks.md#regression): the minimum profitable
 * coalition share on the baseline scenario with the pinned budget and seeds, and the time each
 * family takes. A family whose share fell a grid step or more exits 1, naming it; `--update`
 * re-pins every family.
 *
 *   node --import tsx bench/attacks.ts [--update] [--workers 2]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { checkAttacks, shareWords } from '../sim/attacks/regress.js';
import { StudyThreads } from '../sim/attacks/threads.js';

const { values } = parseArgs({ options: { update: { type: 'boolean', default: false }, workers: { type: 'string', default: String(availableParallelism()) } } });
const t0 = Date.now();
console.log(`attacks: every family of reports/baselines/attacks.json on ${values.workers} worker thread(s)`);
const checks = await checkAttacks({
  executor: new StudyThreads(Math.max(1, Number(values.workers))),
  which: 'all',
  update: values.update,
  onCheck: (c) => {
    const best = c.result.grid.filter((g) => g.freshGain).map((g) => `${Math.round(g.share * 100)} %: ${(g.freshGain!.mean * 100).toFixed(1)} [${(g.freshGain!.lo * 100).toFixed(1)}, ${(g.freshGain!.hi * 100).toFixed(1)}]`);
    console.log(`  ${c.family.padEnd(10)} min profitable share ${shareWords(c.now).padEnd(15)} pinned ${shareWords(c.pinned).padEnd(15)} ${c.status.padEnd(9)} ${c.seconds.toFixed(1)} s, ${c.result.evaluations} evaluations`);
    console.log(`    fresh-seed gain by share (APR points, 95 % CI): ${best.join(' · ')}`);
  },
});
console.log(`attacks: ${checks.length} families in ${((Date.now() - t0) / 1000).toFixed(1)} s${values.update ? ' (re-pinned)' : ''}`);
const worse = checks.filter((c) => c.status === 'lower');
if (worse.length && !values.update) {
  console.log(`attacks got cheaper: ${worse.map((c) => c.family).join(', ')}`);
  process.exitCode = 1;
}
