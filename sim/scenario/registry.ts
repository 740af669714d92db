/**
 * The one registry of scenario parameters. Every field a scenario accepts is defined here once:
 * its value type and range (sim/scenario/kinds.ts), default, unit, description and where the
 * default comes from. Everything else is derived from it:
 * - the zod schemas (sim/scenario/schema.ts builds `ScenarioSchema` from these groups),
 * - `--set` key checks (sim/scenario/load.ts, `checkSetKey`),
 * - `flock-lab schema` (JSON Schema, with `x-unit` and `x-source` on every field),
 * - `flock-lab params` and docs/parameters.md (sim/scenario/paramsDoc.ts),
 * - the off-chain pipeline's defaults and checks (sim/offchain/params.ts),
 * - the branded on-chain values (sim/scenario/units.ts, `protocolParamsOf`).
 * Where earlier copies disagreed the spec decides: 0 < q < 1 (docs/model.md#rank-geometric-weights), k1, k2 ≥ 1.
 */
import type { Group, Meta, ParamDef, Presence } from './kinds.js';
import { TOP, PROTOCOL, OFFCHAIN, NODES, VALIDATORS, DELEGATORS, TASK, RANDOM_TASKS, SURROGATE, REAL } from './groups.js';
import { FL_TASK } from './flGroups.js';

export { TOP, PROTOCOL, OFFCHAIN, NODES, VALIDATORS, DELEGATORS, TASK, RANDOM_TASKS, SURROGATE, REAL, FL_TASK };
export { UNITS, fieldsOf, objectOf, type Unit, type Group, type Meta, type ParamDef, type Presence, type ValueType, type Bounds } from './kinds.js';

/** A group placed in the scenario: `path` prefixes its keys (`tasks[]` for the elements of the task list). */
export interface Section {
  readonly path: string;
  readonly title: string;
  readonly group: Group;
  /** For `workload`: the parameters of one mode only. */
  readonly variant?: 'surrogate' | 'real';
  /** Whether the section may be left out, and what it then is. */
  readonly whenOmitted: string;
  readonly description: string;
}

export const SECTIONS: readonly Section[] = [
  { path: '', title: 'Scenario', group: TOP, whenOmitted: '—', description: 'Top-level fields of a scenario.' },
  {
    path: 'params',
    title: 'Protocol parameters',
    group: PROTOCOL,
    whenOmitted: 'every default below',
    description: 'Applied through the deployed setters at genesis (the simulation’s `applyParams`; `protocolParamsOf` gives them as wei, ppm, bps and seconds). With a `genesis`, its emission replaces rewardTokenPerDay and maxRewardTokenPerDay.',
  },
  {
    path: 'offchain',
    title: 'Off-chain scoring',
    group: OFFCHAIN,
    whenOmitted: 'every default below',
    description: 'The backend’s choices between validators’ scores and the uploaded ppm (docs/model.md#off-chain-scoring; `OffchainParams` in sim/offchain/params.ts).',
  },
  { path: 'populations.nodes', title: 'Training nodes', group: NODES, whenOmitted: 'required', description: 'The training-node population (ASSUMPTIONS.md S-assign, S-sigma, S-honest, S-lazy, S-sybil).' },
  { path: 'populations.validators', title: 'Validators', group: VALIDATORS, whenOmitted: 'required', description: 'The validator population (ASSUMPTIONS.md S-validators, S-assignment).' },
  { path: 'populations.delegators', title: 'Delegators', group: DELEGATORS, whenOmitted: 'count 0 and the defaults below', description: 'The delegator population (ASSUMPTIONS.md S-delegators).' },
  {
    path: 'tasks[]',
    title: 'Tasks',
    group: TASK,
    whenOmitted: 'one task: startDay 0, durationDays 30, type lm-bpc',
    description: 'Each entry of `tasks`, the tasks opened during the run (with a genesis: in addition to its tasks, with ids after them). A task lasts at most maxDuration = 30 days.',
  },
  {
    path: 'randomTasks',
    title: 'Random tasks',
    group: RANDOM_TASKS,
    whenOmitted: 'none',
    description: 'Extra tasks the task creator opens at random: a Poisson number per day (docs/model.md#task-timing).',
  },
  { path: 'workload', title: 'Surrogate workload', group: SURROGATE, variant: 'surrogate', whenOmitted: 'the surrogate with every default below', description: 'The surrogate score model (docs/model.md#surrogate-score-model, sim/workloads/surrogate.ts).' },
  { path: 'workload', title: 'Real workload', group: REAL, variant: 'real', whenOmitted: '—', description: 'Real TensorFlow.js training and validation (sim/workloads/real/; ASSUMPTIONS.md W-*).' },
  {
    path: 'flTasks[]',
    title: 'FL Alliance tasks',
    group: FL_TASK,
    whenOmitted: 'no FL task (the run is exactly as without the section)',
    description: 'Each entry of `flTasks`: one FL Alliance task with its FL nodes, watchers and workload (docs/fl-alliance.md; ASSUMPTIONS.md FL-*).',
  },
];

/** One row of the registry: a parameter at its place in the scenario. */
export interface ParamEntry extends Meta {
  /** Dotted path as `--set` takes it (`params.gamma`); `tasks[].durationDays` for list elements. */
  readonly path: string;
  readonly section: string;
  readonly key: string;
  readonly variant?: 'surrogate' | 'real';
  readonly presence: Presence;
  readonly default?: unknown;
  readonly range: string;
  readonly expected: string;
  readonly def: ParamDef;
}

/** Every scenario parameter, in the order of the sections and of their fields. */
export const PARAMETERS: readonly ParamEntry[] = SECTIONS.flatMap((s) =>
  Object.entries(s.group).map(([key, d]): ParamEntry => ({
    path: s.path ? `${s.path}.${key}` : key,
    section: s.path,
    key,
    ...(s.variant ? { variant: s.variant } : {}),
    presence: d.presence,
    ...(d.presence === 'default' ? { default: d.default } : {}),
    unit: d.unit,
    range: d.type.range,
    expected: d.type.expected,
    description: d.description,
    source: d.source,
    ...(d.defaultText ? { defaultText: d.defaultText } : {}),
    def: d,
  })),
);

/** Top-level keys that are not parameters but sections or data. */
export const OTHER_KEYS = {
  params: 'section',
  offchain: 'section',
  populations: 'section',
  workload: 'section',
  tasks: 'section',
  randomTasks: 'section',
  flTasks: 'section',
  genesis: 'a deployed network’s state (`flock-lab chain snapshot`; GenesisSchema)',
} as const;

/** The entry at `path` (`variant` picks between the two workload modes). */
export function parameter(path: string, variant?: 'surrogate' | 'real'): ParamEntry | undefined {
  return PARAMETERS.find((p) => p.path === path && (variant === undefined || p.variant === undefined || p.variant === variant));
}

/** Parameters whose value is an object or a list: `--set` may reach inside them (`populations.nodes.stake.min`). */
const COMPOUND = new Set(PARAMETERS.filter((p) => p.def.type.compound).map((p) => p.path));

/** Every path `--set` may name below the root, for suggestions. */
function knownPaths(): string[] {
  const sectionPaths = new Set<string>(['params', 'offchain', 'populations', 'workload', 'tasks', 'randomTasks', 'flTasks', 'genesis']);
  for (const s of SECTIONS) if (s.path && !s.path.endsWith('[]')) sectionPaths.add(s.path);
  return [...sectionPaths, ...PARAMETERS.filter((p) => !p.path.includes('[]')).map((p) => p.path)];
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/**
 * Checks a `--set` key against the registry. Returns null when the key names a parameter, a
 * section, or a place inside a compound parameter or the genesis (zod checks those further), and
 * otherwise the issue to report: the deepest known prefix as its path and the first unknown key,
 * worded as zod words it (`params: Unrecognized key: "bogus"`), with the nearest parameter.
 */
export function checkSetKey(key: string): { path: string; message: string } | null {
  const parts = key.split('.');
  const known = knownPaths();
  // `tasks.0.x` and `flTasks.0.x` name a field of a list element (`tasks[].x`).
  const element = (p: string) => p.replace(/^(tasks|flTasks)\.\d+\./, '$1[].');
  const isKnown = (p: string) => known.includes(p) || PARAMETERS.some((e) => e.path === element(p));
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    if (prefix === 'genesis' || COMPOUND.has(element(prefix)) || /^(tasks|flTasks)\.\d+$/.test(prefix)) return null;
    if (isKnown(prefix)) continue;
    const parent = parts.slice(0, i - 1).join('.');
    const leaf = PARAMETERS.find((e) => e.path === element(parent));
    if (leaf) return { path: parent, message: `a single value (${leaf.expected}), with no key "${parts[i - 1]}"` };
    const near = known
      .filter((p) => p.split('.').length === i)
      .map((p) => ({ p, d: editDistance(p.toLowerCase(), prefix.toLowerCase()) }))
      .sort((a, b) => a.d - b.d || a.p.localeCompare(b.p))[0];
    const hint = near && near.d <= Math.max(2, Math.floor(prefix.length / 4)) ? `; did you mean ${near.p}?` : '';
    return { path: parent, message: `Unrecognized key: "${parts[i - 1]}"${hint} (\`flock-lab params\` lists every parameter)` };
  }
  return null;
}
