/**
 * The surrogate score model: seeded per-behaviour distributions that stand in for real training
 * and validation until the TensorFlow.js workloads run (issue 4), and at scales they cannot reach.
 * Quality is in BPC (lower is better, workloads.md §3.2).
 */
import { createHash } from 'node:crypto';
import type { EvalRequest, TrainRequest, Workload } from './types.js';

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

export class SurrogateWorkload implements Workload {
  readonly mode = 'surrogate' as const;
  constructor(readonly p: SurrogateParams) {}

  describe(): Record<string, unknown> {
    return { mode: 'surrogate', calibration: null, params: { ...this.p } };
  }

  /**
   * Honest: base − gain·skill + noise. Lazy: the untrained base model (one shared hash).
   * Copycat: the copied model unchanged. Sybil identities: a shared model with a distinct hash.
   */
  train(r: TrainRequest) {
    const p = this.p;
    if (r.copyOf) return { hash: r.copyOf.hash, params: r.copyOf.params, trueScore: r.copyOf.trueScore };
    if (r.node.behaviour === 'lazy' || r.node.behaviour === 'copycat') return { hash: BASE_HASH, params: 1_000_000, trueScore: p.baseBpc };
    const quality = r.sharedQuality ?? p.baseBpc - p.honestGain * r.node.skill + r.rng.normal(0, p.nodeNoise);
    const trueScore = Math.max(0.05, quality + (r.sharedQuality !== undefined ? r.rng.normal(0, p.nodeNoise / 10) : 0));
    const hash = createHash('sha256').update(`${r.node.name}/${r.taskId}/${r.day}/${trueScore}`).digest('hex');
    return { hash, params: 1_000_000, trueScore };
  }

  /**
   * Honest validators measure with small noise; noisy ones evaluate a subsample (larger noise);
   * lazy ones skip evaluation and report a random plausible score; colluding ones shave
   * `collusionBias` off their friends' scores and add it to everyone else's.
   */
  evaluate(r: EvalRequest): number {
    const p = this.p;
    const truth = r.submission.trueScore;
    switch (r.validator.behaviour) {
      case 'honest':
        return truth + r.rng.normal(0, p.evalNoise);
      case 'noisy':
        return truth + r.rng.normal(0, p.noisyEvalNoise);
      case 'lazy':
        return p.baseBpc - p.honestGain * r.rng.next();
      case 'colluding': {
        const friend = r.friendHashes?.has(r.submission.hash) ?? false;
        return truth + (friend ? -p.collusionBias : p.collusionBias) + r.rng.normal(0, p.evalNoise);
      }
    }
  }
}
