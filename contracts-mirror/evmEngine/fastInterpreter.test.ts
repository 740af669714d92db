/**
 * The fast interpreter loop (fastInterpreter.ts) against @ethereumjs's stock loop: the same
 * traces give byte-identical results, per-step gas included, and the word conversions agree with
 * @ethereumjs/util's on edge values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { bigIntToBytes, bytesToBigInt, bytesToUnprefixedHex, setLengthLeft } from '@ethereumjs/util';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../replay/replay.js';
import { EvmEngine } from './engine.js';
import { words } from './fastInterpreter.js';
import { buildTrace, scenarioArb } from './generator.js';

const TRACES = join(dirname(fileURLToPath(import.meta.url)), '..', 'traces');
const shipped = readdirSync(TRACES)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.result.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(TRACES, f), 'utf8')) as unknown] as const);

let fast: EvmEngine;
let stock: EvmEngine;
beforeAll(async () => {
  fast = await EvmEngine.create();
  stock = await EvmEngine.create({ fast: false });
}, 300_000);

describe('fast loop vs stock loop', () => {
  it.each(shipped)('%s: identical result and gas', async (_f, raw) => {
    const a = await fast.replay(raw);
    const b = await stock.replay(raw);
    expect(Object.keys(a.gas ?? {}).length).toBeGreaterThan(0);
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it.each(['v1', 'v2'] as const)('30 random %s traces (reverts, halts, time jumps): identical result and gas', async (protocol) => {
    const traces = fc.sample(scenarioArb(protocol), { seed: 20261125, numRuns: 30 }).map(buildTrace);
    let reverted = 0;
    for (const t of traces) {
      const a = await fast.replay(t);
      const b = await stock.replay(t);
      reverted += a.steps.filter((s) => s.status === 'reverted').length;
      expect(canonicalJson(a)).toBe(canonicalJson(b));
    }
    expect(reverted).toBeGreaterThan(0); // the comparison covers failing calls too
  });
});

describe('word conversions', () => {
  const edges = [0n, 1n, 255n, 256n, (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n, 1n << 64n, 1n << 128n, (1n << 255n) + 12345n, (1n << 256n) - 1n];
  const arb = fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }));

  it('putWord / wordValue round-trip and match setLengthLeft(bigIntToBytes(v), 32)', () => {
    fc.assert(
      fc.property(arb, (v) => {
        const b = new Uint8Array(32).fill(0xaa); // stale bytes must be overwritten
        words.putWord(b, v);
        expect(b).toEqual(setLengthLeft(bigIntToBytes(v), 32));
        expect(words.wordValue(b)).toBe(v);
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('bytesValue reads minimal storage values like bytesToBigInt, and slotHex keys like the journal', () => {
    fc.assert(
      fc.property(arb, (v) => {
        const minimal = v === 0n ? new Uint8Array(0) : bigIntToBytes(v);
        expect(words.bytesValue(minimal)).toBe(v === 0n ? 0n : bytesToBigInt(minimal));
        expect(words.slotHex(v)).toBe(bytesToUnprefixedHex(setLengthLeft(bigIntToBytes(v), 32)));
      }),
      { seed: 6, numRuns: 500 },
    );
  });
});
