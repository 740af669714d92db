/**
 * The `flock-lab` command line (docs/architecture.md). Exit codes: 0 ok, 1 a check failed, 2 bad input.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { replayCommand } from './replay.js';
import { registerBench } from './bench.js';
import { registerRun } from './run.js';
import { registerParity } from './parity.js';
import { registerCalibrate } from './calibrate.js';
import { registerChain } from './chain.js';
import { registerParams } from './params.js';
import { registerSweep } from './sweep.js';
import { registerCompare } from './compare.js';
import { registerExport } from './export.js';
import { registerWorker } from './worker.js';
import { registerReport } from './report.js';
import { registerRegress } from './regress.js';
import { registerArtifacts } from './artifacts.js';
import { registerAttack } from './attack.js';

const program = new Command();
program
  .name('flock-lab')
  .description('Exact protocol-economics lab for FLock.io: a bigint mirror of the deployed contracts, trace replay, and a seeded discrete-event agent simulation.')
  .version(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('replay')
  .description('Run an action trace (docs/traces.md) and print the result JSON.\nExit 0: every step behaved as written; 1: a step failed or an invariant broke; 2: the trace is invalid.')
  .argument('<trace>', 'trace JSON file (format flock-trace/1)')
  .option('--engine <engine>', 'engine to run the trace on: mirror, or evm (the reference Solidity in an in-process EVM)', 'mirror')
  .option('--artifacts <dir>', 'with --engine evm: compiled contracts (<Name>.json with abi and bytecode) to use instead of the reference ones')
  .option('--rpc <url>', 'with --engine evm: run on an existing local JSON-RPC node (e.g. http://127.0.0.1:8545; accounts are impersonated, the node is reverted afterwards)')
  .option('-o, --out <file>', 'also write the result JSON to this file (an existing one only with --force)')
  .option('--force', 'with --out: overwrite an existing file')
  .action(async (trace: string, opts: { engine: string; out?: string; artifacts?: string; rpc?: string; force?: boolean }) => {
    process.exitCode = await replayCommand(trace, opts);
  });

registerRun(program);
registerSweep(program);
registerCompare(program);
registerAttack(program);
registerExport(program);
registerWorker(program);
registerReport(program);
registerRegress(program);
registerBench(program);
registerParity(program);
registerCalibrate(program);
registerChain(program);
registerParams(program);
registerArtifacts(program);

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else throw e;
}
