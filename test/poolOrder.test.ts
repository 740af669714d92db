/**
 * The worker pool hands jobs out in plan order, two per thread at a time and never more than AHEAD
 * per thread past the earliest unfinished one (docs/architecture.md#worker-pool), so the
 * coordinator's hash keeps only a few runs' lines waiting for an earlier one. Handed every job at once, piscina ran
 * them out of order (a job it could not place went to the back of its queue): with one thread,
 * runs landed as 0, 1, 3, 5, 7, 9, 11, 4, 8, 2, … and the coordinator held most runs' hash lines
 * (2 MB a run of the baseline) until the end.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './support/cli.js';
import { makePlan } from '../sim/experiments/plan.js';
import { AHEAD, PoolExecutor } from '../sim/experiments/pool.js';
import { JobFailed } from '../sim/experiments/failure.js';

const newDir = tempDirs();

async function plan(seeds: number) {
  const dir = newDir('flock-pool-order-');
  const file = join(dir, 's.json');
  writeFileSync(file, JSON.stringify({ name: 'order', days: 3, tasks: [{ startDay: 0, durationDays: 3 }], populations: { nodes: { count: 3 }, validators: { count: 2 }, delegators: { count: 3 } } }));
  return makePlan({ kind: 'run', file, sets: [], cells: [{ label: 'base', values: {}, sets: [] }], seedCount: seeds });
}

/** The run indices in the order the pool landed them. */
async function landingOrder(threads: number, seeds: number): Promise<number[]> {
  const p = await plan(seeds);
  const pool = new PoolExecutor(threads);
  const order: number[] = [];
  try {
    await pool.run(p.jobs, {
      onResult: async () => {
        throw new Error('a pool asked for landed runs hands them over landed');
      },
      onLanded: async (l) => {
        // A store that takes a little while, as DuckDB's does.
        await new Promise((r) => setTimeout(r, 5));
        order.push(l.run);
      },
    });
  } finally {
    await pool.close();
  }
  return order;
}

describe('the worker pool', () => {
  it('with one thread, lands every run in plan order', async () => {
    expect(await landingOrder(1, 16)).toEqual([...Array(16).keys()]);
  }, 120_000);

  it('with two threads, lands each run once, and never more than AHEAD per thread land before an earlier run', async () => {
    const order = await landingOrder(2, 24);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(24).keys()]);
    // What the hash holds at each landing: the runs landed that an earlier run has not.
    let waiting = 0;
    const seen = new Set<number>();
    let first = 0;
    for (const run of order) {
      seen.add(run);
      while (seen.has(first)) first++;
      waiting = Math.max(waiting, [...seen].filter((r) => r > first).length);
    }
    expect(waiting).toBeLessThan(AHEAD * 2);
  }, 120_000);

  it('stops handing out jobs after a store fails, and reports that failure', async () => {
    const p = await plan(12);
    const pool = new PoolExecutor(2);
    const landed: number[] = [];
    try {
      const run = pool.run(p.jobs, {
        onResult: async () => {},
        onLanded: async (l) => {
          if (l.run === 2) throw new Error('disk full');
          landed.push(l.run);
        },
      });
      await expect(run).rejects.toThrow('disk full');
    } finally {
      await pool.close();
    }
    // Run 2 failed to store; what was running then may land, nothing is started after.
    expect(landed.length).toBeLessThan(12);
    expect(landed).not.toContain(2);
  }, 120_000);

  it('rejects with the failing job when a run fails on its thread', async () => {
    const p = await plan(6);
    p.jobs[3] = { ...p.jobs[3], scenarioHash: 'not the hash' };
    const pool = new PoolExecutor(2);
    try {
      const err = await pool.run(p.jobs, { onResult: async () => {}, onLanded: async () => {} }).catch((e) => e);
      expect(err).toBeInstanceOf(JobFailed);
      expect((err as JobFailed).job.run).toBe(3);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
