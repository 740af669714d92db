/**
 * Blocks: a model written as a list of named steps, in two shapes. Neither knows anything about
 * FLock; both are plain data plus functions, so a model can be read, reordered and documented.
 *
 * 1. `BlockList`: an ordered, named list of blocks for event-driven models (after the CADLabs
 *    Ethereum Economic Model's `state_update_blocks`). `list.run(state, ctx)` runs every block in
 *    order; `insertBefore`, `insertAfter`, `replace` and `remove` return a new list, so a variant
 *    of a model is the base list plus a few edits; `describe()` gives the rows a doc is built from.
 *
 *      const day = new BlockList<State, Ctx>([mint, settle]).insertAfter('mint', audit);
 *      day.run(state, ctx);
 *
 * 2. `runFixedStep`: a fixed-step model in the cadCAD/radCAD shape, each timestep an event on
 *    the kernel's clock (`startFixedStep` puts one on an existing Environment). A timestep runs
 *    the partial state update blocks in order (substep 1, 2, …). In each block the policies see
 *    the state and return signal objects of numbers; signals with the same key are summed
 *    (radCAD's default aggregation; a key no policy returned is absent); then every variable
 *    update of the block is computed from the same state (the previous substep's) and all are
 *    written together. Variables a block does not update keep their value.
 *
 *      const history = runFixedStep({
 *        initialState: { a: 1, b: 2 },
 *        params: { a_param: 1 },
 *        blocks: [{
 *          policies: { p1: () => ({ step_size: 1 }), p2: () => ({ step_size: 1 }) },
 *          variables: {
 *            a: (_p, _sub, _h, s) => s.a * Math.abs(Math.cos(s.a)),
 *            b: (p, _sub, _h, s, signals) => s.b + signals.step_size * p.a_param,
 *          },
 *        }],
 *        timesteps: 1000,
 *      });
 *      history.at(-1).b;          // 2 + 2·1·1000
 *
 *    History: one state per timestep (after its last substep), index 0 = the initial state, so
 *    T + 1 states. (radCAD also keeps every substep; here a substep's state lives only until the
 *    next one.) When every initial value is a number, the history is stored as one Float64Array
 *    per variable ('columns'), and every update must return a number; otherwise it is an array of
 *    state objects ('objects'). Either way `history.at(t)` gives a state object and
 *    `history.column(key)` one variable's trajectory.
 *
 *    The `state` given to policies and updates is the current state; treat it as read-only and
 *    do not keep it (in 'columns' storage it is one object, overwritten after each substep): use
 *    `history.at(t)` for past states. `history.length` is the number of states recorded so far,
 *    which is also the index of the timestep being computed.
 *
 *    Speed (radCAD's benchmark model, 5 policies, full history): a few million timesteps per CPU
 *    second. In 'columns' storage a timestep allocates only the policies' own signal objects and,
 *    with two or more policies, their sum ('objects' storage adds a state object per substep);
 *    state writes and history records go through small functions compiled for the model's
 *    variable names (see `compiled`).
 */
import { Environment, type Signal } from './env.js';

// ---------------------------------------------------------------------------------------------
// Named block lists
// ---------------------------------------------------------------------------------------------

/** One named step of an event-driven model. */
export interface Block<S, C = void> {
  /** Unique within its list; the anchor for insertBefore/insertAfter/replace/remove. */
  readonly name: string;
  /** One line saying what the block does. */
  readonly description: string;
  /** The contract calls the block makes (informational, for docs). */
  readonly calls?: readonly string[];
  /** The doc section the block implements, e.g. 'docs/model.md#gamma-split'. */
  readonly source?: string;
  /** Applies the block to `state`. */
  run(state: S, ctx: C): void;
}

/** A row of `BlockList.describe()`. */
export interface BlockRow {
  name: string;
  description: string;
  calls: readonly string[];
  source: string | undefined;
}

/** An immutable, ordered list of uniquely named blocks. Edits return a new list. */
export class BlockList<S, C = void> implements Iterable<Block<S, C>> {
  private readonly blocks: readonly Block<S, C>[];

  /** Throws if a name is empty or appears twice. */
  constructor(blocks: readonly Block<S, C>[] = []) {
    const seen = new Set<string>();
    for (const b of blocks) {
      if (typeof b.name !== 'string' || b.name === '') throw new Error('BlockList: every block needs a non-empty name');
      if (seen.has(b.name)) throw new Error(`BlockList: duplicate block name "${b.name}"`);
      seen.add(b.name);
    }
    this.blocks = Object.freeze([...blocks]);
  }

  /** Number of blocks. */
  get length(): number {
    return this.blocks.length;
  }

  /** The block names, in order. */
  names(): string[] {
    return this.blocks.map((b) => b.name);
  }

  /** True if a block is named `name`. */
  has(name: string): boolean {
    return this.blocks.some((b) => b.name === name);
  }

  /** The block named `name`; throws if there is none. */
  get(name: string): Block<S, C> {
    return this.blocks[this.indexOf('get', name)];
  }

  /** Runs every block in order on `state`. */
  run(state: S, ctx: C): void {
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) blocks[i].run(state, ctx);
  }

  /** A new list with `block` just before the block named `anchor`. */
  insertBefore(anchor: string, block: Block<S, C>): BlockList<S, C> {
    return this.splice('insertBefore', this.indexOf('insertBefore', anchor), 0, block);
  }

  /** A new list with `block` just after the block named `anchor`. */
  insertAfter(anchor: string, block: Block<S, C>): BlockList<S, C> {
    return this.splice('insertAfter', this.indexOf('insertAfter', anchor) + 1, 0, block);
  }

  /** A new list with `block` (which may have another name) in place of the block named `name`. */
  replace(name: string, block: Block<S, C>): BlockList<S, C> {
    return this.splice('replace', this.indexOf('replace', name), 1, block);
  }

  /** A new list without the block named `name`. */
  remove(name: string): BlockList<S, C> {
    const i = this.indexOf('remove', name);
    return new BlockList([...this.blocks.slice(0, i), ...this.blocks.slice(i + 1)]);
  }

  /** A new list with `block` at the end. */
  append(block: Block<S, C>): BlockList<S, C> {
    return this.splice('append', this.blocks.length, 0, block);
  }

  /** One row per block, in order: what a doc table of the model is generated or checked from. */
  describe(): BlockRow[] {
    return this.blocks.map((b) => ({ name: b.name, description: b.description, calls: b.calls ?? [], source: b.source }));
  }

  [Symbol.iterator](): Iterator<Block<S, C>> {
    return this.blocks[Symbol.iterator]();
  }

  private known(): string {
    return this.blocks.length === 0 ? 'none' : this.names().join(', ');
  }

  private indexOf(op: string, name: string): number {
    const i = this.blocks.findIndex((b) => b.name === name);
    if (i < 0) throw new Error(`BlockList.${op}: no block named "${name}" (blocks: ${this.known()})`);
    return i;
  }

  private splice(op: string, at: number, drop: number, block: Block<S, C>): BlockList<S, C> {
    const next = [...this.blocks];
    next.splice(at, drop);
    if (next.some((b) => b.name === block.name)) {
      throw new Error(`BlockList.${op}: a block named "${block.name}" is already in the list (blocks: ${this.known()})`);
    }
    next.splice(at, 0, block);
    return new BlockList(next);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixed-step (cadCAD/radCAD-style) models
// ---------------------------------------------------------------------------------------------

/** Policy signals: numbers by key. Signals of a block's policies with the same key are summed. */
export type Signals = Record<string, number>;

/** The history as policies and updates see it: states 0 … length − 1 (completed timesteps). */
export interface HistoryView<S> {
  /** States recorded so far; also the index of the timestep being computed. */
  readonly length: number;
  /** State at timestep `t` (a negative `t` counts from the end). A fresh object in 'columns' storage. */
  at(t: number): S;
  /** One variable at timestep `t`, without building a state object. */
  get<K extends keyof S>(t: number, key: K): S[K];
}

/**
 * A policy: returns signals from the current state. `substep` is the block's 1-based index.
 * (NoInfer: the signal type G comes from a type argument, or is Signals, never from one policy.)
 */
export type Policy<S, P, G = Signals> = (params: P, substep: number, history: HistoryView<S>, state: Readonly<S>) => NoInfer<Partial<G>>;

/** A state update: returns the variable's new value, from the state before this substep and the summed signals. */
export type StateUpdate<S, P, K extends keyof S, G = Signals> = (
  params: P,
  substep: number,
  history: HistoryView<S>,
  state: Readonly<S>,
  signals: Readonly<G>,
) => S[K];

/** One substep: policies (signals) then state updates. Variables not listed keep their value. */
export interface PartialStateUpdateBlock<S, P, G = Signals> {
  /** Optional name, used in error messages. */
  readonly label?: string;
  readonly policies?: { readonly [name: string]: Policy<S, P, G> };
  readonly variables: { readonly [K in keyof S]?: StateUpdate<S, P, K, G> };
}

/** A fixed-step model: what `runFixedStep` runs. */
export interface FixedStepModel<S, P, G = Signals> {
  initialState: S;
  blocks: readonly PartialStateUpdateBlock<S, P, G>[];
  params: P;
  /** Number of timesteps T (integer ≥ 0). */
  timesteps: number;
}

/** How the history is stored: 'auto' picks 'columns' when every initial value is a number. */
export type HistoryStorage = 'auto' | 'columns' | 'objects';

export interface FixedStepOptions {
  /** Simulated seconds per timestep (> 0); default 1. Timestep t runs at start + t·dt. */
  dt?: number;
  /** History storage; default 'auto'. */
  storage?: HistoryStorage;
}

/** The states of a fixed-step run, index 0 = the initial state. */
export class History<S> implements HistoryView<S>, Iterable<S> {
  /** Number of states recorded. */
  length = 0;
  /** The state variables, in the initial state's key order. */
  readonly keys: readonly (keyof S & string)[];
  readonly storage: 'columns' | 'objects';
  private readonly cols: Float64Array[];
  private readonly states: S[];
  /** `(cols, t, s) => { cols[0][t] = s["a"]; cols[1][t] = s["b"]; … }`, compiled for the keys. */
  private readonly recordColumns: (cols: Float64Array[], t: number, state: S) => void;

  /** @internal Made by `startFixedStep`, which records into it. */
  constructor(keys: readonly (keyof S & string)[], storage: 'columns' | 'objects', capacity: number) {
    this.keys = keys;
    this.storage = storage;
    this.cols = storage === 'columns' ? keys.map(() => new Float64Array(capacity)) : [];
    this.states = [];
    this.recordColumns = compiled(['cols', 't', 's'], keys.map((k, i) => `cols[${i}][t] = s[${JSON.stringify(k)}];`));
  }

  at(t: number): S {
    const i = this.index(t);
    if (this.storage === 'objects') return this.states[i];
    const s = {} as Record<string, number>;
    for (let k = 0; k < this.keys.length; k++) s[this.keys[k]] = this.cols[k][i];
    return s as S;
  }

  get<K extends keyof S>(t: number, key: K): S[K] {
    const i = this.index(t);
    if (this.storage === 'objects') return this.states[i][key];
    return this.cols[this.keyIndex(key)][i] as S[K];
  }

  /** The last state recorded. */
  get last(): S {
    return this.at(-1);
  }

  /** One variable over time: a Float64Array view (no copy) in 'columns' storage, else a new array. */
  column<K extends keyof S>(key: K): ArrayLike<S[K]> {
    const k = this.keyIndex(key);
    if (this.storage === 'objects') return this.states.map((s) => s[key]);
    return this.cols[k].subarray(0, this.length) as unknown as ArrayLike<S[K]>;
  }

  /** Every state as an object, index 0 = initial. */
  toArray(): S[] {
    if (this.storage === 'objects') return this.states.slice();
    const out: S[] = new Array(this.length);
    for (let t = 0; t < this.length; t++) out[t] = this.at(t);
    return out;
  }

  *[Symbol.iterator](): Iterator<S> {
    for (let t = 0; t < this.length; t++) yield this.at(t);
  }

  /** @internal Appends `state` (copied in 'columns' storage, kept as is in 'objects'). */
  _record(state: S): void {
    const t = this.length++;
    if (this.storage === 'objects') {
      this.states.push(state);
      return;
    }
    this.recordColumns(this.cols, t, state);
  }

  private index(t: number): number {
    const i = t < 0 ? this.length + t : t;
    if (!Number.isInteger(t) || i < 0 || i >= this.length) {
      throw new RangeError(`History: timestep ${t} is out of range (${this.length} states recorded)`);
    }
    return i;
  }

  private keyIndex(key: keyof S): number {
    const k = this.keys.indexOf(key as keyof S & string);
    if (k < 0) throw new Error(`History: no state variable "${String(key)}" (state: ${this.keys.join(', ')})`);
    return k;
  }
}

/**
 * A function made from source lines (`new Function`). Used only to turn a loop over a model's
 * variable names into one named property access per variable: `obj[keys[i]]` in a loop is a
 * keyed, polymorphic access and several times slower. Keys are quoted with JSON.stringify.
 */
function compiled<F>(args: string[], lines: string[]): F {
  return new Function(...args, lines.join('\n')) as F;
}

type AnyPolicy = (params: unknown, substep: number, history: unknown, state: unknown) => Record<string, unknown>;
type AnyUpdate = (params: unknown, substep: number, history: unknown, state: unknown, signals: unknown) => unknown;

/** A block prepared for the hot loop: arrays instead of records, a reusable output buffer. */
interface Compiled {
  label: string;
  policyNames: string[];
  policies: AnyPolicy[];
  keys: string[];
  updates: AnyUpdate[];
  out: unknown[];
  /** `(s, out) => { s["k0"] = out[0]; … }` for this block's keys. */
  write: (state: Record<string, unknown>, out: unknown[]) => void;
}

const NO_SIGNALS: Signals = Object.freeze({});

/**
 * Starts a fixed-step model on `env`: timestep t (1 … T) is an event at now + t·dt; the caller
 * runs the environment (other processes may share it: events at the same time run in scheduling
 * order). Returns the history, filled as the run goes, and a signal fired with it after the last
 * timestep (`yield finished` in a process waits for the run). Use `runFixedStep` for a model alone.
 */
export function startFixedStep<S extends object, P, G = Signals>(
  env: Environment,
  model: FixedStepModel<S, P, G>,
  opts: FixedStepOptions = {},
): { history: History<S>; finished: Signal<History<S>> } {
  const T = model.timesteps;
  if (!Number.isInteger(T) || T < 0) throw new RangeError(`runFixedStep: timesteps must be an integer ≥ 0, got ${T}`);
  const dt = opts.dt ?? 1;
  if (!(dt > 0) || dt === Infinity) throw new RangeError(`runFixedStep: dt must be a finite number > 0, got ${dt}`);
  const init = model.initialState as Record<string, unknown>;
  if (typeof init !== 'object' || init === null) throw new Error('runFixedStep: initialState must be an object');
  const stateKeys = Object.keys(init) as (keyof S & string)[];

  const numeric = stateKeys.every((k) => typeof init[k] === 'number');
  const storage = opts.storage ?? 'auto';
  if (storage === 'columns' && !numeric) {
    const k = stateKeys.find((x) => typeof init[x] !== 'number');
    throw new Error(`runFixedStep: storage 'columns' needs numbers, but initialState.${k} is ${typeof init[k as string]}`);
  }
  const columns = storage === 'columns' || (storage === 'auto' && numeric);

  const blocks: Compiled[] = model.blocks.map((b, i) => {
    const label = b.label === undefined ? `block ${i + 1}` : `block ${i + 1} ("${b.label}")`;
    const policyNames = Object.keys(b.policies ?? {});
    const policies = policyNames.map((name) => {
      const f = (b.policies as Record<string, unknown>)[name];
      if (typeof f !== 'function') throw new Error(`runFixedStep: ${label}: policy "${name}" is not a function`);
      return f as AnyPolicy;
    });
    const keys = Object.keys(b.variables ?? {});
    const updates = keys.map((key) => {
      if (!stateKeys.includes(key as keyof S & string)) {
        throw new Error(`runFixedStep: ${label} updates "${key}", which is not a state variable (state: ${stateKeys.join(', ')})`);
      }
      const f = (b.variables as Record<string, unknown>)[key];
      if (typeof f !== 'function') throw new Error(`runFixedStep: ${label}: the update of "${key}" is not a function`);
      return f as AnyUpdate;
    });
    const write = compiled<Compiled['write']>(['s', 'out'], keys.map((k, u) => `s[${JSON.stringify(k)}] = out[${u}];`));
    return { label, policyNames, policies, keys, updates, out: new Array<unknown>(keys.length).fill(0), write };
  });

  const history = new History<S>(stateKeys, columns ? 'columns' : 'objects', T + 1);
  const params = model.params;
  // 'columns': one mutable state object, overwritten after each substep. 'objects': a new object per substep.
  let state = { ...init };
  history._record(state as S);

  const badSignal = (b: Compiled, p: number, out: unknown): never => {
    const what = out !== null && typeof out === 'object' ? `signal ${JSON.stringify(out)}` : String(out);
    throw new Error(`runFixedStep: ${b.label}: policy "${b.policyNames[p]}" returned ${what}: a policy returns an object of numbers`);
  };

  /** Runs one timestep: every block in order, then records the state. */
  const step = (): void => {
    for (let bi = 0; bi < blocks.length; bi++) {
      const b = blocks[bi];
      const substep = bi + 1;
      const policies = b.policies;
      let signals: Record<string, unknown>;
      if (policies.length === 0) {
        signals = NO_SIGNALS;
      } else if (policies.length === 1) {
        // One policy: its signals are used as returned (nothing to sum), once checked.
        signals = policies[0](params, substep, history, state);
        if (signals === null || typeof signals !== 'object') badSignal(b, 0, signals);
        for (const key in signals) if (typeof signals[key] !== 'number') badSignal(b, 0, signals);
      } else {
        const sum: Record<string, number> = {};
        for (let p = 0; p < policies.length; p++) {
          const out = policies[p](params, substep, history, state);
          if (out === null || typeof out !== 'object') badSignal(b, p, out);
          for (const key in out) {
            const v = out[key];
            if (typeof v !== 'number') badSignal(b, p, out);
            const acc = sum[key];
            sum[key] = acc === undefined ? (v as number) : acc + (v as number);
          }
        }
        signals = sum;
      }
      // Every update reads the same (previous) state; the new values are written together after.
      const updates = b.updates;
      const out = b.out;
      const keys = b.keys;
      for (let u = 0; u < updates.length; u++) out[u] = updates[u](params, substep, history, state, signals);
      if (columns) {
        for (let u = 0; u < keys.length; u++) {
          const v = out[u];
          if (typeof v !== 'number') {
            throw new Error(`runFixedStep: ${b.label}: the update of "${keys[u]}" returned ${String(v)} (${typeof v}); this history stores numbers`);
          }
        }
        b.write(state, out);
      } else {
        state = { ...state };
        b.write(state, out);
      }
    }
    history._record(state as S);
  };

  // Each timestep is one event at start + t·dt (computed from t, not accumulated, so no rounding
  // builds up); it schedules the next. A callback rather than a process: it costs less per event.
  const start = env.now;
  const finished = env.signal<History<S>>();
  let t = 0;
  const tick = (): void => {
    step();
    if (++t < T) env.at(start + (t + 1) * dt, tick);
    else finished.fire(history);
  };
  if (T > 0) env.at(start + dt, tick);
  else finished.fire(history);
  return { history, finished };
}

/**
 * Runs a fixed-step model alone on a new Environment (clock from `start`, default 0) and returns
 * its history: T + 1 states, index 0 = `initialState`.
 */
export function runFixedStep<S extends object, P, G = Signals>(
  model: FixedStepModel<S, P, G>,
  opts: FixedStepOptions & { start?: number } = {},
): History<S> {
  const env = new Environment({ start: opts.start ?? 0 });
  const { history, finished } = startFixedStep(env, model, opts);
  env.run();
  if (!finished.fired) throw new Error(`runFixedStep: the run stopped after ${history.length - 1} of ${model.timesteps} timesteps`);
  return history;
}
