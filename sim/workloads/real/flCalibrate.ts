/**
 * FL surrogate calibration (docs/fl-alliance.md#surrogate): real FedAvg rounds on an FL task's
 * workload, measured and fitted to the surrogate's form (sim/workloads/flSurrogate.ts).
 *
 * Panel: the task's `nodes` members; `rounds` honest rounds, each by `proposers` members drawn
 * from the calibration seed's stream and always accepted (so the model walks down its whole
 * curve). From every honest round's global model the calibration also builds, and drops, a
 * sign-flip aggregate and a label-flip aggregate. Each aggregate is measured on the held-out set
 * (its true effect e = q − q_after) and by `voters` members on their local test splits.
 *
 * Fit: the floor f sits 5 % of the range below the lowest loss reached; honest e = g·(q − f) by least
 * squares through the origin; honestSd = sd of e/(g·(q − f)) − 1 over rounds with a tenth of the range
 * left; sign flip: −e = h·k·g·(q − f), h through the origin; label flip: −e = a·(q − f) + b;
 * evalNoise = RMS of (a voter's measured improvement − e) over every aggregate and voter.
 */
import { stream } from '../../engine/rng.js';
import type { FlTaskConfig } from '../../scenario/schema.js';
import { FL_CALIBRATION_FORMAT, FlCalibrationSchema, type FlCalibration } from '../flSurrogate.js';
import type { FlUpdateKind } from '../flTypes.js';
import { linearFit } from './calibrate.js';
import { RealFlWorkload } from './flWorkload.js';

export interface FlCalibrateOptions {
  rounds: number;
  seed: number;
  scenario: string;
  meta?: Record<string, unknown>;
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const sd = (xs: number[]) => {
  const m = avg(xs);
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
};

export function calibrateFl(cfg: FlTaskConfig, o: FlCalibrateOptions): FlCalibration {
  const members = Array.from({ length: cfg.nodes }, (_, i) => `cal-${String(i + 1).padStart(2, '0')}`);
  const w = new RealFlWorkload({ cfg, index: 0, seed: o.seed, cell: 0, members });
  const roles = stream(o.seed, 0, 'fl-calibration/roles');
  const noise = stream(o.seed, 0, 'fl-calibration/noise');
  const start = w.quality();
  const honest: { q: number; e: number }[] = [];
  const flips: { q: number; kind: FlUpdateKind; e: number }[] = [];
  const evalErrors: number[] = [];
  let samples: number[] = [];
  const measure = (kind: FlUpdateKind, proposers: string[], voters: string[]) => {
    const q = w.quality();
    const r = w.propose(proposers.map((m) => ({ member: m, kind })), roles);
    samples = samples.concat(r.samples);
    const e = q - r.aggregateQuality;
    for (const v of voters) evalErrors.push(w.improvement(v, noise) - e);
    return { q, e };
  };
  for (let t = 0; t < o.rounds; t++) {
    const drawn = roles.shuffle([...members]);
    const proposers = drawn.slice(0, cfg.proposers);
    const voters = drawn.slice(cfg.proposers, cfg.proposers + cfg.voters);
    for (const kind of ['sign-flip', 'label-flip'] as const) {
      flips.push({ kind, ...measure(kind, proposers, voters) });
      w.reject();
    }
    honest.push(measure('honest', proposers, voters));
    w.accept();
  }
  // The floor: a little below the lowest loss reached (the model's own curve flattens there).
  const lowest = Math.min(...honest.map((x) => x.q - x.e));
  const floor = lowest - 0.05 * Math.max(0, start - lowest);
  const gap = (q: number) => Math.max(0, q - floor);
  // Least squares through the origin: y = c·x with c = Σxy / Σx² (no ratio of small numbers).
  const through = (xs: number[], ys: number[]) => {
    const sxx = xs.reduce((a, x) => a + x * x, 0);
    return sxx > 0 ? xs.reduce((a, x, i) => a + x * ys[i], 0) / sxx : 0;
  };
  const g = Math.max(1e-6, through(honest.map((x) => gap(x.q)), honest.map((x) => x.e)));
  const h = linearFit(
    honest.map((x) => gap(x.q)),
    honest.map((x) => x.e),
  );
  const sf = flips.filter((x) => x.kind === 'sign-flip');
  const lf = flips.filter((x) => x.kind === 'label-flip');
  const l = linearFit(
    lf.map((x) => gap(x.q)),
    lf.map((x) => -x.e),
  );
  // Relative noise of an honest round, over the rounds with a real gap left (a tenth of the range).
  const live = honest.filter((x) => gap(x.q) > 0.1 * (start - floor));
  const fit = {
    start,
    floor,
    honestGain: g,
    honestSd: sd(live.map((x) => x.e / (g * gap(x.q)) - 1)),
    labelFlipSlope: l.b,
    labelFlipIntercept: l.a,
    signFlipHarm: Math.max(0, through(sf.map((x) => cfg.poisonScale * g * gap(x.q)), sf.map((x) => -x.e))),
    evalNoise: Math.sqrt(avg(evalErrors.map((x) => x * x))),
    samples: avg(samples),
  };
  return FlCalibrationSchema.parse({
    format: FL_CALIBRATION_FORMAT,
    scenario: o.scenario,
    createdWith: { rounds: o.rounds, seed: o.seed, flTask: cfg, ...o.meta },
    fit,
    measured: {
      honest,
      signFlip: sf.map(({ q, e }) => ({ q, e })),
      labelFlip: lf.map(({ q, e }) => ({ q, e })),
      honestR2: h.r2,
      labelFlipR2: l.r2,
      evalErrorMean: avg(evalErrors),
      finalQuality: w.quality(),
    },
  });
}
