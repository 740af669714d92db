/**
 * `flock-lab regress` (README, "Regression"): clean on the repository, and, in a copy of the lab
 * with the γ split moved by 1 ppm (docs/model.md#gamma-split), exit 1 naming the trace, the field,
 * the old and new values; `--update` then re-pins and a second run is clean. A malformed pin is exit 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDifference, jsonDifferences, relativeChange } from '../sim/experiments/regress.js';
import { ROOT, runCli, tempDirs } from './support/cli.js';

const temp = tempDirs();
const GAMMA_SPLIT = 'contracts-mirror/contracts/taskManagerRewards.ts';
const TRACE_PIN = 'contracts-mirror/traces/gamma-split-v2.result.json';

/** The lab as committed and as being edited (tracked and untracked, not ignored files), with the repository's node_modules. */
function copyLab(): string {
  const dir = temp('flock-lab-regress-');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue; // deleted in the working tree, not yet in the index
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * `flock-lab regress` of the copy in `dir` (its own bin, so its own code and pins), without the attack
 * guard: it is tested in test/attackRegress.test.ts, and the clean run below runs it as CI does.
 */
function regressIn(dir: string, args: string[] = []): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'flock-lab.mjs'), 'regress', '--no-attacks', ...args], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the structural diff', () => {
  it('lists every differing leaf with its path, absent fields included', () => {
    const d = jsonDifferences({ steps: [{ args: { amount: '100' } }], state: { x: 1, 'a b': [1, 2] } }, { steps: [{ args: { amount: '101' } }], state: { x: 1, 'a b': [1], y: null } });
    expect(d.map((x) => x.path)).toEqual(['state["a b"][1]', 'state.y', 'steps[0].args.amount']);
    expect(jsonDifferences({ state: 1, steps: 1 }, { state: 2, steps: 2 }, ['steps']).map((x) => x.path)).toEqual(['steps', 'state']);
    expect(jsonDifferences({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
  });

  it('gives the relative change of numbers and of wei amounts, exactly', () => {
    expect(relativeChange(2, 3)).toBe('+5.000e-1');
    expect(relativeChange('1000000000000000000000', '999999000000000000000')).toBe('-1.000e-6, Δ -1000000000000000');
    expect(relativeChange('0', '5')).toBe('from 0, Δ +5');
    expect(relativeChange('abc', 'abd')).toBeNull();
    expect(describeDifference({ path: 'groups[3].apr.perSeed[1]', old: 0.5, new: undefined })).toBe('groups[3].apr.perSeed[1]: 0.5 → (absent)');
  });
});

describe('flock-lab regress', () => {
  it('is clean on the repository (as CI runs it)', () => {
    const r = runCli(['regress'], { timeout: 240_000 });
    expect(r.err).not.toMatch(/error:/);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/^regress: \d+ traces and \d+ baselines, all identical to their pins \(/m);
    expect(r.err).toMatch(/baseline v1: identical/);
    expect(r.out).toMatch(/^attack collusion: minimum profitable coalition share unchanged/m);
  }, 270_000);

  it('catches the γ split moved by 1 ppm, names trace, field, old and new value; --update re-pins it', () => {
    const dir = copyLab();
    const src = readFileSync(join(dir, GAMMA_SPLIT), 'utf8');
    const moved = src.replace('return gammaSplit(t0, this.s.gamma, ', 'return gammaSplit(t0, this.s.gamma + 1n, ');
    expect(moved, `the γ split call moved: update this test to perturb ${GAMMA_SPLIT}`).not.toBe(src);
    writeFileSync(join(dir, GAMMA_SPLIT), moved);
    const pinned = readFileSync(join(dir, TRACE_PIN), 'utf8');

    const drift = regressIn(dir);
    expect(drift.code, drift.out + drift.err).toBe(1);
    expect(drift.out).toMatch(/^DRIFT trace gamma-split-v2 \(contracts-mirror\/traces\/gamma-split-v2\.result\.json\): \d+ fields differ$/m);
    // A wei amount of a step's event: old → new, relative change about −1.5 ppm, and the exact difference.
    expect(drift.out).toMatch(/^ {2}steps\[\d+\]\.events\[\d+\]\.args\.\w+: "\d+" → "\d+" \(-1\.\d{3}e-6, Δ -\d+\)$/m);
    expect(drift.out).toMatch(/^DRIFT baseline \w+ \(reports\/baselines\/\w+\/summary\.json\)/m);
    expect(drift.out).toMatch(/^ {2}groups\[\d+\]\.\w+\.(mean|ci95|perSeed\[\d+\]): [-\d.e]+ → [-\d.e]+ \([+-]\d\.\d{3}e-\d+\)$/m);
    expect(drift.out).toMatch(/^ {2}resultsHash: [0-9a-f]{64} → [0-9a-f]{64}$/m);
    expect(drift.out).toMatch(/^regress: drift in \d+ of 13 traces and \d of 4 baselines/m);
    expect(drift.err).toMatch(/^\[10\/17\] trace gamma-split-v2: drift/m);
    expect(readFileSync(join(dir, TRACE_PIN), 'utf8')).toBe(pinned); // a check never writes

    const update = regressIn(dir, ['--update']);
    expect(update.code, update.out + update.err).toBe(0);
    expect(update.out).toMatch(/^updated trace gamma-split-v2 .*: \d+ fields differ$/m);
    expect(update.out).toMatch(/^regress --update: \d+ pins rewritten/m);
    expect(readFileSync(join(dir, TRACE_PIN), 'utf8')).not.toBe(pinned);
    expect(readFileSync(join(ROOT, TRACE_PIN), 'utf8')).toBe(pinned); // the repository's pins are untouched

    const clean = regressIn(dir);
    expect(clean.code, clean.out + clean.err).toBe(0);
    expect(clean.out).toMatch(/all identical to their pins/);
    const again = regressIn(dir, ['--update', '--traces-only']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^regress --update: nothing changed \(13 traces,/m);

    // Bad input: exit 2 before anything runs, naming the file.
    writeFileSync(join(dir, 'reports/baselines/v2/pin.json'), '{ "resultsHash": 5 }\n');
    const bad = regressIn(dir);
    expect(bad.code, bad.out + bad.err).toBe(2);
    expect(bad.err).toMatch(/^error: reports\/baselines\/v2\/pin\.json: expected \{ "resultsHash": "<64 hex digits>" \}$/m);
    expect(bad.err).not.toMatch(/trace claim-fees-v2/);
  }, 300_000);
});
