/**
 * The `flock-lab` command line (docs/architecture.md). Exit codes: 0 ok, 1 a check failed, 2 bad input.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';

/**
 * The commands' modules, in the order `--help` lists the commands, with the commands each
 * registers or changes (`replay` itself is below). A command's module is imported only when it is needed (docs/architecture.md#worker-pool):
 * the command being run alone, or all of them when the command line is help, a version, or not a
 * known command (commander's help and its "did you mean" list every command, as before). A whole
 * `run` then loads neither bullmq's worker, nor DuckDB's reports, nor the EVM, nor the attacks.
 */
const COMMANDS: [names: string[], load: () => Promise<(program: Command) => void>][] = [
  [['run', 'schema'], async () => (await import('./run.js')).registerRun],
  [['sweep'], async () => (await import('./sweep.js')).registerSweep],
  [['compare'], async () => (await import('./compare.js')).registerCompare],
  [['attack'], async () => (await import('./attack.js')).registerAttack],
  [['export'], async () => (await import('./export.js')).registerExport],
  [['worker'], async () => (await import('./worker.js')).registerWorker],
  [['report'], async () => (await import('./report.js')).registerReport],
  [['regress'], async () => (await import('./regress.js')).registerRegress],
  [['bench'], async () => (await import('./bench.js')).registerBench],
  [['parity'], async () => (await import('./parity.js')).registerParity],
  [['calibrate'], async () => (await import('./calibrate.js')).registerCalibrate],
  [['chain'], async () => (await import('./chain.js')).registerChain],
  [['params'], async () => (await import('./params.js')).registerParams],
  // registerArtifacts also gives `replay` its --strict.
  [['artifacts', 'replay'], async () => (await import('./artifacts.js')).registerArtifacts],
];

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
    const { replayCommand } = await import('./replay.js');
    process.exitCode = await replayCommand(trace, opts);
  });

// The command named on the command line: its first word that is not an option (the program's own
// options, --help and --version, take no value).
const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
const own = COMMANDS.filter(([names]) => names.includes(named ?? ''));
const needed = own.length ? own : COMMANDS;
for (const register of await Promise.all(needed.map(([, load]) => load()))) register(program);

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    // What no command maps to an exit code: the system refusing (a full disk, a denied path) or a
    // bug. Either way one readable line first; the trace only where it is the lab's fault.
    const err = e as NodeJS.ErrnoException;
    const system = typeof err?.code === 'string' && typeof err?.syscall === 'string';
    process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
    if (!system) process.stderr.write(`This is a bug in flock-lab. Please report it with the command line and this trace:\n${err?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
