/** A run that broke a rule: an invariant, or a settlement or genesis call that reverted. Exit code 1. */
export class SimulationError extends Error {
  constructor(
    readonly day: number,
    readonly check: string,
    readonly details: Record<string, string>,
  ) {
    super(`day ${day}: ${check} failed: ${JSON.stringify(details)}`);
    this.name = 'SimulationError';
  }
}

/** Throws a SimulationError for a reverted call, naming the day and the call. */
export function mustSucceed(day: number, what: string, r: { ok: boolean; reason?: string }): void {
  if (!r.ok) throw new SimulationError(day, what, { reason: r.reason ?? '' });
}
