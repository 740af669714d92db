/**
 * `resultsHash` of many runs, fed as they land (docs/architecture.md#experiments): the same bytes
 * as hashRuns (sim/run/runSet.ts) over the runs in plan order, whatever order they finish in.
 * A hash is a stream, and its first table (agent_days, nearly all the bytes) is the runs' lines
 * one run after another: each run's agent lines go into the hash as soon as every run before it
 * has, and are then dropped, so the coordinator neither keeps every run's lines nor hashes them
 * all after the last run. The other tables are small and wait for the end.
 */
import { createHash, type Hash } from 'node:crypto';

/** A run's hash lines as UTF-8 bytes, one buffer per table (sim/run/runSet.ts runLineBytes). */
export type RunLineBytes = Record<string, Uint8Array>;

const STREAMED = 'agent_days';

export class RunsHash {
  private readonly h: Hash = createHash('sha256');
  private readonly position = new Map<number, number>();
  private readonly waiting = new Map<number, RunLineBytes>();
  /** Per position, the run's other tables, once its streamed table is in the hash. */
  private readonly rest: Array<RunLineBytes | undefined>;
  private next = 0;

  /** `runs`: the run indices in the order they are hashed (plan order). */
  constructor(runs: readonly number[]) {
    runs.forEach((run, i) => this.position.set(run, i));
    this.rest = new Array(runs.length);
    this.h.update(`#${STREAMED}\n`);
  }

  add(run: number, lines: RunLineBytes): void {
    const at = this.position.get(run);
    if (at === undefined) throw new Error(`run ${run} is not one of this hash's runs`);
    if (at < this.next || this.waiting.has(at)) throw new Error(`run ${run} was hashed already`);
    this.waiting.set(at, lines);
    for (let l = this.waiting.get(this.next); l; l = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      const { [STREAMED]: streamed, ...others } = l;
      if (streamed) this.h.update(streamed);
      this.rest[this.next++] = others;
    }
  }

  digest(): string {
    if (this.next < this.rest.length) throw new Error(`${this.rest.length - this.next} of ${this.rest.length} runs are not hashed yet`);
    const names = [...new Set(this.rest.flatMap((r) => Object.keys(r ?? {})))].sort();
    if (names.some((n) => n < STREAMED)) throw new Error(`table ${names[0]} would hash before ${STREAMED}`);
    for (const name of names) {
      this.h.update(`#${name}\n`);
      for (const r of this.rest) {
        const b = r?.[name];
        if (b) this.h.update(b);
      }
    }
    return this.h.digest('hex');
  }
}
