/**
 * Where a run writes, as a user meets it from the shell: an `--out` that cannot be created is bad
 * input found before simulating; Ctrl-C / SIGTERM leave a partial directory and say how to finish
 * it; an existing directory is refused; progress lines in a log; the manifest says
 * whether the tree was dirty; calibrate and replay keep an existing file unless --force.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDirs } from './support/cli.js';

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });
const newDir = tempDirs();
const tmp = () => newDir('flock-out-');

const tiny = { name: 'tiny', days: 3, tasks: [{ startDay: 0, durationDays: 2 }], populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 4 } } };
/** About 1.5 s of simulating per seed on a busy machine: long enough to watch and to interrupt. */
const long = { name: 'long', days: 30, tasks: [{ startDay: 0, durationDays: 30 }], populations: { nodes: { count: 10 }, validators: { count: 5 }, delegators: { count: 400 } } };

function scenarioIn(dir: string, s: object = tiny): string {
  const file = join(dir, 's.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe('run --out that cannot be created', () => {
  it('below a file: exit 2 with one line naming --out and the file, before simulating, nothing created', () => {
    const dir = tmp();
    const file = scenarioIn(dir);
    writeFileSync(join(dir, 'afile'), '');
    const r = cli(['run', file, '--out', join(dir, 'afile', 'sub', 'out')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([`error: --out ${join(dir, 'afile', 'sub', 'out')}: ${join(dir, 'afile')} is a file, not a directory`]);
    expect(r.out).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['afile', 's.json']);
  });

  it('/proc/x: exit 2 with one line, within the deadline (a retrying mkdir would spin forever)', () => {
    const dir = tmp();
    const r = cli(['run', scenarioIn(dir), '--out', '/proc/x']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^error: --out \/proc\/x: cannot create \/proc\/x/);
  });
});

describe('interrupted runs', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} during the simulation keeps the partial directory and says how to finish it`, async () => {
      const dir = tmp();
      const file = scenarioIn(dir, long);
      const out = join(dir, 'out');
      const child = spawn(process.execPath, [BIN, 'run', file, '--seeds', '4', '--out', out, '--workers', '1', '--progress-interval', '0.2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
      let err = '';
      let signalled = false;
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        // Simulating: a day has been counted.
        if (!signalled && / [1-9]\d*\/120 days/.test(err)) {
          signalled = true;
          child.kill(signal);
        }
      });
      const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
      clearTimeout(deadline);
      expect(signalled).toBe(true);
      expect(sig).toBe(signal); // the shell shows 143 / 130
      expect(code).toBeNull();
      expect(err).toMatch(new RegExp(`interrupted: [0-3] of 4 runs are in ${out}; finish them with: flock-lab run ${file} --seeds 4 --workers 1 --progress-interval 0.2 --resume ${out}`));
      expect(err).not.toMatch(/120\/120 days/);
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(m.status).toBe('partial');
      expect(m.runs.total).toBe(4);
      expect(m.runs.done).toBeLessThan(4);
    }, 90_000);
  }

  it('a new run into an existing directory is refused (exit 2), naming --resume', () => {
    const dir = tmp();
    const file = scenarioIn(dir);
    mkdirSync(join(dir, 'out'));
    const r = cli(['run', file, '--out', join(dir, 'out'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: --out ${join(dir, 'out')}: ${join(dir, 'out')} already exists; choose another directory, remove it, or pass --resume ${join(dir, 'out')} to finish it\n`);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });
});

describe('progress without a terminal', () => {
  it('prints a line every --progress-interval seconds with increasing counts, what runs where, and each run as it is stored', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const r = cli(['run', scenarioIn(dir, long), '--seeds', '2', '--out', out, '--workers', '1', '--progress-interval', '0.1']);
    expect(r.code).toBe(0);
    const counts = [...r.err.matchAll(/^long: (\d+)\/60 days · seed (\d) · [0-2]\/2 runs( · ETA \d+ s)?( · honest node APR [\d.]+%)? · \d+\.\d s$/gm)].map((m) => Number(m[1]));
    // A landed run prints a line at once, so a count may repeat; it never goes back.
    expect(new Set(counts).size).toBeGreaterThanOrEqual(3);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(60);
    expect(r.err).toMatch(new RegExp(`^long: 2 run\\(s\\) on 1 worker thread → ${out}$`, 'm'));
    expect(r.err).toContain(`long: run 1/2 stored in ${join(out, 'results.duckdb')}`);
    expect(r.err).toContain(`long: run 2/2 stored in ${join(out, 'results.duckdb')}`);
  }, 60_000);
});

describe('manifest.json', () => {
  it('records whether the working tree had local changes', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const porcelain = () => spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
    const before = porcelain();
    expect(cli(['run', scenarioIn(dir), '--out', out, '--no-progress']).code).toBe(0);
    const after = porcelain();
    const v = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).codeVersion;
    if (before.status === 0) {
      expect(v.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(typeof v.dirty).toBe('boolean');
      // Others may edit the tree meanwhile: only the same answer before and after is conclusive.
      const b = before.stdout.trim() !== '';
      if (b === (after.stdout.trim() !== '')) expect(v.dirty).toBe(b);
    } else expect(v).toMatchObject({ commit: 'unknown', dirty: 'unknown' });
  });
});

describe('existing files are kept unless --force', () => {
  it('calibrate refuses its default output (a tracked file) before any training', () => {
    const target = join(ROOT, 'scenarios', 'calibration', 'real-small.json');
    const before = statSync(target).mtimeMs;
    const r = cli(['calibrate', 'scenarios/real-small.ts']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out: .*scenarios\/calibration\/real-small\.json already exists; pass --force/);
    expect(r.ms).toBeLessThan(30_000); // bound: loading takes seconds; training takes minutes
    expect(statSync(target).mtimeMs).toBe(before);
  });

  it('calibrate refuses an existing --out file', () => {
    const dir = tmp();
    const out = join(dir, 'cal.json');
    writeFileSync(out, 'mine');
    const r = cli(['calibrate', scenarioIn(dir), '--out', out, '--days', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${out} already exists; pass --force`);
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });

  it('replay -o refuses an existing file, and overwrites it with --force', () => {
    const dir = tmp();
    const trace = join(dir, 't.json');
    writeFileSync(trace, JSON.stringify({ format: 'flock-trace/1', protocol: 'v2', accounts: {}, steps: [{ at: 1, from: 'admin', call: 'TaskManager.createTask', args: [1, 86400, 't'] }] }));
    const out = join(dir, 'result.json');
    writeFileSync(out, 'mine');
    const r = cli(['replay', trace, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: --out ${out} already exists; pass --force to overwrite it\n`);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('mine');
    const f = cli(['replay', trace, '-o', out, '--force']);
    expect(f.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).ok).toBe(true);
  });

  it('replay -o into a missing folder or below a file is exit 2 in one line, before replaying', () => {
    const dir = tmp();
    const trace = join(dir, 't.json');
    writeFileSync(trace, JSON.stringify({ format: 'flock-trace/1', protocol: 'v2', accounts: {}, steps: [] }));
    const missing = cli(['replay', trace, '-o', join(dir, 'nope', 'r.json')]);
    expect([missing.code, missing.out, missing.err]).toEqual([2, '', `error: --out ${join(dir, 'nope', 'r.json')}: ${join(dir, 'nope')} does not exist\n`]);
    const below = cli(['replay', trace, '-o', join(trace, 'r.json')]);
    expect([below.code, below.out, below.err]).toEqual([2, '', `error: --out ${join(trace, 'r.json')}: ${trace} is a file, not a directory\n`]);
  });
});
