/**
 * Builds a run's agents from the scenario's populations. Behaviours are allocated exactly
 * (largest remainder) and assigned through a seeded shuffle; every per-agent draw (skill, stake,
 * σ) comes from a stream named after the agent, so no draw depends on creation order.
 */
import type { Genesis, Scenario } from '../scenario/schema.js';
import { toWei, type SimContext } from '../agents/context.js';
import { TrainingNode } from '../agents/trainingNode.js';
import { Validator } from '../agents/validator.js';
import { Delegator, type PoolMarket } from '../agents/delegator.js';
import { genesisRoles } from '../scenario/fromChain.js';

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

/**
 * One warning per behaviour the scenario's mix asks for (weight > 0) that `allocate` gives no
 * agent: e.g. `populations.nodes.mix.copycat = 0.05 of 8 nodes rounds to 0 agents; none will be
 * copycat`. Pure and seed-independent (allocation is exact, the shuffle only orders it), so a
 * caller prints it once per run set. A population of 0 warns nothing. A scenario with a genesis
 * counts its participants as `populateFromGenesis` does.
 */
export function mixWarnings(s: Scenario): string[] {
  const P = s.populations;
  const roles = s.genesis ? genesisRoles(s.genesis) : null;
  const groups = [
    { key: 'nodes', count: roles ? roles.nodes.size : P.nodes.count, mix: P.nodes.mix as Record<string, number> },
    { key: 'validators', count: roles ? roles.validators.size : P.validators.count, mix: P.validators.mix as Record<string, number> },
  ] as const;
  const out: string[] = [];
  for (const g of groups) {
    if (g.count <= 0) continue;
    const got = allocate(g.count, g.mix);
    for (const b of Object.keys(g.mix).sort()) {
      if (!(g.mix[b] > 0) || got.includes(b)) continue;
      out.push(`warning: populations.${g.key}.mix.${b} = ${g.mix[b]} of ${g.count} ${g.key} rounds to 0 agents; none will be ${b}`);
    }
  }
  return out;
}

const pad = (i: number, width: number) => String(i + 1).padStart(width, '0');
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The herding delegators (ASSUMPTIONS.md A-herding): `herding` of `count` delegators, placed by
 * largest remainder and a seeded shuffle like every mix, each given a colluding validator's pool,
 * round-robin over the colluders in name order. With no colluding validator nobody herds. Nothing
 * is drawn when nobody herds, so every other scenario's streams are untouched.
 */
function herdTargets(count: number, herding: number, validators: Validator[], rng: SimContext['rng']): (string | undefined)[] {
  if (!(herding > 0) || count === 0) return [];
  const owners = validators.filter((v) => v.behaviour === 'colluding').map((v) => v.name).sort();
  // Nobody to herd to (the colluders' share rounds to no validator): nobody herds.
  if (!owners.length) return [];
  const roles = rng('population/delegators').shuffle(allocate(count, { delegator: 1 - herding, herding }));
  let k = 0;
  return roles.map((r) => (r === 'herding' ? owners[k++ % owners.length] : undefined));
}

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

  const herdTo = herdTargets(P.delegators.count, P.delegators.herding ?? 0, validators, rng);
  const delegators = Array.from({ length: P.delegators.count }, (_, i) => {
    const name = `delegator-${pad(i, 4)}`;
    return new Delegator(
      ctx,
      {
        name,
        stake: toWei(uniform(`stake:${name}`, P.delegators.stake)),
        claimEveryDays: P.delegators.claimEveryDays,
        rebalanceThreshold: P.delegators.rebalanceThreshold,
        ...(herdTo[i] !== undefined ? { herdTo: herdTo[i] } : {}),
      },
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

/** Where each genesis stake and delegation goes: to the agent that manages it, or placed passively. */
export interface GenesisPlacement {
  stakes: { taskId: number; address: string; role: 'node' | 'validator'; amount: bigint; agent: TrainingNode | Validator | null }[];
  delegations: { delegator: string; owner: string; amount: bigint; agent: Delegator | null }[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The populations of a run that starts from `s.genesis` (a chain snapshot): exactly its
 * participants, named by their lowercase 0x addresses, with their stakes and σ as read.
 * - Training nodes: every address with a node stake, and every pool owner that has no stake and
 *   is not known as a validator. Validators: addresses with validator stakes only, and pool owners
 *   known as validators. Delegators: every other address that delegates.
 * - Behaviours: the scenario's mixes, allocated exactly over the sorted addresses and shuffled by
 *   the same seeded streams as drawn populations (a 'sybil' keeps its one identity). Skills are
 *   drawn from the per-agent streams as usual.
 * - An agent's stake is its total direct stake (node stakes for nodes, validator stakes for
 *   validators); one with none holds the scenario's minimum stake, to join later tasks. A
 *   delegator's agent manages its largest delegation (ties: the smaller owner address); its other
 *   delegations, the delegations of nodes and validators, and the validator stakes of addresses
 *   that are nodes are placed on the chain without an agent managing them.
 */
export function populateFromGenesis(ctx: SimContext, s: Scenario, market: PoolMarket, shuffle: boolean) {
  const g = s.genesis;
  if (!g) throw new Error('populateFromGenesis: the scenario has no genesis');
  const { rng } = ctx;
  const P = s.populations;
  const { nodes: nodeSet, validators: valSet, nodeStake, valStake } = genesisRoles(g);
  const poolOf = new Map(g.pools.map((p) => [p.owner, p]));
  /** σ as the chain's getPoolSigma reports it: clamped into the σ bounds (docs/model.md#sigma-bounds-cooldown-and-freeze). */
  const sigmaOf = (owner: string) => {
    const raw = poolOf.get(owner)?.sigma ?? 0;
    const b = g.sigmaBounds;
    return BigInt(b ? Math.min(b.max, Math.max(b.min, raw)) : raw);
  };

  const nodeBehaviours = rng('population/nodes').shuffle(allocate(nodeSet.size, P.nodes.mix));
  const nodes: TrainingNode[] = [];
  const entities = new Map<string, TrainingNode[]>();
  [...nodeSet].sort(cmp).forEach((name, i) => {
    const behaviour = nodeBehaviours[i];
    const pool = poolOf.get(name);
    const n = new TrainingNode(ctx, {
      name,
      entity: name,
      behaviour: behaviour as TrainingNode['behaviour'],
      skill: behaviour === 'lazy' ? 0 : clamp01(0.7 + rng(`skill:${name}`).normal(0, s.workload.skillSpread)),
      stake: nodeStake.get(name) ?? toWei(s.params.minNodeStakes),
      sigma: sigmaOf(name),
      claimEveryDays: P.nodes.claimEveryDays,
      sigmaStrategy: P.nodes.sigmaStrategy,
      pool: pool !== undefined,
    });
    nodes.push(n);
    entities.set(name, [n]);
  });

  const valBehaviours = rng('population/validators').shuffle(allocate(valSet.size, P.validators.mix));
  const validators = [...valSet].sort(cmp).map((name, i) => {
    const pool = poolOf.get(name);
    return new Validator(ctx, {
      name,
      behaviour: valBehaviours[i] as Validator['behaviour'],
      stake: valStake.get(name) ?? toWei(s.params.validatorMinStake),
      sigma: sigmaOf(name),
      claimEveryDays: P.validators.claimEveryDays,
      pool: pool !== undefined,
    });
  });

  const byDelegator = new Map<string, { owner: string; amount: bigint }[]>();
  for (const dl of g.delegations) {
    const list = byDelegator.get(dl.delegator) ?? [];
    list.push({ owner: dl.owner, amount: BigInt(dl.amount) });
    byDelegator.set(dl.delegator, list);
  }
  for (const list of byDelegator.values()) list.sort((a, b) => (a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : cmp(a.owner, b.owner)));
  const delegatorOf = new Map<string, Delegator>();
  const delegators = [...byDelegator.keys()]
    .filter((a) => !nodeSet.has(a) && !valSet.has(a))
    .sort(cmp)
    .map((name) => {
      const d = new Delegator(
        ctx,
        { name, stake: byDelegator.get(name)![0].amount, claimEveryDays: P.delegators.claimEveryDays, rebalanceThreshold: P.delegators.rebalanceThreshold },
        market,
      );
      delegatorOf.set(name, d);
      return d;
    });

  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const valByName = new Map(validators.map((v) => [v.name, v]));
  const placement: GenesisPlacement = {
    stakes: [...g.stakes]
      .sort((a, b) => a.taskId - b.taskId || cmp(a.role, b.role) || cmp(a.address, b.address))
      .map((st) => ({
        taskId: st.taskId,
        address: st.address,
        role: st.role,
        amount: BigInt(st.amount),
        agent: (st.role === 'node' ? nodeByName.get(st.address) : valByName.get(st.address)) ?? null,
      })),
    delegations: [...byDelegator.keys()].sort(cmp).flatMap((delegator) =>
      byDelegator.get(delegator)!.map((x, i) => ({ delegator, owner: x.owner, amount: x.amount, agent: i === 0 ? (delegatorOf.get(delegator) ?? null) : null })),
    ),
  };

  if (shuffle) {
    const r = rng('test/shuffle-creation');
    r.shuffle(nodes);
    r.shuffle(validators);
    r.shuffle(delegators);
  }
  return { nodes, validators, delegators, entities, placement };
}
