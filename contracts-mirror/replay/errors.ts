/** An invalid trace (exit code 2, docs/traces.md#exit-codes): names the step index and the field, and what to fix. */
export class TraceError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly step?: number,
  ) {
    super(`${step === undefined ? '' : `step ${step}: `}${field}: ${detail}`);
    this.name = 'TraceError';
  }
}
