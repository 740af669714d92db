/** Trace and result shapes of docs/traces.md (format flock-trace/1). */

export type Protocol = 'v1' | 'v2';

export interface TraceStep {
  at: number;
  from?: string;
  call?: string;
  view?: string;
  args?: unknown[];
  expectRevert?: string | null;
  as?: string;
}

export interface Trace {
  format: 'flock-trace/1';
  protocol?: Protocol;
  aiArenaSlashing?: boolean;
  accounts?: Record<string, { FLOCK?: string | number; gmFLOCK?: string | number }>;
  steps: TraceStep[];
}

/** A JSON value as the result encodes it: integers are decimal strings, addresses are names. */
export type Encoded = string | boolean | Encoded[] | { [k: string]: Encoded };

export interface ResultEvent {
  contract: string;
  name: string;
  args: Record<string, Encoded>;
}

export type StepResult =
  | { i: number; status: 'ok' | 'reverted'; reason?: string; events: ResultEvent[] }
  | { i: number; status: 'view'; value: Encoded }
  | { i: number; status: 'failed'; expected: string; actual: string; events: ResultEvent[] }
  | { i: number; status: 'invariant'; check: string; details: Record<string, string>; events: ResultEvent[] };

export interface TraceResult {
  format: 'flock-trace-result/1';
  engine: 'mirror' | 'evm';
  protocol: Protocol;
  ok: boolean;
  steps: StepResult[];
  views: Record<string, Encoded>;
  state: Record<string, unknown>;
  gas?: Record<string, string>;
}
