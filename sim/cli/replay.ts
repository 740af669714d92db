/** `flock-lab replay <trace>`: runs a trace on the mirror and prints the canonical result JSON. */
import { readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson, replayTrace, TraceError } from '../../contracts-mirror/replay/replay.js';

export function replayCommand(file: string, opts: { engine: string; out?: string }): number {
  if (opts.engine !== 'mirror') {
    process.stderr.write(`error: --engine ${opts.engine} is not available yet (only "mirror")\n`);
    return 2;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `bad JSON: ${(e as Error).message}`;
    process.stderr.write(`error: ${file}: ${why}\n`);
    return 2;
  }
  let text: string;
  let ok: boolean;
  try {
    const result = replayTrace(raw);
    text = canonicalJson(result);
    ok = result.ok;
  } catch (e) {
    if (e instanceof TraceError) {
      process.stderr.write(`error: invalid trace ${file}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  process.stdout.write(text);
  if (opts.out) writeFileSync(opts.out, text);
  if (!ok) process.stderr.write('replay: a step did not behave as written, or an invariant broke (see "status" in the steps)\n');
  return ok ? 0 : 1;
}
