/**
 * The submission/score interface between agents and workloads (docs/architecture.md#data-flow-of-one-run). The
 * surrogate implements it now; the real TensorFlow.js workloads (issue 4) implement the same one.
 */
import { ScenarioError } from '../scenario/error.js';

export interface Rng {
  next(): number;
  normal(mean: number, sd: number): number;
}

/** A submitted model, pinned by the content hash of its weights (docs/model.md#validator-score). */
export interface Submission {
  id: string;
  /** Submitting identity (blind validation hides it from validators). */
  node: string;
  taskId: number;
  day: number;
  /** Submission time, unix seconds. */
  at: number;
  hash: string;
  /** Parameter count, checked against the task's max_params. */
  params: number;
  /** The quality a perfect evaluation would measure (BPC or loss; lower is better). Analysis only. */
  trueScore: number;
  /**
   * Characters the submission's tokenizer packs into one token (language tasks); absent: one token
   * per character. Validators log a token/byte ratio below 0.1 as possible tokenizer gaming.
   */
  charsPerToken?: number;
}

export interface NodeProfile {
  name: string;
  /**
   * oversized: trains a model over the task's max_params (scored 999.0, docs/model.md#validator-score).
   * tokenizer-gaming: trains like an honest node but submits with a tokenizer of `GAMING_CHARS_PER_TOKEN`
   * characters per token, below the validator's token/byte warning (docs/model.md#validator-score).
   */
  behaviour: 'honest' | 'lazy' | 'copycat' | 'sybil' | 'oversized' | 'tokenizer-gaming';
  /** 0…1; how much of the achievable improvement the node's training reaches. */
  skill: number;
}

export interface ValidatorProfile {
  name: string;
  behaviour: 'honest' | 'lazy' | 'colluding' | 'noisy';
}

export interface TrainRequest {
  node: NodeProfile;
  taskId: number;
  day: number;
  at: number;
  rng: Rng;
  /** For copycats: the model they resubmit, weights and hash unchanged. */
  copyOf?: Submission;
  /** For sybil identities: a shared model the identity perturbs (a distinct hash, near-equal quality). */
  sharedQuality?: number;
}

export interface EvalRequest {
  validator: ValidatorProfile;
  submission: Submission;
  evalSet: 'A' | 'B';
  rng: Rng;
  /** Hashes a colluding validator was told to favour (a side channel; validation stays blind). */
  friendHashes?: ReadonlySet<string>;
}

export interface Workload {
  readonly mode: 'surrogate' | 'real';
  /** Asynchronous setup (a TensorFlow.js backend), awaited once before the run; train/evaluate stay synchronous. */
  init?(): Promise<void>;
  /** What produced the scores, for the run manifest and report. */
  describe(): Record<string, unknown>;
  /**
   * The direction of the score its validators report: true when lower is better (BPC, cross-entropy).
   * The run refuses a scenario whose `offchain.lowerIsBetter` disagrees (`checkScoreDirection`, ASSUMPTIONS W-direction).
   */
  readonly lowerIsBetter: boolean;
  train(req: TrainRequest): Omit<Submission, 'id' | 'node' | 'taskId' | 'day' | 'at'>;
  evaluate(req: EvalRequest): number;
}

/**
 * The ranking direction must be the workload's (ASSUMPTIONS W-direction): a scenario whose
 * `offchain.lowerIsBetter` disagrees with the workload's declaration would pay the worst models
 * most, so it is bad input (a ScenarioError naming `offchain.lowerIsBetter`; the CLI exits 2).
 */
export function checkScoreDirection(s: { name: string; offchain: { lowerIsBetter: boolean } }, w: Workload): void {
  if (s.offchain.lowerIsBetter === w.lowerIsBetter) return;
  const says = (lower: boolean) => (lower ? 'lower is better' : 'higher is better');
  throw new ScenarioError(s.name, [
    {
      path: 'offchain.lowerIsBetter',
      message: `is ${s.offchain.lowerIsBetter} (${says(s.offchain.lowerIsBetter)}), but the ${w.mode} workload's score is ${says(w.lowerIsBetter)}; set offchain.lowerIsBetter to ${w.lowerIsBetter} or leave it out`,
    },
  ]);
}

/** Reported instead of a score for an oversized model, empty data or a non-finite loss (docs/model.md#validator-score). */
export const FAILURE_SCORE = 999.0;
