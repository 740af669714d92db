/** An invalid trace (traces.md exit code 2): names the step index and the field, and what to fix. */
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
