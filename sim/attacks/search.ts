/**
 * The strategy search (docs/attacks.md#search): successive halving over a family's discrete arms,
 * each arm with its own CMA-ES (cmaes.ts) over the continuous parameters. Every round, each live
 * arm proposes one CMA-ES generation; all proposals are evaluated as one batch (so they spread
 * over the workers); then the worse half of the arms, by the best value each has reached, is
 * dropped. A family without continuous parameters evaluates each arm once: an evaluation on the
 * same seeds is deterministic, so repeating it would add nothing. Maximises `value`; NaN is worst.
 * Seeded and order-fixed: the same budget, seed and answers give the same trials.
 */
import { CmaEs } from './cmaes.js';
import type { ContinuousParam, StrategyPoint } from './families.js';

export interface Trial {
  /** Position in the search's evaluation order, from 0. */
  index: number;
  round: number;
  point: StrategyPoint;
  value: number;
}

export interface SearchOptions {
  budget: number;
  seed: number | string;
  continuous: ContinuousParam[];
  /** Every combination of the discrete choices (at least one, `{}` when there are none). */
  arms: StrategyPoint[];
  /** Values of a batch of points, in order. */
  evaluate(points: StrategyPoint[], round: number): Promise<number[]>;
}

export interface SearchResult {
  trials: Trial[];
  best: Trial | null;
  /** The best value after each evaluation (the convergence trace). */
  trace: number[];
}

const better = (a: number, b: number) => (Number.isNaN(b) ? !Number.isNaN(a) : a > b);

/** A unit-box coordinate as the parameter's value, to 4 significant decimals of its range (short, exact scenario strings). */
function toValue(p: ContinuousParam, u: number): number {
  const step = (p.max - p.min) / 10_000;
  return Number((p.min + Math.round((u * (p.max - p.min)) / step) * step).toPrecision(10));
}

export async function search(o: SearchOptions): Promise<SearchResult> {
  const trials: Trial[] = [];
  const trace: number[] = [];
  let best: Trial | null = null;
  const record = (point: StrategyPoint, value: number, round: number) => {
    const t = { index: trials.length, round, point, value };
    trials.push(t);
    if (!best || better(value, best.value)) best = t;
    trace.push(best.value);
    return t;
  };
  if (o.budget < 1) return { trials, best, trace };
  if (o.continuous.length === 0) {
    const points = o.arms.slice(0, o.budget);
    const values = await o.evaluate(points, 0);
    points.forEach((p, i) => record(p, values[i], 0));
    return { trials, best, trace };
  }
  const n = o.continuous.length;
  let live = o.arms.map((arm, i) => ({ arm, i, cma: new CmaEs(n, { seed: `${o.seed}/arm/${i}` }), best: NaN }));
  let left = o.budget;
  for (let round = 0; left > 0; round++) {
    const asks = live.map((a) => ({ a, us: a.cma.ask() }));
    const batch: { a: (typeof live)[number]; u: number[]; point: StrategyPoint }[] = [];
    // Arms take turns, so a budget smaller than a round still reaches every arm.
    const lambda = asks[0].us.length;
    for (let k = 0; k < lambda && batch.length < left; k++)
      for (const { a, us } of asks) {
        if (batch.length >= left) break;
        const point: StrategyPoint = { ...a.arm };
        o.continuous.forEach((p, j) => (point[p.key] = toValue(p, us[k][j])));
        batch.push({ a, u: us[k], point });
      }
    const values = await o.evaluate(
      batch.map((b) => b.point),
      round,
    );
    left -= batch.length;
    batch.forEach((b, k) => {
      record(b.point, values[k], round);
      if (better(values[k], b.a.best)) b.a.best = values[k];
    });
    for (const { a, us } of asks) {
      const mine = batch.map((b, k) => ({ b, v: values[k] })).filter((x) => x.b.a === a);
      // A generation cut short by the budget is the last one: nothing more to learn from it.
      if (mine.length === us.length) a.cma.tell(mine.map((x) => x.b.u), mine.map((x) => -x.v));
    }
    if (live.length > 1) {
      const keep = Math.ceil(live.length / 2);
      live = [...live].sort((x, y) => (better(x.best, y.best) ? -1 : better(y.best, x.best) ? 1 : x.i - y.i)).slice(0, keep).sort((x, y) => x.i - y.i);
    }
  }
  return { trials, best, trace };
}
