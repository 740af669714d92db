/**
 * Surrogate calibration: run real training for a few days, measure the score distributions of
 * each behaviour and validator kind, and fit the surrogate's parameters to them.
 *
 * The population is a calibration panel, not the scenario's own nodes: `honestNodes` honest nodes
 * with skills evenly spaced over [0, 1] (so the skill slope is well determined), plus one lazy,
 * one copycat and one oversized node. Each trains on its own shard exactly as in a run (same
 * workload code, same streams under the calibration seed). Validators are measured, not
 * simulated: every valid submission is scored on A and on B by an honest validator and
 * `noisyDraws` times per set by a noisy one, against its true score (A and B together).
 *
 * Fit (least squares): honest true score = intercept − slope·skill + N(0, residualSd), with
 * residualSd = √(SSR/(n−2)); base = the base model's true score (lazy nodes); validator noise =
 * root-mean-square error of the honest and noisy measurements; lazy validators' range =
 * `lazyReport` × base (what real lazy validators draw from).
 */
import { stream } from '../../engine/rng.js';
import { RealWorkloadSchema, type RealWorkloadConfig, type Scenario } from '../../scenario/schema.js';
import { CALIBRATION_FORMAT, CalibrationFileSchema, type CalibrationFile } from '../calibration.js';
import { FAILURE_SCORE, type NodeProfile, type Submission } from '../types.js';
import { createRealWorkload } from './workload.js';

export interface CalibrateOptions {
  days: number;
  seed: number;
  honestNodes: number;
  noisyDraws: number;
  /** Run context for the manifest-like header (code version etc.). */
  meta?: Record<string, unknown>;
}

const rms = (xs: number[]) => (xs.length ? Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length) : 0);
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Ordinary least squares y = a + b·x; residual sd with n − 2 degrees of freedom. */
export function linearFit(xs: number[], ys: number[]): { a: number; b: number; residualSd: number; r2: number } {
  const n = xs.length;
  const mx = avg(xs);
  const my = avg(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = my - b * mx;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (ys[i] - a - b * xs[i]) ** 2;
  return { a, b, residualSd: n > 2 ? Math.sqrt(ssr / (n - 2)) : 0, r2: syy > 0 ? 1 - ssr / syy : 0 };
}

/** The real-workload settings calibration uses: the scenario's own, or the defaults for a surrogate scenario. */
export function realConfigFor(s: Scenario): RealWorkloadConfig {
  return s.workload.mode === 'real' ? s.workload : RealWorkloadSchema.parse({ mode: 'real' });
}

export async function calibrate(s: Scenario, o: CalibrateOptions): Promise<CalibrationFile> {
  const cfg = realConfigFor(s);
  const w = await createRealWorkload(cfg, o.seed, 0);
  const taskId = 1;
  const n = Math.max(2, o.honestNodes);
  const honest: NodeProfile[] = Array.from({ length: n }, (_, i) => ({ name: `calib-honest-${String(i + 1).padStart(2, '0')}`, behaviour: 'honest', skill: i / (n - 1) }));
  const lazy: NodeProfile = { name: 'calib-lazy', behaviour: 'lazy', skill: 0 };
  const copycat: NodeProfile = { name: 'calib-copycat', behaviour: 'copycat', skill: 0 };
  const oversized: NodeProfile = { name: 'calib-oversized', behaviour: 'oversized', skill: 0.7 };
  const nodeRng = stream(o.seed, 0, 'calibrate/nodes');
  const valRng = stream(o.seed, 0, 'calibrate/validators');

  const honestPoints: { node: string; skill: number; day: number; score: number; shard: unknown }[] = [];
  const lazyScores: number[] = [];
  const copycatScores: number[] = [];
  const oversizedReported: number[] = [];
  const honestErr: number[] = [];
  const noisyErr: number[] = [];
  const lazyReports: number[] = [];
  let leader: Submission | undefined;

  const asSubmission = (node: string, day: number, m: { hash: string; params: number; trueScore: number }): Submission => ({ ...m, id: `${node}/${day}`, node, taskId, day, at: 0 });
  for (let day = 0; day < o.days; day++) {
    const today: Submission[] = [];
    for (const p of honest) {
      const sub = asSubmission(p.name, day, w.train({ node: p, taskId, day, at: 0, rng: nodeRng }));
      honestPoints.push({ node: p.name, skill: p.skill, day, score: sub.trueScore, shard: w.shardOf(p.name, taskId) });
      today.push(sub);
    }
    const l = asSubmission(lazy.name, day, w.train({ node: lazy, taskId, day, at: 0, rng: nodeRng }));
    lazyScores.push(l.trueScore);
    today.push(l);
    const c = asSubmission(copycat.name, day, w.train({ node: copycat, taskId, day, at: 0, rng: nodeRng, copyOf: leader }));
    copycatScores.push(c.trueScore);
    const big = asSubmission(oversized.name, day, w.train({ node: oversized, taskId, day, at: 0, rng: nodeRng }));
    for (const set of ['A', 'B'] as const)
      oversizedReported.push(w.evaluate({ validator: { name: 'calib-validator', behaviour: 'honest' }, submission: big, evalSet: set, rng: valRng }));
    for (const sub of today) {
      for (const set of ['A', 'B'] as const) {
        honestErr.push(w.evaluate({ validator: { name: 'calib-validator', behaviour: 'honest' }, submission: sub, evalSet: set, rng: valRng }) - sub.trueScore);
        for (let k = 0; k < o.noisyDraws; k++)
          noisyErr.push(w.evaluate({ validator: { name: 'calib-noisy', behaviour: 'noisy' }, submission: sub, evalSet: set, rng: valRng }) - sub.trueScore);
        lazyReports.push(w.evaluate({ validator: { name: 'calib-lazy', behaviour: 'lazy' }, submission: sub, evalSet: set, rng: valRng }));
      }
    }
    // Tomorrow's copycat resubmits today's best model (the public leaderboard).
    leader = today.reduce((a, b) => (b.trueScore < a.trueScore ? b : a));
  }

  const fitH = linearFit(
    honestPoints.map((p) => p.skill),
    honestPoints.map((p) => p.score),
  );
  const base = w.base(taskId).score;
  const byDay = Array.from({ length: o.days }, (_, d) => avg(honestPoints.filter((p) => p.day === d).map((p) => p.score)));
  const file: CalibrationFile = {
    format: CALIBRATION_FORMAT,
    scenario: s.name,
    createdWith: {
      ...o.meta,
      days: o.days,
      seed: o.seed,
      honestNodes: n,
      noisyDraws: o.noisyDraws,
      skills: honest.map((p) => p.skill),
      workload: w.describe(),
      config: cfg,
    },
    fit: {
      base,
      honest: { intercept: fitH.a, slope: -fitH.b, residualSd: fitH.residualSd },
      validators: {
        honestSd: rms(honestErr),
        noisySd: rms(noisyErr),
        lazyMin: base * cfg.lazyReport.min,
        lazyMax: base * cfg.lazyReport.max,
      },
    },
    measured: {
      metric: w.task.metric,
      honest: { points: honestPoints, r2: fitH.r2, meanByDay: byDay },
      lazy: { scores: lazyScores, mean: avg(lazyScores) },
      copycat: { scores: copycatScores, mean: avg(copycatScores), note: 'day 0: the base model (nothing to copy yet); then the previous day’s best model, hash unchanged' },
      oversized: { params: w.describe().params, reported: oversizedReported, allFailure: oversizedReported.every((x) => x === FAILURE_SCORE) },
      validators: {
        honest: { n: honestErr.length, meanError: avg(honestErr), rmsError: rms(honestErr) },
        noisy: { n: noisyErr.length, meanError: avg(noisyErr), rmsError: rms(noisyErr), subsample: cfg.noisySubsample },
        lazy: { n: lazyReports.length, min: Math.min(...lazyReports), max: Math.max(...lazyReports) },
      },
    },
  };
  return CalibrationFileSchema.parse(file);
}
