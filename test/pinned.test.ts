/**
 * The simulation layer, pinned. Four small runs on fixed seeds — one V1, one V2 with delegation,
 * one adversarial mix and one tiny real-workload run — are reduced to their resultsHash, the exact
 * reward total of every role in wei, and the exact totals of a handful of agents. The pins live in
 * `test/golden/simulation.json`. A refactor or an optimisation must leave every one of them
 * byte-identical; a change to what is simulated or recorded may move them, and is then re-pinned
 * on purpose, with the reason in ASSUMPTIONS.md and the commit message:
 *
 *   FLOCK_LAB_UPDATE_PINS=1 npx vitest run test/pinned.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioSchema, type ScenarioInput } from '../sim/scenario/schema.js';
import { runSimulation, type RunOutput } from '../sim/run/simulation.js';
import { hashRuns, simulateSeeds } from '../sim/run/runSet.js';
import baseline from '../scenarios/baseline.js';
import lazyValidators from '../scenarios/lazy-validators.js';
import copycatNodes from '../scenarios/copycat-nodes.js';
import sybilSplit from '../scenarios/sybil-split.js';
import { createWorkload } from '../sim/workloads/factory.js';
import { withGenesis } from './fixtures/chainGenesis.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'simulation.json');
const UPDATE = process.env.FLOCK_LAB_UPDATE_PINS === '1';
const golden: Record<string, Pin> = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : {};
const fresh: Record<string, Pin> = {};

interface Pin {
  resultsHash: string;
  /** Σ reward over the run by role, wei. */
  roles: Record<string, string>;
  /** Σ reward over the run of selected agents, wei. */
  agents: Record<string, string>;
  minted: string;
  reverts: Record<string, number>;
}

/** The agents pinned one by one: the first two of each role by name, and every adversarial node or validator. */
function pinOf(out: RunOutput): Pin {
  const roles: Record<string, bigint> = {};
  const perAgent = new Map<string, { role: string; behaviour: string; total: bigint }>();
  for (const r of out.agentRows) {
    roles[r.role] = (roles[r.role] ?? 0n) + r.reward;
    const a = perAgent.get(r.agent) ?? { role: r.role, behaviour: r.behaviour, total: 0n };
    a.total += r.reward;
    perAgent.set(r.agent, a);
  }
  const names = [...perAgent.keys()].sort();
  const chosen = new Set<string>();
  for (const role of Object.keys(roles)) for (const n of names.filter((x) => perAgent.get(x)!.role === role).slice(0, 2)) chosen.add(n);
  for (const n of names) if (perAgent.get(n)!.role !== 'delegator' && perAgent.get(n)!.behaviour !== 'honest') chosen.add(n);
  const agents: Record<string, string> = {};
  for (const n of names) if (chosen.has(n)) agents[n] = perAgent.get(n)!.total.toString();
  const sortedRoles: Record<string, string> = {};
  for (const k of Object.keys(roles).sort()) sortedRoles[k] = roles[k].toString();
  return { resultsHash: hashRuns([out]), roles: sortedRoles, agents, minted: out.dayRows.at(-1)!.minted.toString(), reverts: out.reverts };
}

function check(name: string, out: RunOutput): void {
  const pin = pinOf(out);
  fresh[name] = pin;
  if (UPDATE) return;
  expect(golden[name], `no pin for ${name}: run with FLOCK_LAB_UPDATE_PINS=1 once, on purpose`).toBeDefined();
  expect(pin.roles).toEqual(golden[name].roles);
  expect(pin.agents).toEqual(golden[name].agents);
  expect(pin.minted).toBe(golden[name].minted);
  expect(pin.reverts).toEqual(golden[name].reverts);
  expect(pin.resultsHash).toBe(golden[name].resultsHash);
}

afterAll(() => {
  if (UPDATE) writeFileSync(GOLDEN, JSON.stringify({ ...golden, ...fresh }, null, 2) + '\n');
});

const base = (over: Partial<ScenarioInput>): ScenarioInput => ({
  name: 'pinned',
  days: 6,
  tasks: [{ startDay: 0, durationDays: 4 }, { startDay: 1, durationDays: 5 }],
  populations: {
    nodes: { count: 6 },
    validators: { count: 4 },
    delegators: { count: 10 },
  },
  ...over,
});

/** A run from a chain snapshot (scenario `genesis`): exact stakes, pools and delegations at day 0. */
const genesisScenario: ScenarioInput = withGenesis({
  name: 'pinned-genesis',
  days: 9,
  tasks: [{ startDay: 1, durationDays: 6 }],
  populations: { nodes: { count: 0, mix: { honest: 0.5, lazy: 0.5 }, claimEveryDays: 2, sigmaStrategy: 'adaptive' }, validators: { count: 0, claimEveryDays: 3 }, delegators: { count: 0, claimEveryDays: 2 } },
});

describe('pinned simulation results (a refactor must keep every one byte-identical)', () => {
  it('v1: mainnet V1 rules, mini pools, a final upload inside the run', () => {
    const s = ScenarioSchema.parse(base({ name: 'pinned-v1', protocol: 'v1', params: { gamma: 150_000, feePercentage: 80_000 } }));
    check('v1', runSimulation(s, { seed: 11, run: 0 }));
  });

  it('v2: V2.1 rules with delegation (two percentage arrays), claim and exchange fees, adaptive σ', () => {
    const s = ScenarioSchema.parse(
      base({
        name: 'pinned-v2',
        protocol: 'v2',
        params: { gamma: 100_000, feePercentage: 80_000, protocolFeePercentage: 145_000, exchangeFeeBps: 513 },
        populations: {
          nodes: { count: 6, sigmaStrategy: 'adaptive', claimEveryDays: 2 },
          validators: { count: 4, claimEveryDays: 3 },
          delegators: { count: 14, stake: { min: 500, max: 4000 }, claimEveryDays: 2 },
        },
      }),
    );
    check('v2', runSimulation(s, { seed: 12, run: 0 }));
  });

  it('adversarial: sybils, copycats, lazy nodes, colluding, lazy and noisy validators', () => {
    const s = ScenarioSchema.parse(
      base({
        name: 'pinned-adversarial',
        protocol: 'v2',
        populations: {
          nodes: { count: 8, mix: { honest: 0.5, sybil: 0.25, copycat: 0.125, lazy: 0.125 }, sybilIdentities: 2 },
          validators: { count: 6, mix: { honest: 0.5, colluding: 1 / 6, lazy: 1 / 6, noisy: 1 / 6 }, colludeWith: 'copycat' },
          delegators: { count: 8 },
        },
      }),
    );
    check('adversarial', runSimulation(s, { seed: 13, run: 0 }));
  });

  it('genesis: a run that starts from a chain snapshot (exact stakes, delegations, emission state)', () => {
    check('genesis', runSimulation(ScenarioSchema.parse(genesisScenario), { seed: 21, run: 0 }));
  });

  it('real workload: tfjs models trained and scored (wasm, one thread)', async () => {
    const s = ScenarioSchema.parse({
      name: 'pinned-real',
      protocol: 'v2',
      days: 2,
      workload: { mode: 'real', task: 'lm-bpc', shardSize: { min: 1000, max: 2000 }, evalSize: 1000, epochs: 1, width: 16 },
      tasks: [{ startDay: 0, durationDays: 2 }],
      populations: {
        nodes: { count: 3, mix: { honest: 2 / 3, lazy: 1 / 3 } },
        validators: { count: 2, stake: { min: 5000, max: 8000 } },
        delegators: { count: 3 },
      },
    });
    check('real', runSimulation(s, { seed: 14, run: 0, workload: (await createWorkload(s, 14, 0))! }));
  }, 120_000);
});

describe('shipped scenarios at their own seeds (the resultsHash `flock-lab run` prints)', () => {
  // real-small.ts (README quickstart) is left to the tiny real-workload pin above: its three
  // seeds of real training take about a minute on 2 cores.
  const shipped = { baseline, 'lazy-validators': lazyValidators, 'copycat-nodes': copycatNodes, 'sybil-split': sybilSplit };
  for (const [name, input] of Object.entries(shipped)) {
    it(name, () => {
      const s = ScenarioSchema.parse(input);
      const hash = hashRuns(simulateSeeds(s, s.seeds));
      fresh[`shipped:${name}`] = { resultsHash: hash } as Pin;
      if (!UPDATE) expect(hash).toBe(golden[`shipped:${name}`]?.resultsHash);
    }, 60_000);
  }
});
