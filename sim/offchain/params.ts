/**
 * Parameters of the off-chain scoring pipeline (workloads.md §5; protocol.md §6 items 1, 2, 7, 17, 19).
 * Every choice the backend makes between validators' scores and the on-chain ppm upload is one
 * field here; a scenario overrides a few by name with `offchainParams({ q: 0.8 })`.
 */

export interface OffchainParams {
  /** Geometric rank ratio q of g_i = q^(r_i−1)/Σ q^(r_k−1), 0 < q ≤ 1. Default 0.9: protocol.md §2.5 / §6 item 1 (placeholder). */
  q: number;
  /** Top-k₁ cut-off: only nodes of competition rank ≤ k₁ are paid; null = off. Default off: protocol.md §6 item 1. */
  k1: number | null;
  /** Stake exponent α_t of the node weight g_i (t_i + ε d_i)^α_t. Default 1: protocol.md §2.5 calculator form, workloads.md §5.3 step 3. */
  alphaT: number;
  /** Stake exponent α_v of the validator weight F_j (s_j + ε d_j)^α_v. Default 1: protocol.md §2.6 calculator form, workloads.md §5.4 step 3. */
  alphaV: number;
  /** Effective-delegation factor ε: effective stake = own + ε·delegated, ε ≥ 0. Default 1: protocol.md §2.1 (docs example) and §6 item 3. */
  epsilon: number;
  /** Per-submission consensus: stake-weighted 'mean' or stake-weighted 'median'. Default 'mean': workloads.md §5.2, protocol.md §6 item 2. */
  consensus: 'mean' | 'median';
  /** Temperature τ of F_j = exp(−D_j/τ), τ > 0. Default 0.01: workloads.md §5.4 step 2, protocol.md §6 item 19. */
  tau: number;
  /** Deviation→performance map: 'exp' = exp(−D/τ), 'linear' = max(0, 1 − √D/fScale). Default 'exp': workloads.md §5.4 step 2, protocol.md §6 item 2. */
  fMode: 'exp' | 'linear';
  /** `scale` of the linear F option, > 0. Default 1: not given by the spec (workloads.md §5.4 step 2 names it only); see ASSUMPTIONS. */
  fScale: number;
  /** Multiply F_j by the coverage factor n_j / max_k n_k. Default on: workloads.md §5.4 step 2, protocol.md §6 item 2 ("switchable"). */
  coverage: boolean;
  /** Top-k₂ cut-off on validators (ranked by F_j): only competition rank ≤ k₂ are paid; null = off. Default off: protocol.md §2.6 / §6 item 2. */
  k2: number | null;
  /** Score direction: true = lower is better (BPC/loss, workloads.md §3.2); false = reward-type metrics (§3.4). Default true: workloads.md §5.3 step 1. */
  lowerIsBetter: boolean;
  /** Failure (sentinel) values, excluded from consensus. Default [999, −999]: workloads.md §3.3, §3.4, §5.2. */
  failureValues: readonly number[];
}

/** The project's default pipeline (workloads.md §5 [A]). Frozen: build variants with `offchainParams`. */
export const DEFAULT_OFFCHAIN: Readonly<OffchainParams> = Object.freeze({
  q: 0.9,
  k1: null,
  alphaT: 1,
  alphaV: 1,
  epsilon: 1,
  consensus: 'mean',
  tau: 0.01,
  fMode: 'exp',
  fScale: 1,
  coverage: true,
  k2: null,
  lowerIsBetter: true,
  failureValues: Object.freeze([999, -999]),
} as const);

/**
 * Bad input to the off-chain pipeline (style.md: names the field, the bad value and what is accepted).
 * Thrown by parameter validation and by `scoreTaskDay` / `finalPercentages` input checks.
 */
export class OffchainInputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${field}: got ${describe(value)}; expected ${expected}`);
    this.name = 'OffchainInputError';
  }
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** DEFAULT_OFFCHAIN with `overrides` applied, validated (workloads.md §5). */
export function offchainParams(overrides: Partial<OffchainParams> = {}): OffchainParams {
  const p: OffchainParams = { ...DEFAULT_OFFCHAIN, ...overrides };
  validateParams(p);
  return p;
}

/** Throws OffchainInputError unless every field is in its accepted range (workloads.md §5). */
export function validateParams(p: OffchainParams): void {
  const finite = (x: number) => typeof x === 'number' && Number.isFinite(x);
  if (!finite(p.q) || p.q <= 0 || p.q > 1) throw new OffchainInputError('params.q', p.q, 'a number in (0, 1]');
  for (const k of ['k1', 'k2'] as const) {
    const v = p[k];
    if (v !== null && !(Number.isSafeInteger(v) && v >= 0)) throw new OffchainInputError(`params.${k}`, v, 'null or an integer ≥ 0');
  }
  for (const k of ['alphaT', 'alphaV', 'epsilon'] as const) {
    if (!finite(p[k]) || p[k] < 0) throw new OffchainInputError(`params.${k}`, p[k], 'a finite number ≥ 0');
  }
  if (p.consensus !== 'mean' && p.consensus !== 'median') throw new OffchainInputError('params.consensus', p.consensus, "'mean' or 'median'");
  if (!finite(p.tau) || p.tau <= 0) throw new OffchainInputError('params.tau', p.tau, 'a finite number > 0');
  if (p.fMode !== 'exp' && p.fMode !== 'linear') throw new OffchainInputError('params.fMode', p.fMode, "'exp' or 'linear'");
  if (!finite(p.fScale) || p.fScale <= 0) throw new OffchainInputError('params.fScale', p.fScale, 'a finite number > 0');
  if (typeof p.coverage !== 'boolean') throw new OffchainInputError('params.coverage', p.coverage, 'a boolean');
  if (typeof p.lowerIsBetter !== 'boolean') throw new OffchainInputError('params.lowerIsBetter', p.lowerIsBetter, 'a boolean');
  if (!Array.isArray(p.failureValues) || !p.failureValues.every((x) => typeof x === 'number' && !Number.isNaN(x))) {
    throw new OffchainInputError('params.failureValues', p.failureValues, 'an array of numbers');
  }
}
