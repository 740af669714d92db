/**
 * A surrogate calibration: per-behaviour score distributions measured on the real workloads by
 * `flock-lab calibrate` and fitted to the surrogate's form (sim/workloads/surrogate.ts). The file
 * is JSON; `fit` is what the surrogate uses, `measured` is kept for inspection.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

export const CALIBRATION_FORMAT = 'flock-lab-calibration/1';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const nonneg = finite.refine((x) => x >= 0, 'must be ≥ 0');

/** The fitted parameters the surrogate draws from. */
export const SurrogateFitSchema = z
  .object({
    /** Score of the untrained base model: what lazy nodes (and copycats with nothing to copy) submit. */
    base: finite,
    /** Honest nodes: score = intercept − slope·skill + N(0, residualSd). */
    honest: z.object({ intercept: finite, slope: finite, residualSd: nonneg }).strict(),
    validators: z
      .object({
        /** Honest validators: measured score = true score + N(0, honestSd). */
        honestSd: nonneg,
        /** Noisy validators (a subsample): true score + N(0, noisySd). */
        noisySd: nonneg,
        /** Lazy validators: a uniform draw in [lazyMin, lazyMax]. */
        lazyMin: finite,
        lazyMax: finite,
      })
      .strict(),
  })
  .strict();

export type SurrogateFit = z.infer<typeof SurrogateFitSchema>;

export const CalibrationFileSchema = z
  .object({
    format: z.literal(CALIBRATION_FORMAT),
    scenario: z.string(),
    createdWith: z.record(z.string(), z.unknown()),
    fit: SurrogateFitSchema,
    measured: z.record(z.string(), z.unknown()),
  })
  .strict();

export type CalibrationFile = z.infer<typeof CalibrationFileSchema>;

export interface LoadedCalibration {
  /** The path as the scenario gives it. */
  path: string;
  /** sha256 of the file's bytes: which calibration produced a run. */
  sha256: string;
  file: CalibrationFile;
}

export class CalibrationError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'CalibrationError';
  }
}

/** Reads and validates a calibration file (paths are relative to the working directory). */
export function loadCalibration(path: string): LoadedCalibration {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new CalibrationError(path, 'calibration file not found (run `flock-lab calibrate <scenario>` to make one)');
  const bytes = readFileSync(abs);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new CalibrationError(path, `bad JSON: ${(e as Error).message}`);
  }
  const r = CalibrationFileSchema.safeParse(raw);
  if (!r.success) throw new CalibrationError(path, `not a calibration file: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), file: r.data };
}
