/**
 * Benchmark (not a test) of the EVM engine (issue 5): replay speed in trace steps per second on
 * the reference Solidity, and the time of a 1,000-case parity run (mirror vs EVM). Targets:
 * ≥ 2,000 steps/s and ≤ 60 s. Wall time and this process's CPU time are both printed: on a
 * shared machine the CPU figure is the steadier one. Exits 1 if a parity case fails.
 *
 *   node --import tsx bench/evm.ts [--cases 1000] [--rounds 5]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { EvmEngine } from '../contracts-mirror/evmEngine/engine.js';
import { buildTrace, scenarioArb } from '../contracts-mirror/evmEngine/generator.js';
import { runParity } from '../contracts-mirror/evmEngine/parity.js';

function arg(name: string, dflt: number): number {
  const k = process.argv.indexOf(name);
  return k >= 0 ? Number(process.argv[k + 1]) : dflt;
}
const cases = arg('--cases', 1000);
const rounds = arg('--rounds', 5);

function clock() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
}

const t = clock();
const engine = await EvmEngine.create();
const setup = t();
console.log(`evm engine: artifacts loaded in ${setup.wall.toFixed(1)} s`);

const dir = join(import.meta.dirname, '..', 'contracts-mirror', 'traces');
const shipped = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.result.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { steps: unknown[] });
const random = (['v1', 'v2'] as const).flatMap((p) => fc.sample(scenarioArb(p), { seed: 7, numRuns: 50 }).map(buildTrace));

for (const [label, traces] of [
  ['shipped traces', shipped],
  ['random parity traces', random],
] as const) {
  for (const tr of traces) await engine.replay(tr); // builds each genesis once (cached afterwards)
  const c = clock();
  let steps = 0;
  for (let r = 0; r < rounds; r++) {
    for (const tr of traces) {
      await engine.replay(tr);
      steps += tr.steps.length;
    }
  }
  const { wall, cpu } = c();
  console.log(
    `evm replay (${label}, ${traces.length} traces × ${rounds}): ${steps} steps in ${wall.toFixed(2)} s = ${Math.round(steps / wall)} steps/s ` +
      `(${Math.round(steps / cpu)} steps per CPU-second; target ≥ 2000)`,
  );
}

const p = clock();
const report = await runParity({ cases, seed: 1, protocols: ['v1', 'v2'], engine });
const { wall, cpu } = p();
console.log(
  `parity: ${cases} cases (${report.steps} steps, both engines) in ${wall.toFixed(1)} s (CPU ${cpu.toFixed(1)} s; target ≤ 60 s): ${report.passed} passed, ${report.failed} failed`,
);
if (report.failed > 0) process.exitCode = 1;
