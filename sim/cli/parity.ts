/**
 * `flock-lab parity`: differential fuzzing of the mirror against the reference Solidity in an
 * in-process EVM (docs/traces.md#parity). Random valid-and-invalid traces run on both engines;
 * each mismatch is shrunk by fast-check, printed with its first differing path and step index,
 * and saved to a file. Ends with `N passed, M failed`; exit 1 when any case failed.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Protocol } from '../../contracts-mirror/replay/types.js';

interface ParityCliOptions {
  cases: string;
  seed: string;
  protocol?: string;
  gasReport?: boolean;
  out: string;
  artifacts?: string;
  workers: string;
  progress: boolean;
  strict?: boolean;
}

function int(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${what}: expected an integer, got ${JSON.stringify(v)}`);
  return n;
}

export function registerParity(program: Command): void {
  program
    .command('parity')
    .description(
      'Differential fuzzing: random traces run on the mirror and on the reference Solidity in an in-process EVM, compared byte for byte (without engine and gas).\n' +
        'Each mismatch is shrunk to a minimal trace, printed with the first differing path and step index, and saved under --out.\nExit 0: all passed; 1: a case failed; 2: bad options.',
    )
    .option('--cases <n>', 'number of random traces (split evenly over the protocols)', '100')
    .option('--seed <s>', 'seed of the first case (case k uses seed + k)', '1')
    .option('--protocol <v>', 'v1 or v2 (default: both, alternating)')
    .option('--gas-report', 'print min / median / max EVM gas by function')
    .option('--out <dir>', 'where failing traces are saved', 'runs/parity')
    .option('--artifacts <dir>', 'compiled contracts to use instead of the reference ones: a Hardhat or Foundry build folder, or <Kind>.json files (as replay --artifacts; see flock-lab artifacts)')
    .option('--strict', 'with --artifacts: an artifact with bytecode that matches no kind is an error (exit 2), not a warning')
    .option('--workers <n>', 'worker threads, each with its own EVM (same results and output order for any number)', '1')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (o: ParityCliOptions) => {
      let cases: number;
      let seed: number;
      let protocols: Protocol[];
      let workers: number;
      try {
        cases = int(o.cases, '--cases');
        workers = int(o.workers, '--workers');
        if (workers < 1) throw new Error(`--workers: expected a positive integer, got ${o.workers}`);
        seed = int(o.seed, '--seed');
        if (cases < 0) throw new Error('--cases: expected a non-negative integer');
        if (o.protocol !== undefined && o.protocol !== 'v1' && o.protocol !== 'v2') throw new Error(`--protocol: expected v1 or v2, got ${o.protocol}`);
        protocols = o.protocol ? [o.protocol as Protocol] : ['v1', 'v2'];
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (o.strict && o.artifacts === undefined) {
        process.stderr.write('error: --strict needs --artifacts\n');
        process.exitCode = 2;
        return;
      }
      const { announceArtifacts } = await import('./artifacts.js');
      const artifacts = o.artifacts !== undefined ? await announceArtifacts(o.artifacts, { strict: o.strict }) : undefined;
      if (artifacts === null) {
        process.exitCode = 2;
        return;
      }
      const { EvmEngine } = await import('../../contracts-mirror/evmEngine/engine.js');
      const { runParity, gasTable, compactTrace } = await import('../../contracts-mirror/evmEngine/parity.js');
      let engine;
      try {
        engine = await EvmEngine.create({ artifacts });
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      // the generator follows the artifacts (parity.ts arbOf): say what it leaves out
      const hookless = protocols.filter((p) => !engine.slashingHook(p));
      if (hookless.length) process.stderr.write(`parity (${hookless.join(', ')}): slashing hook not present in the artifacts: slash steps skipped\n`);
      const bar = o.progress
        ? new cliProgress.SingleBar(
            { format: 'parity |{bar}| {value}/{total} cases · {failed} failed · {duration_formatted}', noTTYOutput: true, notTTYSchedule: 2000, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : null;
      let failedSoFar = 0;
      bar?.start(cases, 0, { failed: 0 });
      let report: Awaited<ReturnType<typeof runParity>>;
      try {
        report = await runParity({
          cases,
          seed,
          protocols,
          engine,
          workers,
          artifactsDir: o.artifacts,
          onCase: (k, ok, f) => {
            if (!ok) failedSoFar++;
            bar?.update(k + 1, { failed: failedSoFar });
            if (ok || !f) return;
            mkdirSync(o.out, { recursive: true });
            const file = join(o.out, `parity-${f.protocol}-seed${f.seed}.json`);
            writeFileSync(file, compactTrace(f.trace) + '\n');
            const stepNote = f.diff.step === undefined ? '' : ` at step ${f.diff.step}`;
            process.stdout.write(
              `\nMISMATCH case ${k} (${f.protocol}, seed ${f.seed}): ${f.diff.path}${stepNote}\n` +
                `  mirror: ${JSON.stringify(f.diff.mirror)}\n  evm:    ${JSON.stringify(f.diff.evm)}\n` +
                `  shrunk from ${f.originalSteps} to ${f.trace.steps.length} steps; saved to ${file}\n` +
                `  replay: npx flock-lab replay ${file} --engine evm\n` +
                compactTrace(f.trace) +
                '\n',
            );
          },
        });
      } finally {
        // The bar's redraw timer keeps the process alive: stop it on every exit path.
        bar?.stop();
      }
      if (o.gasReport) {
        const rows = gasTable(report.gas);
        const w = Math.max(8, ...rows.map((r) => r.fn.length));
        process.stdout.write(`\n${'function'.padEnd(w)}  ${'calls'.padStart(6)}  ${'min'.padStart(9)}  ${'median'.padStart(9)}  ${'max'.padStart(9)}\n`);
        for (const r of rows) {
          process.stdout.write(`${r.fn.padEnd(w)}  ${String(r.n).padStart(6)}  ${String(r.min).padStart(9)}  ${String(r.median).padStart(9)}  ${String(r.max).padStart(9)}\n`);
        }
      }
      const per = Object.entries(report.byProtocol)
        .map(([p, c]) => `${p}: ${c.passed + c.failed}`)
        .join(', ');
      process.stderr.write(`parity: ${report.cases} cases (${per}), ${report.steps} steps in ${(report.ms / 1000).toFixed(1)} s\n`);
      process.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
      process.exitCode = report.failed > 0 ? 1 : 0;
    });
}
