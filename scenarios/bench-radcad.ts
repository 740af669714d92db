/**
 * Bench: radCAD's own `benchmark_model` (the comparison point measured when the stack was set up), written as a cadCAD/radCAD model on the
 * kernel's block API (sim/engine/blocks.ts) and run by `runFixedStep`, one event per timestep.
 * State {a: 1, b: 2}; one partial state update block whose 5 identical policies each return
 * step_size = 1, summed (radCAD's policy aggregation) into step_size = 5; the state updates are
 * a = a·|cos a| and b = b + step_size·a_param, both from the previous state. Hence the closed
 * form b_final = 2 + 5·a_param·T, checked exactly for every run. Like radCAD, the full state
 * history (a and b at every timestep) is kept.
 *
 * Runs: `runs` Monte Carlo runs × each a_param subset × `timesteps`. The model has no randomness,
 * so it takes no seed. radCAD 0.14 does ≈30k timesteps/s by default (30–42k measured here;
 * ≈53–59k with deepcopy off); the line gives our figure as a multiple of 30k (the measured default).
 *
 *   npx flock-lab bench scenarios/bench-radcad.ts --set timesteps=1000000
 */
import type { BenchScenario } from '../sim/cli/bench.js';
import { runFixedStep, type PartialStateUpdateBlock } from '../sim/engine/blocks.js';

const params = {
  /** Timesteps per run (T). */
  timesteps: 100_000,
  /** Monte Carlo runs per parameter subset. */
  runs: 5,
  /** The a_param sweep: one parameter subset per comma-separated value. */
  a_params: '1,2',
};
type Params = typeof params;

/** radCAD 0.14's default speed on this model, timesteps/s (30–42k measured on this project's machine). */
const RADCAD_TIMESTEPS_PER_S = 30_000;

// radCAD's benchmark model, in its own shape: policies return signals, updates return the new value.
type State = { a: number; b: number };
type ModelParams = { a_param: number };
const stepSize = () => ({ step_size: 1 });
const blocks: PartialStateUpdateBlock<State, ModelParams>[] = [
  {
    policies: { p_1: stepSize, p_2: stepSize, p_3: stepSize, p_4: stepSize, p_5: stepSize },
    variables: {
      a: (_params, _substep, _history, state) => state.a * Math.abs(Math.cos(state.a)),
      b: (params, _substep, _history, state, signals) => state.b + signals.step_size * params.a_param,
    },
  },
];

function parseAParams(s: string): number[] {
  const xs = s.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) throw new RangeError(`a_params must be comma-separated numbers, got "${s}"`);
  return xs;
}

const scenario = {
  kind: 'bench',
  name: 'radcad',
  params,
  run(p: Params) {
    if (!Number.isInteger(p.timesteps) || p.timesteps < 1) throw new RangeError(`timesteps must be an integer ≥ 1, got ${p.timesteps}`);
    if (!Number.isInteger(p.runs) || p.runs < 1) throw new RangeError(`runs must be an integer ≥ 1, got ${p.runs}`);
    const aParams = parseAParams(p.a_params);
    const T = p.timesteps;
    let total = 0;
    const failures: string[] = [];
    const t0 = performance.now();
    for (const a_param of aParams) {
      for (let run = 0; run < p.runs; run++) {
        const history = runFixedStep({ initialState: { a: 1, b: 2 }, params: { a_param }, blocks, timesteps: T });
        total += T;
        const b = history.get(T, 'b');
        const expected = 2 + 5 * a_param * T;
        if (history.length !== T + 1 || b !== expected) {
          failures.push(`a_param=${a_param} run=${run}: b=${b} after ${history.length - 1} timesteps, closed form ${expected}`);
        }
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const timestepsPerSecond = total / seconds;
    const vsRadcad = timestepsPerSecond / RADCAD_TIMESTEPS_PER_S;
    const ok = failures.length === 0;
    return {
      line:
        `radcad: ${total} timesteps in ${seconds.toFixed(2)} s = ${Math.round(timestepsPerSecond)} timesteps/s ` +
        `(${vsRadcad.toFixed(0)}× radCAD 0.14's ≈30k); ` +
        (ok ? 'closed form ok' : `closed form FAILED (${failures[0]})`),
      ok,
      timesteps: total,
      seconds,
      timestepsPerSecond,
      vsRadcad,
      closedFormOk: ok,
    };
  },
} satisfies BenchScenario<Params>;

export default scenario;
