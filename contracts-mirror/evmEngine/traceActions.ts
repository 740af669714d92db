/**
 * The vocabulary of random action traces (traceArbitraries.ts draws them, generator.ts builds
 * them): the cast and its genesis balances, the tasks, and the abstract actions a scenario is
 * made of. A small cast (3 nodes, 2 validators, 4 delegators and admin) acting on tasks 1–3 and
 * FL task 7 keeps names colliding, so calls meet each other's state.
 */
import type { Protocol, Trace } from '../replay/types.js';

// ---------------------------------------------------------------------------------------------
// Cast and constants
// ---------------------------------------------------------------------------------------------

/** 2025-01-01T00:00:00Z: every trace starts here, so all share one cached genesis per protocol. */
export const T0 = 1_735_689_600;
export const HOUR = 3600;
export const DAY = 86_400;
/** The ppm base. */
export const B = 1_000_000;
export const E18 = 10n ** 18n;
/** More than any account can ever hold (total supplies stay far below it): such a call must revert. */
export const HUGE = 10n ** 30n;

export const NODES = ['n1', 'n2', 'n3'] as const;
export const VALIDATORS = ['val1', 'val2'] as const;
export const DELEGATORS = ['d1', 'd2', 'd3', 'd4'] as const;
export const OWNERS: readonly string[] = [...NODES, ...VALIDATORS];
export const EVERYONE: readonly string[] = [...OWNERS, ...DELEGATORS];
export const TASKS = [1, 2, 3] as const;
export const FL_TASKS = [7] as const;

export function genesis(protocol: Protocol): NonNullable<Trace['accounts']> {
  const acc: NonNullable<Trace['accounts']> = {};
  if (protocol === 'v1') {
    // v1 stakes and delegates FLOCK.
    acc.admin = { FLOCK: '100000e18' };
    for (const n of OWNERS) acc[n] = { FLOCK: '20000e18' };
    for (const d of DELEGATORS) acc[d] = { FLOCK: '5000e18' };
  } else {
    // v2 stakes and delegates gmFLOCK; FLOCK pays for fundPool, the exchange and FL task pools.
    acc.admin = { gmFLOCK: '100000e18', FLOCK: '100000e18' };
    for (const n of OWNERS) acc[n] = { gmFLOCK: '20000e18', FLOCK: '2000e18' };
    for (const d of DELEGATORS) acc[d] = { gmFLOCK: '5000e18', FLOCK: '5000e18' };
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Abstract actions
// ---------------------------------------------------------------------------------------------

/** One upload's address and percentage arrays (ppm). */
export interface Pcts {
  who: string[];
  pw: number[];
  po: number[];
}

export type UploadKind = 'both' | 'nodes' | 'validators' | 'onlyValidators';

/** A task's uploads of one reward day: node and/or validator pots. */
export interface Upload {
  task: number;
  kind: UploadKind;
  nodes: Pcts;
  validators: Pcts;
}

export type Role = 'node' | 'validator';

export type Action =
  | { k: 'wait'; secs: number }
  | { k: 'createTask'; task: number; days: number; from: string }
  | { k: 'stake'; role: Role; who: string; task: number; amount: bigint }
  | { k: 'withdraw'; role: Role; who: string; task: number }
  | { k: 'createPool'; owner: string; sigma: number }
  | { k: 'setSigma'; owner: string; sigma: number }
  | { k: 'delegate'; d: string; owner: string; amount: bigint }
  /** `amount`, or (when null) `frac` ppm of what the builder believes d holds there (> 1e6: more than held). */
  | { k: 'undelegate'; d: string; owner: string; amount: bigint | null; frac: number }
  /** A mint, then (only if the mint is known to succeed) an optional FL transfer and the uploads, in its block. */
  | { k: 'rewardDay'; fl: boolean; uploads: Upload[] }
  | { k: 'mint' }
  | { k: 'final'; task: number; pcts: Pcts }
  /** parity only: uploads with nothing behind them, possibly over 1e6 or of mismatched length. */
  | { k: 'rawUpload'; upload: Upload }
  /** parity only: an FL transfer outside a reward day. */
  | { k: 'flTransfer' }
  | { k: 'claimTM'; who: string }
  | { k: 'claimPool'; d: string; owner: string }
  | { k: 'fundPool'; funder: string; owner: string; amount: bigint }
  | { k: 'exchange'; who: string; amount: bigint; lock: number; beneficiary: string }
  | { k: 'claimUnlocked'; who: string; back: number }
  | { k: 'claimByIds'; who: string; ids: number[] }
  | { k: 'vestingClaim'; who: string }
  | { k: 'param'; call: string; value: bigint | number }
  | { k: 'slash'; task: number; who: string; ppm: number }
  | { k: 'flCreate'; id: number; rounds: number; minStake: bigint; pool: bigint; slashPpm: number }
  | { k: 'flStake'; id: number; who: string; amount: bigint }
  | { k: 'flRound'; id: number; proposers: string[]; voters: string[] }
  | { k: 'flVote'; id: number; who: string; score: number }
  | { k: 'flFinalize'; id: number; from: string }
  | { k: 'flClaim'; id: number; who: string; round: number }
  | { k: 'flSlash'; id: number; caller: string; who: string; round: number }
  | { k: 'view'; call: string; args: unknown[]; from?: string }
  | Episode;

/**
 * A coherent reward cycle, so random traces reach rewards, fees, pool claims and vesting: a task,
 * a node and a validator staked, the node's pool with a delegation, a reward day 12 h later for
 * the two, then claims after a wait (often on a cooldown edge), and now and then a final upload,
 * vesting claims, an undelegation and a withdrawal.
 */
export interface Episode {
  k: 'episode';
  task: number;
  node: string;
  validator: string;
  delegator: string;
  stakeN: bigint;
  stakeV: bigint;
  sigma: number;
  deleg: bigint;
  pw: number;
  po: number;
  vw: number;
  vo: number;
  wait: number;
  final: boolean;
  late: number;
}

export interface Timed {
  /** Seconds added to the clock before the action (not before a scenario's first). */
  dt: number;
  a: Action;
  /** parity only: "" expects the action's first call to revert; null: no expectation of its own. */
  expect: string | null;
}

/** The end of a trace: final uploads for every task, a long wait, then everyone claims and withdraws. */
export interface Epilogue {
  finals: Pcts[];
  wait: number;
}

export interface Scenario {
  protocol: Protocol;
  /** The trace's `aiArenaSlashing` (enables TaskManager.slash). */
  slashing: boolean;
  prologue: Timed[];
  body: Timed[];
  epilogue: Epilogue | null;
}
