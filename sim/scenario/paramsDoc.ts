/**
 * The parameter registry (sim/scenario/registry.ts) as a terminal table, as JSON and as
 * docs/parameters.md. `flock-lab params` prints these; `npm run docs:params` (this file with
 * `--write`) rewrites docs/parameters.md, and sim/scenario/registry.test.ts fails while the
 * committed file differs from `paramsMarkdown()`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PARAMETERS, SECTIONS, UNITS, type ParamEntry } from './registry.js';

export const PARAMETERS_MD = fileURLToPath(new URL('../../docs/parameters.md', import.meta.url));
export const REGENERATE = 'npm run docs:params';

/** A value as the tables show it: `{ min: 3000, max: 10000 }`, `[999, -999]`, `""`, `null`. */
export function showValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (typeof v === 'object') return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${showValue(x)}`).join(', ')} }`;
  return String(v);
}

/** The default column: the value, `(required)`, or what an omitted optional parameter means. */
export function showDefault(p: ParamEntry): string {
  if (p.presence === 'default') return showValue(p.default);
  if (p.presence === 'required') return '(required)';
  return p.defaultText ?? '(none)';
}

const sectionTitle = (s: (typeof SECTIONS)[number]) => (s.path ? `${s.path}${s.variant ? ` (mode ${s.variant})` : ''}` : '(top level)');
const omitted = (s: (typeof SECTIONS)[number]) => (s.whenOmitted === '—' ? '' : s.whenOmitted === 'required' ? '; required' : `; when left out: ${s.whenOmitted}`);
const inSection = (s: (typeof SECTIONS)[number]) => PARAMETERS.filter((p) => p.section === s.path && p.variant === s.variant);

/** Machine output of `flock-lab params --json`: one object per parameter. */
export function paramsJson(filter?: string): object[] {
  return select(filter).map((p) => ({
    path: p.path,
    ...(p.variant ? { variant: p.variant } : {}),
    presence: p.presence,
    default: p.presence === 'default' ? p.default : null,
    ...(p.defaultText ? { defaultText: p.defaultText } : {}),
    unit: p.unit,
    range: p.range,
    ...(p.def.type.bounds ? { bounds: p.def.type.bounds } : {}),
    ...(p.def.type.values ? { values: p.def.type.values } : {}),
    description: p.description,
    source: p.source,
  }));
}

/**
 * Parameters under `filter` (a section or a parameter path); when none is, those whose path has a
 * segment containing it (`gamma` finds params.gamma, `sigma` every σ range); all without a filter.
 */
function select(filter?: string): readonly ParamEntry[] {
  if (!filter) return PARAMETERS;
  const under = PARAMETERS.filter((p) => p.path === filter || p.path.startsWith(`${filter}.`) || p.path.startsWith(`${filter}[]`));
  if (under.length > 0) return under;
  const needle = filter.toLowerCase();
  return PARAMETERS.filter((p) => p.path.toLowerCase().split(/[.[\]]+/).some((seg) => seg.includes(needle)));
}

/** Splits `text` into lines of at most `width` characters at spaces (width ≤ 0: one line). */
function wrap(text: string, width: number): string[] {
  if (width <= 0 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The terminal table of `flock-lab params`: per section, one row per parameter with path,
 * default, unit, range and description. `width` > 0 wraps the description to fit that many
 * columns (the CLI passes the terminal's width); 0 never wraps.
 */
export function paramsTable(o: { filter?: string; width?: number } = {}): string {
  const chosen = new Set(select(o.filter));
  const head = ['parameter', 'default', 'unit', 'range', 'description'];
  const rows = PARAMETERS.filter((p) => chosen.has(p)).map((p) => [p.path, showDefault(p), p.unit, p.range, p.description]);
  if (rows.length === 0) return `no parameter matches "${o.filter}" (run \`flock-lab params\` for all of them)`;
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < 4 ? r[i].length : 0))));
  const lead = w.slice(0, 4).reduce((a, b) => a + b + 2, 0);
  const descWidth = o.width && o.width > 0 ? Math.max(30, o.width - lead) : 0;
  const line = (cells: string[]) =>
    wrap(cells[4], descWidth)
      .map((d, i) => [...cells.slice(0, 4).map((c, j) => (i === 0 ? c : '').padEnd(w[j])), d].join('  ').trimEnd())
      .join('\n');
  const out: string[] = [line(head), line(w.slice(0, 4).map((n) => '─'.repeat(n)).concat('─'.repeat(11)))];
  for (const s of SECTIONS) {
    const ps = inSection(s).filter((p) => chosen.has(p));
    if (ps.length === 0) continue;
    out.push('', `${sectionTitle(s)} — ${s.title}${omitted(s)}`);
    for (const p of ps) out.push(line([p.path, showDefault(p), p.unit, p.range, p.description]));
  }
  out.push('', `units: ${Object.keys(UNITS).join(', ')} (see docs/parameters.md); --json for machine output, --markdown for docs/parameters.md`);
  return out.join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|');
/** `docs/model.md#gamma-split` in a source becomes a link, relative to docs/. */
const linked = (s: string) => md(s).replace(/docs\/model\.md#([\w-]+)/g, '[model.md#$1](model.md#$1)');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** docs/parameters.md, exactly. */
export function paramsMarkdown(): string {
  const out: string[] = [
    `<!-- Generated from the parameter registry (sim/scenario/registry.ts) by \`${REGENERATE}\` (the same as \`flock-lab params --markdown\`). Do not edit by hand: edit the registry and regenerate. -->`,
    '',
    '# Scenario parameters',
    '',
    'Every field a scenario accepts, with its default, unit, range and the source of the default. The scenario schema (`flock-lab schema`), the `--set` checks, the off-chain pipeline’s defaults and checks (`sim/offchain/params.ts`) and this page are all derived from one registry, [`sim/scenario/registry.ts`](../sim/scenario/registry.ts) (the groups are in [`sim/scenario/groups.ts`](../sim/scenario/groups.ts)).',
    '',
    'Override any of them from the command line with `--set <path>=<value>`, e.g. `flock-lab run scenarios/baseline.ts --set params.gamma=100000 --set offchain.q=0.8`; values are parsed as JSON when they are JSON. Sources: **[C]** the contract source (**[C1]** V1, **[C2]** V2), **[D]** FLock’s documentation (**[D1]** its legacy pages), **[R]** FLock’s client repositories, **[X]** the community rewards calculator, **[A]** the lab’s assumption where FLock publishes nothing, ids of [ASSUMPTIONS.md](../ASSUMPTIONS.md), and `docs/model.md#…` for the lab’s own account in [model.md](model.md). A [genesis](../sim/scenario/genesisSchema.ts) read from a chain (`flock-lab chain snapshot`) is data, not parameters, and is not listed here.',
    '',
    '## Units',
    '',
    '| unit | meaning |',
    '|---|---|',
    ...Object.entries(UNITS).map(([u, m]) => `| ${code(u)} | ${md(m)} |`),
    '',
    'On the way to the contracts, `protocolParamsOf` ([`sim/scenario/units.ts`](../sim/scenario/units.ts)) turns `params` into the mirror’s branded types: tokens → `Wei`, ppm → `Ppm`, bps → `Bps`, `sigmaCooldownDays` → `Seconds`.',
  ];
  for (const s of SECTIONS) {
    out.push('', `## ${sectionTitle(s)}: ${s.title}`, '', linked(s.description));
    if (s.whenOmitted === 'required') out.push('', 'The section is required.');
    else if (s.whenOmitted !== '—') out.push('', `When the section is left out: ${md(s.whenOmitted)}.`);
    out.push('', '| parameter | default | unit | range | description | source |', '|---|---|---|---|---|---|');
    for (const p of inSection(s)) out.push(`| ${code(p.path)} | ${md(showDefault(p))} | ${p.unit} | ${md(p.range)} | ${md(p.description)} | ${linked(p.source)} |`);
  }
  return out.join('\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const next = paramsMarkdown();
  let prev = '';
  try {
    prev = readFileSync(PARAMETERS_MD, 'utf8');
  } catch {
    /* first write */
  }
  if (prev !== next) writeFileSync(PARAMETERS_MD, next);
  process.stdout.write(`${PARAMETERS_MD}: ${prev === next ? 'up to date' : 'written'}\n`);
}
