/**
 * A report folder from a ReportData and its charts (docs/architecture.md#reports): index.html
 * (self-contained: inline styles and SVG, no network load of any kind, readable at 375 px and in
 * print), report.md for a forum post with a PNG per chart beside it, a CSV per chart, and
 * report.json with every number shown.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { Chart } from './charts.js';
import type { ReportData } from './data.js';
import { html, md } from './escape.js';
import { formatEstimate, formatKpi, isHeadline } from '../experiments/kpis.js';
import { changedOnSomeSeed } from '../experiments/compare.js';
import { pct, times } from '../results/kpi.js';
import { flFindings, flTables } from './fl.js';

export type Table = { head: string[]; rows: string[][]; align: ('l' | 'r')[] };

/** The headline table: the comparison, the sweep's cells, or the run's groups. */
function headline(d: ReportData): Table {
  if (d.comparison) {
    const rows = d.comparison.comparisons
      .filter(changedOnSomeSeed)
      .map((c) => [
        `${c.label} (${c.unit})`,
        formatKpi(c.unit, c.baseline.mean),
        formatKpi(c.unit, c.proposal.mean),
        formatKpi(c.unit, c.difference.mean, true),
        Number.isFinite(c.difference.lo) ? `[${formatKpi(c.unit, c.difference.lo, true)}, ${formatKpi(c.unit, c.difference.hi, true)}]` : 'n/a',
        c.verdict === 'higher' ? '▲ higher' : c.verdict === 'lower' ? '▼ lower' : '· unclear',
      ]);
    return { head: ['KPI', 'baseline', d.comparison.name, 'difference', '95% CI', 'verdict'], rows, align: ['l', 'r', 'r', 'r', 'r', 'l'] };
  }
  if (d.kind === 'sweep') {
    const keys = (d.cells[0]?.kpis ?? []).filter((k) => isHeadline(k.key));
    const rows = d.cells.map((c) => [
      c.label,
      ...keys.map((k) => formatEstimate(k.unit, c.kpis?.find((x) => x.key === k.key)?.estimate)),
    ]);
    return { head: ['cell', ...keys.map((k) => `${k.label} (${k.unit})`)], rows, align: ['l', ...keys.map(() => 'r' as const)] };
  }
  const s = d.cells[0].summary;
  const rows = s.groups.map((g) => [g.role, g.behaviour, String(g.entities), pct(g.rewardShare), times(g.relativeRewardPerEntity), pct(g.apr), g.gini.mean.toFixed(3)]);
  return { head: ['role', 'behaviour', 'entities', 'reward share', 'vs fair share', 'APR', 'Gini'], rows, align: ['l', 'l', 'r', 'r', 'r', 'r', 'r'] };
}

function findings(d: ReportData): string[] {
  return d.cells.flatMap((c) => (c.summary.findings ?? []).map((f) => (d.cells.length > 1 ? `${c.label}: ${f}` : f)));
}

function title(d: ReportData): string {
  if (d.question) return d.question;
  if (d.comparison) return `${d.scenario}: baseline against ${d.comparison.name}`;
  if (d.kind === 'sweep') return `${d.scenario}: a sweep of ${d.sweepKeys.join(' × ')}`;
  return `${d.scenario}: ${d.seeds.length} seed(s) × ${d.days} days`;
}

/** What the run was, in facts a reader needs to trust or redo it. */
function facts(d: ReportData): [string, string][] {
  const proposal = d.comparison ? Object.entries(d.cells[1]?.values ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : null;
  return [
    ['question', d.question ?? '(none given: pass --question to compare, sweep or run, or to report)'],
    ['scenario', `${d.scenario} (${d.protocol}), scenario hash ${d.scenarioHash}`],
    ...(d.description ? ([['description', d.description]] as [string, string][]) : []),
    ...(proposal ? ([['proposal', `${d.comparison!.name}: ${proposal}`]] as [string, string][]) : []),
    ...(d.kind === 'sweep' ? ([['cells', d.cells.map((c) => c.label).join('; ')]] as [string, string][]) : []),
    ['seeds', `${d.seeds.join(', ')} (${d.seeds.length}), ${d.days} days each${d.kind !== 'run' ? ', the same seeds in every cell (common random numbers)' : ''}`],
    ['code', `${d.code}${d.dirty === true ? ' (with local changes)' : ''}`],
    ['workload', `${d.workload.mode}${d.workload.calibration ? ` (calibration ${d.workload.calibration})` : ''}`],
    ['date', `run started ${d.runStartedAt}; report made ${d.reportDate}`],
    ['resultsHash', d.resultsHash],
    ...(d.rows ? ([['rows', d.rows]] as [string, string][]) : []),
  ];
}

/** The ASSUMPTIONS.md entries a report relies on, by id: [id, text]. */
export function assumptionTexts(ids: string[], assumptionsMd: string): [string, string][] {
  return ids.map((id) => {
    const m = new RegExp(`^- \\*\\*${id.replace(/[-]/g, '\\-')}\\*\\* (.*)$`, 'm').exec(assumptionsMd);
    return [id, m ? m[1].replace(/\s*\(\[?`?[^)]*\.(ts|md)[^)]*\)\s*$/, '').trim() : '(see ASSUMPTIONS.md)'];
  });
}

export const CSS = `
*{box-sizing:border-box}
body{margin:0 auto;max-width:880px;padding:16px;font:15px/1.5 "DejaVu Sans",Helvetica,Arial,sans-serif;color:#1f2328;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.5em;line-height:1.25}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d0d7de}h3{font-size:1.05em;margin:0 0 .3em}
dl{display:grid;grid-template-columns:minmax(6em,max-content) 1fr;gap:.2em 1em}dt{font-weight:bold}dd{margin:0;min-width:0}
code,pre{font-family:"DejaVu Sans Mono",monospace;font-size:.9em}pre{background:#f6f8fa;padding:.6em;white-space:pre-wrap;word-break:break-all}
.table{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #d0d7de;padding:.25em .5em}td.r{text-align:right;white-space:nowrap}th{background:#f6f8fa}
figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;display:block}figcaption{font-size:.9em;color:#57606a}
.notes{background:#f6f8fa;border-left:4px solid #0969da;padding:.4em 1em}
@media print{body{max-width:none;font-size:11pt}figure,table{break-inside:avoid}a{color:inherit;text-decoration:none}h2{break-after:avoid}}
`;

export function htmlTable(t: Table): string {
  const head = t.head.map((h) => `<th>${html(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${t.align[i] === 'r' ? ' class="r"' : ''}>${html(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

export function mdTable(t: Table): string {
  const line = (r: string[]) => `| ${r.map((c) => md(c)).join(' | ')} |`;
  return [line(t.head), `|${t.align.map((a) => (a === 'r' ? ' ---: ' : ' --- ')).join('|')}|`, ...t.rows.map(line)].join('\n');
}

export const paragraphs = (notes: string) => notes.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

export interface WrittenReport {
  files: string[];
}

/** Each chart's CSV (its rows) and PNG (its SVG rendered by resvg at 2×). */
export function writeChartFiles(charts: Chart[], write: (name: string, body: string | Buffer) => void): void {
  for (const c of charts) {
    const header = Object.keys(c.rows[0] ?? {});
    const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    write(`${c.id}.csv`, [header.join(','), ...c.rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n') + '\n');
    const png = new Resvg(c.svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    write(`${c.id}.png`, png);
  }
}

/** Writes the report folder `out` (which exists and is empty). */
/** A report's files, written into `out` as they are made; `files` lists them in that order. */
export function reportWriter(out: string): { files: string[]; write: (name: string, body: string | Buffer) => void } {
  const files: string[] = [];
  return {
    files,
    write: (name, body) => {
      writeFileSync(join(out, name), body);
      files.push(name);
    },
  };
}

/** What every report opens with, in HTML and in Markdown: its title, the notes, what was run and the commands that reproduce it. */
export function reportIntro(title: string, notes: string | null | undefined, facts: [string, string][], cmd: string, reportCmd: string): { html: string[]; md: string[] } {
  return {
    html: [
      `<h1>${html(title)}</h1>`,
      notes ? `<section class="notes">${paragraphs(notes).map((p) => `<p>${html(p)}</p>`).join('\n')}</section>` : '',
      `<h2 id="facts">What was run</h2>`,
      `<dl>${facts.map(([k, v]) => `<dt>${html(k)}</dt><dd>${html(v)}</dd>`).join('')}</dl>`,
      `<p>Reproduce it:</p><pre><code>${html(cmd)}\n${html(reportCmd)}</code></pre>`,
    ],
    md: [
      `# ${md(title)}`,
      '',
      ...(notes ? paragraphs(notes).flatMap((p) => [`> ${md(p)}`, '>']).slice(0, -1).concat(['']) : []),
      '## What was run',
      '',
      ...facts.map(([k, v]) => `- **${md(k)}**: ${md(v)}`),
      '',
      'Reproduce it:',
      '',
      '```',
      cmd.replace(/```/g, "'''"),
      reportCmd,
      '```',
      '',
    ],
  };
}

/** A chart as the HTML page shows it, with its caption and a link to its data. */
export const htmlFigure = (c: Chart): string =>
  `<figure id="${c.id}"><h3>${html(c.title)}</h3><div role="img" aria-label="${html(c.alt)}">${c.svg}</div><figcaption>${html(c.caption)} <a href="${c.id}.csv">Data (CSV)</a>.</figcaption></figure>`;

/** The HTML page around a report's body. */
export const htmlPage = (title: string, body: string[]): string =>
  `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title><style>${CSS}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;

export function writeReport(out: string, d: ReportData, charts: Chart[], assumptionsMd: string, version: string): WrittenReport {
  const { files, write } = reportWriter(out);
  writeChartFiles(charts, write);
  const t = headline(d);
  const f = findings(d);
  // FL Alliance (docs/fl-alliance.md#kpis): only runs with FL tasks have these.
  const flCells = d.cells.map((c) => ({ cell: c.cell, label: c.label, fl: c.summary.fl }));
  const flT = flTables(d.flRounds ?? [], flCells);
  const flF = flFindings(flCells);
  const a = assumptionTexts(d.assumptions, assumptionsMd);
  const cmd = d.command ?? '(not recorded: the run directory predates recorded commands)';
  const reportCmd = d.reportCommand ?? 'flock-lab report <run dir>';

  const intro = reportIntro(title(d), d.notes, facts(d), cmd, reportCmd);
  const body = [
    ...intro.html,
    `<h2 id="results">Results</h2>`,
    htmlTable(t),
    ...(d.comparison?.notes ?? []).map((n) => `<p>${html(n)}</p>`),
    f.length ? `<ul>${f.map((x) => `<li>${html(x)}</li>`).join('')}</ul>` : '',
    ...(flT.length ? [`<h2 id="fl">FL Alliance</h2>`, ...flT.map(htmlTable), flF.length ? `<ul>${flF.map((x) => `<li>${html(x)}</li>`).join('')}</ul>` : ''] : []),
    `<h2 id="charts">Charts</h2>`,
    ...charts.map(htmlFigure),
    `<h2 id="method">Method and assumptions</h2>`,
    `<p>Every number comes from the lab's exact run of the deployed contracts' rules (bigint wei), summarised over seeds; intervals are 95% Student t over seeds unless marked. The modelling choices this report relies on (ids in ASSUMPTIONS.md):</p>`,
    `<ul>${a.map(([id, text]) => `<li><strong>${html(id)}</strong>: ${html(text)}</li>`).join('')}</ul>`,
    `<p>Every figure is in <a href="report.json">report.json</a>. Made by flock-lab ${html(version)}.</p>`,
  ].filter(Boolean);
  write('index.html', htmlPage(title(d), body));

  const mdLines = [
    ...intro.md,
    '## Results',
    '',
    mdTable(t),
    '',
    ...(d.comparison?.notes ?? []).map((n) => md(n) + '\n'),
    ...f.map((x) => `- ${md(x)}`),
    '',
    ...(flT.length ? ['## FL Alliance', '', ...flT.flatMap((t) => [mdTable(t), '']), ...flF.map((x) => `- ${md(x)}`), ''] : []),
    '## Charts',
    '',
    ...charts.flatMap((c) => [`### ${md(c.title)}`, '', `![${md(c.alt)}](${c.id}.png)`, '', `*${md(c.caption)}* [Data (CSV)](${c.id}.csv)`, '']),
    '## Method and assumptions',
    '',
    'Every number comes from the lab\'s exact run of the deployed contracts\' rules (bigint wei), summarised over seeds; intervals are 95% Student t over seeds unless marked. The modelling choices this report relies on (ids in ASSUMPTIONS.md):',
    '',
    ...a.map(([id, text]) => `- **${md(id)}**: ${md(text)}`),
    '',
    `Every figure is in report.json. Made by flock-lab ${md(version)}.`,
    '',
  ];
  write('report.md', mdLines.join('\n'));
  write('report.json', JSON.stringify({ ...d, charts: charts.map((c) => ({ id: c.id, title: c.title, caption: c.caption, alt: c.alt, csv: `${c.id}.csv`, png: `${c.id}.png`, rows: c.rows })) }, null, 1) + '\n');
  return { files };
}

export function readAssumptions(root: string): string {
  try {
    return readFileSync(join(root, 'ASSUMPTIONS.md'), 'utf8');
  } catch {
    return '';
  }
}
