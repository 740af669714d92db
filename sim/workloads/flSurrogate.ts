/**
 * The FL surrogate (docs/fl-alliance.md#surrogate): a calibrated model of "update quality → vote
 * outcome" that stands in for real FedAvg rounds in long studies. The global model is one number,
 * its held-out loss q (nats), above a floor f. A proposal's effect e (loss reduction) is
 * - honest: g·(q − f)·(1 + N(0, s)), with g the share of the gap an honest round closes;
 * - free-ride: 0;
 * - label-flip: −(a_L·(q − f) + b_L), a straight line fitted to measured label-flip rounds (from a weak
 *   model, flipped labels can still lower the loss: b_L < 0 says so);
 * - sign-flip by k: −k·h_S·g·(q − f) (first order: the honest step, reversed and scaled).
 * The aggregate's effect is the sample-weighted mean (FedAvg to first order); a voter measures it
 * with N(0, evalNoise) noise (its own non-IID test split). Accepted: q ← max(f, q − e).
 * The fit comes from `flock-lab calibrate --fl` (FL_CALIBRATION_FORMAT) or the built-in one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { stream, type RandomStream } from '../engine/rng.js';
import type { FlProposal, FlRoundModels, FlTaskWorkload, FlWorkloadRequest } from './flTypes.js';

export const FL_CALIBRATION_FORMAT = 'flock-lab-fl-calibration/1';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const nonneg = finite.refine((x) => x >= 0, 'must be ≥ 0');

export const FlFitSchema = z
  .object({
    start: finite,
    floor: finite,
    honestGain: nonneg,
    honestSd: nonneg,
    labelFlipSlope: finite,
    labelFlipIntercept: finite,
    signFlipHarm: nonneg,
    evalNoise: nonneg,
    /** Mean samples per proposer (FedAvg weights). */
    samples: nonneg,
  })
  .strict();
export type FlFit = z.infer<typeof FlFitSchema>;

export const FlCalibrationSchema = z
  .object({ format: z.literal(FL_CALIBRATION_FORMAT), scenario: z.string(), createdWith: z.record(z.string(), z.unknown()), fit: FlFitSchema, measured: z.record(z.string(), z.unknown()) })
  .strict();
export type FlCalibration = z.infer<typeof FlCalibrationSchema>;

/**
 * The built-in fit: `flock-lab calibrate scenarios/fl-alliance.ts --fl` (16 real FedAvg rounds of
 * its tabular task, seed 1), rounded to 4 decimals; scenarios/calibration/fl-alliance-fl.json holds that run.
 */
export const BUILTIN_FL_FIT: FlFit = {
  start: 1.5485,
  floor: 0.8504,
  honestGain: 0.5597,
  honestSd: 0.4353,
  labelFlipSlope: -0.242,
  labelFlipIntercept: 0.1779,
  signFlipHarm: 3.5126,
  evalNoise: 0.2819,
  samples: 447.6458,
};

export function loadFlCalibration(path: string): FlFit {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${path}: no such file`);
  const r = FlCalibrationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!r.success) throw new Error(`${path}: not an FL calibration (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`);
  return r.data.fit;
}

export class SurrogateFlWorkload implements FlTaskWorkload {
  readonly mode = 'surrogate' as const;
  private q: number;
  private pending: number | null = null;
  private readonly draw: RandomStream;

  constructor(
    readonly req: FlWorkloadRequest,
    readonly fit: FlFit = req.cfg.calibration ? loadFlCalibration(req.cfg.calibration) : BUILTIN_FL_FIT,
  ) {
    this.q = fit.start;
    this.draw = stream(req.seed, req.cell, `fl:${req.index}/surrogate`);
  }

  quality(): number {
    return this.q;
  }

  /** The effect (loss reduction) of one proposal on the current global model. */
  effect(kind: FlProposal['kind']): number {
    const f = this.fit;
    const gap = Math.max(0, this.q - f.floor);
    switch (kind) {
      case 'honest':
        return f.honestGain * gap * (1 + this.draw.normal(0, f.honestSd));
      case 'free-ride':
        return 0;
      case 'label-flip':
        return -(f.labelFlipSlope * gap + f.labelFlipIntercept);
      case 'sign-flip':
        return -this.req.cfg.poisonScale * f.signFlipHarm * f.honestGain * gap;
    }
  }

  propose(proposals: readonly FlProposal[], _rng: RandomStream): FlRoundModels {
    const samples = proposals.map(() => Math.max(1, Math.round(this.fit.samples)));
    const total = samples.reduce((a, b) => a + b, 0);
    let e = 0;
    proposals.forEach((p, i) => (e += (samples[i] / total) * this.effect(p.kind)));
    this.pending = e;
    return { samples, aggregateQuality: Math.max(this.fit.floor, this.q - e) };
  }

  improvement(_voter: string, rng: RandomStream): number {
    if (this.pending === null) throw new Error('improvement: no pending aggregate');
    return this.pending + rng.normal(0, this.fit.evalNoise);
  }

  accept(): void {
    if (this.pending === null) throw new Error('accept: no pending aggregate');
    this.q = Math.max(this.fit.floor, this.q - this.pending);
    this.pending = null;
  }

  reject(): void {
    this.pending = null;
  }

  describe(): Record<string, unknown> {
    return { mode: 'surrogate', fit: this.fit, calibration: this.req.cfg.calibration ?? 'built-in' };
  }
}
