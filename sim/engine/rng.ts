/**
 * Named random streams. Each stream is an Alea generator (seedrandom 3.0.5) seeded with
 * `${seed}/${run}/${name}`, so its sequence depends only on (seed, run, name): not on the order
 * streams are created, on other streams' draws, or on which worker runs the run. Give every
 * source of randomness its own name ("arrivals", "service", "agent:17/scores"), and adding a new
 * stream never shifts an existing one.
 */
import seedrandom from 'seedrandom';

/** A seeded random stream (see `stream`). */
export class RandomStream {
  /** The string the generator was seeded with: `${seed}/${run}/${name}`. */
  readonly key: string;
  private readonly prng: seedrandom.PRNG;
  // Box–Muller draws normals in pairs; the second one is kept for the next call.
  private spare = 0;
  private hasSpare = false;

  constructor(seed: string | number, run: number, name: string) {
    this.key = `${seed}/${run}/${name}`;
    this.prng = seedrandom.alea(this.key);
  }

  /** Uniform on [0, 1) (32-bit resolution). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n); n must be a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`RandomStream.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.prng() * n);
  }

  /** Exponential with the given rate (mean 1/rate); rate > 0. */
  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError(`RandomStream.exponential: rate must be > 0, got ${rate}`);
    return -Math.log(1 - this.prng()) / rate; // 1 - u is in (0, 1]: the log is finite
  }

  /** Normal with the given mean and standard deviation (Box–Muller); sd ≥ 0. */
  normal(mean: number, sd: number): number {
    if (!(sd >= 0)) throw new RangeError(`RandomStream.normal: sd must be ≥ 0, got ${sd}`);
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.prng()));
    const theta = 2 * Math.PI * this.prng();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return mean + sd * r * Math.cos(theta);
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(array: readonly T[]): T {
    if (array.length === 0) throw new RangeError('RandomStream.pick: the array is empty');
    return array[Math.floor(this.prng() * array.length)];
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const x = array[i];
      array[i] = array[j];
      array[j] = x;
    }
    return array;
  }
}

/** The random stream named `name` of run `run` under `seed`; see the module comment. */
export function stream(seed: string | number, run: number, name: string): RandomStream {
  return new RandomStream(seed, run, name);
}
