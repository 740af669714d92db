/**
 * The workload a scenario asks for, initialised and ready. `undefined` means the simulation's
 * default (the surrogate built from the scenario's parameters). Real workloads (issue 4) plug in here.
 */
import type { Scenario } from '../scenario/schema.js';
import type { Workload } from './types.js';

export async function createWorkload(s: Scenario, _seed: number, _run: number): Promise<Workload | undefined> {
  switch (s.workload.mode) {
    case 'surrogate':
      return undefined;
  }
}
