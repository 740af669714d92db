/**
 * The final node upload lists only nodes with a positive share (ASSUMPTIONS.md S-lists,
 * docs/model.md#upload-lists): V1 drops final ppm of 0, V2 drops a vested share of 0. A node
 * paid a few ppm on one day of a multi-day task ends with a final ppm that floors to 0.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';
import { settlementBlocks } from '../sim/run/settlement.js';
import { finalPercentagesByAddress } from '../sim/offchain/pipeline.js';

interface Upload {
  taskId: bigint;
  addrs: string[];
  pw: bigint[];
}

/** Runs `s` with a probe before `finalUploads`: the final rows as computed, and the final uploads as sent. */
function finalUploadsOf(protocol: 'v1' | 'v2', seed: number) {
  const s = ScenarioSchema.parse({
    name: 'final-zero',
    protocol,
    days: 7,
    tasks: [{ startDay: 0, durationDays: 5 }],
    populations: { nodes: { count: 8 }, validators: { count: 3 } },
    // A steep rank ratio: low ranks get a few ppm on some days, which the weighted mean floors to 0.
    offchain: { q: 0.1 },
  });
  const computed = new Map<string, bigint>();
  const uploads: Upload[] = [];
  let wrapped = false;
  const blocks = settlementBlocks.insertBefore('finalUploads', {
    name: 'probe',
    description: 'test probe: records the final rows and the final upload call',
    run: (w) => {
      for (const t of w.tasks) if (!t.finished && w.env.now >= t.end) for (const r of finalPercentagesByAddress(t.days)) computed.set(r.address, r.pctWith);
      if (wrapped) return;
      wrapped = true;
      const tm = w.d.taskManager;
      const upload = tm.uploadFinalRewardResultsForTrainingNodes.bind(tm);
      tm.uploadFinalRewardResultsForTrainingNodes = (sender, taskId, addrs, pw, po) => {
        uploads.push({ taskId, addrs: [...addrs], pw: [...pw] });
        return upload(sender, taskId, addrs, pw, po);
      };
    },
  });
  const out = runSimulation(s, { seed, run: 0, settlement: blocks });
  return { computed, uploads, out };
}

describe('final node uploads', () => {
  it('V1 lists only nodes whose final ppm is > 0 (a node floored to 0 is left out)', () => {
    const { computed, uploads } = finalUploadsOf('v1', 1);
    const zero = [...computed].filter(([, p]) => p === 0n).map(([a]) => a);
    expect(zero.length).toBeGreaterThan(0); // the scenario does produce a zero-ppm final row
    expect(uploads).toHaveLength(1);
    const [u] = uploads;
    expect(u.pw.every((p) => p > 0n)).toBe(true);
    for (const a of zero) expect(u.addrs).not.toContain(a);
    // Every positive row is still listed, with its ppm, in the computed order.
    const positive = [...computed].filter(([, p]) => p > 0n);
    expect(u.addrs).toEqual(positive.map(([a]) => a));
    expect(u.pw).toEqual(positive.map(([, p]) => p));
  });

  it('V2 lists no zero ppm either (its vested-share filter is stricter)', () => {
    const { uploads } = finalUploadsOf('v2', 1);
    expect(uploads).toHaveLength(1);
    expect(uploads[0].addrs.length).toBeGreaterThan(0);
    expect(uploads[0].pw.every((p) => p > 0n)).toBe(true);
  });
});
