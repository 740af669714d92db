/**
 * Bench: radCAD's own `benchmark_model` (stack.md), as a plain timestep loop. State {a: 1, b: 2};
 * per timestep, 5 identical policies each return step_size = 1, summed (radCAD's policy
 * aggregation) into step_size = 5; the state updates are a = a·|cos a| and
 * b = b + step_size·a_param. Hence the closed form b_final = 2 + 5·a_param·T, checked exactly for
 * every run. Like radCAD, the full state history (a and b at every timestep) is kept.
 *
 * Runs: `runs` Monte Carlo runs × each a_param subset × `timesteps`. The model has no randomness,
 * so it takes no seed. radCAD 0.14 does ≈30k timesteps/s (≈53–59k with deepcopy off); a plain
 * Node loop ≈220–270k (stack.md).
 *
 *   npx flock-lab bench scenarios/bench-radcad.ts --set timesteps=1000000
 */
import type { BenchScenario } from '../sim/cli/bench.js';

const params = {
  /** Timesteps per run (T). */
  timesteps: 100_000,
  /** Monte Carlo runs per parameter subset. */
  runs: 5,
  /** The a_param sweep: one parameter subset per comma-separated value. */
  a_params: '1,2',
};
type Params = typeof params;

/** radCAD's model, with numbers for states and policy signals so a timestep allocates nothing. */
interface ModelParams {
  a_param: number;
}
type Policy = (params: ModelParams, prevA: number, prevB: number) => number;
const stepSize: Policy = () => 1;
const policies: readonly Policy[] = [stepSize, stepSize, stepSize, stepSize, stepSize];
const updateA = (_params: ModelParams, a: number, _b: number, _input: number): number => a * Math.abs(Math.cos(a));
const updateB = (params: ModelParams, _a: number, b: number, input: number): number => b + input * params.a_param;

/** One run: returns the trajectory of a and b, index 0 being the initial state. */
function simulate(params: ModelParams, timesteps: number): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(timesteps + 1);
  const b = new Float64Array(timesteps + 1);
  a[0] = 1;
  b[0] = 2;
  for (let t = 1; t <= timesteps; t++) {
    const pa = a[t - 1];
    const pb = b[t - 1];
    let input = 0;
    for (let i = 0; i < policies.length; i++) input += policies[i](params, pa, pb);
    a[t] = updateA(params, pa, pb, input);
    b[t] = updateB(params, pa, pb, input);
  }
  return { a, b };
}

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
        const { b } = simulate({ a_param }, T);
        total += T;
        const expected = 2 + 5 * a_param * T;
        if (b[T] !== expected) failures.push(`a_param=${a_param} run=${run}: b=${b[T]}, closed form ${expected}`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const timestepsPerSecond = total / seconds;
    const ok = failures.length === 0;
    return {
      line:
        `radcad: ${total} timesteps in ${seconds.toFixed(2)} s = ${Math.round(timestepsPerSecond)} timesteps/s; ` +
        (ok ? 'closed form ok' : `closed form FAILED (${failures[0]})`),
      ok,
      timesteps: total,
      seconds,
      timestepsPerSecond,
      closedFormOk: ok,
    };
  },
} satisfies BenchScenario<Params>;

export default scenario;
