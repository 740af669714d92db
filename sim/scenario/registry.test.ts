/**
 * The parameter registry is the one source: the scenario schema holds exactly its fields with
 * its defaults, the generated docs are current, `--set` keys are checked against it, and the
 * off-chain pipeline accepts exactly what the scenario's `offchain` section accepts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkSetKey, OFFCHAIN, OTHER_KEYS, PARAMETERS, SECTIONS, TOP, UNITS } from './registry.js';
import { OffchainParamsSchema, ScenarioSchema, scenarioJsonSchema } from './schema.js';
import { PARAMETERS_MD, REGENERATE, paramsJson, paramsMarkdown, paramsTable } from './paramsDoc.js';
import { protocolParamsOf, tokensToWei } from './units.js';
import { DEFAULT_OFFCHAIN, OffchainInputError, offchainParams, validateParams } from '../offchain/params.js';

const minimal = { name: 'm', populations: { nodes: { count: 1 }, validators: { count: 1 } } };

/** The value at a registry path in a validated scenario (`tasks[]` = the first task). */
function at(s: unknown, path: string): unknown {
  return path
    .replace('[]', '.0')
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], s);
}

describe('the parameter registry', () => {
  it('docs/parameters.md is the registry as it is now', () => {
    const committed = readFileSync(PARAMETERS_MD, 'utf8');
    expect(committed, `docs/parameters.md is out of date: regenerate it with \`${REGENERATE}\``).toBe(paramsMarkdown());
  });

  it('every path is unique (per workload mode) and every unit is in the legend', () => {
    const keys = PARAMETERS.map((p) => `${p.variant ?? ''}:${p.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const p of PARAMETERS) expect(Object.keys(UNITS), p.path).toContain(p.unit);
    for (const p of PARAMETERS) expect(p.description.length > 0 && p.source.length > 0, p.path).toBe(true);
  });

  it('the scenario schema holds exactly the registry’s fields, section by section', () => {
    const shape = ScenarioSchema.shape;
    expect(Object.keys(shape).sort()).toEqual([...Object.keys(TOP), ...Object.keys(OTHER_KEYS)].sort());
    const objectAt = (path: string, variant?: string): z.ZodObject => {
      let t: z.ZodType = ScenarioSchema;
      for (const k of path.replace('[]', '').split('.')) {
        while (!(t instanceof z.ZodObject)) t = (t as unknown as { unwrap(): z.ZodType }).unwrap?.() ?? (t as unknown as { element: z.ZodType }).element;
        t = t.shape[k];
      }
      for (;;) {
        if (t instanceof z.ZodDiscriminatedUnion) t = (t.options as z.ZodObject[]).find((o) => (o.shape.mode as z.ZodType).safeParse(variant).success)!;
        else if (t instanceof z.ZodArray) t = t.element as z.ZodType;
        else if (t instanceof z.ZodObject) return t;
        else t = (t as unknown as { unwrap(): z.ZodType }).unwrap();
      }
    };
    for (const s of SECTIONS.filter((x) => x.path)) expect(Object.keys(objectAt(s.path, s.variant).shape), s.path).toEqual(Object.keys(s.group));
  });

  it('each default validates against its own type, and the validated scenario carries it', () => {
    const s = ScenarioSchema.parse(minimal);
    const real = ScenarioSchema.parse({ ...minimal, workload: { mode: 'real' }, randomTasks: { perDay: 1, durationDays: { min: 1, max: 2 } }, flTasks: [{}] });
    for (const p of PARAMETERS) {
      if (p.presence !== 'default') continue;
      expect(p.def.type.zod.safeParse(p.default).success, p.path).toBe(true);
      const from = p.variant === 'real' || p.section === 'randomTasks' || p.section === 'flTasks[]' ? real : s;
      expect(at(from, p.path), p.path).toEqual(p.default);
    }
  });

  it('gives the off-chain pipeline its defaults and ranges: DEFAULT_OFFCHAIN is the scenario’s offchain section', () => {
    expect({ ...DEFAULT_OFFCHAIN, failureValues: [...DEFAULT_OFFCHAIN.failureValues] }).toEqual(OffchainParamsSchema.parse({}));
    expect(Object.isFrozen(DEFAULT_OFFCHAIN) && Object.isFrozen(DEFAULT_OFFCHAIN.failureValues)).toBe(true);
    expect(Object.keys(DEFAULT_OFFCHAIN).sort()).toEqual(Object.keys(OFFCHAIN).sort());
  });

  it('the spec decides where the old copies disagreed: 0 < q < 1 and k1, k2 ≥ 1 (null = off), in the scenario and in the pipeline alike', () => {
    const cases: [string, unknown, boolean][] = [
      ['q', 0.9, true], ['q', 0.999, true], ['q', 1, false], ['q', 0, false], ['q', -0.5, false], ['q', Number.NaN, false],
      ['k1', null, true], ['k1', 1, true], ['k1', 0, false], ['k1', 2.5, false], ['k2', null, true], ['k2', 3, true], ['k2', 0, false],
      ['alphaT', 0, true], ['alphaT', -1, false], ['alphaT', Number.POSITIVE_INFINITY, false], ['epsilon', 0.5, true],
      ['tau', 0, false], ['fScale', 0, false], ['consensus', 'median', true], ['consensus', 'mode', false], ['fMode', 'linear', true],
      ['coverage', false, true], ['coverage', 1, false], ['lowerIsBetter', false, true], ['lowerIsBetter', 'yes', false],
      ['failureValues', [], true], ['failureValues', [999, -999, 1e9], true], ['failureValues', [Number.NaN], false], ['failureValues', 999, false],
    ];
    for (const [k, v, ok] of cases) {
      const scenario = OffchainParamsSchema.safeParse({ [k]: v }).success;
      let pipeline = true;
      try {
        validateParams({ ...DEFAULT_OFFCHAIN, [k]: v });
      } catch (e) {
        expect(e).toBeInstanceOf(OffchainInputError);
        expect((e as Error).message).toMatch(new RegExp(`^params\\.${k}: got `));
        pipeline = false;
      }
      expect([k, v, scenario, pipeline]).toEqual([k, v, ok, ok]);
    }
    expect(() => offchainParams({ q: 1 })).toThrow('params.q: got 1; expected a finite number in (0, 1)');
    expect(() => offchainParams({ k1: 0 })).toThrow('params.k1: got 0; expected null or an integer ≥ 1');
  });

  it('the scenario accepts the two parameters that used to live only in the pipeline, with the same defaults', () => {
    const s = ScenarioSchema.parse({ ...minimal, offchain: { lowerIsBetter: false, failureValues: [-1] } });
    expect(s.offchain).toMatchObject({ lowerIsBetter: false, failureValues: [-1] });
    expect(offchainParams(s.offchain)).toMatchObject({ lowerIsBetter: false, failureValues: [-1] });
    expect(ScenarioSchema.parse(minimal).offchain).toMatchObject({ lowerIsBetter: true, failureValues: [999, -999] });
  });
});

describe('--set keys', () => {
  it('accepts every parameter, section and place inside a compound parameter', () => {
    for (const p of PARAMETERS) expect(checkSetKey(p.path.replace('[]', '.0')), p.path).toBeNull();
    for (const k of ['params', 'offchain', 'populations', 'populations.nodes', 'workload', 'tasks', 'randomTasks', 'genesis', 'genesis.emission.rewardTokenPerDay']) expect(checkSetKey(k), k).toBeNull();
    for (const k of ['populations.nodes.stake.min', 'populations.nodes.mix.honest', 'workload.shardSize.max', 'seeds.0']) expect(checkSetKey(k), k).toBeNull();
  });

  it('rejects an unknown key naming its place the way zod does, with the nearest parameter', () => {
    expect(checkSetKey('params.bogus')).toEqual({ path: 'params', message: 'Unrecognized key: "bogus" (`flock-lab params` lists every parameter)' });
    expect(checkSetKey('params.gama')?.message).toMatch(/^Unrecognized key: "gama"; did you mean params\.gamma\?/);
    expect(checkSetKey('ofchain.q')).toMatchObject({ path: '', message: expect.stringMatching(/^Unrecognized key: "ofchain"; did you mean offchain\?/) });
    expect(checkSetKey('populations.nodes.colour')).toMatchObject({ path: 'populations.nodes' });
    expect(checkSetKey('params.gamma.x')).toEqual({ path: 'params.gamma', message: 'a single value (an integer in [0, 500 000]), with no key "x"' });
  });
});

describe('flock-lab params and schema', () => {
  it('the table lists every parameter with its default, unit and range', () => {
    const t = paramsTable();
    for (const p of PARAMETERS) expect(t).toContain(p.path);
    expect(t).toMatch(/^offchain\.q\s+0\.9\s+ratio\s+\(0, 1\)\s+geometric rank ratio/m);
    expect(t).toMatch(/^params\.gamma\s+0\s+Ppm\s+integer in \[0, 500 000\]/m);
    expect(paramsTable({ filter: 'offchain' }).split('\n').filter((l) => l.startsWith('offchain.')).length).toBe(Object.keys(OFFCHAIN).length);
  });

  it('--json gives one object per parameter with its bounds', () => {
    const rows = paramsJson() as { path: string; default: unknown; bounds?: object; unit: string }[];
    expect(rows.length).toBe(PARAMETERS.length);
    expect(rows.find((r) => r.path === 'offchain.q')).toMatchObject({ default: 0.9, unit: 'ratio', bounds: { gt: 0, lt: 1 } });
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it('the JSON Schema carries each field’s unit and source', () => {
    const js = scenarioJsonSchema() as { properties: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    expect(js.properties.params.properties!.gamma).toMatchObject({ 'x-unit': 'Ppm', default: 0, maximum: 500_000 });
    expect(js.properties.offchain.properties!.q).toMatchObject({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.9 });
  });
});

describe('protocolParamsOf: the contracts’ units', () => {
  it('converts with the simulation’s own formulas (toWei of whole tokens, BigInt of ppm/bps/counts, rounded seconds)', () => {
    const s = ScenarioSchema.parse({ ...minimal, params: { rewardTokenPerDay: 1074.5, gamma: 100_000, sigmaCooldownDays: 1.5, exchangeFeeBps: 513, minNodeStakes: 0.1234567 } });
    const m = protocolParamsOf(s);
    const E18 = 10n ** 18n;
    expect(m.rewardTokenPerDay).toBe(1_074_500_000n * 10n ** 12n);
    expect(m.maxRewardTokenPerDay).toBe(m.rewardTokenPerDay);
    expect(m.gamma).toBe(100_000n);
    expect(m.lockedRewardPercentage).toBe(900_000n);
    expect(m.unlockedRewardPercentage).toBe(100_000n);
    expect(m.rewardPercentageBase).toBe(1_000_000n);
    expect(m.feePercentage).toBe(0n);
    expect(m.protocolFeePercentage).toBe(10_000n);
    expect(m.minNodeStakes).toBe(123_457n * 10n ** 12n); // rounded to the micro-token
    expect(m.validatorMinStake).toBe(3000n * E18);
    expect(m.dailyMintResetCount).toBe(30n);
    expect(m.dailyMintDecayPercentage).toBe(900_000n);
    expect(m.vestingDays).toBe(30n);
    expect(m.sigmaCooldown).toBe(129_600n);
    expect(m.exchangeFee).toBe(513n);
    expect(protocolParamsOf(ScenarioSchema.parse({ ...minimal, params: { maxRewardTokenPerDay: 2000 } })).maxRewardTokenPerDay).toBe(2000n * E18);
    expect(tokensToWei(0)).toBe(0n);
  });
});
