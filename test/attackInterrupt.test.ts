/**
 * Ctrl-C during `flock-lab attack` (sim/cli/interrupt.ts, the handler `run`, `sweep` and `compare`
 * share): a real child process is signalled mid-study; it ends by that signal, leaves a partial
 * directory with what was evaluated, and says how to resume it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDirs } from './support/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/attack-small.ts');
const temp = tempDirs();

describe('an interrupted attack', () => {
  it('SIGINT mid-study keeps the partial directory and prints the --resume command', async () => {
    const out = join(temp('attack-int-'), 'out');
    const args = ['attack', FIXTURE, '--family', 'collusion', '--budget', '40', '--grid-budget', '1', '--seeds', '2', '--fresh-seeds', '2', '--days', '2', '--workers', '1', '--progress-interval', '0.1', '--out', out];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 120_000);
    let err = '';
    let signalled = false;
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      // The directory exists and at least one evaluation has been counted.
      if (!signalled && err.includes(`→ ${out}`) && /\b[1-9]\d*\/\d+ evaluations?\b/.test(err)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
    clearTimeout(deadline);
    expect(signalled, err).toBe(true);
    expect(sig).toBe('SIGINT');
    expect(code).toBeNull();
    expect(err).toContain(`interrupted: the evaluations so far are in ${out}; finish with: flock-lab ${args.filter((a) => a !== '--out' && a !== out).join(' ')} --resume ${out}`);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('partial');
  }, 150_000);
});
