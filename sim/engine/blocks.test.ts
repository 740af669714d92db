import { describe, expect, it } from 'vitest';
import { BlockList, runFixedStep, startFixedStep, type Block, type PartialStateUpdateBlock } from './blocks.js';
import { Environment } from './env.js';

type Log = string[];
const block = (name: string, extra: Partial<Block<Log>> = {}): Block<Log> => ({
  name,
  description: `logs ${name}`,
  run: (log) => void log.push(name),
  ...extra,
});
const abc = new BlockList<Log>([block('a'), block('b'), block('c')]);
const ran = (list: BlockList<Log>): Log => {
  const log: Log = [];
  list.run(log);
  return log;
};

describe('BlockList', () => {
  it('runs its blocks in order, passing state and ctx', () => {
    expect(ran(abc)).toEqual(['a', 'b', 'c']);
    expect(abc.names()).toEqual(['a', 'b', 'c']);
    expect(abc.length).toBe(3);
    const seen: number[] = [];
    const withCtx = new BlockList<number[], number>([
      { name: 'x', description: '', run: (s, k) => void s.push(k) },
      { name: 'y', description: '', run: (s, k) => void s.push(k * 10) },
    ]);
    withCtx.run(seen, 7);
    expect(seen).toEqual([7, 70]);
  });

  it('insertBefore, insertAfter, replace, remove and append return new lists and leave the old one alone', () => {
    expect(ran(abc.insertBefore('a', block('x')))).toEqual(['x', 'a', 'b', 'c']);
    expect(ran(abc.insertBefore('c', block('x')))).toEqual(['a', 'b', 'x', 'c']);
    expect(ran(abc.insertAfter('a', block('x')))).toEqual(['a', 'x', 'b', 'c']);
    expect(ran(abc.insertAfter('c', block('x')))).toEqual(['a', 'b', 'c', 'x']);
    expect(ran(abc.replace('b', block('x')))).toEqual(['a', 'x', 'c']);
    expect(ran(abc.replace('b', block('b', { run: (log) => void log.push('b2') })))).toEqual(['a', 'b2', 'c']);
    expect(ran(abc.remove('b'))).toEqual(['a', 'c']);
    expect(ran(abc.remove('a').remove('b').remove('c'))).toEqual([]);
    expect(ran(abc.append(block('x')))).toEqual(['a', 'b', 'c', 'x']);
    expect(abc.names()).toEqual(['a', 'b', 'c']);
    expect(abc.has('b')).toBe(true);
    expect(abc.has('x')).toBe(false);
    expect(abc.get('b').description).toBe('logs b');
    expect([...abc].map((b) => b.name)).toEqual(['a', 'b', 'c']);
  });

  it('names the unknown block and lists the known ones', () => {
    expect(() => abc.insertBefore('zz', block('x'))).toThrow(new Error('BlockList.insertBefore: no block named "zz" (blocks: a, b, c)'));
    expect(() => abc.insertAfter('zz', block('x'))).toThrow(new Error('BlockList.insertAfter: no block named "zz" (blocks: a, b, c)'));
    expect(() => abc.replace('zz', block('x'))).toThrow(new Error('BlockList.replace: no block named "zz" (blocks: a, b, c)'));
    expect(() => abc.remove('zz')).toThrow(new Error('BlockList.remove: no block named "zz" (blocks: a, b, c)'));
    expect(() => abc.get('zz')).toThrow(new Error('BlockList.get: no block named "zz" (blocks: a, b, c)'));
    expect(() => new BlockList<Log>().remove('a')).toThrow(new Error('BlockList.remove: no block named "a" (blocks: none)'));
  });

  it('refuses duplicate names', () => {
    expect(() => new BlockList<Log>([block('a'), block('b'), block('a')])).toThrow(new Error('BlockList: duplicate block name "a"'));
    expect(() => new BlockList<Log>([block('')])).toThrow(new Error('BlockList: every block needs a non-empty name'));
    expect(() => abc.insertBefore('a', block('c'))).toThrow(
      new Error('BlockList.insertBefore: a block named "c" is already in the list (blocks: a, b, c)'),
    );
    expect(() => abc.insertAfter('a', block('b'))).toThrow(
      new Error('BlockList.insertAfter: a block named "b" is already in the list (blocks: a, b, c)'),
    );
    expect(() => abc.replace('b', block('c'))).toThrow(new Error('BlockList.replace: a block named "c" is already in the list (blocks: a, b, c)'));
    expect(() => abc.append(block('a'))).toThrow(new Error('BlockList.append: a block named "a" is already in the list (blocks: a, b, c)'));
  });

  it('describe() gives one row per block, in order', () => {
    const list = abc.replace('b', block('b', { description: 'splits γ', calls: ['TaskManager.settle'], source: 'docs/model.md#gamma-split' }));
    expect(list.describe()).toEqual([
      { name: 'a', description: 'logs a', calls: [], source: undefined },
      { name: 'b', description: 'splits γ', calls: ['TaskManager.settle'], source: 'docs/model.md#gamma-split' },
      { name: 'c', description: 'logs c', calls: [], source: undefined },
    ]);
  });
});

// radCAD's benchmark model (radcad/benchmarks): five policies each return step_size = 1.
type AB = { a: number; b: number };
const one = () => ({ step_size: 1 });
const radcadBlocks: PartialStateUpdateBlock<AB, { a_param: number }>[] = [
  {
    policies: { p1: one, p2: one, p3: one, p4: one, p5: one },
    variables: {
      a: (_p, _sub, _h, s) => s.a * Math.abs(Math.cos(s.a)),
      b: (p, _sub, _h, s, signals) => s.b + signals.step_size * p.a_param,
    },
  },
];

describe('runFixedStep', () => {
  it("runs radCAD's benchmark model to its closed form b = 2 + 5·a_param·T, exactly", () => {
    for (const a_param of [1, 2]) {
      const T = 1000;
      const h = runFixedStep({ initialState: { a: 1, b: 2 }, params: { a_param }, blocks: radcadBlocks, timesteps: T });
      expect(h.length).toBe(T + 1);
      expect(h.storage).toBe('columns');
      expect(h.get(T, 'b')).toBe(2 + 5 * a_param * T);
      expect(h.at(-1).b).toBe(2 + 5 * a_param * T);
      expect(h.at(0)).toEqual({ a: 1, b: 2 });
      expect(h.get(1, 'a')).toBe(Math.cos(1));
      const b = h.column('b');
      for (let t = 0; t <= T; t++) expect(b[t]).toBe(2 + 5 * a_param * t);
      // the same run with history as state objects gives the same states
      const o = runFixedStep({ initialState: { a: 1, b: 2 }, params: { a_param }, blocks: radcadBlocks, timesteps: T }, { storage: 'objects' });
      expect(o.storage).toBe('objects');
      expect(o.toArray()).toEqual(h.toArray());
    }
  });

  it('computes every update of a block from the previous state (a swap swaps)', () => {
    const swap: PartialStateUpdateBlock<AB, null>[] = [{ variables: { a: (_p, _sub, _h, s) => s.b, b: (_p, _sub, _h, s) => s.a } }];
    for (const storage of ['columns', 'objects'] as const) {
      const h = runFixedStep({ initialState: { a: 1, b: 2 }, params: null, blocks: swap, timesteps: 3 }, { storage });
      expect(h.toArray()).toEqual([
        { a: 1, b: 2 },
        { a: 2, b: 1 },
        { a: 1, b: 2 },
        { a: 2, b: 1 },
      ]);
    }
  });

  it('sums the signals of a block per key, and a later block sees the earlier substep', () => {
    type S = { x: number; y: number; seen: number };
    const signalsSeen: Record<string, number>[] = [];
    const h = runFixedStep({
      initialState: { x: 0, y: 0, seen: 0 },
      params: {},
      blocks: [
        {
          label: 'sum',
          policies: { p: () => ({ dx: 1, dy: 10 }), q: () => ({ dx: 2 }), r: () => ({ dz: 5, dy: 100 }) },
          variables: {
            x: (_p, _sub, _h, s, sig) => {
              signalsSeen.push({ ...sig });
              return s.x + sig.dx;
            },
            y: (_p, _sub, _h, s, sig) => s.y + sig.dy,
          },
        },
        { variables: { seen: (_p, substep, _h, s: Readonly<S>) => s.x * 1000 + substep } },
      ],
      timesteps: 2,
    });
    expect(signalsSeen).toEqual([
      { dx: 3, dy: 110, dz: 5 },
      { dx: 3, dy: 110, dz: 5 },
    ]);
    expect(h.toArray()).toEqual([
      { x: 0, y: 0, seen: 0 },
      { x: 3, y: 110, seen: 3002 },
      { x: 6, y: 220, seen: 6002 },
    ]);
  });

  it('gives policies the history so far: history.length is the timestep being computed', () => {
    const lengths: number[] = [];
    const h = runFixedStep({
      initialState: { n: 5 },
      params: null,
      blocks: [
        {
          policies: {
            p: (_p, _sub, hist) => {
              lengths.push(hist.length);
              return { prev: hist.length >= 2 ? hist.get(hist.length - 2, 'n') : 0 };
            },
          },
          variables: { n: (_p, _sub, _h, s, sig) => s.n + sig.prev },
        },
      ],
      timesteps: 4,
    });
    expect(lengths).toEqual([1, 2, 3, 4]);
    expect(h.column('n')).toEqual(new Float64Array([5, 5, 10, 15, 25])); // n_t = n_{t-1} + n_{t-2}
  });

  it('runs each timestep as an event on the clock, so it shares an environment with processes', () => {
    const env = new Environment({ start: 100 });
    const times: number[] = [];
    const { history, finished } = startFixedStep(env, {
      initialState: { t: 0 },
      params: env,
      blocks: [{ variables: { t: (e) => e.now } }],
      timesteps: 3,
    }, { dt: 60 });
    env.process(
      (function* () {
        const h = yield finished;
        times.push(env.now, (h as typeof history).length);
      })(),
    );
    env.run();
    expect(history.column('t')).toEqual(new Float64Array([0, 160, 220, 280]));
    expect(times).toEqual([280, 4]);
  });

  it('keeps non-numeric states as objects, and T = 0 gives the initial state only', () => {
    const h = runFixedStep({
      initialState: { word: 'a', n: 0 },
      params: null,
      blocks: [{ variables: { word: (_p, _sub, _h, s) => s.word + 'b', n: (_p, _sub, _h, s) => s.n + 1 } }],
      timesteps: 2,
    });
    expect(h.storage).toBe('objects');
    expect(h.toArray()).toEqual([{ word: 'a', n: 0 }, { word: 'ab', n: 1 }, { word: 'abb', n: 2 }]);
    const zero = runFixedStep({ initialState: { a: 1, b: 2 }, params: { a_param: 1 }, blocks: radcadBlocks, timesteps: 0 });
    expect(zero.toArray()).toEqual([{ a: 1, b: 2 }]);
  });

  it('names the block, policy or variable at fault', () => {
    const model = { initialState: { a: 1, b: 2 }, params: { a_param: 1 }, timesteps: 1 };
    expect(() => runFixedStep({ ...model, blocks: [{ label: 'bad', variables: { c: () => 1 } as never }] })).toThrow(
      new Error('runFixedStep: block 1 ("bad") updates "c", which is not a state variable (state: a, b)'),
    );
    expect(() => runFixedStep({ ...model, blocks: [{ policies: { p: () => ({ s: 'x' }) as never, q: one }, variables: {} }] })).toThrow(
      new Error('runFixedStep: block 1: policy "p" returned signal {"s":"x"}: a policy returns an object of numbers'),
    );
    expect(() => runFixedStep({ ...model, blocks: [{ policies: { p: () => undefined as never }, variables: {} }] })).toThrow(
      new Error('runFixedStep: block 1: policy "p" returned undefined: a policy returns an object of numbers'),
    );
    expect(() => runFixedStep({ ...model, blocks: [{ variables: { a: () => 'x' as never } }] })).toThrow(
      new Error('runFixedStep: block 1: the update of "a" returned x (string); this history stores numbers'),
    );
    expect(() => runFixedStep({ ...model, timesteps: 1.5, blocks: [] })).toThrow(new RangeError('runFixedStep: timesteps must be an integer ≥ 0, got 1.5'));
    expect(() => runFixedStep({ ...model, blocks: [] }).at(2)).toThrow(new RangeError('History: timestep 2 is out of range (2 states recorded)'));
  });
});
