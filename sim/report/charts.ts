/**
 * The report's charts (docs/architecture.md#reports), each an SVG string with its title, axis units,
 * one sentence on what to look at, alt text and the rows it plots (its CSV). vega-lite draws the
 * time series and interval charts (vega's `toSVG`, no browser); Observable Plot (on jsdom) draws
 * the distributions and the forest plot, where its marks read better.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import type { ReportData } from './data.js';
import { formatKpi } from '../experiments/kpis.js';

export interface Chart {
  id: string;
  title: string;
  caption: string;
  alt: string;
  svg: string;
  /** The plotted rows, written beside the chart as `<id>.csv`. */
  rows: Record<string, string | number>[];
}

export const WIDTH = 560;
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const COLORS = { higher: '#1a7f37', lower: '#cf222e', unclear: '#8c959f' };

export async function vegaSvg(spec: vl.TopLevelSpec): Promise<string> {
  const compiled = vl.compile({ ...spec, config: { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 }, ...(spec as { config?: object }).config } } as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

function plotSvg(options: Plot.PlotOptions): string {
  const { document } = new JSDOM('<!DOCTYPE html>').window;
  const el = Plot.plot({ ...options, document, style: { fontFamily: FONT, fontSize: '11px', background: 'white' } } as Plot.PlotOptions) as unknown as Element;
  let svg = el.outerHTML;
  if (!/^<svg[^>]*xmlns=/.test(svg)) svg = svg.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return svg;
}

const cellLabel = (d: ReportData, cell: number) => d.cells.find((c) => c.cell === cell)?.label ?? String(cell);
const multi = (d: ReportData) => d.cells.length > 1;
const round = (x: number, digits = 6) => Number(x.toPrecision(digits));
/** Days are whole: no 0.2-day ticks. */
const DAY_AXIS = { format: 'd', tickMinStep: 1 };

async function rewardsChart(d: ReportData): Promise<Chart> {
  const rows = d.rewardsByDay.map((b) => ({ cell: cellLabel(d, b.cell), role: b.series, day: b.day, mean: round(b.mean), lo: round(b.lo), hi: round(b.hi) }));
  const color = { field: 'role', type: 'nominal' as const, title: 'role' };
  const dash = multi(d) ? { strokeDash: { field: 'cell', type: 'nominal' as const, title: 'cell' } } : {};
  const svg = await vegaSvg({
    width: WIDTH,
    height: 260,
    data: { values: rows },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { x: { field: 'day', type: 'quantitative', title: 'day', axis: DAY_AXIS }, y: { field: 'lo', type: 'quantitative', title: 'reward per day (FLOCK)' }, y2: { field: 'hi' }, color, ...(multi(d) ? { detail: { field: 'cell' } } : {}) } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x: { field: 'day', type: 'quantitative' }, y: { field: 'mean', type: 'quantitative' }, color, ...dash } },
    ],
  } as vl.TopLevelSpec);
  return {
    id: 'rewards-by-day',
    title: 'Rewards per role per day',
    caption: `The line is the mean over ${d.seeds.length} seed(s), the band the lowest to highest seed: look at how each role's daily reward moves as tasks open and close${multi(d) ? ', and where the cells part' : ''}.`,
    alt: `Line chart of FLOCK earned per day by ${[...new Set(rows.map((r) => r.role))].join(', ')} over ${d.days} days${multi(d) ? ` for ${d.cells.map((c) => c.label).join(' and ')}` : ''}, with bands across seeds.`,
    svg,
    rows,
  };
}

function aprChart(d: ReportData): Chart {
  // With cells, each box is one group in one cell, its label saying which (a Plot legend would be HTML, not SVG).
  const label = (group: string, cell: string) => (multi(d) ? `${group} · ${cell}` : group);
  const rows = d.apr.map((a) => {
    const group = `${a.role} / ${a.behaviour}`;
    const cell = cellLabel(d, a.cell);
    return { cell, group, box: label(group, cell), seed: a.seed, entity: a.entity, apr_percent: round(a.apr * 100) };
  });
  const boxes = [...new Set(rows.map((r) => r.box))].sort();
  const svg = plotSvg({
    width: WIDTH,
    height: 40 + boxes.length * 28,
    marginLeft: multi(d) ? 230 : 150,
    x: { label: 'APR (%) →', grid: true },
    y: { label: null, domain: boxes },
    ...(multi(d) ? { color: { domain: d.cells.map((c) => c.label) } } : {}),
    marks: [Plot.ruleX([0]), Plot.boxX(rows, { x: 'apr_percent', y: 'box', ...(multi(d) ? { stroke: 'cell', fill: 'cell', fillOpacity: 0.15 } : {}) })],
  });
  return {
    id: 'apr-distribution',
    title: 'APR per role and behaviour',
    caption: "Each box is the spread of entities' APR (reward ÷ mean stake, annualised) over all seeds: compare the honest boxes with the adversarial ones of the same role.",
    alt: `Box plots of APR in percent for ${boxes.join(', ')}.`,
    svg,
    rows,
  };
}

async function fairShareChart(d: ReportData): Promise<Chart> {
  const rows = d.fairShare.map((f) => ({ cell: cellLabel(d, f.cell), group: `${f.role} / ${f.behaviour}`, mean: round(f.mean), lo: round(f.mean - f.ci95), hi: round(f.mean + f.ci95), seeds: f.seeds }));
  const y = { field: 'group', type: 'nominal' as const, title: null, sort: null };
  const yOffset = multi(d) ? { yOffset: { field: 'cell', type: 'nominal' as const } } : {};
  const color = multi(d) ? { color: { field: 'cell', type: 'nominal' as const, title: 'cell' } } : {};
  const svg = await vegaSvg({
    width: WIDTH - 160,
    height: { step: multi(d) ? 34 : 24 },
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'lo', type: 'quantitative', title: 'reward per entity ÷ fair share (×)' }, x2: { field: 'hi' }, y, ...yOffset, ...color } },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: { field: 'mean', type: 'quantitative' }, y, ...yOffset, ...color } },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#57606a' }, encoding: { x: { field: 'one', type: 'quantitative' } } },
    ],
  } as vl.TopLevelSpec);
  return {
    id: 'fair-share',
    title: 'Honest and adversarial reward against a fair share',
    caption: 'A group at 1.0 (dashed) earns exactly its share of the role\'s reward per entity; bars are 95% CIs over seeds. An adversarial group to the right of 1.0 is paid for cheating.',
    alt: `Dot-and-interval chart of each group's reward per entity relative to its role's mean, with 1.0 marked: ${rows.map((r) => `${r.group}${multi(d) ? ` (${r.cell})` : ''} ${r.mean.toFixed(2)}×`).join('; ')}.`,
    svg,
    rows,
  };
}

const SUPPLY_NAMES: Record<string, string> = {
  minted: 'minted',
  supply: 'supply (minted − burned)',
  circulating: 'circulating',
  held_protocol: 'held by protocol contracts',
  locked_vesting: 'still vesting',
  locked_gm: 'locked for gmFLOCK',
};

async function supplyChart(d: ReportData): Promise<Chart> {
  const rows = d.supplyByDay.map((b) => ({ cell: cellLabel(d, b.cell), series: SUPPLY_NAMES[b.series] ?? b.series, day: b.day, mean: round(b.mean), lo: round(b.lo), hi: round(b.hi) }));
  const svg = await vegaSvg({
    width: WIDTH,
    height: 260,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'day', type: 'quantitative', title: 'day', axis: DAY_AXIS },
      y: { field: 'mean', type: 'quantitative', title: 'FLOCK', axis: { format: '~s' } },
      color: { field: 'series', type: 'nominal', title: null, sort: Object.values(SUPPLY_NAMES) },
      ...(multi(d) ? { strokeDash: { field: 'cell', type: 'nominal', title: 'cell' } } : {}),
    },
  } as vl.TopLevelSpec);
  return {
    id: 'supply',
    title: 'Emission and circulating supply',
    caption: 'Minted supply against what circulates: the gap is what protocol contracts hold, of which the vesting rewards and the gmFLOCK backing are drawn apart (docs/model.md#circulating-supply).',
    alt: 'Line chart in FLOCK over days of minted supply, supply, circulating supply, FLOCK held by protocol contracts, FLOCK still vesting and FLOCK locked for gmFLOCK (means over seeds).',
    svg,
    rows,
  };
}

async function concentrationChart(d: ReportData): Promise<Chart> {
  const rows = d.concentrationByDay.map((b) => ({ cell: cellLabel(d, b.cell), measure: b.series === 'gini' ? 'Gini of validator stake (0–1)' : 'Nakamoto coefficient (validators)', day: b.day, mean: round(b.mean), lo: round(b.lo), hi: round(b.hi) }));
  const svg = await vegaSvg({
    data: { values: rows },
    facet: { row: { field: 'measure', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 12 } } },
    spec: {
      width: WIDTH,
      height: 110,
      layer: [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { x: { field: 'day', type: 'quantitative', title: 'day', axis: DAY_AXIS }, y: { field: 'lo', type: 'quantitative', title: null }, y2: { field: 'hi' }, ...(multi(d) ? { color: { field: 'cell', type: 'nominal' } } : {}) } },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { x: { field: 'day', type: 'quantitative' }, y: { field: 'mean', type: 'quantitative' }, ...(multi(d) ? { color: { field: 'cell', type: 'nominal', title: 'cell' } } : {}) } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as vl.TopLevelSpec);
  const last = d.concentrationByDay.filter((b) => b.day === d.days - 1 && b.cell === 0);
  return {
    id: 'stake-concentration',
    title: 'Validator stake concentration',
    caption: 'The Gini coefficient of validator stake (higher: more unequal) and the Nakamoto coefficient (the fewest validators holding more than half of it; lower: more concentrated).',
    alt: `Two line charts over days: the Gini coefficient of validator stake${last.find((b) => b.series === 'gini') ? `, ending at ${last.find((b) => b.series === 'gini')!.mean.toFixed(3)}` : ''}, and the Nakamoto coefficient${last.find((b) => b.series === 'nakamoto') ? `, ending at ${last.find((b) => b.series === 'nakamoto')!.mean.toFixed(1)} validators` : ''}.`,
    svg,
    rows,
  };
}

function forestChart(d: ReportData): Chart | null {
  if (!d.comparison) return null;
  const rows = d.comparison.comparisons
    .filter((c) => Math.abs(c.baseline.mean) > 0 && Number.isFinite(c.difference.lo))
    .map((c) => {
      const base = Math.abs(c.baseline.mean);
      return { kpi: `${c.label} (${c.unit})`, change_percent: round((100 * c.difference.mean) / base), lo_percent: round((100 * c.difference.lo) / base), hi_percent: round((100 * c.difference.hi) / base), verdict: c.verdict, difference: formatKpi(c.unit, c.difference.mean, true) };
    });
  if (!rows.length) return null;
  const svg = plotSvg({
    width: WIDTH,
    height: 40 + rows.length * 26,
    marginLeft: 230,
    x: { label: `change vs baseline (%, 95% CI, ${d.comparison.method === 't' ? 'paired t' : 'paired bootstrap'}) →`, grid: true },
    y: { label: null, domain: rows.map((r) => r.kpi) },
    color: { domain: ['higher', 'lower', 'unclear'], range: [COLORS.higher, COLORS.lower, COLORS.unclear] },
    marks: [
      Plot.ruleX([0], { stroke: '#57606a' }),
      Plot.ruleY(rows, { y: 'kpi', x1: 'lo_percent', x2: 'hi_percent', stroke: 'verdict', strokeWidth: 2.5 }),
      Plot.dot(rows, { y: 'kpi', x: 'change_percent', fill: 'verdict', r: 4 }),
    ],
  });
  return {
    id: 'forest',
    title: `What ${d.comparison.name} changes, KPI by KPI`,
    caption: 'Each KPI\'s paired difference from the baseline as a share of the baseline value, with its 95% interval: green or red only where the interval excludes zero (the change is there on these seeds), grey where it includes zero.',
    alt: `Forest plot of ${rows.length} KPIs: ${rows.map((r) => `${r.kpi} ${r.change_percent >= 0 ? '+' : ''}${r.change_percent.toFixed(1)}% [${r.lo_percent.toFixed(1)}, ${r.hi_percent.toFixed(1)}]`).join('; ')}.`,
    svg,
    rows,
  };
}

async function sweepChart(d: ReportData): Promise<Chart | null> {
  if (d.kind !== 'sweep' || !d.sweepKeys.length) return null;
  const [xKey, colorKey] = d.sweepKeys;
  const rows = d.cells.flatMap((c) =>
    (c.kpis ?? [])
      .filter((k) => /\.(rewards|honestShare)$|^(node|validator)\/honest\.apr$|^delegator\/delegator\.apr$/.test(k.key) && Number.isFinite(k.estimate.mean))
      .map((k) => ({
        kpi: `${k.label} (${k.unit})`,
        [xKey]: typeof c.values[xKey] === 'number' ? (c.values[xKey] as number) : JSON.stringify(c.values[xKey]),
        ...(colorKey ? { [colorKey]: JSON.stringify(c.values[colorKey]) } : {}),
        mean: round(k.unit === '%' ? k.estimate.mean * 100 : k.estimate.mean),
        lo: round((k.unit === '%' ? 100 : 1) * (k.estimate.mean - k.estimate.ci95)),
        hi: round((k.unit === '%' ? 100 : 1) * (k.estimate.mean + k.estimate.ci95)),
      })),
  );
  if (!rows.length) return null;
  const numeric = d.cells.every((c) => typeof c.values[xKey] === 'number');
  const x = { field: xKey, type: numeric ? ('quantitative' as const) : ('ordinal' as const), title: xKey };
  const color = colorKey ? { color: { field: colorKey, type: 'nominal' as const, title: colorKey } } : {};
  const svg = await vegaSvg({
    data: { values: rows },
    facet: { field: 'kpi', type: 'nominal', title: null, header: { labelFontSize: 12 } },
    columns: 2,
    spec: {
      width: 250,
      height: 150,
      layer: [
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: null }, y2: { field: 'hi' }, ...color } },
        { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, ...color } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as vl.TopLevelSpec);
  return {
    id: 'sweep',
    title: `KPIs against ${xKey}`,
    caption: `Each headline KPI (mean over seeds, bars 95% CIs; % KPIs in percent) at each value of ${xKey}${colorKey ? `, one line per value of ${colorKey}` : ''}: look for where a KPI turns, and whether the intervals separate.`,
    alt: `Small multiples of ${[...new Set(rows.map((r) => r.kpi))].join(', ')} against ${xKey}.`,
    svg,
    rows,
  };
}

/** Every chart the report has, in reading order. */
export async function makeCharts(d: ReportData): Promise<Chart[]> {
  const charts = [forestChart(d), await sweepChart(d), await rewardsChart(d), aprChart(d), await fairShareChart(d), await supplyChart(d), await concentrationChart(d)];
  return charts.filter((c): c is Chart => c !== null);
}
