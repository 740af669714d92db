/**
 * Evaluating strategies (docs/attacks.md#search): each evaluation is one paired comparison on S
 * seeds, the attack run against the honest run of the same seed. A batch of strategies becomes one
 * plan (sim/experiments/plan.ts: every cell validated, exit 2 naming the override) run on any
 * executor; an evaluation's result depends only on its overrides and seeds, never on the executor
 * or the number of threads. The honest runs do not depend on the strategy and are run once per seed.
 */
import type { Executor } from '../experiments/executor.js';
import { makePlan, type CellSpec } from '../experiments/plan.js';
import type { Override } from '../scenario/load.js';
import type { RunOutput } from '../run/simulation.js';
import { tInterval, type Interval } from '../experiments/pairing.js';
import { coalitionOutcome } from './gain.js';
import { HONEST_OVERRIDES, type AttackFamily, type StrategyPoint } from './families.js';

export interface Evaluation {
  family: string;
  share: number;
  point: StrategyPoint;
  seeds: number[];
  /** The coalition's gain on each seed (APR points as a fraction), in seed order. */
  gains: number[];
  /** Mean gain and its 95 % paired t interval; NaN when the coalition rounds to no agent. */
  gain: Interval;
  /** Realised coalition stake share (mean over seeds). */
  stakeShare: number;
  /** Coalition entities on the first seed. */
  coalition: number;
  attackReturn: number;
  honestReturn: number;
}

export interface EvalRequest {
  family: AttackFamily;
  share: number;
  point: StrategyPoint;
}

export interface Evaluator {
  /** Evaluates every request on `seeds`; results in request order. */
  evaluate(reqs: EvalRequest[], seeds: number[]): Promise<Evaluation[]>;
}

const asOverride = (set: string): Override => ({ set, via: `--set ${set}` });

/**
 * An evaluator over a scenario file: `sets` are the command's own overrides (`--days`, `--set`);
 * every batch runs on `executor`, which the caller closes when the study is done.
 */
export function fileEvaluator(o: { file: string; sets: Override[]; executor: Executor; onRun?: () => void }): Evaluator {
  const honest = new Map<number, RunOutput>();
  return {
    async evaluate(reqs, seeds) {
      const cells: CellSpec[] = reqs.map((r, i) => ({ label: `eval-${i}`, values: {}, sets: r.family.overrides(r.share, r.point).map(asOverride) }));
      const needHonest = seeds.filter((s) => !honest.has(s));
      if (needHonest.length) cells.push({ label: 'honest', values: {}, sets: HONEST_OVERRIDES.map(asOverride) });
      const plan = await makePlan({ kind: 'run', file: o.file, sets: o.sets, cells, seeds });
      const honestCell = needHonest.length ? cells.length - 1 : -1;
      const jobs = plan.jobs.filter((j) => j.cell !== honestCell || needHonest.includes(j.seed));
      const got = new Map<number, RunOutput>();
      await o.executor.run(jobs, {
        onResult: async (out, job) => {
          got.set(job.run, out);
          o.onRun?.();
        },
      });
      for (const j of jobs) if (j.cell === honestCell) honest.set(j.seed, got.get(j.run) as RunOutput);
      return reqs.map((r, i) => {
        const outs = plan.jobs.filter((j) => j.cell === i).map((j) => coalitionOutcome(got.get(j.run) as RunOutput, honest.get(j.seed) as RunOutput, plan.cells[i].scenario.days));
        const gains = outs.map((x) => x.gain);
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        return {
          family: r.family.name,
          share: r.share,
          point: r.point,
          seeds,
          gains,
          gain: tInterval(gains),
          stakeShare: mean(outs.map((x) => x.stakeShare)),
          coalition: outs[0]?.entities.length ?? 0,
          attackReturn: mean(outs.map((x) => x.attackReturn)),
          honestReturn: mean(outs.map((x) => x.honestReturn)),
        };
      });
    },
  };
}

