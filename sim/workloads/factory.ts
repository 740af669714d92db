/**
 * The workload a scenario asks for, initialised and ready. `undefined` means the simulation's
 * default (the surrogate built from the scenario's parameters). Mode 'real' builds the
 * TensorFlow.js workload of sim/workloads/real/ (its backend set up here, once, asynchronously);
 * a surrogate with `calibration` draws from the fitted distributions in that file.
 */
import { ScenarioError } from '../scenario/error.js';
import type { Scenario } from '../scenario/schema.js';
import { CalibrationError, loadCalibration } from './calibration.js';
import { SurrogateWorkload } from './surrogate.js';
import type { Workload } from './types.js';

export async function createWorkload(s: Scenario, seed: number, cell = 0): Promise<Workload | undefined> {
  const w = s.workload;
  switch (w.mode) {
    case 'surrogate': {
      if (w.calibration === undefined) return undefined;
      try {
        return new SurrogateWorkload(w, loadCalibration(w.calibration));
      } catch (e) {
        if (e instanceof CalibrationError) throw new ScenarioError(s.name, [{ path: 'workload.calibration', message: e.message }]);
        throw e;
      }
    }
    case 'real': {
      // Loaded on demand: surrogate runs never load TensorFlow.js.
      const { createRealWorkload } = await import('./real/workload.js');
      return createRealWorkload(w, seed, cell);
    }
  }
}
