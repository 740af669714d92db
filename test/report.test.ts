/**
 * `flock-lab report` as a user runs it (docs/architecture.md#reports): a compare run of a scenario
 * with a hostile name gives a self-contained, escaped report whose charts render in a real
 * browser (Debian chromium through playwright-core) with no network request and no horizontal
 * scroll at 375 px; sweeps and single runs get their own charts; partial or foreign directories
 * are refused.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './support/cli.js';
import { html, md } from '../sim/report/escape.js';
import { nakamoto } from '../sim/report/data.js';

const newDir = tempDirs();
const cli = (args: string[]) => runCli(args, { timeout: 120_000 });
const HOSTILE = '<script>alert(1)</script> | pipe |';
const tiny = (over: object = {}) => ({
  name: HOSTILE,
  description: 'a *tiny* world with a [link](http://example.com) & more',
  days: 4,
  tasks: [{ startDay: 0, durationDays: 4 }],
  populations: { nodes: { count: 5, mix: { honest: 0.6, lazy: 0.4 } }, validators: { count: 3 }, delegators: { count: 4 } },
  ...over,
});

function scenarioIn(dir: string, s: object = tiny()): string {
  const file = join(dir, 's.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe('escaping', () => {
  it('HTML and Markdown: markup characters become text', () => {
    expect(html(HOSTILE)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; | pipe |');
    expect(md(HOSTILE)).toBe('&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| pipe \\|');
    expect(md('a\nb')).toBe('a b');
  });

  it('Nakamoto coefficient: the fewest holders of more than half', () => {
    expect(nakamoto([10, 10, 10, 10])).toBe(3); // 20 is exactly half, not more
    expect(nakamoto([60, 30, 10])).toBe(1);
    expect(nakamoto([])).toBe(0);
  });
});

describe('flock-lab report', () => {
  it('a compare run: index.html, report.md, PNGs, CSVs and report.json, escaped, and rendering in Chromium with no request and no horizontal scroll at 375 px', async () => {
    const dir = newDir('flock-report-');
    const file = scenarioIn(dir);
    const notes = join(dir, 'notes.md');
    writeFileSync(notes, 'Raising γ moves reward from nodes to validators.\n\nA second paragraph with <b>tags</b> | and pipes.');
    const run = join(dir, 'run');
    const c = cli(['compare', file, '--proposal', 'params.gamma=200000', '--seeds', '3', '--question', 'Should γ be 0.2? <i>', '--notes', notes, '--out', run, '--no-progress']);
    expect(c.code, c.err).toBe(0);
    const r = cli(['report', run]);
    expect(r.code, r.err).toBe(0);
    const out = join(run, 'report');
    const files = readdirSync(out).sort();
    for (const id of ['forest', 'rewards-by-day', 'apr-distribution', 'fair-share', 'supply', 'stake-concentration']) {
      expect(files).toContain(`${id}.png`);
      expect(files).toContain(`${id}.csv`);
      expect(readFileSync(join(out, `${id}.png`)).subarray(1, 4).toString()).toBe('PNG');
      expect(readFileSync(join(out, `${id}.csv`), 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    }
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<b>tags');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | pipe |');
    expect(page).toContain('Should γ be 0.2? &lt;i&gt;');
    expect(page).toContain('Raising γ moves reward from nodes to validators.');
    // Nothing to load from anywhere: no src attributes, no links out of the folder.
    expect(page).not.toMatch(/\ssrc=/);
    expect(page).not.toMatch(/href="(https?:)?\/\//);
    expect(page).toContain(`flock-lab compare ${file} --proposal params.gamma=200000 --seeds 3`);
    const mdText = readFileSync(join(out, 'report.md'), 'utf8');
    expect(mdText).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| pipe \\|');
    expect(mdText).toContain('![');
    expect(mdText).toMatch(/\| KPI \| baseline \| proposal \| difference \| 95% CI \| verdict \|/);
    expect(mdText).toContain('(forest.png)');
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.scenario).toBe(HOSTILE);
    expect(json.seeds).toEqual([1, 2, 3]);
    expect(json.comparison.comparisons.find((k: { key: string }) => k.key === 'validator.rewards').verdict).toMatch(/higher|lower|unclear/);
    expect(json.charts.map((ch: { id: string }) => ch.id)).toContain('forest');
    expect(json.supplyByDay.some((b: { series: string }) => b.series === 'circulating')).toBe(true);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      for (const width of [1024, 375]) {
        const p = await browser.newPage({ viewport: { width, height: 800 } });
        const problems: string[] = [];
        p.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
        p.on('pageerror', (e) => problems.push(`page: ${e.message}`));
        p.on('requestfailed', (q) => problems.push(`failed: ${q.url()}`));
        p.on('request', (q) => !q.url().startsWith('file://') && problems.push(`request: ${q.url()}`));
        await p.goto(pathToFileURL(join(out, 'index.html')).href);
        const sizes = await p.$$eval('figure svg', (svgs) => svgs.map((s) => { const b = s.getBoundingClientRect(); return [b.width, b.height]; }));
        expect(sizes.length).toBe(6);
        for (const [w, h] of sizes) {
          expect(w).toBeGreaterThan(100);
          expect(h).toBeGreaterThan(50);
          expect(w).toBeLessThanOrEqual(width);
        }
        const scroll = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        expect(scroll[0], `horizontal scroll at ${width} px`).toBeLessThanOrEqual(scroll[1]);
        expect(await p.$$eval('figure [role=img]', (els) => els.every((e) => (e.getAttribute('aria-label') ?? '').length > 20))).toBe(true);
        expect(problems).toEqual([]);
        await p.close();
      }
    } finally {
      await browser.close();
    }

    // Regenerating keeps the question and the notes (they live in the run's manifest); --out elsewhere; an existing one needs --force.
    const again = cli(['report', run, '--out', join(dir, 'again')]);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'again', 'index.html'), 'utf8')).toContain('Raising γ moves reward');
    const refused = cli(['report', run, '--out', join(dir, 'again')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already exists and is not empty; pass --force/);
  }, 180_000);

  it('a sweep gets a chart of each KPI against the swept parameter; a single run gets no forest plot', () => {
    const dir = newDir('flock-report-sweep-');
    const file = scenarioIn(dir, tiny({ name: 'sw' }));
    const sweep = join(dir, 'sweep');
    expect(cli(['sweep', file, '--grid', 'params.gamma=0,100000,200000', '--seeds', '2', '--out', sweep, '--no-progress']).code).toBe(0);
    expect(cli(['report', sweep]).code).toBe(0);
    const files = readdirSync(join(sweep, 'report'));
    expect(files).toContain('sweep.png');
    expect(files).not.toContain('forest.png');
    const run = join(dir, 'run');
    expect(cli(['run', file, '--seeds', '2', '--out', run, '--no-progress']).code).toBe(0);
    expect(cli(['report', run]).code).toBe(0);
    const runFiles = readdirSync(join(run, 'report'));
    expect(runFiles).not.toContain('forest.png');
    expect(runFiles).not.toContain('sweep.png');
    expect(readFileSync(join(run, 'report', 'report.md'), 'utf8')).toMatch(/\| role \| behaviour \| entities \|/);
  }, 180_000);

  it('refuses a partial run directory and a folder with no manifest (exit 2, nothing written)', () => {
    const dir = newDir('flock-report-bad-');
    const none = join(dir, 'none');
    mkdirSync(none);
    const r = cli(['report', none]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a run directory \(no manifest\.json\)/);
    const partial = join(dir, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'manifest.json'), JSON.stringify({ format: 'flock-lab-run/2', kind: 'compare', status: 'partial', runs: { done: 1, total: 4 } }));
    const p = cli(['report', partial]);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/is partial: 1 of 4 runs landed; finish it with `flock-lab compare … --resume/);
    expect(existsSync(join(partial, 'report'))).toBe(false);
  });
});
