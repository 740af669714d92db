/**
 * abiFast against ethers: the same bytes for every encodable value of the supported shapes, the
 * same values back from canonical data, and null (so ethers decides) for what it does not take.
 */
import fc from 'fast-check';
import { AbiCoder, ParamType } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decodeParams, encodeParams } from './abiFast.js';

const coder = AbiCoder.defaultAbiCoder();
const P = (t: string) => ParamType.from(t);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytesOf = (h: string) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));

const addr = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => '0x' + hex(b));
const uintN = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const intN = (bits: number) => fc.bigInt({ min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n });
const word: Record<string, fc.Arbitrary<unknown>> = {
  uint256: uintN(256),
  uint8: uintN(8),
  uint64: uintN(64),
  int256: intN(256),
  int32: intN(32),
  address: addr,
  bool: fc.boolean(),
  bytes32: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => '0x' + hex(b)),
};
const shape = fc.oneof(
  ...Object.keys(word).map((t) => fc.constant(t)),
  fc.constant('string'),
  fc.constant('bytes'),
  ...Object.keys(word).map((t) => fc.constant(`${t}[]`)),
);
const valueOf = (t: string): fc.Arbitrary<unknown> => {
  if (t === 'string') return fc.string({ unit: 'grapheme', maxLength: 40 });
  if (t === 'bytes') return fc.uint8Array({ maxLength: 70 }).map((b) => '0x' + hex(b));
  if (t.endsWith('[]')) return fc.array(word[t.slice(0, -2)], { maxLength: 6 });
  return word[t];
};
const params = fc.array(shape, { maxLength: 5 }).chain((types) => fc.tuple(fc.constant(types), fc.tuple(...types.map(valueOf))));

/** ethers' decoded values in abiFast's form (lowercase addresses, plain arrays). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return [...v].map(plain);
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  return v;
}

describe('abiFast', () => {
  it('encodes exactly as ethers and decodes back what ethers decodes', () => {
    fc.assert(
      fc.property(params, ([types, values]) => {
        const ps = types.map(P);
        const ours = encodeParams(ps, values);
        const theirs = coder.encode(ps, values).slice(2);
        expect(ours).toBe(theirs);
        const data = bytesOf(theirs);
        expect(decodeParams(ps, data)).toEqual(plain([...coder.decode(ps, data)]));
      }),
      { seed: 11, numRuns: 400 },
    );
  });

  it('a hand-checked call: (uint256 7, address[] [a], string "hi")', () => {
    const a = '0x' + '11'.repeat(20);
    const enc = encodeParams([P('uint256'), P('address[]'), P('string')], [7n, [a], 'hi']);
    expect(enc).toBe(
      [
        '7'.padStart(64, '0'),
        (32 * 3).toString(16).padStart(64, '0'), // the array after the 3 head words
        (32 * 5).toString(16).padStart(64, '0'), // the string after the array's length and item
        '1'.padStart(64, '0'),
        '11'.repeat(20).padStart(64, '0'),
        '2'.padStart(64, '0'),
        '6869'.padEnd(64, '0'),
      ].join(''),
    );
  });

  it('leaves to ethers what it does not take', () => {
    // unsupported shapes, values out of range or of the wrong type, lone surrogates
    expect(encodeParams([P('(uint256,uint256)')], [[1n, 2n]])).toBeNull();
    expect(encodeParams([P('uint256[2]')], [[1n, 2n]])).toBeNull();
    expect(encodeParams([P('uint8')], [256n])).toBeNull();
    expect(encodeParams([P('uint256')], [-1n])).toBeNull();
    expect(encodeParams([P('uint256')], [1])).toBeNull();
    expect(encodeParams([P('address')], ['0x' + 'AB'.repeat(20)])).toBeNull();
    expect(encodeParams([P('string')], ['\uD800'])).toBeNull();
    expect(encodeParams([P('string')], ['a\uDC00'])).toBeNull();
    expect(encodeParams([P('string')], ['\u{10000}'])).toBe(coder.encode(['string'], ['\u{10000}']).slice(2));
    // non-canonical data: dirty high bits, a bool of 2, an unaligned or out-of-range offset, invalid UTF-8, truncation
    const w = (x: string) => x.padStart(64, '0');
    expect(decodeParams([P('address')], bytesOf('ff' + '00'.repeat(11) + '11'.repeat(20)))).toBeNull();
    expect(decodeParams([P('uint8')], bytesOf(w('100')))).toBeNull();
    expect(decodeParams([P('bool')], bytesOf(w('2')))).toBeNull();
    expect(decodeParams([P('string')], bytesOf(w('21') + w('1') + 'ff'.padEnd(64, '0')))).toBeNull();
    expect(decodeParams([P('string')], bytesOf(w('20') + w('1') + 'ff'.padEnd(64, '0')))).toBeNull();
    expect(decodeParams([P('string')], bytesOf(w('20') + w('40')))).toBeNull();
    expect(decodeParams([P('uint256[]')], bytesOf(w('20') + w('2') + w('1')))).toBeNull();
    expect(decodeParams([P('uint256')], new Uint8Array(31))).toBeNull();
    // a leading byte-order mark stays in the string, as with ethers
    const bom = coder.encode(['string'], ['\uFEFFx']);
    expect(decodeParams([P('string')], bytesOf(bom))).toEqual(['\uFEFFx']);
  });
});
