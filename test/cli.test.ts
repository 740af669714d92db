/** The CLI as a user runs it: exit codes, messages naming the field, and nothing left behind on bad input. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli, tempDirs } from './support/cli.js';

const tempDir = tempDirs();
const cli = (...args: string[]) => runCli(args);
const cliWith = (env: Record<string, string>, ...args: string[]) => runCli(args, { env });

const tiny = (over: Record<string, unknown> = {}) => ({
  name: 'tiny',
  days: 3,
  tasks: [{ startDay: 0, durationDays: 2 }],
  populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 4 } },
  ...over,
});

describe('flock-lab run', () => {
  it('writes results.duckdb, manifest.json and summary.json and prints the KPI table', async () => {
    const dir = tempDir('flock-run-');
    const file = join(dir, 'tiny.json');
    writeFileSync(file, JSON.stringify(tiny()));
    const out = join(dir, 'out');
    const r = cli('run', file, '--seeds', '2', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/role\s+behaviour/);
    expect(r.err).toMatch(/6\/6 days/); // the progress bar also prints without a TTY
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'results.duckdb', 'scenario.json', 'summary.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.seeds).toEqual([1, 2]);
    expect(manifest.resultsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.mode).toBe('surrogate');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.groups.map((g: { role: string }) => g.role)).toContain('node');
    const db = await DuckDBInstance.create(join(out, 'results.duckdb'));
    const c = await db.connect();
    const rows = (await c.runAndReadAll('SELECT count(*)::INTEGER AS n, count(DISTINCT agent)::INTEGER AS a FROM agent_days')).getRows();
    // 2 seeds × 3 days × (3 nodes + 2 validators + 4 delegators)
    expect(rows[0]).toEqual([54, 9]);
    const days = (await c.runAndReadAll('SELECT count(*)::INTEGER FROM days')).getRows();
    expect(days[0][0]).toBe(6);
    c.closeSync();
    db.closeSync();
    // Same scenario and seeds → the same resultsHash.
    const again = cli('run', file, '--seeds', '2', '--out', join(dir, 'again'), '--no-progress');
    expect(JSON.parse(readFileSync(join(dir, 'again', 'manifest.json'), 'utf8')).resultsHash).toBe(manifest.resultsHash);
    expect(again.code).toBe(0);
  }, 60_000);

  const bad: [string, Record<string, unknown>, string[], RegExp][] = [
    ['an unknown parameter', tiny(), ['--set', 'params.bogus=1'], /--set params\.bogus=1: invalid scenario\n\s+params: Unrecognized key: "bogus"/],
    ['a wrong type', tiny(), ['--set', 'days="ten"'], /--set days="ten": invalid scenario\n\s+days: .*expected number/],
    ['σ above 1e6', tiny(), ['--set', 'populations.nodes.sigma={"min":0,"max":2000000}'], /--set populations\.nodes\.sigma=\{"min":0,"max":2000000\}: invalid scenario\n\s+populations\.nodes\.sigma\.max: Too big/],
    ['a negative stake', tiny(), ['--set', 'populations.delegators.stake={"min":-5,"max":10}'], /--set populations\.delegators\.stake=\{"min":-5,"max":10\}: invalid scenario\n\s+populations\.delegators\.stake\.min: Too small/],
    ['a duration above maxDuration', tiny({ tasks: [{ startDay: 0, durationDays: 31 }] }), [], /s\.json: invalid scenario\n\s+tasks\.0\.durationDays: a task lasts at most maxDuration = 30 days/],
    ['a bad --seeds', tiny(), ['--seeds', 'x'], /--seeds: expected a positive integer/],
  ];
  for (const [what, scenario, extra, message] of bad) {
    it(`rejects ${what} with exit 2, the field path, and no run directory`, () => {
      const dir = tempDir('flock-bad-');
      const file = join(dir, 's.json');
      writeFileSync(file, JSON.stringify(scenario));
      const out = join(dir, 'out');
      const r = cli('run', file, '--out', out, ...extra);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual(['s.json']);
    });
  }

  for (const progress of [true, false]) {
    it(`exits 1 within seconds when an invariant breaks (${progress ? 'with' : 'without'} the progress bar), naming the day, the check and the numbers`, () => {
      const dir = tempDir('flock-leak-');
      const file = join(dir, 'tiny.json');
      writeFileSync(file, JSON.stringify(tiny()));
      const out = join(dir, 'out');
      const r = cliWith({ FLOCK_LAB_FAULT: 'leak:1' }, 'run', file, '--out', out, ...(progress ? [] : ['--no-progress']));
      expect(r.signal).toBeNull(); // not killed by the deadline: the process ended by itself
      expect(r.code).toBe(1);
      // bound: the run itself takes about 2 s; the hang this guards against never ends.
      expect(r.ms).toBeLessThan(30_000);
      expect(r.err).toContain('run failed: day 1: conservation:FLOCK failed: {"minted":"15350657807308970099672","balances":"15350657807308970099671","burned":"0"}');
      expect(r.out).toBe('');
      expect(readdirSync(dir)).toEqual(['tiny.json']); // no run directory, not even a partial one
    }, 60_000);
  }

  it('rejects a malformed FLOCK_LAB_FAULT instead of ignoring it', () => {
    const dir = tempDir('flock-fault-');
    const file = join(dir, 'tiny.json');
    writeFileSync(file, JSON.stringify(tiny()));
    const r = cliWith({ FLOCK_LAB_FAULT: 'leak' }, 'run', file, '--out', join(dir, 'out'), '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/FLOCK_LAB_FAULT: expected leak:<day> or crash:<day>, got "leak"/);
    expect(readdirSync(dir)).toEqual(['tiny.json']);
  });

  for (const workers of ['0', '2']) {
    it(`a bug in the lab (--workers ${workers}): exit 1, one line naming the error, then the trace to report`, () => {
      const dir = tempDir('flock-crash-');
      const file = join(dir, 'tiny.json');
      writeFileSync(file, JSON.stringify(tiny()));
      const r = cliWith({ FLOCK_LAB_FAULT: 'crash:1' }, 'run', file, '--seeds', '2', '--workers', workers, '--out', join(dir, 'out'), '--no-progress');
      expect(r.code).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines[0]).toBe('error: fault injection: a crash on day 1');
      expect(lines[1]).toBe('This is a bug in flock-lab. Please report it with the command line and this trace:');
      expect(r.err).toMatch(/at .*faults\.ts:\d+/);
      expect(r.err).not.toContain('triggerUncaughtException');
    }, 60_000);
  }

  it('a damaged results.duckdb: --resume and report refuse it with exit 2, naming the file', () => {
    const dir = tempDir('flock-damaged-');
    const file = join(dir, 'tiny.json');
    writeFileSync(file, JSON.stringify(tiny()));
    const out = join(dir, 'out');
    const args = ['run', file, '--seeds', '2', '--workers', '0', '--no-progress'];
    expect(cli(...args, '--out', out).code).toBe(0);
    writeFileSync(join(out, 'results.duckdb'), 'not a database');
    const report = cli('report', out, '--out', join(dir, 'report'));
    expect(report.code).toBe(2);
    expect(report.err).toContain(`cannot open ${join(out, 'results.duckdb')} for reading: IO Error`);
    expect(existsSync(join(dir, 'report'))).toBe(false);
    const manifest = join(out, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), status: 'partial' }));
    const resume = cli(...args, '--resume', out);
    expect(resume.code).toBe(2);
    expect(resume.err).toContain(`error: --resume ${out}: cannot resume: its results.duckdb cannot be opened (IO Error`);
  }, 60_000);

  it('warns, naming the behaviour and the count, when a behaviour mix rounds a behaviour to no agents', () => {
    const dir = tempDir('flock-mix-');
    const file = join(dir, 'mix.json');
    writeFileSync(file, JSON.stringify(tiny({ populations: { nodes: { count: 8, mix: { honest: 0.95, copycat: 0.05 } }, validators: { count: 2 }, delegators: { count: 2 } } })));
    const r = cli('run', file, '--out', join(dir, 'out'), '--no-progress');
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: populations.nodes.mix.copycat = 0.05 of 8 nodes rounds to 0 agents; none will be copycat\n');
  });

  it('rejects a missing scenario file with exit 2', () => {
    const r = cli('run', 'scenarios/nope.ts');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/file not found/);
  });
});

describe('flock-lab replay', () => {
  const write = (trace: unknown) => {
    const dir = tempDir('flock-trace-');
    const file = join(dir, 't.json');
    writeFileSync(file, typeof trace === 'string' ? trace : JSON.stringify(trace));
    return file;
  };
  const base = { format: 'flock-trace/1', protocol: 'v2', accounts: { alice: { gmFLOCK: '5000e18' } } };

  it('prints canonical JSON and exits 0 when every step behaves as written', () => {
    const r = cli('replay', write({ ...base, steps: [{ at: 1, from: 'admin', call: 'TaskManager.createTask', args: [1, 86400, 't'] }] }));
    expect(r.code).toBe(0);
    expect(r.out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(r.out).ok).toBe(true);
  });

  it('exits 1 and still prints the result when a step fails', () => {
    const r = cli('replay', write({ ...base, steps: [{ at: 1, from: 'admin', call: 'TaskManager.createTask', args: [0, 86400, 't'] }] }));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).steps[0]).toMatchObject({ status: 'failed', expected: 'success', actual: 'Invalid task ID' });
  });

  const invalid: [string, unknown, RegExp][] = [
    ['bad JSON', '{"format": ', /bad JSON/],
    ['an unknown function', { ...base, steps: [{ at: 1, from: 'admin', call: 'TaskManager.nope', args: [] }] }, /step 0: call: TaskManager has no function "nope"/],
    ['an unknown contract', { ...base, steps: [{ at: 1, from: 'admin', call: 'Bank.deposit', args: [] }] }, /step 0: call: unknown contract "Bank"/],
    ['wrong arity', { ...base, steps: [{ at: 1, from: 'admin', call: 'TaskManager.setGamma', args: [] }] }, /step 0: args: TaskManager.setGamma takes 1 argument/],
    ['a fractional amount of wei', { ...base, steps: [{ at: 1, from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '1.5'] }] }, /step 0: args\[1\]: "1.5" is not a whole number/],
    ['time going backwards', { ...base, steps: [{ at: 5, from: 'admin', call: 'TaskManager.setGamma', args: [1] }, { at: 4, from: 'admin', call: 'TaskManager.setGamma', args: [1] }] }, /step 1: at: time goes backwards/],
    ['an unknown top-level key', { ...base, steps: [], extra: 1 }, /extra: unknown top-level key/],
    ['gmFLOCK under v1', { format: 'flock-trace/1', protocol: 'v1', accounts: { bob: { gmFLOCK: '1' } }, steps: [] }, /accounts\.bob\.gmFLOCK: gmFLOCK does not exist under protocol v1/],
  ];
  for (const [what, trace, message] of invalid) {
    it(`exits 2 on ${what}, naming the step and field, with nothing on stdout`, () => {
      const r = cli('replay', write(trace));
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
    });
  }
});
