/**
 * The engine's bench scenarios (scenarios/bench-*.ts) as tests of their own checks: the M/M/1
 * queue's pinned mean waits and radCAD's closed form through the block API. They live here, not
 * beside the engine, because the engine never imports scenarios (docs/architecture.md).
 */
import { describe, expect, it } from 'vitest';
import mm1, { simulateMM1 } from '../scenarios/bench-mm1.js';
import radcad from '../scenarios/bench-radcad.js';

describe('bench scenarios', () => {
  it('M/M/1 with a fixed seed gives a pinned mean wait', () => {
    const p = { ...mm1.params, customers: 20_000, seed: 'engine-test' };
    const r = simulateMM1(p);
    expect(r.served).toBe(20_000);
    expect(r.events).toBe(80_000); // 4 events per customer
    expect(r.meanWait).toBe(7.646183319223208); // regression value: this seed's output, bit for bit
    expect(simulateMM1(p).meanWait).toBe(r.meanWait);
    expect(simulateMM1({ ...p, run: 1 }).meanWait).not.toBe(r.meanWait);
  });

  it('M/M/1 default run stays near theory (Wq = 9)', () => {
    const r = mm1.run({ ...mm1.params });
    expect(r.ok).toBe(true);
    expect(r.meanWait).toBe(9.076010187281856); // regression value: the default seed's output, bit for bit
    expect(r.line).toMatch(/^mm1: 200000 customers in [\d.]+ s = \d+ customers\/s; mean wait 9\.08 \(theory 9\.00\)/);
  });

  it('radCAD model matches its closed form b = 2 + 5·a_param·T', () => {
    const r = radcad.run({ ...radcad.params, timesteps: 1000, runs: 2 });
    expect(r.ok).toBe(true);
    expect(r.timesteps).toBe(4000);
    expect(r.line).toMatch(/^radcad: 4000 timesteps in [\d.]+ s = \d+ timesteps\/s \(\d+× radCAD 0\.14's ≈30k\); closed form ok$/);
    expect(() => radcad.run({ ...radcad.params, a_params: '1,x' })).toThrow(RangeError);
  });
});
