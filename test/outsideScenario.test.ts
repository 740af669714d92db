/**
 * A researcher's scenario outside the repository, run through the CLI as they run it: a `.ts`
 * file in a folder with no package.json (which Node would take for CommonJS), a `.mts` and a
 * `.json`; importing the lab as `flock-lab` (no install in the folder: the CLI resolves it to
 * itself) or by the path of its files. A syntax error is bad input naming file:line:col, and an
 * error that a command-line override brings in names the flag, not the file.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDirs } from './support/cli.js';

const newDir = tempDirs();
/** A fresh folder under the OS's temporary folder, outside the repository and any package. */
const study = () => newDir('flock-study-');

/** The CLI from the study folder, as a user runs it. */
const cli = (cwd: string, ...args: string[]) => runCli(args, { cwd, timeout: 120_000 });

const body = (name: string) =>
  `{ name: '${name}', days: 3, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 4 } } }`;
const LAB_SCHEMA = JSON.stringify(join(ROOT, 'sim', 'scenario', 'schema.ts'));

const files: [string, (dir: string) => string][] = [
  [
    "a .ts importing 'flock-lab' and a helper beside it, in a folder with no package.json, editing the settlement",
    (dir) => {
      writeFileSync(join(dir, 'base.ts'), `import { scenario } from 'flock-lab';\nexport default scenario(${body('base')});\n`);
      writeFileSync(
        join(dir, 'study.ts'),
        [
          "import { scenario, mustSucceed, ADMIN, type SettlementEdit } from 'flock-lab';",
          "import base from './base.js';",
          "export default scenario({ ...base, name: 'study' });",
          'export const settlement: SettlementEdit = (blocks) =>',
          "  blocks.insertBefore('invariants', { name: 'burnFees', description: 'burn the fees', calls: ['FLOCK.burnNetworkFees'], source: 'study',",
          "    run: (w, day) => mustSucceed(day.day, 'burnNetworkFees', w.chain.tx('burnNetworkFees', () => w.d.flock.burnNetworkFees(ADMIN))) });",
          '',
        ].join('\n'),
      );
      return 'study.ts';
    },
  ],
  [
    "a .ts importing the lab's file by its absolute path",
    (dir) => {
      writeFileSync(join(dir, 'abs.ts'), `import { scenario } from ${LAB_SCHEMA};\nconst days: number = 3;\nexport default scenario({ ...${body('abs')}, days });\n`);
      return 'abs.ts';
    },
  ],
  [
    'a .mts',
    (dir) => {
      writeFileSync(join(dir, 'm.mts'), `import { scenario } from 'flock-lab';\nexport default scenario(${body('m')});\n`);
      return 'm.mts';
    },
  ],
  [
    'a .json',
    (dir) => {
      writeFileSync(join(dir, 'j.json'), JSON.stringify({ name: 'j', days: 3, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 4 } } }));
      return 'j.json';
    },
  ],
];

describe('a scenario outside the repository', () => {
  for (const [what, make] of files) {
    it(`runs ${what}`, () => {
      const dir = study();
      const file = make(dir);
      const out = join(dir, 'out');
      const r = cli(dir, 'run', file, '--days', '2', '--seeds', '1', '--out', out, '--no-progress');
      expect(r.signal).toBeNull();
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`results: ${out}`);
      expect(readdirSync(out).sort()).toEqual(['manifest.json', 'results.duckdb', 'scenario.json', 'summary.json']);
    }, 120_000);
  }

  it('names file:line:col of a syntax error, with exit 2 and no run directory', () => {
    const dir = study();
    writeFileSync(join(dir, 'bad.ts'), `import { scenario } from 'flock-lab';\n\nexport default scenario({ name: 'bad', days: 2,, });\n`);
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'helper.mts'), 'export const n: number = ;\n');
    writeFileSync(join(dir, 'uses.mts'), `import { n } from './lib/helper.mts';\nexport default { name: 'uses', days: n };\n`);
    const r = cli(dir, 'run', 'bad.ts', '--out', join(dir, 'out'), '--no-progress');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: bad\.ts: invalid scenario\n {2}bad\.ts:3:47: Expected identifier but found ","\n$/);
    // In a file the scenario imports: that file is named, by the extension it has.
    const u = cli(dir, 'run', 'uses.mts', '--out', join(dir, 'out'), '--no-progress');
    expect(u.code).toBe(2);
    expect(u.err).toContain(`${join(dir, 'lib', 'helper.mts')}:1:25: Unexpected ";"`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 120_000);

  it('names the flag, not the file, for an error that --days or --set brings in', () => {
    const dir = study();
    writeFileSync(join(dir, 's.ts'), `import { scenario } from 'flock-lab';\nexport default scenario(${body('s')});\n`);
    const days = cli(dir, 'run', 's.ts', '--days', '4000', '--out', join(dir, 'out'), '--no-progress');
    expect(days.code).toBe(2);
    expect(days.err).toMatch(/^error: --days 4000: invalid scenario\n {2}days: Too big/);
    const both = cli(dir, 'run', 's.ts', '--set', 'params.gamma=-1', '--set', 'populations.nodes.count="x"', '--out', join(dir, 'out'), '--no-progress');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^error: command line: invalid scenario\n/);
    expect(both.err).toMatch(/\n {2}--set params\.gamma=-1: params\.gamma: /);
    expect(both.err).toMatch(/\n {2}--set populations\.nodes\.count="x": populations\.nodes\.count: /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 120_000);
});
