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
import { provideRealFl } from './flTypes.js';

export async function createWorkload(s: Scenario, seed: number, cell = 0): Promise<Workload | undefined> {
  await prepareFl(s);
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

/**
 * FL tasks on the real workload (docs/fl-alliance.md#workloads) need TensorFlow.js ready before the
 * synchronous run: its backend is initialised here and the real FL factory provided
 * (sim/workloads/flTypes.ts). Scenarios without a real FL task load nothing.
 */
async function prepareFl(s: Scenario): Promise<void> {
  const real = (s.flTasks ?? []).filter((t) => t.workload === 'real');
  if (!real.length) return;
  const { initBackend, useBackend } = await import('./real/backend.js');
  const { createRealFlWorkload } = await import('./real/flWorkload.js');
  const backends = [...new Set(real.map((t) => t.backend))];
  for (const b of backends) await initBackend(b);
  // The AI Arena workload's backend stays the active one where it has one.
  if (s.workload.mode === 'real') await initBackend(s.workload.backend);
  else useBackend(backends[0]);
  provideRealFl(createRealFlWorkload);
}
