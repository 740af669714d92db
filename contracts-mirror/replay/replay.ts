/**
 * Trace replay on the mirror (docs/traces.md): genesis, then each step at its block timestamp, with
 * statuses, events in emission order, views, invariants after every step, and the state schema.
 */
import { abiOf, kindOfName } from '../abi/registry.js';
import { deployProtocol, mintGenesis, type Deployment } from '../genesis.js';
import { checkInvariants } from '../invariants.js';
import type { Contract, Log, TxResult } from '../evm/world.js';
import { encodeValue } from './encode.js';
import { parseTrace, type ParsedStep } from './parse.js';
import { snapshotState } from './state.js';
import { stepResult } from './stepResult.js';
import type { Encoded, ResultEvent, StepResult, TraceResult } from './types.js';

export { TraceError } from './errors.js';
export { canonicalJson } from './encode.js';

function encodeEvents(d: Deployment, logs: Log[]): ResultEvent[] {
  return logs.map((l) => {
    const kind = kindOfName(l.contract, d.w.protocol) ?? d.w.contracts.get(l.contract)?.kind;
    const ev = kind ? abiOf(kind).getEvent(l.name) : null;
    if (!ev || ev.inputs.length !== l.values.length) throw new Error(`mirror emitted ${l.contract}.${l.name} which its ABI (${kind}) does not declare with ${l.values.length} args`);
    const args: Record<string, Encoded> = {};
    ev.inputs.forEach((p, k) => (args[p.name || String(k)] = encodeValue(l.values[k])));
    return { contract: l.contract, name: l.name, args };
  });
}

/** Calls the mirror method behind an ABI function; public state variables fall back to the state object. */
function invoke(c: Contract, step: ParsedStep): unknown {
  const name = step.fn.name;
  const method = (c as unknown as Record<string, unknown>)[name];
  if (typeof method === 'function') return (method as (...a: unknown[]) => unknown).apply(c, [step.from, ...step.args]);
  const s = (c as unknown as { s?: Record<string, unknown> }).s;
  if (step.fn.inputs.length === 0 && s && name in s) return s[name];
  throw new Error(`mirror contract ${c.address} (${c.kind}) does not implement ${step.fn.format()}`);
}

/** Decodes what a call returned into the ABI shape: one output is the value, several an object by name. */
function outputValue(step: ParsedStep, value: unknown): Encoded {
  return encodeValue(value ?? '');
}

export function replayTrace(raw: unknown): TraceResult {
  const t = parseTrace(raw);
  const d = deployProtocol({ protocol: t.protocol, aiArenaSlashing: t.aiArenaSlashing, time: t.steps[0]?.at ?? 0n });
  for (const a of t.accounts) {
    if (a.FLOCK > 0n) mintGenesis(d, 'FLOCK', a.name, a.FLOCK);
    if (a.gmFLOCK > 0n) mintGenesis(d, 'gmFLOCK', a.name, a.gmFLOCK);
  }
  const w = d.w;
  const steps: StepResult[] = [];
  const views: Record<string, Encoded> = {};
  let ok = true;

  for (const step of t.steps) {
    w.now = step.at;
    w.logs = [];
    const c = w.contracts.get(step.target);
    const r: TxResult = !c ? { ok: false, reason: 'no such contract' } : step.isView ? w.view(() => invoke(c, step)) : w.transact(() => invoke(c, step));
    const events = step.isView ? [] : encodeEvents(d, w.logs);
    const res = stepResult(step, !r.ok ? r : { ok: true, value: step.isView ? outputValue(step, r.value) : undefined }, events);
    if (res.status === 'failed') ok = false;
    if (res.status === 'view' && step.as !== undefined) views[step.as] = res.value;
    if (!step.isView) {
      const v = checkInvariants(d);
      if (v) {
        steps.push({ i: step.i, status: 'invariant', check: v.check, details: v.details, events });
        ok = false;
        break;
      }
    }
    steps.push(res);
  }
  w.logs = null;
  return {
    format: 'flock-trace-result/1',
    engine: 'mirror',
    protocol: t.protocol,
    ok,
    steps,
    views,
    state: snapshotState(d, t.names),
  };
}
