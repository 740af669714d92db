/**
 * The surrogate score model: seeded per-behaviour distributions that stand in for real training
 * and validation until the TensorFlow.js workloads run (issue 4), and at scales they cannot reach.
 * Quality is in BPC (lower is better, docs/model.md#validator-score).
 *
 * With a calibration (`flock-lab calibrate`, sim/workloads/calibration.ts) the distributions come
 * from the fit to real workloads instead: lazy nodes submit the measured base-model score, honest
 * ones `intercept − slope·skill + N(0, residualSd)`, validators add the measured noise, lazy
 * validators draw from the measured range. `collusionBias` stays the scenario's.
 * Oversized nodes (over SURROGATE_MAX_PARAMS) get 999.0 from every validator that evaluates.
 */
import { createHash } from 'node:crypto';
import type { LoadedCalibration, SurrogateFit } from './calibration.js';
import { FAILURE_SCORE, type EvalRequest, type Rng, type TrainRequest, type Workload } from './types.js';
import { GAMING_CHARS_PER_TOKEN, tokenizerGamingSuspected } from './real/metrics.js';

export interface SurrogateParams {
  baseBpc: number;
  honestGain: number;
  skillSpread: number;
  nodeNoise: number;
  evalNoise: number;
  noisyEvalNoise: number;
  collusionBias: number;
}

const BASE_HASH = createHash('sha256').update('flock-lab:base-model').digest('hex');

/** The surrogate task's max_params; its models have 1,000,000 parameters, oversized ones 4×. */
export const SURROGATE_MAX_PARAMS = 1_000_000;
const OVERSIZED_PARAMS = 4 * SURROGATE_MAX_PARAMS;

export class SurrogateWorkload implements Workload {
  readonly mode = 'surrogate' as const;
  /** BPC: lower is better (docs/model.md#validator-score). */
  readonly lowerIsBetter = true;
  /** The fitted distributions, when a calibration file is in use. */
  readonly fit: SurrogateFit | null;
  /** Tokenizer check (docs/model.md#validator-score): submissions with a gaming tokenizer, evaluations that logged the warning. */
  readonly tokenizer = { gamingSubmissions: 0, warnings: 0 };

  constructor(
    readonly p: SurrogateParams,
    readonly calibration?: LoadedCalibration,
  ) {
    this.fit = calibration?.file.fit ?? null;
  }

  describe(): Record<string, unknown> {
    // Only runs with tokenizer-gaming nodes report the check (the other runs' manifests are unchanged).
    const tokenizer = this.tokenizer.gamingSubmissions > 0 ? { tokenizer: { ...this.tokenizer } } : {};
    if (!this.calibration) return { mode: 'surrogate', calibration: null, params: { ...this.p }, ...tokenizer };
    const c = this.calibration;
    return {
      mode: 'surrogate',
      calibration: { path: c.path, sha256: c.sha256, scenario: c.file.scenario, createdWith: c.file.createdWith, fit: c.file.fit },
      params: { ...this.p },
      ...tokenizer,
    };
  }

  /** An honest model's quality at `skill` (used for sybil entities' shared models too). */
  modelQuality(skill: number, rng: Rng): number {
    const f = this.fit;
    if (f) return f.honest.intercept - f.honest.slope * skill + rng.normal(0, f.honest.residualSd);
    return this.p.baseBpc - this.p.honestGain * skill + rng.normal(0, this.p.nodeNoise);
  }

  private get baseScore(): number {
    return this.fit ? this.fit.base : this.p.baseBpc;
  }

  /**
   * Honest: base − gain·skill + noise. Lazy: the untrained base model (one shared hash).
   * Copycat: the copied model unchanged. Sybil identities: a shared model with a distinct hash.
   */
  train(r: TrainRequest) {
    if (r.copyOf) return { hash: r.copyOf.hash, params: r.copyOf.params, trueScore: r.copyOf.trueScore, ...(r.copyOf.charsPerToken ? { charsPerToken: r.copyOf.charsPerToken } : {}) };
    if (r.node.behaviour === 'lazy' || r.node.behaviour === 'copycat') return { hash: BASE_HASH, params: SURROGATE_MAX_PARAMS, trueScore: this.baseScore };
    if (r.node.behaviour === 'oversized') {
      // Trains a model over max_params: a perfect evaluation reports the failure value.
      const hash = createHash('sha256').update(`${r.node.name}/${r.taskId}/${r.day}/oversized`).digest('hex');
      return { hash, params: OVERSIZED_PARAMS, trueScore: FAILURE_SCORE };
    }
    const noise = this.fit ? this.fit.honest.residualSd : this.p.nodeNoise;
    const quality = r.sharedQuality ?? this.modelQuality(r.node.skill, r.rng);
    const trueScore = Math.max(0.05, quality + (r.sharedQuality !== undefined ? r.rng.normal(0, noise / 10) : 0));
    const hash = createHash('sha256').update(`${r.node.name}/${r.taskId}/${r.day}/${trueScore}`).digest('hex');
    if (r.node.behaviour === 'tokenizer-gaming') {
      // An honest model submitted with a coarse tokenizer: BPC is normalised by bytes, so its score is unchanged.
      this.tokenizer.gamingSubmissions += 1;
      return { hash, params: SURROGATE_MAX_PARAMS, trueScore, charsPerToken: GAMING_CHARS_PER_TOKEN };
    }
    return { hash, params: SURROGATE_MAX_PARAMS, trueScore };
  }

  /**
   * Honest validators measure with small noise; noisy ones evaluate a subsample (larger noise);
   * lazy ones skip evaluation and report a random plausible score; colluding ones shave
   * `collusionBias` off their friends' scores and add it to everyone else's.
   */
  evaluate(r: EvalRequest): number {
    const p = this.p;
    const truth = r.submission.trueScore;
    const f = this.fit;
    if (r.validator.behaviour === 'lazy') {
      if (f) return f.validators.lazyMin + (f.validators.lazyMax - f.validators.lazyMin) * r.rng.next();
      return p.baseBpc - p.honestGain * r.rng.next();
    }
    // Every evaluating validator counts parameters first (docs/model.md#validator-score).
    if (r.submission.params > SURROGATE_MAX_PARAMS) return FAILURE_SCORE;
    // The tokenizer check on an ASCII target (one byte per character): logged only, the score counts.
    const cpt = r.submission.charsPerToken;
    if (cpt !== undefined && tokenizerGamingSuspected(1, cpt)) this.tokenizer.warnings += 1;
    if (f) {
      const sd = r.validator.behaviour === 'noisy' ? f.validators.noisySd : f.validators.honestSd;
      const bias = r.validator.behaviour === 'colluding' ? ((r.friendHashes?.has(r.submission.hash) ?? false) ? -p.collusionBias : p.collusionBias) : 0;
      return truth + bias + r.rng.normal(0, sd);
    }
    switch (r.validator.behaviour) {
      case 'honest':
        return truth + r.rng.normal(0, p.evalNoise);
      case 'noisy':
        return truth + r.rng.normal(0, p.noisyEvalNoise);
      case 'colluding': {
        const friend = r.friendHashes?.has(r.submission.hash) ?? false;
        return truth + (friend ? -p.collusionBias : p.collusionBias) + r.rng.normal(0, p.evalNoise);
      }
    }
  }
}
