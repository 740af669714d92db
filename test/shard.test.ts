/**
 * A run's shard (sim/experiments/shard.ts) is how its output crosses Redis from a queue worker:
 * it must come back exactly, wei included, or a queued experiment's resultsHash would differ from
 * the same experiment run in process.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../sim/scenario/load.js';
import { runSimulation, type RunOutput } from '../sim/run/simulation.js';
import { hashRuns } from '../sim/run/runSet.js';
import { decodeShard, encodeShard } from '../sim/experiments/shard.js';
import { tempDirs } from './support/cli.js';

const tmp = tempDirs();

describe('shard', () => {
  it('a real run round-trips exactly: deep equal, bigints intact, same hash', async () => {
    const file = join(tmp('flock-shard-'), 'q.json');
    writeFileSync(file, JSON.stringify({ name: 'q', days: 4, tasks: [{ startDay: 0, durationDays: 4 }], populations: { nodes: { count: 4 }, validators: { count: 3 }, delegators: { count: 10 } } }));
    const { scenario } = await loadScenario(file, []);
    const out = runSimulation(scenario, { seed: 7, run: 3 });
    expect(out.agentRows.length).toBeGreaterThan(0);
    const shard = await encodeShard(out);
    expect(typeof shard).toBe('string');
    expect(shard).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const back = await decodeShard(shard);
    expect(back).toStrictEqual(out);
    expect(typeof back.agentRows[0].stake).toBe('bigint');
    expect(hashRuns([back])).toBe(hashRuns([out]));
  });

  it('keeps what JSON alone loses: huge and negative bigints, -0, NaN, ±Infinity', async () => {
    const out = {
      seed: 1,
      run: 0,
      agentRows: [{ run: 0, seed: 1, day: 0, agent: 'a', role: 'node', behaviour: 'honest', entity: 'a', stake: 10n ** 40n + 1n, reward: -5n, rewardCum: 0n }],
      dayRows: [],
      scoreByBehaviour: { honest: { sum: -0, n: 0 }, lazy: { sum: Number.NaN, n: 1 } },
      copiesByBehaviour: {},
      reverts: {},
      revertReasons: {},
      workload: { mode: 'surrogate', big: Number.POSITIVE_INFINITY, small: Number.NEGATIVE_INFINITY, tiny: 5e-324, nested: { list: [1n, 'x', null] } },
    } as unknown as RunOutput;
    const back = await decodeShard(await encodeShard(out));
    expect(back).toStrictEqual(out);
    expect(Object.is(back.scoreByBehaviour.honest.sum, -0)).toBe(true);
  });
});
