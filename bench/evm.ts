/**
 * Benchmark (not a test) of the EVM engine (issue 5): replay speed in trace steps per second on
 * the reference Solidity, and the time of a 1,000-case parity run (mirror vs EVM). Targets:
 * ≥ 2,000 steps/s and ≤ 60 s, then the same parity run in worker threads. Wall time and this
 * process's CPU time are both printed; the CPU time includes V8's garbage-collector threads, so
 * it can exceed the wall time. Exits 1 if a parity case fails.
 *
 *   node --import tsx bench/evm.ts [--cases 1000] [--rounds 10] [--warmup 3] [--workers 2]
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
const rounds = arg('--rounds', 10);
const warmup = arg('--warmup', 3);
const workers = arg('--workers', 2);

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
  // warm-up passes: build each genesis once (cached afterwards) and let the JIT settle, so the
  // figure is the engine's steady state rather than V8's first compilations
  for (let w = 0; w < warmup; w++) for (const tr of traces) await engine.replay(tr);
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
    `evm replay (${label}, ${traces.length} traces × ${rounds} after ${warmup} warm-up pass${warmup === 1 ? '' : 'es'}): ${steps} steps in ${wall.toFixed(2)} s = ${Math.round(steps / wall)} steps/s ` +
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

if (workers > 1) {
  const q = clock();
  const par = await runParity({ cases, seed: 1, protocols: ['v1', 'v2'], workers });
  const t = q();
  console.log(`parity: the same ${cases} cases in ${workers} worker threads in ${t.wall.toFixed(1)} s: ${par.passed} passed, ${par.failed} failed`);
  if (par.failed > 0 || par.steps !== report.steps) process.exitCode = 1;
}
