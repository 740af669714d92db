/**
 * UTC calendar helpers on unix seconds (numbers). Days start at 00:00 UTC, when the protocol
 * settles; day index d covers [d·DAY, (d+1)·DAY).
 */
import type { Environment } from './env.js';

/** Seconds in a day. */
export const DAY = 86_400;

/** Index of the UTC day containing `t` (days since 1970-01-01). */
export function dayIndex(t: number): number {
  return Math.floor(t / DAY);
}

/** 00:00 UTC of the day containing `t` (t itself when t is exactly midnight). */
export function startOfDay(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

/** The first 00:00 UTC strictly after `t` (t + DAY when t is exactly midnight). */
export function nextMidnight(t: number): number {
  return (Math.floor(t / DAY) + 1) * DAY;
}

/** The UTC date of `t` as 'YYYY-MM-DD'. */
export function isoDate(t: number): string {
  if (!Number.isFinite(t)) throw new RangeError(`isoDate: t must be finite, got ${t}`);
  return new Date(startOfDay(t) * 1000).toISOString().slice(0, 10);
}

/**
 * Calls `fn(dayIndex)` every day at `secondsAfterMidnight` UTC (0 for the 00:00 settlement),
 * starting with the first such time ≥ env.now (so a run starting exactly at 00:00 gets a call
 * at its start). `fn` receives the index of the day on which it fires. Returns a cancel function;
 * no further calls happen after it is called.
 */
export function everyDayAt(env: Environment, secondsAfterMidnight: number, fn: (day: number) => void): () => void {
  if (!(secondsAfterMidnight >= 0 && secondsAfterMidnight < DAY)) {
    throw new RangeError(`everyDayAt: secondsAfterMidnight must be in [0, ${DAY}), got ${secondsAfterMidnight}`);
  }
  let next = startOfDay(env.now) + secondsAfterMidnight;
  if (next < env.now) next += DAY;
  let cancelled = false;
  const tick = (): void => {
    if (cancelled) return;
    const day = dayIndex(next);
    next += DAY;
    env.at(next, tick); // scheduled before fn runs, so tomorrow's call keeps its place
    fn(day);
  };
  env.at(next, tick);
  return () => {
    cancelled = true;
  };
}
