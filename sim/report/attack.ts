/**
 * The report of an attack directory (docs/attacks.md#reports): the same folder as every report
 * (index.html, report.md with PNGs, a CSV per chart, report.json; docs/architecture.md#reports),
 * with the attack's own section: per family the best strategy in words, its fresh-seed gain with
 * its 95 % CI and the minimum profitable coalition share; the gain by coalition share and the
 * convergence trace as charts. Every number comes from the directory's summary.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAttackManifest, type AttackManifest, type AttackSummary } from '../attacks/study.js';
import { vegaSvg, WIDTH, type Chart } from './charts.js';
import { html, md } from './escape.js';
import { assumptionTexts, htmlFigure, htmlPage, htmlTable, mdTable, reportIntro, reportWriter, writeChartFiles, type Table } from './render.js';

export interface AttackReportData {
  kind: 'attack';
  question: string | null;
  notes: string | null;
  manifest: AttackManifest;
  summary: AttackSummary;
  command: string | null;
  reportCommand: string | null;
  reportDate: string;
  assumptions: string[];
}

/** The ASSUMPTIONS.md entries an attack report relies on. */
const ASSUMPTIONS = ['A-coalition', 'A-honest-stake', 'A-share', 'A-fresh-seeds', 'A-collusion-target', 'A-herding', 'S-validators', 'S-sybil', 'S-delegators'];

const pts = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`);
const ci = (i: { lo: number; hi: number } | undefined) => (i && Number.isFinite(i.lo) ? `[${pts(i.lo)}, ${pts(i.hi)}]` : 'n/a');
const share = (x: number | null) => (x === null ? 'none up to 50 %' : `${Math.round(x * 100)} %`);

export function loadAttackReport(dir: string, o: { question?: string; notes?: string; reportCommand?: string }): AttackReportData {
  const manifest = readAttackManifest(dir);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as AttackSummary;
  return {
    kind: 'attack',
    question: o.question ?? (typeof manifest.question === 'string' ? manifest.question : null),
    notes: o.notes ?? (typeof manifest.notes === 'string' ? manifest.notes : null),
    manifest,
    summary,
    command: typeof manifest.command === 'string' ? manifest.command : null,
    reportCommand: o.reportCommand ?? null,
    reportDate: new Date().toISOString().slice(0, 10),
    assumptions: ASSUMPTIONS,
  };
}

export async function attackCharts(d: AttackReportData): Promise<Chart[]> {
  const fams = d.summary.families;
  // Families side by side at each share (x nudged by family), so their intervals do not hide each other.
  const nudge = (i: number) => (i - (fams.length - 1) / 2) * 0.9;
  const gainRows = fams.flatMap((f, i) =>
    f.grid.filter((g) => g.freshGain && Number.isFinite(g.freshGain.mean)).map((g) => ({ family: f.family, share: Math.round(g.share * 100), x: +(g.share * 100 + nudge(i)).toFixed(2), gain: +(g.freshGain!.mean * 100).toFixed(3), lo: +(g.freshGain!.lo * 100).toFixed(3), hi: +(g.freshGain!.hi * 100).toFixed(3), profitable: g.profitable ? 'yes' : 'no' })),
  );
  const y = { type: 'quantitative' as const, title: 'paired gain (APR points)' };
  const gainSvg = await vegaSvg({
    width: WIDTH,
    height: 280,
    data: { values: gainRows },
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#57606a' }, data: { values: [{ zero: 0 }] }, encoding: { y: { field: 'zero', ...y } } },
      { mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 }, encoding: { x: { field: 'x', type: 'quantitative', title: 'coalition share of each attacked role (%)', scale: { domain: [0, 53] } }, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color: { field: 'family', type: 'nominal' } } },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'gain', ...y }, color: { field: 'family', type: 'nominal', title: 'family' }, shape: { field: 'profitable', type: 'nominal', title: 'CI above zero' } } },
    ],
  } as never);
  const traceRows = fams.flatMap((f) => f.trace.map((v, i) => ({ family: f.family, evaluation: i + 1, best: Number.isFinite(v) ? +(v * 100).toFixed(3) : 0 })));
  const traceSvg = await vegaSvg({
    width: WIDTH,
    height: 240,
    data: { values: traceRows },
    mark: { type: 'line', point: true, interpolate: 'step-after' },
    encoding: { x: { field: 'evaluation', type: 'quantitative', title: 'evaluation', axis: { format: 'd', tickMinStep: 1 } }, y: { field: 'best', type: 'quantitative', title: 'best paired gain so far (APR points)' }, color: { field: 'family', type: 'nominal', title: 'family' } },
  });
  return [
    {
      id: 'attack-gain-by-share',
      title: 'Paired gain of the best strategy at each coalition share',
      caption: 'Each point is the best strategy found at that share, re-evaluated on fresh seeds, with its 95 % CI; above the dashed zero line the coalition earns more per unit stake than the same stake played honestly.',
      alt: `Paired gain in APR points against coalition share for ${fams.map((f) => f.family).join(', ')}; profitable where the whole interval is above zero.`,
      svg: gainSvg,
      rows: gainRows,
    },
    {
      id: 'attack-convergence',
      title: 'Convergence of the search',
      caption: 'The best paired gain found after each evaluation of the main search (on the search seeds): a flat end means more budget found nothing better.',
      alt: `Best gain so far against the evaluation number, one line per family (${fams.map((f) => f.family).join(', ')}).`,
      svg: traceSvg,
      rows: traceRows,
    },
  ];
}

function tables(d: AttackReportData): { best: Table; grid: Table } {
  const fams = d.summary.families;
  return {
    best: {
      head: ['family', 'best strategy found', 'fresh-seed gain (APR points)', '95% CI', 'minimum profitable share'],
      rows: fams.map((f) => [f.family, f.best?.words ?? 'n/a', pts(f.best?.freshGain.mean), ci(f.best?.freshGain), share(f.minProfitableShare)]),
      align: ['l', 'l', 'r', 'r', 'r'],
    },
    grid: {
      head: ['family', 'coalition share', 'stake share', 'gain (APR points)', '95% CI', 'profitable'],
      rows: fams.flatMap((f) => f.grid.map((g) => [f.family, `${Math.round(g.share * 100)} %`, g.stakeShare !== undefined ? `${(g.stakeShare * 100).toFixed(1)} %` : 'n/a', g.coalition ? pts(g.freshGain?.mean) : 'no agent', ci(g.freshGain), g.profitable ? 'yes' : 'no'])),
      align: ['l', 'r', 'r', 'r', 'r', 'l'],
    },
  };
}

/** One plain sentence per family: what a delegate should take away. */
function readings(d: AttackReportData): string[] {
  return d.summary.families.map((f) =>
    f.minProfitableShare === null
      ? `${f.family}: no coalition share from 5 % to 50 % found a strategy that pays more than honest work with its whole 95 % interval above zero (within the search budget; a search that finds nothing is evidence, not proof).`
      : `${f.family}: a coalition holding ${share(f.minProfitableShare)} of the attacked roles profits (fresh-seed CI above zero), and no smaller share of the grid does; its strategy: ${f.grid.find((g) => g.share === f.minProfitableShare)?.words ?? 'n/a'}.`,
  );
}

function facts(d: AttackReportData): [string, string][] {
  const m = d.manifest;
  const p = m.plan;
  return [
    ['question', d.question ?? '(none given: pass --question to attack or to report)'],
    ['scenario', `${m.scenario} (${m.protocol}), scenario hash ${m.scenarioHash}`],
    ['families', p.families.join(', ')],
    ['search', `${p.budget} evaluations per family at ${Math.round(p.share * 100)} % coalition share; ${p.gridBudget} per grid share (${p.grid.map((x) => Math.round(x * 100)).join(', ')} %)`],
    ['seeds', `search ${p.seeds.join(', ')}; fresh ${p.freshSeeds.join(', ')}; ${m.days} days each; attack and honest runs on the same seeds (common random numbers)`],
    ['gain', d.summary.gainUnit],
    ['code', `${m.code}${m.codeVersion.dirty === true ? ' (with local changes)' : ''}`],
    ['workload', m.mode],
    ['date', `study started ${m.startedAt}; report made ${d.reportDate}`],
  ];
}

export function writeAttackReport(out: string, d: AttackReportData, charts: Chart[], assumptionsMd: string, version: string): { files: string[] } {
  const { files, write } = reportWriter(out);
  writeChartFiles(charts, write);
  const title = d.question ?? `${d.manifest.scenario}: which attacks pay, and from what coalition size?`;
  const t = tables(d);
  const r = readings(d);
  const a = assumptionTexts(d.assumptions, assumptionsMd);
  const cmd = d.command ?? '(not recorded)';
  const reportCmd = d.reportCommand ?? 'flock-lab report <attack dir>';
  const method =
    'Each strategy is one paired comparison: the scenario with the coalition playing it, and the same scenario with every participant honest, on the same seeds. The coalition is every training node and validator the attack controls; its gain is its reward per unit of stake, annualised, minus that of the same entities with the same stake played honestly. The best strategy is re-evaluated on fresh seeds the search never saw, and that interval (95 % Student t over seeds) is the one quoted. The minimum profitable share re-optimises at each grid share and reports the smallest whose interval lies above zero, with no interpolation between grid points.';
  const intro = reportIntro(title, d.notes, facts(d), cmd, reportCmd);
  const body = [
    ...intro.html,
    `<h2 id="attacks">Attacks</h2>`,
    `<ul>${r.map((x) => `<li>${html(x)}</li>`).join('')}</ul>`,
    htmlTable(t.best),
    `<h3>Gain by coalition share</h3>`,
    htmlTable(t.grid),
    `<h2 id="charts">Charts</h2>`,
    ...charts.map(htmlFigure),
    `<h2 id="method">Method and assumptions</h2>`,
    `<p>${html(method)}</p>`,
    `<ul>${a.map(([id, text]) => `<li><strong>${html(id)}</strong>: ${html(text)}</li>`).join('')}</ul>`,
    `<p>Every figure is in <a href="report.json">report.json</a>; every evaluated strategy is in the study's attack.duckdb (table attack_evals). Made by flock-lab ${html(version)}.</p>`,
  ].filter(Boolean);
  write('index.html', htmlPage(title, body));
  const mdLines = [
    ...intro.md,
    '## Attacks',
    '',
    ...r.map((x) => `- ${md(x)}`),
    '',
    mdTable(t.best),
    '',
    '### Gain by coalition share',
    '',
    mdTable(t.grid),
    '',
    '## Charts',
    '',
    ...charts.flatMap((c) => [`### ${md(c.title)}`, '', `![${md(c.alt)}](${c.id}.png)`, '', `*${md(c.caption)}* [Data (CSV)](${c.id}.csv)`, '']),
    '## Method and assumptions',
    '',
    md(method),
    '',
    ...a.map(([id, text]) => `- **${md(id)}**: ${md(text)}`),
    '',
    `Every figure is in report.json; every evaluated strategy is in the study's attack.duckdb (table attack_evals). Made by flock-lab ${md(version)}.`,
    '',
  ];
  write('report.md', mdLines.join('\n'));
  write('report.json', JSON.stringify({ ...d, charts: charts.map((c) => ({ id: c.id, title: c.title, caption: c.caption, alt: c.alt, csv: `${c.id}.csv`, png: `${c.id}.png`, rows: c.rows })) }, null, 1) + '\n');
  return { files };
}
