/**
 * `flock-lab bench <scenario> [--set key=value ...]`: runs a bench scenario file and prints its
 * figure line last. Exit codes (docs/architecture.md): 0 ok, 1 the scenario's own check failed
 * (`ok: false`) or it crashed, 2 bad input (missing or invalid file, unknown parameter, a value
 * of the wrong type, or a RangeError thrown by the scenario for an out-of-range parameter).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readyForTypeScript } from '../scenario/typescript.js';

/** Bench parameters: each default's type (number or string) is the type `--set` must give. */
export type BenchParams = Record<string, number | string>;

/** What a bench run returns: the figure line, the figures themselves, and `ok: false` if a check failed. */
export interface BenchResult {
  line: string;
  ok?: boolean;
  [figure: string]: unknown;
}

/**
 * A bench scenario module's default export. `run` receives the defaults merged with `--set`
 * overrides; it throws a RangeError naming the parameter when a value is out of range.
 */
export interface BenchScenario<P extends BenchParams = BenchParams> {
  kind: 'bench';
  name: string;
  params: P;
  run(params: P): BenchResult;
}

/** Bad input for `bench`: reported as `error: …` with exit code 2. */
class BenchInputError extends Error {}

/** Merges `--set key=value` overrides into the defaults, checking names and types. */
export function applySets(name: string, defaults: BenchParams, sets: readonly string[]): BenchParams {
  const params: BenchParams = { ...defaults };
  const known = Object.keys(defaults).join(', ');
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new BenchInputError(`--set ${s}: expected key=value (params of ${name}: ${known})`);
    const key = s.slice(0, eq);
    const raw = s.slice(eq + 1);
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      throw new BenchInputError(`--set ${s}: unknown param "${key}" for bench ${name} (params: ${known})`);
    }
    if (typeof defaults[key] === 'number') {
      const v = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new BenchInputError(`--set ${s}: param "${key}" of bench ${name} must be a number, got "${raw}"`);
      params[key] = v;
    } else {
      params[key] = raw;
    }
  }
  return params;
}

function isBenchScenario(x: unknown): x is BenchScenario {
  const s = x as BenchScenario | null | undefined;
  return (
    typeof s === 'object' && s !== null && s.kind === 'bench' && typeof s.name === 'string' &&
    typeof s.params === 'object' && s.params !== null && typeof s.run === 'function'
  );
}

/** Runs the bench in `file` with the `--set` overrides; prints its line last; returns the exit code. */
export async function benchCommand(file: string, sets: readonly string[]): Promise<number> {
  const path = resolve(file);
  try {
    if (!existsSync(path)) throw new BenchInputError(`${file}: file not found`);
    let mod: { default?: unknown };
    try {
      await readyForTypeScript();
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (e) {
      throw new BenchInputError(`${file}: cannot load: ${(e as Error).message}`);
    }
    const scenario = mod.default;
    if (!isBenchScenario(scenario)) {
      throw new BenchInputError(`${file}: the default export is not a bench scenario ({ kind: 'bench', name, params, run })`);
    }
    const params = applySets(scenario.name, scenario.params, sets);
    let result: BenchResult;
    try {
      result = scenario.run(params);
    } catch (e) {
      if (e instanceof RangeError) throw new BenchInputError(`bench ${scenario.name}: ${e.message}`);
      throw e;
    }
    const shown = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ');
    process.stdout.write(`bench ${scenario.name} (${shown})\n${result.line}\n`);
    if (result.ok === false) {
      process.stderr.write(`bench ${scenario.name}: its check failed\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof BenchInputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`bench ${file} crashed: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

/** Adds `bench <scenario> [--set key=value ...]` to the CLI. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'Run a bench scenario (e.g. scenarios/bench-mm1.ts, scenarios/bench-radcad.ts) and print its figure as the last line.\n' +
        'Exit 0: ok; 1: the bench check failed; 2: bad input (file, unknown param, bad value).',
    )
    .argument('<scenario>', 'bench scenario file (TypeScript module whose default export has kind "bench")')
    .option('--set <key=value>', 'override a parameter (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (scenario: string, opts: { set: string[] }) => {
      process.exitCode = await benchCommand(scenario, opts.set);
    });
}
