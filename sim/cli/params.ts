/** `flock-lab params`: every scenario parameter from the registry, as a table, JSON or docs/parameters.md. */
import type { Command } from 'commander';
import { paramsJson, paramsMarkdown, paramsTable } from '../scenario/paramsDoc.js';

interface ParamsFlags {
  json?: boolean;
  markdown?: boolean;
}

export function paramsCommand(filter: string | undefined, f: ParamsFlags): number {
  if (f.json && f.markdown) {
    process.stderr.write('error: use one of --json and --markdown\n');
    return 2;
  }
  if (f.markdown) {
    if (filter) {
      process.stderr.write('error: --markdown prints the whole of docs/parameters.md; leave out the filter\n');
      return 2;
    }
    process.stdout.write(paramsMarkdown());
    return 0;
  }
  if (f.json) {
    const rows = paramsJson(filter);
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return rows.length > 0 ? 0 : 2;
  }
  const table = paramsTable({ filter, width: process.stdout.isTTY ? process.stdout.columns : 0 });
  if (table.startsWith('no parameter matches')) {
    process.stderr.write(`error: ${table}\n`);
    return 2;
  }
  process.stdout.write(table + '\n');
  return 0;
}

export function registerParams(program: Command): void {
  program
    .command('params')
    .description('List every scenario parameter: path (as --set takes it), default, unit, range and description.\nExit 0: printed; 2: bad flags or no parameter matches the filter.')
    .argument('[filter]', 'only parameters under this path, e.g. offchain or params.gamma')
    .option('--json', 'machine output: one object per parameter, with its bounds and source')
    .option('--markdown', 'print docs/parameters.md (`npm run docs:params` writes it)')
    .action((filter: string | undefined, f: ParamsFlags) => {
      process.exitCode = paramsCommand(filter, f);
    });
}
