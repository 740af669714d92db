/**
 * The coalition's paired gain (docs/attacks.md#paired-gain; ASSUMPTIONS.md A-coalition,
 * A-honest-stake). On one seed, the attack run and the honest run draw the same agents, stakes,
 * skills and arrivals (common random numbers, docs/simulation.md#comparing-rule-sets): an
 * entity's draws come from streams named after it, whatever its behaviour. The coalition is every
 * node, validator and delegator entity the attack run shows as not playing as the rules expect; its return is its reward per unit
 * of its mean daily stake, annualised; the gain is that return minus the same entities' return in
 * the honest run, in APR points.
 */
import type { RunOutput } from '../run/simulation.js';

export interface CoalitionOutcome {
  /** The coalition's entities (`entity` of agent_days), sorted. */
  entities: string[];
  /** Annualised reward per unit stake of the coalition in the attack run, and of the same entities honest. */
  attackReturn: number;
  honestReturn: number;
  /** attackReturn − honestReturn (APR points as a fraction: 0.05 = +5 points); NaN with no coalition. */
  gain: number;
  /** The coalition's mean daily stake as a share of all node and validator stake (and delegator stake, when it has delegators), in the honest run. */
  stakeShare: number;
}

const ROLES = new Set(['node', 'validator']);
/** What each role's agents are called when they play as the rules expect. */
const PLAIN: Record<string, string> = { node: 'honest', validator: 'honest', delegator: 'delegator' };

/** The coalition of an attack run: every node, validator or delegator entity not playing as the rules expect (herding delegators included). */
export function coalitionOf(attack: RunOutput): Set<string> {
  const out = new Set<string>();
  for (const r of attack.agentRows) if (r.role in PLAIN && r.behaviour !== PLAIN[r.role]) out.add(r.entity);
  return out;
}

/**
 * Σ reward and mean daily Σ stake, in wei as numbers: of `who`, or (null) of every node and
 * validator, and every delegator too when `delegators` (a coalition with delegators, ASSUMPTIONS.md A-share).
 */
function totals(run: RunOutput, who: Set<string> | null, delegators = false): { reward: number; stake: number } {
  let reward = 0n;
  let stake = 0n;
  const days = new Set<number>();
  for (const r of run.agentRows) {
    if (who ? !who.has(r.entity) : !(ROLES.has(r.role) || (delegators && r.role === 'delegator'))) continue;
    reward += r.reward;
    stake += r.stake;
    days.add(r.day);
  }
  return { reward: Number(reward), stake: days.size ? Number(stake) / days.size : 0 };
}

/** The paired outcome of one seed: the attack run and the honest run of the same seed over `days` days. */
export function coalitionOutcome(attack: RunOutput, honest: RunOutput, days: number): CoalitionOutcome {
  if (attack.seed !== honest.seed) throw new Error(`paired runs of different seeds: ${attack.seed} and ${honest.seed}`);
  const who = coalitionOf(attack);
  const a = totals(attack, who);
  const h = totals(honest, who);
  const year = 365 / days;
  const attackReturn = a.stake > 0 ? (a.reward / a.stake) * year : NaN;
  const honestReturn = h.stake > 0 ? (h.reward / h.stake) * year : NaN;
  const withDelegators = attack.agentRows.some((r) => r.role === 'delegator' && who.has(r.entity));
  const all = totals(honest, null, withDelegators).stake;
  return { entities: [...who].sort(), attackReturn, honestReturn, gain: attackReturn - honestReturn, stakeShare: all > 0 ? h.stake / all : 0 };
}
