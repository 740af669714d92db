/**
 * One attack study (docs/attacks.md): for each family, the strategy search at the study's coalition
 * share, the best strategy re-evaluated on fresh seeds (so its gain is not the search's luck), and
 * the minimum profitable coalition share over the fixed grid (a smaller search at each share, its
 * best re-evaluated on fresh seeds; the smallest share whose 95 % interval lies above zero, with
 * no interpolation between grid points). Deterministic: the same scenario, budget and seeds give
 * the same study on any number of workers, and a resumed study the same as an uninterrupted one.
 */
import type { Interval } from '../experiments/pairing.js';
import { arms, SHARE_GRID, type AttackFamily, type StrategyPoint } from './families.js';
import type { Evaluation, Evaluator } from './evaluate.js';
import { search } from './search.js';
import type { AttackStore, StoredEval } from './store.js';

export interface AttackPlan {
  families: AttackFamily[];
  /** Coalition share of the main search. */
  share: number;
  budget: number;
  gridBudget: number;
  grid: readonly number[];
  seeds: number[];
  freshSeeds: number[];
}

export interface StrategyResult {
  point: StrategyPoint;
  words: string;
  /** Its paired gain on the search seeds (what the search saw). */
  searchGain: Interval;
  /** Its paired gain on fresh seeds: the number to quote. */
  freshGain: Interval;
  freshGains: number[];
  stakeShare: number;
  profitable: boolean;
}

export interface GridPoint extends Partial<StrategyResult> {
  share: number;
  evaluations: number;
  /** False when the share rounds to no coalition agent in this scenario. */
  coalition: boolean;
}

export interface FamilyResult {
  family: string;
  summary: string;
  share: number;
  evaluations: number;
  best: StrategyResult | null;
  /** The best gain after each evaluation of the main search. */
  trace: number[];
  grid: GridPoint[];
  /** Smallest grid share whose fresh-seed interval lies above zero; null when none does. */
  minProfitableShare: number | null;
}

export interface AttackProgress {
  family: string;
  phase: string;
  share: number;
  done: number;
  total: number;
  best?: number;
}

/** How many evaluations a family's study makes (for the progress bar). */
export function plannedEvaluations(f: AttackFamily, p: Pick<AttackPlan, 'budget' | 'gridBudget' | 'grid'>): number {
  const one = (budget: number) => (f.continuous.length ? budget : Math.min(arms(f).length, budget)) + 1;
  return one(p.budget) + p.grid.length * one(p.gridBudget);
}

const profitableOf = (i: Interval) => Number.isFinite(i.lo) && i.lo > 0;

export async function runAttack(o: { plan: AttackPlan; evaluator: Evaluator; store?: AttackStore; onProgress?: (p: AttackProgress) => void }): Promise<FamilyResult[]> {
  const { plan, evaluator, store } = o;
  const total = plan.families.reduce((a, f) => a + plannedEvaluations(f, plan), 0);
  let done = 0;
  const out: FamilyResult[] = [];

  /** Evaluates a batch at one (family, phase, share), taking what the store already holds. */
  async function batch(f: AttackFamily, phase: string, share: number, first: number, points: StrategyPoint[], seeds: number[]): Promise<StoredEval[]> {
    const res: (StoredEval | undefined)[] = points.map((p, k) => store?.find(f.name, phase, share, first + k, p, seeds));
    const todo = points.map((p, k) => ({ p, k })).filter((x) => !res[x.k]);
    if (todo.length) {
      const evals: Evaluation[] = await evaluator.evaluate(
        todo.map((x) => ({ family: f, share, point: x.p })),
        seeds,
      );
      const stored = evals.map((e, j) => ({ ...e, phase, idx: first + todo[j].k, words: f.words(share, e.point) }));
      await store?.add(stored);
      stored.forEach((e, j) => (res[todo[j].k] = e));
    }
    done += points.length;
    return res as StoredEval[];
  }

  async function study(f: AttackFamily, share: number, budget: number, phase: 'search' | 'grid-search', freshPhase: 'fresh' | 'grid-fresh') {
    const seen: StoredEval[] = [];
    const r = await search({
      budget,
      seed: `attack/${f.name}/${phase}/${share}`,
      continuous: f.continuous,
      arms: arms(f),
      evaluate: async (points) => {
        const ev = await batch(f, phase, share, seen.length, points, plan.seeds);
        seen.push(...ev);
        const best = Math.max(...ev.map((e) => e.gain.mean).filter(Number.isFinite));
        o.onProgress?.({ family: f.name, phase, share, done, total, best: Number.isFinite(best) ? best : undefined });
        return ev.map((e) => e.gain.mean);
      },
    });
    let best: StrategyResult | null = null;
    let coalition = true;
    if (r.best) {
      const searched = seen[r.best.index];
      coalition = searched.coalition > 0;
      const [fresh] = await batch(f, freshPhase, share, 0, [r.best.point], plan.freshSeeds);
      o.onProgress?.({ family: f.name, phase: freshPhase, share, done, total });
      best = {
        point: r.best.point,
        words: f.words(share, r.best.point),
        searchGain: searched.gain,
        freshGain: fresh.gain,
        freshGains: fresh.gains,
        stakeShare: fresh.stakeShare,
        profitable: profitableOf(fresh.gain),
      };
    }
    return { r, best, coalition, evaluations: r.trials.length + (r.best ? 1 : 0) };
  }

  for (const f of plan.families) {
    const main = await study(f, plan.share, plan.budget, 'search', 'fresh');
    const grid: GridPoint[] = [];
    for (const share of plan.grid) {
      const g = await study(f, share, plan.gridBudget, 'grid-search', 'grid-fresh');
      grid.push({ share, evaluations: g.evaluations, coalition: g.coalition, ...(g.best ?? {}) });
    }
    const min = grid.find((g) => g.coalition && g.profitable);
    out.push({
      family: f.name,
      summary: f.summary,
      share: plan.share,
      evaluations: main.evaluations + grid.reduce((a, g) => a + g.evaluations, 0),
      best: main.best,
      trace: main.r.trace,
      grid,
      minProfitableShare: min ? min.share : null,
    });
  }
  return out;
}

export { SHARE_GRID };
