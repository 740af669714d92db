/**
 * The discrete-event kernel: a clock, an event queue, and processes written as generators
 * (modelled on SimPy). It knows nothing about FLock; agents carry their behaviour.
 *
 *   const env = new Environment({ start: 1_735_689_600 });
 *   env.process((function* () {
 *     yield 60;                  // wait 60 simulated seconds
 *     const v = yield signal;    // wait until signal.fire(v)
 *   })());
 *   env.run(env.now + DAY);
 *
 * Events run in (time, scheduling order): ties at the same time are FIFO, including events
 * scheduled at the current time from inside a running callback. Time is unix seconds
 * (a plain number; fractional times are allowed).
 */
import { EventHeap } from './heap.js';

/** What a process may yield: a delay in seconds, or a Signal to wait for. */
export type Yield = number | Signal<any>;

/** A process body: a generator yielding delays or signals; `yield signal` returns the fired value. */
export type ProcessBody = Generator<Yield, void, unknown>;

/** A queued event's target: a callback (given the event's value) or a process to resume. */
type Target = ((value: any) => void) | Process;

/**
 * A one-shot event. `fire(value)` wakes every waiter at the current time (each through the queue,
 * in the order they began to wait); the value is what their `yield` returns. Waiting on a signal
 * that has already fired resumes at the current time with its value. A signal cannot be re-armed:
 * for a recurring condition make a new one each time (they are small).
 */
export class Signal<T = void> {
  /** True once `fire` was called. */
  fired = false;
  /** The fired value (undefined until fired). */
  value: T | undefined = undefined;
  // The first waiter lives in a field, so the common single-waiter case allocates no array.
  private w0: Target | null = null;
  private more: Target[] | null = null;

  constructor(readonly env: Environment) {}

  /** Fires the signal: every waiter resumes at `env.now` with `value`. Throws if already fired. */
  fire(value: T): void {
    if (this.fired) throw new Error('Signal.fire: this signal has already fired (signals are one-shot; make a new one)');
    this.fired = true;
    this.value = value;
    const env = this.env;
    if (this.w0 !== null) {
      env._schedule(env.now, this.w0, value);
      this.w0 = null;
      const more = this.more;
      if (more !== null) {
        for (let i = 0; i < more.length; i++) env._schedule(env.now, more[i], value);
        this.more = null;
      }
    }
  }

  /**
   * Calls `fn(value)` (through the queue, at the firing time) when the signal fires, or at the
   * current time if it already has. (Not named `then`, so a Signal is never taken for a Promise.)
   */
  onFire(fn: (value: T) => void): void {
    this._wait(fn);
  }

  /** @internal Registers a waiter; used by processes that yield this signal. */
  _wait(w: Target): void {
    if (this.fired) this.env._schedule(this.env.now, w, this.value);
    else if (this.w0 === null) this.w0 = w;
    else if (this.more === null) this.more = [w];
    else this.more.push(w);
  }
}

/** A running generator. Created by `env.process(gen)`; its first step runs at the current time. */
export class Process {
  /** True once the generator has returned. */
  done = false;
  private exit: Signal<void> | null = null;

  constructor(
    readonly env: Environment,
    private readonly gen: ProcessBody,
  ) {}

  /** A signal fired (with no value) when the process returns; `yield p.finished` waits for it. */
  get finished(): Signal<void> {
    if (this.exit === null) {
      this.exit = new Signal<void>(this.env);
      if (this.done) this.exit.fire();
    }
    return this.exit;
  }

  /** @internal Runs the generator up to its next yield, and schedules what it waits for. */
  _resume(value: unknown): void {
    const r = this.gen.next(value);
    if (r.done === true) {
      this.done = true;
      if (this.exit !== null) this.exit.fire();
      return;
    }
    const y = r.value;
    if (typeof y === 'number') {
      if (!(y >= 0) || y === Infinity) {
        throw new Error(`process yielded ${y}: a delay must be a finite number of seconds ≥ 0`);
      }
      this.env._schedule(this.env.now + y, this, undefined);
    } else if (y instanceof Signal) {
      y._wait(this);
    } else {
      throw new Error(`process yielded ${String(y)}: yield a delay in seconds or a Signal`);
    }
  }
}

/** The simulation environment: clock, event queue and run loop. */
export class Environment {
  /** The simulated clock, unix seconds. */
  now: number;
  /** Number of events processed so far (callbacks run and process steps), over all runs. */
  processed = 0;

  private readonly queue = new EventHeap<Target>();
  private stopped = false;
  private running = false;

  constructor(opts: { start?: number } = {}) {
    const start = opts.start ?? 0;
    if (!Number.isFinite(start)) throw new Error(`Environment: start must be a finite number of unix seconds, got ${start}`);
    this.now = start;
  }

  /** Number of events waiting in the queue. */
  get pending(): number {
    return this.queue.size;
  }

  /** Runs `fn` at absolute time `time` (≥ now). Same-time events run in scheduling order. */
  at(time: number, fn: () => void): void {
    if (!(time >= this.now) || time === Infinity) {
      throw new Error(`Environment.at: time ${time} is invalid: it must be a finite number ≥ now (${this.now})`);
    }
    this.queue.push(time, fn, undefined);
  }

  /** Runs `fn` after `delay` seconds (≥ 0). */
  after(delay: number, fn: () => void): void {
    if (!(delay >= 0) || delay === Infinity) {
      throw new Error(`Environment.after: delay ${delay} is invalid: it must be a finite number of seconds ≥ 0`);
    }
    this.queue.push(this.now + delay, fn, undefined);
  }

  /** Starts a process; its first step runs at the current time, after events already queued for now. */
  process(gen: ProcessBody): Process {
    const p = new Process(this, gen);
    this.queue.push(this.now, p, undefined);
    return p;
  }

  /** A new unfired Signal bound to this environment. */
  signal<T = void>(): Signal<T> {
    return new Signal<T>(this);
  }

  /**
   * Processes events in (time, seq) order until the queue is empty, `stop()` is called, or the
   * next event is after `until`. Events at exactly `until` do run. Unless stopped, the clock is
   * then set to `until` (when given). Errors thrown by callbacks or processes propagate.
   */
  run(until: number = Infinity): void {
    if (Number.isNaN(until) || until < this.now) {
      throw new Error(`Environment.run: until ${until} is invalid: it must be ≥ now (${this.now})`);
    }
    if (this.running) throw new Error('Environment.run: already running (run is not re-entrant)');
    this.running = true;
    this.stopped = false;
    const q = this.queue;
    try {
      while (q.size > 0 && !this.stopped) {
        if (q.peekTime() > until) break;
        const target = q.pop();
        this.now = q.poppedTime;
        this.processed++;
        if (typeof target === 'function') target(q.poppedValue);
        else target._resume(q.poppedValue);
      }
      if (!this.stopped && until !== Infinity) this.now = until;
    } finally {
      this.running = false;
    }
  }

  /** Ends the current `run` after the event being processed; the clock stays where it is. */
  stop(): void {
    this.stopped = true;
  }

  /** @internal Queues `target` at `time` with `value`, without validation (kernel use only). */
  _schedule(time: number, target: Target, value: unknown): void {
    this.queue.push(time, target, value);
  }
}

/**
 * A resource with `capacity` identical slots, granted first come, first served.
 *
 *   yield server.request();   // wait for a slot
 *   yield serviceTime;
 *   server.release();         // hand the slot to the next in line
 */
export class Resource {
  /** Slots currently held. */
  users = 0;
  private waiting: (Signal<void> | undefined)[] = [];
  private head = 0;

  constructor(
    readonly env: Environment,
    readonly capacity = 1,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`Resource: capacity must be an integer ≥ 1, got ${capacity}`);
    }
  }

  /** Requests waiting for a slot. */
  get queueLength(): number {
    return this.waiting.length - this.head;
  }

  /** Asks for a slot: the returned signal fires when it is granted (at once if one is free). */
  request(): Signal<void> {
    const s = new Signal<void>(this.env);
    if (this.users < this.capacity) {
      this.users++;
      s.fire();
    } else {
      this.waiting.push(s);
    }
    return s;
  }

  /** Gives a slot back; the longest-waiting request, if any, gets it now. */
  release(): void {
    if (this.users === 0) throw new Error('Resource.release: no slot is held');
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head] as Signal<void>;
      this.waiting[this.head++] = undefined;
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      next.fire(); // the slot passes straight to the waiter: users is unchanged
    } else {
      this.users--;
    }
  }
}
