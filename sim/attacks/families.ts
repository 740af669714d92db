/**
 * Attack families (docs/attacks.md): each a small typed strategy space whose points map to scenario
 * overrides, the same `key=value` strings `--set` and `--proposal` take. A family never adds
 * behaviour of its own: it only chooses among behaviours the agents already play
 * (sim/scenario/groups.ts), so the best strategy found is an ordinary scenario anyone can re-run.
 *
 * The coalition is every node and validator the overrides make non-honest; the rest of the
 * population is honest (ASSUMPTIONS.md A-coalition). `share` is the fraction of each attacked role's
 * population the coalition holds (placed by largest remainder, like every mix).
 */

/** A continuous strategy parameter, searched by CMA-ES in [min, max]. */
export interface ContinuousParam {
  key: string;
  label: string;
  unit: string;
  min: number;
  max: number;
}

/** A discrete strategy choice, searched by successive halving over its options. */
export interface DiscreteParam {
  key: string;
  label: string;
  options: readonly (string | number)[];
}

/** One strategy: a value for every parameter of its family. */
export type StrategyPoint = Record<string, string | number>;

export interface AttackFamily {
  name: string;
  /** One line on what the coalition does. */
  summary: string;
  continuous: ContinuousParam[];
  discrete: DiscreteParam[];
  /** The overrides that make the coalition play `p` at coalition share `share` (0 < share ≤ 0.5). */
  overrides(share: number, p: StrategyPoint): string[];
  /** The strategy in words. */
  words(share: number, p: StrategyPoint): string;
}

/** The overrides that make every node and validator honest: the same stake played honestly. */
export const HONEST_OVERRIDES: readonly string[] = ['populations.nodes.mix={"honest":1}', 'populations.validators.mix={"honest":1}', 'populations.delegators.herding=0'];

const mix = (role: 'nodes' | 'validators', share: number, behaviour: string) =>
  `populations.${role}.mix=${JSON.stringify(share >= 1 ? { [behaviour]: 1 } : { honest: round(1 - share), [behaviour]: round(share) })}`;
/** Shares as short decimals, so that a scenario file reads 0.3 and not 0.30000000000000004. */
const round = (x: number) => Math.round(x * 1e9) / 1e9;
const pct = (x: number) => `${round(x * 100)} %`;

/** sybil: coalition nodes split one drawn stake over k identities, each submitting a variant of one model (ASSUMPTIONS.md S-sybil). */
const sybil: AttackFamily = {
  name: 'sybil',
  summary: 'training nodes split one stake over k identities, each submitting a variant of the same model',
  continuous: [],
  discrete: [{ key: 'identities', label: 'identities per entity', options: [2, 3, 4, 6] }],
  overrides: (share, p) => [mix('nodes', share, 'sybil'), 'populations.validators.mix={"honest":1}', `populations.nodes.sybilIdentities=${p.identities}`],
  words: (share, p) => `${pct(share)} of the training-node entities each split their stake over ${p.identities} identities that submit variants of one model`,
};

/**
 * collusion: coalition validators shave `collusionBias` off the favoured nodes' scores and add it to
 * everyone else's (ASSUMPTIONS.md S-validators, A-collusion-target); the favoured nodes are the
 * coalition's own, of the behaviour `target`. `tokenizer-gaming` nodes submit honest models (the
 * surrogate scores their tokenizer like any other, docs/model.md#validator-score), so that arm is
 * pure score bias; `sybil` and `lazy` add a node strategy of their own. The colluders' lost
 * validator reward counts against the nodes' gain.
 */
const TARGET_WORDS: Record<string, string> = {
  'tokenizer-gaming': 'training nodes (honest models, recognisable to the colluders)',
  sybil: 'sybil training nodes (3 identities each)',
  lazy: 'lazy training nodes (submitting the base model)',
};
const collusion: AttackFamily = {
  name: 'collusion',
  summary: 'validators bias scores toward the coalition’s own training nodes',
  continuous: [{ key: 'bias', label: 'score bias', unit: 'BPC', min: 0, max: 1 }],
  discrete: [{ key: 'target', label: 'favoured nodes', options: ['tokenizer-gaming', 'sybil', 'lazy'] }],
  overrides: (share, p) => [
    mix('validators', share, 'colluding'),
    mix('nodes', share, String(p.target)),
    `populations.validators.colludeWith=${p.target}`,
    `workload.collusionBias=${round(Number(p.bias))}`,
  ],
  words: (share, p) =>
    `${pct(share)} of the validators report scores ${Number(p.bias).toFixed(3)} BPC better for the coalition’s ${TARGET_WORDS[String(p.target)] ?? p.target} (${pct(share)} of the nodes) and ${Number(p.bias).toFixed(3)} BPC worse for everyone else`,
};

/** lazy: coalition validators report random plausible scores without evaluating (ASSUMPTIONS.md S-validators). */
const lazy: AttackFamily = {
  name: 'lazy',
  summary: 'validators report random plausible scores without evaluating',
  continuous: [],
  discrete: [],
  overrides: (share) => ['populations.nodes.mix={"honest":1}', mix('validators', share, 'lazy')],
  words: (share) => `${pct(share)} of the validators report a random plausible score for every submission instead of evaluating it`,
};

/**
 * herding: `share` of the delegators delegate their whole stake to the pools of the coalition's
 * validators (`share` of the validators, round-robin) and never move, whatever the yield
 * (ASSUMPTIONS.md A-herding). The coalition's validators score honestly: they are marked
 * `colluding` only so the herders know them, with no bias. The flood raises those validators'
 * effective stake own + ε·delegated (docs/model.md#consensus): their consensus weight, their
 * chance to be assigned work and their weight in the validator split.
 */
const herding: AttackFamily = {
  name: 'herding',
  summary: 'delegators flood the pools of the coalition’s validators, whatever the yield',
  continuous: [],
  discrete: [],
  overrides: (share) => ['populations.nodes.mix={"honest":1}', mix('validators', share, 'colluding'), 'workload.collusionBias=0', `populations.delegators.herding=${round(share)}`],
  words: (share) => `${pct(share)} of the delegators delegate to the pools of the coalition’s validators (${pct(share)} of the validators, scoring honestly) and never move, whatever the yield`,
};

/**
 * sigma: `share` of the node entities are `sigma-gamer` nodes (ASSUMPTIONS.md A-sigma-game): they
 * train honestly, open their pools at the lure σ and raise σ to the keep σ `switchDays` days
 * before each task's end (docs/simulation.md#sigma-games), through setMiniPoolSigma, which refuses
 * a change inside the cooldown or the ±2-day freeze (docs/model.md#sigma-bounds-cooldown-and-freeze).
 * Delegators' replies are the environment: the ordinary eAPY and σ-rise rule
 * (docs/simulation.md#delegator-choice). Validators are honest. σ levels are whole ppm, the switch
 * is rounded to a thousandth of a day, so that a scenario file reads plainly.
 */
const sigmaSchedule = (p: StrategyPoint) => ({
  lureSigma: Math.round(Number(p.lure)),
  keepSigma: Math.round(Number(p.keep)),
  switchDaysBeforeEnd: Math.round(Number(p.switchDays) * 1000) / 1000,
});
const ppmWords = (x: number) => `${round(x / 10_000)} %`;
const sigma: AttackFamily = {
  name: 'sigma',
  summary: 'training nodes lure delegators with a low pool σ, then raise it before the freeze around a task’s end',
  continuous: [
    { key: 'lure', label: 'lure σ', unit: 'ppm', min: 0, max: 1_000_000 },
    { key: 'keep', label: 'keep σ', unit: 'ppm', min: 0, max: 1_000_000 },
    { key: 'switchDays', label: 'switch before the task’s end', unit: 'days', min: 0, max: 30 },
  ],
  discrete: [],
  overrides: (share, p) => [mix('nodes', share, 'sigma-gamer'), 'populations.validators.mix={"honest":1}', `populations.nodes.sigmaGame=${JSON.stringify(sigmaSchedule(p))}`],
  words: (share, p) => {
    const g = sigmaSchedule(p);
    return `${pct(share)} of the training-node entities open their pools at σ = ${ppmWords(g.lureSigma)} and move σ to ${ppmWords(g.keepSigma)} ${g.switchDaysBeforeEnd} days before each task’s end (the freeze refuses changes within 2 days of it)`;
  },
};

export const FAMILIES: Record<string, AttackFamily> = { sybil, collusion, lazy, herding, sigma };
export const FAMILY_NAMES = Object.keys(FAMILIES);

/** The grid of coalition shares for the minimum profitable share (no interpolation between them). */
export const SHARE_GRID = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5] as const;

/** Every combination of a family's discrete options, in order (one arm of the bandit each). */
export function arms(f: AttackFamily): StrategyPoint[] {
  let out: StrategyPoint[] = [{}];
  for (const d of f.discrete) out = out.flatMap((p) => d.options.map((o) => ({ ...p, [d.key]: o })));
  return out;
}
