/**
 * What the summary needs of one run's agents (docs/architecture.md#experiments): per role and
 * behaviour, its identities, entities, each entity's reward (tokens, summed in row order, entities
 * in order of first appearance) and the sum of its stakes; per role, its reward. The recorder
 * accumulates these as it records each day (recorder.ts), over every agent whether or not its rows
 * are kept (docs/architecture.md#rows-at-scale); the floating-point sums are the same additions in
 * the same order as over the rows (kpi.ts runTotals, which uses this accumulator), so the summary is the same to the bit either way.
 */
export interface RunTotals {
  groups: Array<[key: string, g: { agents: number; entities: number; reward: Array<[entity: string, tokens: number]>; stakeSum: number }]>;
  roleReward: Array<[role: string, tokens: number]>;
}

const TOKENS = 1e18;

/** A running sum, held by reference so an agent's slot adds to it without a map look-up. */
interface Acc {
  v: number;
}

interface Group {
  agents: Set<string>;
  entities: Set<string>;
  reward: Map<string, Acc>;
  stake: Acc;
}

/** An agent's group and sums, kept while it keeps its role, behaviour and entity (checked each day, as runTotals does). */
export interface TotalsSlot {
  role: string;
  behaviour: string;
  entity: string;
  entityReward: Acc;
  stake: Acc;
  roleReward: Acc;
}

export class TotalsAccumulator {
  private readonly groups = new Map<string, Group>();
  private readonly roleReward = new Map<string, Acc>();

  /** The slot of an agent (`prev`, its last one, when it still fits). */
  slot(agent: string, role: string, behaviour: string, entity: string, prev: TotalsSlot | undefined): TotalsSlot {
    if (prev && prev.role === role && prev.behaviour === behaviour && prev.entity === entity) return prev;
    const key = `${role}/${behaviour}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { agents: new Set(), entities: new Set(), reward: new Map(), stake: { v: 0 } }));
    g.agents.add(agent);
    g.entities.add(entity);
    let entityReward = g.reward.get(entity);
    if (!entityReward) g.reward.set(entity, (entityReward = { v: 0 }));
    let roleReward = this.roleReward.get(role);
    if (!roleReward) this.roleReward.set(role, (roleReward = { v: 0 }));
    return { role, behaviour, entity, entityReward, stake: g.stake, roleReward };
  }

  /** One agent-day, in row order. */
  add(s: TotalsSlot, stake: bigint, reward: bigint): void {
    const r = Number(reward) / TOKENS;
    s.entityReward.v += r;
    s.stake.v += Number(stake) / TOKENS;
    s.roleReward.v += r;
  }

  totals(): RunTotals {
    return {
      groups: [...this.groups].map(([key, g]) => [key, { agents: g.agents.size, entities: g.entities.size, reward: [...g.reward].map(([e, a]) => [e, a.v]), stakeSum: g.stake.v }]),
      roleReward: [...this.roleReward].map(([role, a]) => [role, a.v]),
    };
  }
}
