/**
 * Builds a run's agents from the scenario's populations. Behaviours are allocated exactly
 * (largest remainder) and assigned through a seeded shuffle; every per-agent draw (skill, stake,
 * σ) comes from a stream named after the agent, so no draw depends on creation order.
 */
import type { Scenario } from '../scenario/schema.js';
import { toWei, type SimContext } from '../agents/context.js';
import { TrainingNode } from '../agents/trainingNode.js';
import { Validator } from '../agents/validator.js';
import { Delegator, type PoolMarket } from '../agents/delegator.js';

/** Exact counts per behaviour for `count` agents (largest remainder; ties by behaviour name). */
export function allocate(count: number, mix: Record<string, number>): string[] {
  const names = Object.keys(mix).sort();
  const raw = names.map((b) => ({ b, x: count * mix[b] }));
  const out = raw.map((r) => ({ b: r.b, n: Math.floor(r.x), rem: r.x - Math.floor(r.x) }));
  let left = count - out.reduce((a, r) => a + r.n, 0);
  for (const r of [...out].sort((a, b) => b.rem - a.rem || (a.b < b.b ? -1 : 1))) {
    if (left-- <= 0) break;
    r.n += 1;
  }
  return out.flatMap((r) => Array.from({ length: r.n }, () => r.b));
}

const pad = (i: number, width: number) => String(i + 1).padStart(width, '0');
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function populate(ctx: SimContext, s: Scenario, market: PoolMarket, shuffle: boolean) {
  const { rng } = ctx;
  const P = s.populations;
  const uniform = (name: string, r: { min: number; max: number }) => Math.round(r.min + rng(name).next() * (r.max - r.min));
  const sigmaOf = (name: string, r: { min: number; max: number }) => BigInt(Math.round(r.min + rng(`sigma:${name}`).next() * (r.max - r.min)));

  const nodeBehaviours = rng('population/nodes').shuffle(allocate(P.nodes.count, P.nodes.mix));
  const nodes: TrainingNode[] = [];
  const entities = new Map<string, TrainingNode[]>();
  const minNode = s.params.minNodeStakes;
  nodeBehaviours.forEach((behaviour, i) => {
    const entity = `node-${pad(i, 3)}`;
    const skill = behaviour === 'lazy' ? 0 : clamp01(0.7 + rng(`skill:${entity}`).normal(0, s.workload.skillSpread));
    const total = uniform(`stake:${entity}`, P.nodes.stake);
    const k = behaviour === 'sybil' ? P.nodes.sybilIdentities : 1;
    const each = Math.max(total / k, minNode);
    const ids: TrainingNode[] = [];
    for (let j = 0; j < k; j++) {
      const name = k === 1 ? entity : `${entity}.${j + 1}`;
      ids.push(
        new TrainingNode(ctx, {
          name,
          entity,
          behaviour: behaviour as TrainingNode['behaviour'],
          skill,
          stake: toWei(each),
          sigma: sigmaOf(entity, P.nodes.sigma),
          claimEveryDays: P.nodes.claimEveryDays,
          sigmaStrategy: P.nodes.sigmaStrategy,
        }),
      );
    }
    entities.set(entity, ids);
    nodes.push(...ids);
  });

  const valBehaviours = rng('population/validators').shuffle(allocate(P.validators.count, P.validators.mix));
  const validators = valBehaviours.map((behaviour, i) => {
    const name = `validator-${pad(i, 3)}`;
    return new Validator(ctx, {
      name,
      behaviour: behaviour as Validator['behaviour'],
      stake: toWei(uniform(`stake:${name}`, P.validators.stake)),
      sigma: sigmaOf(name, P.validators.sigma),
      claimEveryDays: P.validators.claimEveryDays,
    });
  });

  const delegators = Array.from({ length: P.delegators.count }, (_, i) => {
    const name = `delegator-${pad(i, 4)}`;
    return new Delegator(
      ctx,
      { name, stake: toWei(uniform(`stake:${name}`, P.delegators.stake)), claimEveryDays: P.delegators.claimEveryDays, rebalanceThreshold: P.delegators.rebalanceThreshold },
      market,
    );
  });

  if (shuffle) {
    const r = rng('test/shuffle-creation');
    r.shuffle(nodes);
    r.shuffle(validators);
    r.shuffle(delegators);
  }
  return { nodes, validators, delegators, entities };
}
