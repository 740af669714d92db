/**
 * The size guard (docs/architecture.md#size-guard): before an experiment starts, estimate its peak
 * memory from the population counts and refuse (exit 2, nothing written) when the estimate
 * exceeds 80 % of this machine's memory or `--max-memory`. Without it a scenario of 10 million
 * delegators ran for a minute and died out of heap with a raw engine dump (issue 13).
 *
 * The model is linear, fitted to peak RSS of whole `flock-lab run --workers 0` processes of
 * scenarios/paper-scale.ts at 1/8 to 1× the population and 1 to 24 days (bench/paperScale.ts
 * records peak RSS the same way): a fixed cost for the process, a cost per agent (the agent, its
 * accounts in the mirror, its pool or delegation, its lock) and a cost per agent-day (the rows kept
 * for every agent and day, and their copy when the store writes them).
 */
import { totalmem } from 'node:os';
import type { Scenario } from '../scenario/schema.js';
import { genesisRoles } from '../scenario/fromChain.js';
import { KEEP_ALL, samples, type RowOptions } from '../results/rowSample.js';

/** Bytes, fitted on Node 20 (x64) and rounded up, so the estimate errs high by 4–13 %: docs/architecture.md#size-guard. */
export const MEMORY_MODEL = {
  /** Node, the lab's modules, DuckDB and the mirror's genesis (fitted: about 177 MB). */
  processBytes: 200e6,
  /**
   * Per worker thread of the pool, runs aside: its isolate, the lab's modules again and its young
   * generation of up to 192 MB (THREAD_LIMITS in sim/experiments/pool.ts). Measured on the baseline
   * (peak RSS, one thread against none and two against one): 60 MB after 1-day runs, 160-230 MB
   * after 120-day runs, once the young generation has filled.
   */
  threadBytes: 250e6,
  /** Per agent for the whole run, rows aside (fitted: about 4,100). */
  agentBytes: 4_500,
  /** Per agent and simulated day: the agent's row, kept until the store writes it, and the write's copy (fitted: 1,760–2,010). */
  agentDayBytes: 2_000,
  /**
   * Per row of group_days a sampled run keeps (docs/architecture.md#rows-at-scale), with the
   * per-entity sums and the day's validator stakes: not fitted, a generous guess (a few dozen rows a day).
   */
  groupDayBytes: 2_000,
  /** Role and behaviour groups a sampled run is assumed to have each day (at most 5 roles × a few behaviours). */
  groups: 20,
  /**
   * Per agent of a sampled run, on top of agentBytes: its sums over the run (per entity, for the
   * report) and the run's extras holding them. Fitted: a paper-scale run with the default sample
   * peaked at 630 MB after 3 days and 640 MB after 6, where the terms above give 504 MB.
   */
  sampledAgentBytes: 2_500,
};

/** The share of os.totalmem() an experiment may be estimated to use without --max-memory. */
export const DEFAULT_MEMORY_SHARE = 0.8;

export interface PopulationCounts {
  nodes: number;
  validators: number;
  delegators: number;
}

/** The agents a run of `s` creates: the populations' counts, or the participants of its genesis. */
export function populationCounts(s: Scenario): PopulationCounts {
  if (s.genesis) {
    const r = genesisRoles(s.genesis);
    return { nodes: r.nodes.size, validators: r.validators.size, delegators: r.delegators.size };
  }
  const p = s.populations;
  return { nodes: p.nodes.count, validators: p.validators.count, delegators: p.delegators.count };
}

/** Agents whose rows a run of `agents` agents keeps under `rows` (every agent's by default). */
export function keptAgents(agents: number, rows: RowOptions = KEEP_ALL): number {
  return samples(rows, agents) ? Math.min(agents, rows.sample) : agents;
}

/** The estimated peak bytes of one run of `s`: the rows it keeps (every agent's, or a sample's and the group sums). */
export function estimateRunBytes(s: Scenario, rows: RowOptions = KEEP_ALL): number {
  const c = populationCounts(s);
  const agents = c.nodes + c.validators + c.delegators;
  const kept = keptAgents(agents, rows);
  const sampled = samples(rows, agents) ? agents * MEMORY_MODEL.sampledAgentBytes + s.days * MEMORY_MODEL.groups * MEMORY_MODEL.groupDayBytes : 0;
  return agents * MEMORY_MODEL.agentBytes + kept * s.days * MEMORY_MODEL.agentDayBytes + sampled;
}

export interface MemoryEstimate {
  bytes: number;
  /** The largest run's scenario, which the message describes. */
  largest: Scenario;
  /** Runs held in memory at once. */
  concurrent: number;
  /** Worker threads of the pool (0 in-process or on a queue). */
  threads: number;
}

/**
 * The estimate of an experiment: the process and its pool's `threads`, plus its largest run held
 * `concurrent` times at once.
 */
export function estimateExperiment(scenarios: readonly Scenario[], concurrent: number, rows: RowOptions = KEEP_ALL, threads = 0): MemoryEstimate {
  let largest = scenarios[0];
  for (const s of scenarios) if (estimateRunBytes(s, rows) > estimateRunBytes(largest, rows)) largest = s;
  const bytes = MEMORY_MODEL.processBytes + threads * MEMORY_MODEL.threadBytes + concurrent * estimateRunBytes(largest, rows);
  return { bytes, largest, concurrent, threads };
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/**
 * `--max-memory` as bytes: a positive number with a unit, e.g. `1.5GB`, `800MB`, `2GiB` (KB, MB,
 * GB, TB are powers of 1000; KiB, MiB, GiB, TiB of 1024; no unit is bytes). Null when malformed.
 */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  const bytes = Number(m[1]) * (unit ?? NaN);
  return Number.isFinite(bytes) && bytes >= 1 ? Math.round(bytes) : null;
}

/** `1.23 GB`, `456 MB`: decimal units, as --max-memory reads them. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(0)} MB`;
  return `${(n / 1e3).toFixed(0)} KB`;
}

/** An experiment refused before it started: too large for the memory it may use. Exit 2. */
export class MemoryGuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryGuardError';
  }
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * Throws MemoryGuardError when the estimate exceeds the limit: `maxBytes` (--max-memory) when given,
 * else 80 % of `machineBytes` (os.totalmem()). The message names the populations, the days, the
 * estimate and the limit, and what to change.
 */
export function guardMemory(scenarios: readonly Scenario[], concurrent: number, o: { maxBytes?: number; machineBytes?: number; rows?: RowOptions; threads?: number } = {}): MemoryEstimate {
  const e = estimateExperiment(scenarios, concurrent, o.rows, o.threads ?? 0);
  const machine = o.machineBytes ?? totalmem();
  const limit = o.maxBytes ?? DEFAULT_MEMORY_SHARE * machine;
  if (e.bytes <= limit) return e;
  const c = populationCounts(e.largest);
  const agents = c.nodes + c.validators + c.delegators;
  const kept = keptAgents(agents, o.rows);
  const rowsText = kept < agents ? `, per-agent rows of a ${n(kept)}-agent sample` : ', every agent\'s rows kept';
  const what = `${n(c.nodes)} training nodes, ${n(c.validators)} validators and ${n(c.delegators)} delegators (${n(agents)} agents) for ${n(e.largest.days)} days`;
  const runs = (concurrent > 1 ? `, ${concurrent} runs at once` : '') + (e.threads > 0 ? ` on ${e.threads} worker thread${e.threads > 1 ? 's' : ''}` : '');
  const limitText = o.maxBytes !== undefined ? `--max-memory ${formatBytes(limit)}` : `80 % of this machine's ${formatBytes(machine)} (${formatBytes(limit)})`;
  throw new MemoryGuardError(
    `${e.largest.name}: ${what}${runs}${rowsText} would need an estimated ${formatBytes(e.bytes)}, more than ${limitText}; ` +
      `nothing was started. Lower the populations or --days${e.threads > 0 ? ', use fewer --workers (0 runs in this process)' : ''}${kept === agents && agents > 1 ? ', keep a sample of the per-agent rows (--rows sample)' : ''}, or raise the limit with --max-memory <size> (e.g. 16GB) if the machine has it.`,
  );
}
