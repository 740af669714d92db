/**
 * Parameters of the off-chain scoring pipeline (docs/model.md#off-chain-scoring; each default's source is in docs/parameters.md).
 * Every choice the backend makes between validators' scores and the on-chain ppm upload is one
 * field here; a scenario overrides a few by name with `offchainParams({ q: 0.8 })`.
 *
 * Each field's default, range, unit, description and source live in the parameter registry
 * (group OFFCHAIN of sim/scenario/groups.ts; `flock-lab params`, docs/parameters.md): the
 * defaults below are the registry's and `validateParams` checks the registry's ranges, so the
 * pipeline and the scenario's `offchain` section accept exactly the same values.
 */
import type { z } from 'zod';
import { OFFCHAIN, objectOf } from '../scenario/registry.js';

const OffchainObject = objectOf(OFFCHAIN);
type FromRegistry = z.output<typeof OffchainObject>;

/** The pipeline's parameters: the scenario's `offchain` section (see the registry for each field). */
export interface OffchainParams extends Omit<FromRegistry, 'failureValues'> {
  /** Failure (sentinel) values, excluded from consensus. */
  failureValues: readonly number[];
}

/** The project's default pipeline (docs/model.md#off-chain-scoring, ASSUMPTIONS.md), read from the registry. Frozen: build variants with `offchainParams`. */
export const DEFAULT_OFFCHAIN: Readonly<OffchainParams> = (() => {
  const d = OffchainObject.parse({});
  return Object.freeze({ ...d, failureValues: Object.freeze([...d.failureValues]) });
})();

/**
 * Bad input to the off-chain pipeline (names the field, the bad value and what is accepted).
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

/** DEFAULT_OFFCHAIN with `overrides` applied, validated (docs/model.md#off-chain-scoring). */
export function offchainParams(overrides: Partial<OffchainParams> = {}): OffchainParams {
  const p: OffchainParams = { ...DEFAULT_OFFCHAIN, ...overrides };
  validateParams(p);
  return p;
}

/** Throws OffchainInputError unless every field is in the registry's range (docs/parameters.md), naming the field as `params.<name>`. */
export function validateParams(p: OffchainParams): void {
  for (const [k, d] of Object.entries(OFFCHAIN)) {
    const v = (p as unknown as Record<string, unknown>)[k];
    if (!d.type.zod.safeParse(v).success) throw new OffchainInputError(`params.${k}`, v, d.type.expected);
  }
}
