/**
 * Differential fuzzing of the two engines (issue 5): random traces (generator.ts) run on the
 * mirror and on the EVM; a case passes when the results are byte-identical without `engine` and
 * `gas` (docs/traces.md#parity). A failing case is shrunk by fast-check to a minimal trace, and
 * reported with the first differing path and step index. EVM gas per function is collected for
 * the gas report.
 */
import fc from 'fast-check';
import { replayTrace, TraceError } from '../replay/replay.js';
import type { Protocol, Trace, TraceResult } from '../replay/types.js';
import { firstDifference, type Difference } from './compare.js';
import type { EvmEngine } from './engine.js';
import { buildTrace, scenarioArb, type Scenario } from './generator.js';
import { caseSpec, type CaseResult, type ParityFailure, type ParityOptions } from './parityCase.js';

export { caseSpec, type CaseResult, type ParityFailure, type ParityOptions } from './parityCase.js';

export interface CaseOutcome {
  diff: Difference | null;
  /** An engine threw (not a trace-level failure): the message. */
  error?: string;
  mirror?: TraceResult;
  evm?: TraceResult;
}

/** Runs one trace on both engines and compares. */
export async function compareEngines(engine: EvmEngine, trace: Trace): Promise<CaseOutcome> {
  let mirror: TraceResult;
  try {
    mirror = replayTrace(trace);
  } catch (e) {
    const what = e instanceof TraceError ? 'invalid trace' : 'mirror threw';
    return { diff: { path: '(mirror)', mirror: `${what}: ${(e as Error).message}`, evm: null }, error: `${what}: ${(e as Error).message}` };
  }
  let evm: TraceResult;
  try {
    evm = await engine.replay(trace);
  } catch (e) {
    return { diff: { path: '(evm)', mirror: null, evm: `EVM engine threw: ${(e as Error).message}` }, error: `EVM engine threw: ${(e as Error).message}`, mirror };
  }
  return { diff: firstDifference(mirror, evm), mirror, evm };
}

export interface ParityReport {
  passed: number;
  failed: number;
  cases: number;
  steps: number;
  byProtocol: Record<string, { passed: number; failed: number }>;
  failures: ParityFailure[];
  /** `Contract.function` → gas of every EVM step that ran it. */
  gas: Map<string, bigint[]>;
  ms: number;
}

function gasKey(call: string): string {
  const dot = call.lastIndexOf('.');
  const target = call.slice(0, dot);
  const fn = call.slice(dot + 1);
  const kind = target.startsWith('Pool:') ? 'Pool' : target.startsWith('FLTask:') ? 'FLTask' : target;
  return `${kind}.${fn}`;
}

function collectGas(trace: Trace, evm: TraceResult, into: Map<string, bigint[]>): void {
  for (const [i, g] of Object.entries(evm.gas ?? {})) {
    const s = trace.steps[Number(i)];
    if (!s) continue;
    const key = s.view ? `${gasKey(s.view)} (view)` : gasKey(s.call!);
    let list = into.get(key);
    if (!list) into.set(key, (list = []));
    list.push(BigInt(g));
  }
}

const arbCache = new Map<string, fc.Arbitrary<Scenario>>();
/** The generator follows the artifacts: no slash steps where the task manager lacks the hook (docs/traces.md#parity). */
function arbOf(p: Protocol, slashingHook: boolean): fc.Arbitrary<Scenario> {
  const key = `${p}|${slashingHook}`;
  let a = arbCache.get(key);
  if (!a) arbCache.set(key, (a = scenarioArb(p, 'parity', { slashingHook })));
  return a;
}

/**
 * Case `index`: the random trace of (protocol, seed) on both engines; on a mismatch, the shrunk
 * trace (fast-check, then dropSteps) and its first difference. Depends on nothing but its inputs.
 */
export async function runCase(engine: EvmEngine, index: number, protocol: Protocol, seed: number, shrinkMs = 120_000): Promise<CaseResult> {
  let first = true;
  let steps = 0;
  const gas = new Map<string, bigint[]>();
  const property = fc.asyncProperty(arbOf(protocol, engine.slashingHook(protocol)), async (sc: Scenario) => {
    const trace = buildTrace(sc);
    const out = await compareEngines(engine, trace);
    if (first) {
      first = false;
      steps = trace.steps.length;
      if (out.evm) collectGas(trace, out.evm, gas);
    }
    return out.diff === null;
  });
  const r = await fc.check(property, { seed, numRuns: 1, interruptAfterTimeLimit: shrinkMs, markInterruptAsFailure: false });
  const result: CaseResult = { index, protocol, seed, ok: true, steps, gas: [...gas].map(([k, v]) => [k, v.map(String)]) };
  if (!r.failed || r.counterexample === null) return result;
  const trace = await dropSteps(engine, buildTrace(r.counterexample![0] as Scenario));
  const out = await compareEngines(engine, trace);
  result.ok = false;
  result.failure = {
    index,
    protocol,
    seed,
    trace,
    diff: out.diff ?? { path: '(flaky: the shrunk trace is in parity)', mirror: null, evm: null },
    originalSteps: steps,
  };
  return result;
}

/**
 * Runs `opts.cases` cases, in this thread or spread over worker threads (parityWorkers.ts).
 * Case k depends only on (seed + k, protocol k), and results are folded in case order, so the
 * report and the order of `onCase` calls are the same for any number of workers.
 */
export async function runParity(opts: ParityOptions): Promise<ParityReport> {
  const t0 = performance.now();
  const report: ParityReport = { passed: 0, failed: 0, cases: 0, steps: 0, byProtocol: {}, failures: [], gas: new Map(), ms: 0 };
  for (const p of opts.protocols) report.byProtocol[p] = { passed: 0, failed: 0 };
  const fold = (c: CaseResult) => {
    report.cases++;
    report.steps += c.steps;
    for (const [k, list] of c.gas) {
      let into = report.gas.get(k);
      if (!into) report.gas.set(k, (into = []));
      for (const g of list) into.push(BigInt(g));
    }
    if (c.ok) {
      report.passed++;
      report.byProtocol[c.protocol].passed++;
      opts.onCase?.(c.index, true);
    } else {
      report.failed++;
      report.byProtocol[c.protocol].failed++;
      report.failures.push(c.failure!);
      opts.onCase?.(c.index, false, c.failure);
    }
  };
  const workers = Math.max(1, Math.min(opts.workers ?? 1, opts.cases));
  if (workers <= 1) {
    if (!opts.engine) throw new Error('runParity: an engine is needed to run in this thread');
    for (let k = 0; k < opts.cases; k++) {
      const { protocol, seed } = caseSpec(k, opts.seed, opts.protocols);
      fold(await runCase(opts.engine, k, protocol, seed, opts.shrinkMs));
    }
  } else {
    const { runCasesInWorkers } = await import('./parityWorkers.js');
    await runCasesInWorkers({ ...opts, workers }, fold);
  }
  report.ms = performance.now() - t0;
  return report;
}

/**
 * A second, finer shrink after fast-check's (which drops and simplifies whole actions): remove
 * single steps, last to first, as long as the engines still disagree; then drop genesis accounts
 * the remaining steps never name.
 */
export async function dropSteps(engine: EvmEngine, trace: Trace): Promise<Trace> {
  const fails = async (t: Trace) => {
    const o = await compareEngines(engine, t);
    return o.diff !== null && !(o.error ?? '').startsWith('invalid trace');
  };
  let cur = trace;
  for (let i = cur.steps.length - 1; i >= 0; i--) {
    if (cur.steps.length <= 1) break;
    const cand: Trace = { ...cur, steps: cur.steps.filter((_, k) => k !== i) };
    if (await fails(cand)) cur = cand;
  }
  if (cur.accounts) {
    const text = JSON.stringify(cur.steps);
    const kept = Object.fromEntries(Object.entries(cur.accounts).filter(([n]) => text.includes(`"${n}"`) || text.includes(`${n}.`) || text.includes(`:${n}`)));
    if (Object.keys(kept).length < Object.keys(cur.accounts).length) {
      const cand: Trace = { ...cur, accounts: kept };
      if (await fails(cand)) cur = cand;
    }
  }
  return cur;
}

/** A trace as JSON with one step per line (for printing a shrunk counterexample). */
export function compactTrace(t: Trace): string {
  const { steps, ...head } = t;
  const top = JSON.stringify(head).slice(0, -1);
  return `${top},"steps":[\n${steps.map((s) => '  ' + JSON.stringify(s)).join(',\n')}\n]}`;
}

/** min / median / max gas per function, sorted by function name. */
export function gasTable(gas: Map<string, bigint[]>): { fn: string; n: number; min: bigint; median: bigint; max: bigint }[] {
  return [...gas.entries()]
    .map(([fn, list]) => {
      const s = [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { fn, n: s.length, min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1] };
    })
    .sort((a, b) => a.fn.localeCompare(b.fn));
}
