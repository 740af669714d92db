/**
 * The size guard (docs/architecture.md#size-guard): an experiment whose estimated peak memory
 * exceeds 80 % of the machine's memory, or --max-memory, is refused before it starts (exit 2, the
 * populations and the estimate named, no run directory); a bad --max-memory is exit 2 naming the
 * flag. Also --paranoid (docs/architecture.md#incremental-checks), which must not change results.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { estimateExperiment, estimateRunBytes, guardMemory, MEMORY_MODEL, MemoryGuardError, parseSize } from '../sim/run/memoryGuard.js';
import { planFrom } from '../sim/cli/experiment.js';
import { runCli, tempDirs } from './support/cli.js';

const tmp = tempDirs();

const scenario = (delegators: number, days = 30) =>
  ScenarioSchema.parse({ name: 'big', days, tasks: [{ startDay: 0, durationDays: 7 }], populations: { nodes: { count: 603 }, validators: { count: 1051 }, delegators: { count: delegators } } });

describe('parseSize (--max-memory)', () => {
  it('reads decimal and binary units, and plain bytes', () => {
    expect(parseSize('1.5GB')).toBe(1.5e9);
    expect(parseSize('800MB')).toBe(8e8);
    expect(parseSize('800mb')).toBe(8e8);
    expect(parseSize('2GiB')).toBe(2 ** 31);
    expect(parseSize('512 KiB')).toBe(512 * 1024);
    expect(parseSize('1000000')).toBe(1e6);
  });
  it('refuses what is not a positive size', () => {
    for (const bad of ['', 'lots', '-1GB', '0', '0GB', '1.5XB', 'GB', '1e9', '1,5GB']) expect(parseSize(bad), bad).toBeNull();
  });
});

describe('the estimate', () => {
  it('is the process plus, per concurrent run, a cost per agent and per agent-day', () => {
    const s = scenario(10_000, 20);
    const agents = 603 + 1051 + 10_000;
    expect(estimateRunBytes(s)).toBe(agents * MEMORY_MODEL.agentBytes + agents * 20 * MEMORY_MODEL.agentDayBytes);
    expect(estimateExperiment([s], 3).bytes).toBe(MEMORY_MODEL.processBytes + 3 * estimateRunBytes(s));
    // The largest cell is the one held at once.
    expect(estimateExperiment([scenario(10, 20), s], 1).largest).toBe(s);
    // Each worker thread of a pool adds its own isolate and young generation.
    expect(estimateExperiment([s], 2, undefined, 2).bytes).toBe(MEMORY_MODEL.processBytes + 2 * MEMORY_MODEL.threadBytes + 2 * estimateRunBytes(s));
  });

  it('a paper-scale week fits under 80 % of 16 GB, 10 million delegators do not', () => {
    expect(guardMemory([scenario(63_265, 7)], 1, { machineBytes: 16e9 }).bytes).toBeLessThan(0.8 * 16e9);
    expect(() => guardMemory([scenario(10_000_000, 30)], 1, { machineBytes: 16e9 })).toThrow(MemoryGuardError);
  });

  it('names the populations, the days, the estimate and the limit', () => {
    let e: unknown;
    try {
      guardMemory([scenario(10_000_000, 30)], 2, { machineBytes: 16e9, threads: 2 });
    } catch (x) {
      e = x;
    }
    const m = (e as Error).message;
    expect(m).toContain('603 training nodes, 1,051 validators and 10,000,000 delegators (10,001,654 agents) for 30 days, 2 runs at once on 2 worker threads');
    expect(m).toContain('use fewer --workers (0 runs in this process)');
    expect(m).toMatch(/would need an estimated [\d.]+ GB, more than 80 % of this machine's 16\.00 GB \(12\.80 GB\)/);
    expect(() => guardMemory([scenario(100, 3)], 1, { maxBytes: 1e6 })).toThrow(/more than --max-memory 1 MB; nothing was started/);
  });
});

describe('flock-lab run: refused before it starts', () => {
  it('10 million delegators: exit 2 within seconds, naming the populations and the estimate, no run directory', () => {
    const out = join(tmp('flock-guard-'), 'run');
    const r = runCli(['run', 'scenarios/baseline.ts', '--set', 'populations.delegators.count=10000000', '--out', out, '--no-progress'], { timeout: 30_000 });
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^error: baseline: .*10,000,000 delegators .* would need an estimated [\d.]+ GB, more than 80 % of this machine's/m);
    expect(r.ms).toBeLessThan(20_000);
    expect(existsSync(out)).toBe(false);
    expect(r.out).toBe('');
  });

  it('--max-memory: a bad value is exit 2 naming the flag; a limit below the estimate refuses a small run', () => {
    const bad = runCli(['run', 'scenarios/baseline.ts', '--max-memory', 'lots', '--no-progress']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--max-memory: expected a size such as 1.5GB, 800MB or 2GiB, got "lots"');
    const out = join(tmp('flock-guard-'), 'run');
    const low = runCli(['run', 'scenarios/baseline.ts', '--max-memory', '100MB', '--out', out, '--no-progress']);
    expect(low.code).toBe(2);
    expect(low.err).toMatch(/more than --max-memory 100 MB; nothing was started/);
    expect(existsSync(out)).toBe(false);
  });

  it('counts the pool: 600 MB refuses two worker threads (200 + 2 × 250 MB + two runs) but runs in-process', () => {
    const dir = tmp('flock-guard-');
    const args = ['run', 'scenarios/baseline.ts', '--seeds', '2', '--days', '2', '--max-memory', '600MB', '--no-progress'];
    const two = runCli([...args, '--workers', '2', '--out', join(dir, 'two')]);
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/2 runs at once on 2 worker threads, every agent's rows kept would need an estimated 70\d MB, more than --max-memory 600 MB/);
    expect(existsSync(join(dir, 'two'))).toBe(false);
    const none = runCli([...args, '--workers', '0', '--out', join(dir, 'none')]);
    expect(none.code, none.err).toBe(0);
  });

  it('--paranoid travels in every job of the plan (pool threads and queue workers run the job as given)', async () => {
    const cells = [{ label: 'base', values: {}, sets: [] }];
    const on = await planFrom('run', 'scenarios/baseline.ts', { set: [], seeds: '2', progress: false, paranoid: true }, cells);
    expect(on.jobs.map((j) => j.paranoid)).toEqual([true, true]);
    const off = await planFrom('run', 'scenarios/baseline.ts', { set: [], seeds: '2', progress: false }, cells);
    expect(off.jobs.map((j) => j.paranoid)).toEqual([undefined, undefined]);
  });

  it('--paranoid runs the full rescan every day and gives the same resultsHash', () => {
    const dir = tmp('flock-paranoid-');
    const args = ['run', 'scenarios/baseline.ts', '--days', '8', '--seeds', '1', '--workers', '1', '--no-progress', '--max-memory', '1GB'];
    const plain = runCli([...args, '--out', join(dir, 'plain')]);
    const paranoid = runCli([...args, '--paranoid', '--out', join(dir, 'paranoid')]);
    expect(plain.code, plain.err).toBe(0);
    expect(paranoid.code, paranoid.err).toBe(0);
    const hash = (s: string) => /resultsHash: (\w+)/.exec(s)?.[1];
    expect(hash(paranoid.out)).toBeDefined();
    expect(hash(paranoid.out)).toBe(hash(plain.out));
  });
});
