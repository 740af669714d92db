/**
 * The FL Alliance workload interface (docs/fl-alliance.md#workloads): what an FL task's members
 * compute in a round, models in and losses out. The round logic and the agents' decisions live in
 * sim/fl/; this side never sees a token. Two implementations: real FedAvg on TensorFlow.js
 * (sim/workloads/real/flWorkload.ts) and the calibrated surrogate (sim/workloads/flSurrogate.ts).
 */
import type { RandomStream } from '../engine/rng.js';
import type { FlTaskConfig } from '../scenario/schema.js';

/** What a proposer submits: its honest local update, the global model unchanged, or a poisoned update. */
export type FlUpdateKind = 'honest' | 'free-ride' | 'label-flip' | 'sign-flip';

export interface FlProposal {
  member: string;
  kind: FlUpdateKind;
}

export interface FlRoundModels {
  /** Samples each proposal is weighted by in FedAvg (the proposer's training-set size). */
  samples: number[];
  /** True held-out quality of the FedAvg aggregate (mean cross-entropy, nats; analysis only). */
  aggregateQuality: number;
}

export interface FlTaskWorkload {
  readonly mode: 'real' | 'surrogate';
  /** True held-out quality of the current global model (nats, lower is better). Analysis only: never an input to the protocol. */
  quality(): number;
  /** Every proposal made from the current global model, and their FedAvg aggregate (pending until accept/reject). */
  propose(proposals: readonly FlProposal[], rng: RandomStream): FlRoundModels;
  /** The voter's measured improvement: its local-test loss of the global model minus that of the aggregate (> 0: better). */
  improvement(voter: string, rng: RandomStream): number;
  /** The pending aggregate becomes the global model. */
  accept(): void;
  /** The pending aggregate is dropped; the next round starts from the same global model. */
  reject(): void;
  describe(): Record<string, unknown>;
}

/** A model the task may start from (an AI Arena task's best model), as opaque workload data. */
export interface FlStartModel {
  /** The AI Arena workload's model object (sim/workloads/real/model.ts `Mlp`). */
  model: unknown;
  from: string;
}

export interface FlWorkloadRequest {
  cfg: FlTaskConfig;
  /** The FL task's index in the scenario (names its streams). */
  index: number;
  seed: number;
  cell: number;
  /** FL node names, in name order. */
  members: readonly string[];
  start?: FlStartModel;
}

export type FlWorkloadFactory = (req: FlWorkloadRequest) => FlTaskWorkload;

/**
 * The real FL workload needs TensorFlow.js, whose backend is set up asynchronously; the run itself
 * is synchronous. `createWorkload` (sim/workloads/factory.ts) loads and initialises it before a
 * run and provides its factory here, so surrogate runs never load TensorFlow.js.
 */
let realFactory: FlWorkloadFactory | undefined;

export function provideRealFl(f: FlWorkloadFactory): void {
  realFactory = f;
}

export function realFlFactory(): FlWorkloadFactory {
  if (!realFactory) throw new Error("a real FL workload must be prepared first: await createWorkload(scenario, seed) (sim/workloads/factory.ts) before runSimulation");
  return realFactory;
}
