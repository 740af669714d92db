/**
 * The hash lines' bytes (sim/results/hash.ts) are written straight into a buffer for speed; they
 * must stay exactly the UTF-8 of the definition every pinned resultsHash was made with:
 * `JSON.stringify(sortedKeys.map((k) => [k, String(row[k])]))` and a newline per row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashLines, lineBytes } from '../sim/results/hash.js';

/** The definition, one row at a time. */
const reference = (rows: readonly object[]) =>
  rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, String((r as Record<string, unknown>)[k])])) + '\n').join('');

const decode = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('hash lines', () => {
  it('hand-picked values: escapes, non-ASCII, lone surrogates, bigints, odd numbers, and a change of shape mid-table', () => {
    const rows = [
      { b: 'plain', a: 1n, c: -(2n ** 130n) },
      { b: 'quote " and back\\slash', a: 0, c: 'tab\tnew\nline\u0000nul\u001f' },
      { b: 'café ☕ 𝔉 \u007f del', a: -0, c: 1e21 },
      { b: 'lone \ud800 high', a: NaN, c: -Infinity },
      { b: 'lone \udfff low', a: 0.1 + 0.2, c: true },
      { z: null, y: undefined, x: { o: 1 }, w: [1, 'two'] },
      { b: '\u2028\u2029', a: 5e-324, c: false },
    ];
    expect(decode(lineBytes(rows))).toBe(reference(rows));
    expect(hashLines(rows, 3).join('')).toBe(reference(rows));
    expect(hashLines(rows, 3)).toHaveLength(3);
    // A byte for byte check of one line, written out by hand.
    expect(decode(lineBytes([{ b: 'x"y', a: 12n }]))).toBe('[["a","12"],["b","x\\"y"]]\n');
  });

  it('random rows of any text and numbers: the same bytes as the definition', () => {
    const value = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string(), fc.bigInt(), fc.double(), fc.integer(), fc.boolean());
    const row = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), value, { minKeys: 1, maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        expect(decode(lineBytes(rows))).toBe(reference(rows));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('a buffer that must grow many times keeps every byte', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ agent: `agent-${i}`, stake: BigInt(i) * 10n ** 18n, note: i % 7 === 0 ? 'ü"' : 'ok' }));
    expect(decode(lineBytes(rows))).toBe(reference(rows));
  });
});
