/**
 * The value types a scenario parameter can have. Each constructor gives the zod schema that
 * validates the value, the range in words for tables (`range`) and for error messages
 * (`expected`), and the numeric bounds as data (`bounds`), so that the schema, the CLI table,
 * docs/parameters.md and `validateParams` all read one definition (sim/scenario/registry.ts).
 * Below them: the units, and `ParamDef`, the shape of one registry entry, with the helpers that
 * turn a group of entries into a zod shape.
 */
import { z } from 'zod';

/** Numeric bounds: `min`/`max` are inclusive, `gt`/`lt` exclusive; `int` asks for a (safe) integer. */
export interface Bounds {
  readonly int?: boolean;
  readonly min?: number;
  readonly gt?: number;
  readonly max?: number;
  readonly lt?: number;
}

/** What the registry knows about a value type. */
export interface ValueType<T extends z.ZodType = z.ZodType> {
  readonly zod: T;
  /** Short form for tables, e.g. `(0, 1)`, `integer in [0, 500 000]`, `mean | median`. */
  readonly range: string;
  /** Sentence form for error messages, e.g. `a number in (0, 1)`. */
  readonly expected: string;
  /** Numeric bounds of the value (of each end, for a min/max pair; of each entry, for a list). */
  readonly bounds?: Bounds;
  /** The values an enumeration accepts. */
  readonly values?: readonly (string | boolean)[];
  /** An object or a list: `--set` may name a place inside it (`populations.nodes.stake.min`). */
  readonly compound?: true;
}

/** 1234567 → `1 234 567` (the docs' grouping); non-integers and small numbers unchanged. */
export function fmtNumber(x: number): string {
  if (!Number.isInteger(x) || Math.abs(x) < 10_000) return String(x);
  const s = String(Math.abs(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return x < 0 ? `−${s}` : s;
}

function boundsText(b: Bounds): string {
  const lo = b.min !== undefined ? { v: b.min, open: false } : b.gt !== undefined ? { v: b.gt, open: true } : undefined;
  const hi = b.max !== undefined ? { v: b.max, open: false } : b.lt !== undefined ? { v: b.lt, open: true } : undefined;
  if (lo && hi) return `${lo.open ? '(' : '['}${fmtNumber(lo.v)}, ${fmtNumber(hi.v)}${hi.open ? ')' : ']'}`;
  if (lo) return `${lo.open ? '>' : '≥'} ${fmtNumber(lo.v)}`;
  if (hi) return `${hi.open ? '<' : '≤'} ${fmtNumber(hi.v)}`;
  return 'any';
}

/** `integer in [0, 500 000]`, `(0, 1)`, `≥ 0`, `integer ≥ 1`. */
export function rangeText(b: Bounds): string {
  const t = boundsText(b);
  const both = (b.min ?? b.gt) !== undefined && (b.max ?? b.lt) !== undefined;
  if (!b.int) return t === 'any' ? 'any finite number' : t;
  return t === 'any' ? 'integer' : both ? `integer in ${t}` : `integer ${t}`;
}

function expectedText(b: Bounds): string {
  const t = boundsText(b);
  const noun = b.int ? 'an integer' : 'a finite number';
  if (t === 'any') return noun;
  const both = (b.min ?? b.gt) !== undefined && (b.max ?? b.lt) !== undefined;
  return both ? `${noun} in ${t}` : `${noun} ${t}`;
}

/** The zod number for `b`, built in the order int → lower bound → upper bound. */
export function zNumber(b: Bounds): z.ZodNumber {
  let n = z.number();
  if (b.int) n = n.int();
  if (b.min !== undefined) n = n.min(b.min);
  if (b.gt !== undefined) n = n.gt(b.gt);
  if (b.max !== undefined) n = n.max(b.max);
  if (b.lt !== undefined) n = n.lt(b.lt);
  return n;
}

/** A number within `b`. */
export function num(b: Bounds): ValueType<z.ZodNumber> {
  return { zod: zNumber(b), range: rangeText(b), expected: expectedText(b), bounds: b };
}

/** A number within `b`, or null meaning "off". */
export function numOrNull(b: Bounds): ValueType<z.ZodNullable<z.ZodNumber>> {
  return { zod: zNumber(b).nullable(), range: `null (off) or ${rangeText(b)}`, expected: `null or ${expectedText(b)}`, bounds: b };
}

/** One of a fixed set of names. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): ValueType<z.ZodEnum<{ [K in T[number]]: K }>> {
  return {
    zod: z.enum(values),
    range: values.join(' | '),
    expected: values.length === 2 ? `'${values[0]}' or '${values[1]}'` : `one of ${values.map((v) => `'${v}'`).join(', ')}`,
    values,
  };
}

/** Exactly this string (a union's discriminator). */
export function literal<const T extends string>(value: T): ValueType<z.ZodLiteral<T>> {
  return { zod: z.literal(value), range: value, expected: `'${value}'`, values: [value] };
}

export function bool(): ValueType<z.ZodBoolean> {
  return { zod: z.boolean(), range: 'true | false', expected: 'a boolean', values: [true, false] };
}

/** A string: any, non-empty, or matching a pattern (whose message zod reports). */
export function text(o: { minLength?: number; pattern?: RegExp; message?: string; range?: string } = {}): ValueType<z.ZodString> {
  let s = z.string();
  if (o.minLength !== undefined) s = s.min(o.minLength);
  if (o.pattern) s = s.regex(o.pattern, o.message);
  const range = o.range ?? (o.minLength ? 'non-empty text' : 'text');
  return { zod: s, range, expected: o.message ?? range };
}

type Pair = z.ZodObject<{ min: z.ZodNumber; max: z.ZodNumber }, z.core.$strict>;

/**
 * `{ min, max }`, each within `b`. `ordered` checks min ≤ max inside the pair; without it the
 * scenario's cross-field checks do (sim/scenario/schema.ts), as they always have for σ and
 * randomTasks.durationDays.
 */
export function minMax(b: Bounds, o: { ordered: boolean }): ValueType<Pair> {
  const pair = z.object({ min: zNumber(b), max: zNumber(b) }).strict();
  return {
    zod: o.ordered ? pair.refine((r) => r.min <= r.max, { message: 'min must be ≤ max' }) : pair,
    range: `min ≤ max, ${rangeText(b)}`,
    expected: `{ min, max } with min ≤ max, each ${expectedText(b)}`,
    bounds: b,
    compound: true,
  };
}

/** A list of numbers within `b`. */
export function list(b: Bounds, o: { minItems?: number } = {}): ValueType<z.ZodArray<z.ZodNumber>> {
  let a = z.array(zNumber(b));
  if (o.minItems !== undefined) a = a.min(o.minItems);
  const what = `${o.minItems ? 'non-empty ' : ''}list`;
  const t = boundsText(b);
  return { zod: a, range: `${what} of ${b.int ? 'integers' : 'numbers'}${t === 'any' ? '' : ` ${t}`}`, expected: `a ${what}, each ${expectedText(b)}`, bounds: b, compound: true };
}

/** Shares over behaviour names, each in [0, 1], summing to 1 (names left out have share 0). */
export function shares<const T extends readonly [string, ...string[]]>(names: T) {
  const zod = z
    .partialRecord(z.enum(names), zNumber({ min: 0, max: 1 }))
    .refine((m) => Math.abs(Object.values(m).reduce((a: number, b) => a + (b as number), 0) - 1) < 1e-9, {
      message: 'behaviour shares must sum to 1',
    });
  return {
    zod,
    range: `shares in [0, 1], Σ = 1, of ${names.join('|')}`,
    expected: `shares in [0, 1] by ${names.join(', ')}, summing to 1`,
    bounds: { min: 0, max: 1 },
    values: names,
    compound: true as const,
  } satisfies ValueType<typeof zod>;
}

/** A value whose shape is defined elsewhere (a nested schema); `range` says what it is. */
export function shaped<T extends z.ZodType>(zod: T, range: string): ValueType<T> {
  return { zod, range, expected: range };
}

// ---- units and registry entries ----

/** The units parameters are given in (the legend of `flock-lab params`). */
export const UNITS = {
  tokens: 'whole FLOCK (or gmFLOCK); converted to wei (× 10¹⁸, rounded to the micro-token) on the way to the chain',
  Ppm: 'parts per million of B = 1 000 000 (900 000 = 90 %)',
  Bps: 'basis points of 10 000 (513 = 5.13 %)',
  days: 'days of 86 400 s (converted to seconds where the contract wants seconds)',
  date: 'a UTC calendar date, YYYY-MM-DD',
  count: 'a number of things (agents, identities, examples, units, mints)',
  rank: 'a competition rank (1 = best)',
  fraction: 'a share in [0, 1]',
  ratio: 'a dimensionless multiplier',
  exponent: 'a dimensionless power',
  BPC: 'bits per character (the language task’s score; lower is better)',
  score: 'the task’s score unit: BPC for lm-bpc, cross-entropy in nats for tabular',
  skill: 'node skill, a number in [0, 1]',
  'tasks/day': 'mean number of tasks opened per day',
  seed: 'a random seed (integer ≥ 0)',
  enum: 'one of the names listed in the range',
  boolean: 'true or false',
  text: 'free text',
  path: 'a file path, relative to the working directory',
} as const;
export type Unit = keyof typeof UNITS;

export type Presence = 'default' | 'required' | 'optional';

/** One parameter of a group: its value type, whether it has a default, and what it means. */
export interface ParamDef<T extends z.ZodType = z.ZodType, P extends Presence = Presence> {
  readonly type: ValueType<T>;
  readonly presence: P;
  /** Present iff presence is 'default'. */
  readonly default?: z.output<T>;
  readonly unit: Unit;
  readonly description: string;
  /** Where the default (or the range) comes from: contract, docs, spec section, ASSUMPTIONS.md id, or project choice. */
  readonly source: string;
  /** What tables show in the default column when there is no default. */
  readonly defaultText?: string;
}

export interface Meta {
  readonly unit: Unit;
  readonly description: string;
  readonly source: string;
  readonly defaultText?: string;
}

export const withDefault = <T extends z.ZodType>(type: ValueType<T>, value: z.output<T>, m: Meta): ParamDef<T, 'default'> => ({ type, presence: 'default', default: value, ...m });
export const required = <T extends z.ZodType>(type: ValueType<T>, m: Meta): ParamDef<T, 'required'> => ({ type, presence: 'required', ...m });
export const optional = <T extends z.ZodType>(type: ValueType<T>, m: Meta): ParamDef<T, 'optional'> => ({ type, presence: 'optional', ...m });

export type Group = Readonly<Record<string, ParamDef>>;

/** The zod field a parameter becomes: with its default, optional, or as is. */
export type FieldOf<D> =
  D extends ParamDef<infer T, 'default'> ? z.ZodDefault<T> : D extends ParamDef<infer T, 'optional'> ? z.ZodOptional<T> : D extends ParamDef<infer T, 'required'> ? T : never;

/** The zod shape of a group, every field carrying its description, unit and source as metadata. */
export function fieldsOf<G extends Group>(g: G): { -readonly [K in keyof G]: FieldOf<G[K]> } {
  const out: Record<string, z.ZodType> = {};
  for (const [k, d] of Object.entries(g)) {
    const base = d.type.zod;
    const f = d.presence === 'default' ? base.default(d.default as never) : d.presence === 'optional' ? base.optional() : base;
    out[k] = f.meta({ description: d.description, 'x-unit': d.unit, 'x-source': d.source });
  }
  return out as { -readonly [K in keyof G]: FieldOf<G[K]> };
}

/** A strict zod object of a group's fields. */
export const objectOf = <G extends Group>(g: G) => z.object(fieldsOf(g)).strict();

