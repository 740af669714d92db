/**
 * `flock-lab calibrate <scenario> [--out file]`: runs real TensorFlow.js training and validation
 * for a few days (sim/workloads/real/calibrate.ts), fits the surrogate's per-behaviour score
 * distributions and writes them as JSON (default scenarios/calibration/<name>.json). A surrogate
 * scenario uses the fit with `workload: { calibration: '<file>' }`.
 * An existing file is refused (exit 2) unless --force. Exit codes: 0 written; 2 bad input.
 */
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadScenario, ScenarioError } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { makeDirs, OutDirError } from '../run/outDirs.js';
import { codeVersion } from '../experiments/job.js';

interface CalibrateFlags {
  out?: string;
  days: string;
  seed?: string;
  nodes: string;
  noisyDraws: string;
  set: string[];
  force?: boolean;
  fl?: boolean;
  rounds: string;
}

function intFlag(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ScenarioError('command line', [{ path: flag, message: `expected an integer ≥ ${min}, got "${v}"` }]);
  return n;
}

export async function calibrateCommand(file: string, f: CalibrateFlags): Promise<number> {
  try {
    const days = intFlag('--days', f.days, 1);
    const nodes = intFlag('--nodes', f.nodes, 3);
    const noisyDraws = intFlag('--noisy-draws', f.noisyDraws, 1);
    const { scenario, hash } = await loadScenario(file, f.set);
    const seed = f.seed === undefined ? scenario.seeds[0] : intFlag('--seed', f.seed, 0);
    if (f.fl) return await calibrateFlCommand(scenario, hash, seed, f);
    const out = resolve(f.out ?? `scenarios/calibration/${scenario.name}.json`);
    // Checked before any training: an existing calibration (often a tracked file) is kept unless --force.
    if (existsSync(out) && !f.force) throw new ScenarioError('command line', [{ path: '--out', message: `${out} already exists; pass --force to overwrite it, or choose another file with --out` }]);
    makeDirs(dirname(out), f.out ?? out);
    const t0 = Date.now();
    const { calibrate } = await import('../workloads/real/calibrate.js');
    const cal = await calibrate(scenario, { days, seed, honestNodes: nodes, noisyDraws, meta: { scenarioHash: hash, codeVersion: codeVersion(), node: process.version, createdAt: new Date(t0).toISOString() } });
    writeFileSync(out, JSON.stringify(cal, null, 2) + '\n');
    const f3 = (x: number) => x.toFixed(3);
    const fit = cal.fit;
    process.stdout.write(
      [
        `${scenario.name}: calibrated on ${nodes} honest nodes + lazy, copycat, oversized over ${days} day(s), seed ${seed} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        `  base model (lazy):  ${f3(fit.base)}`,
        `  honest:             ${f3(fit.honest.intercept)} ${fit.honest.slope >= 0 ? '−' : '+'} ${f3(Math.abs(fit.honest.slope))}·skill ± ${f3(fit.honest.residualSd)}`,
        `  validators:         honest ±${f3(fit.validators.honestSd)}, noisy ±${f3(fit.validators.noisySd)}, lazy uniform [${f3(fit.validators.lazyMin)}, ${f3(fit.validators.lazyMax)}]`,
        `written: ${out}`,
        `use it:  workload: { mode: 'surrogate', calibration: '${out.startsWith(process.cwd() + '/') ? out.slice(process.cwd().length + 1) : out}' }`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (e instanceof OutDirError) {
      process.stderr.write(`error: --out ${e.message}\n`);
      return 2;
    }
    if (e instanceof ScenarioError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * `calibrate --fl`: real FedAvg rounds of the scenario's first FL task, fitted to the FL surrogate
 * (sim/workloads/real/flCalibrate.ts; docs/fl-alliance.md#surrogate). Default file:
 * scenarios/calibration/<name>-fl.json; a surrogate FL task uses it with `calibration: '<file>'`.
 */
async function calibrateFlCommand(scenario: Scenario, hash: string, seed: number, f: CalibrateFlags): Promise<number> {
  const rounds = intFlag('--rounds', f.rounds, 3);
  const cfg = scenario.flTasks?.[0];
  if (!cfg) throw new ScenarioError('command line', [{ path: '--fl', message: `${scenario.name} has no flTasks entry to calibrate on` }]);
  const out = resolve(f.out ?? `scenarios/calibration/${scenario.name}-fl.json`);
  if (existsSync(out) && !f.force) throw new ScenarioError('command line', [{ path: '--out', message: `${out} already exists; pass --force to overwrite it, or choose another file with --out` }]);
  makeDirs(dirname(out), f.out ?? out);
  const t0 = Date.now();
  const { initBackend } = await import('../workloads/real/backend.js');
  await initBackend(cfg.backend);
  const { calibrateFl } = await import('../workloads/real/flCalibrate.js');
  const cal = calibrateFl({ ...cfg, workload: 'real' }, { rounds, seed, scenario: scenario.name, meta: { scenarioHash: hash, codeVersion: codeVersion(), node: process.version, createdAt: new Date(t0).toISOString() } });
  writeFileSync(out, JSON.stringify(cal, null, 2) + '\n');
  const x = cal.fit;
  const f3 = (v: number) => v.toFixed(3);
  process.stdout.write(
    [
      `${scenario.name}: FL calibration on ${rounds} real FedAvg rounds (${cfg.nodes} members, ${cfg.proposers} proposers, ${cfg.voters} voters), seed ${seed} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      `  held-out loss: start ${f3(x.start)}, floor ${f3(x.floor)}; honest round closes ${f3(x.honestGain)} of the gap (± ${f3(x.honestSd)} relative)`,
      `  sign flip ×${cfg.poisonScale}: harm ${f3(x.signFlipHarm)} × k·g·gap; label flip: −e = ${f3(x.labelFlipSlope)}·gap ${x.labelFlipIntercept >= 0 ? '+' : '−'} ${f3(Math.abs(x.labelFlipIntercept))}`,
      `  voters' measurement noise (RMS, non-IID test splits): ${f3(x.evalNoise)} nats`,
      `written: ${out}`,
      `use it:  flTasks: [{ workload: 'surrogate', calibration: '${out.startsWith(process.cwd() + '/') ? out.slice(process.cwd().length + 1) : out}' }]`,
      '',
    ].join('\n'),
  );
  return 0;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      'Run real TensorFlow.js workloads for a few days and fit the surrogate score model to them (per-behaviour score distributions, validator noise); writes a calibration JSON that surrogate scenarios use with workload.calibration.\nExit 0: written; 2: bad input.',
    )
    .argument('<scenario>', 'scenario file; its real workload settings are used (defaults for a surrogate scenario)')
    .option('--out <file>', 'calibration file (default scenarios/calibration/<name>.json); an existing one is kept unless --force')
    .option('--force', 'overwrite an existing calibration file')
    .option('--days <d>', 'simulated days of training', '3')
    .option('--seed <s>', 'seed (default: the scenario’s first)')
    .option('--nodes <n>', 'honest nodes, skills evenly spaced over [0, 1]', '8')
    .option('--noisy-draws <k>', 'noisy-validator subsamples per submission and set', '4')
    .option('--fl', 'calibrate the FL surrogate on the scenario\'s first flTasks entry (real FedAvg rounds) instead of the AI Arena surrogate')
    .option('--rounds <n>', 'with --fl: real FedAvg rounds to measure', '16')
    .option('--set <key=value>', 'override a scenario field by path (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (file: string, f: CalibrateFlags) => {
      process.exitCode = await calibrateCommand(file, f);
    });
}
