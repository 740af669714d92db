/**
 * A scenario the lab cannot use: every problem names the field path and what is accepted, and
 * the CLI exits 2 with it. Its own module, importing nothing, so that the layers that build from a
 * scenario (sim/workloads/factory.ts) can report one without importing the scenario loader
 * (load.ts), which pulls in the contract mirror's encoder.
 */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`${file}: invalid scenario\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}
