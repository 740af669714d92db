/**
 * `replay --engine evm --rpc URL` (docs/traces.md#engines-and-options): the EVM engine's genesis, steps, events,
 * views, invariants and state (engine.ts, session.ts, state.ts, invariants.ts), run on an existing
 * JSON-RPC node through RpcChain instead of the in-process VM. Genesis deploys fresh contracts
 * from the impersonated `admin` of the genesis (docs/contracts.md#genesis) at the time of the first step; the result is
 * the in-process engine's, except that views carry no gas (an eth_call has no receipt).
 *
 * A replay is wrapped in evm_snapshot / evm_revert: the node is left as it was found, so the
 * same trace can be replayed on it again. Replays on one URL from this process run one at a time.
 */
import { AbiCoder, getBytes } from 'ethers';
import { abiOf } from '../abi/registry.js';
import { parseTrace, type ParsedTrace } from '../replay/parse.js';
import type { TraceResult } from '../replay/types.js';
import { MAX_UINT256, revertReason } from './codec.js';
import { EvmEngine, GenesisError, type EvmReplayOptions } from './engine.js';
import { RpcChain, RpcError, type RpcChainOptions } from './rpcChain.js';
import { Session, type Deployed } from './session.js';

export { checkRpcUrl, RpcError } from './rpcChain.js';

const coder = AbiCoder.defaultAbiCoder();

export interface RpcReplayOptions extends EvmReplayOptions, RpcChainOptions {
  /** The node's JSON-RPC URL (loopback only). */
  url: string;
  /** The engine whose artifacts and event tables to use (default: one on `artifactsDir`). */
  engine?: EvmEngine;
  /** Compiled contracts to use instead of the reference ones (`--artifacts DIR`). */
  artifactsDir?: string;
}

const queues = new Map<string, Promise<unknown>>();

/** Replays a raw trace on the node at `opts.url` (throws TraceError when the trace is invalid). */
export async function replayTraceRpc(raw: unknown, opts: RpcReplayOptions): Promise<TraceResult> {
  return replayParsedRpc(parseTrace(raw), opts);
}

/** Replays a parsed trace on the node at `opts.url`; throws RpcError (node) or GenesisError (contracts). */
export function replayParsedRpc(t: ParsedTrace, opts: RpcReplayOptions): Promise<TraceResult> {
  const prev = queues.get(opts.url) ?? Promise.resolve();
  const run = prev.then(() => replayNow(t, opts));
  const tail = run.catch(() => undefined);
  queues.set(opts.url, tail);
  void tail.then(() => {
    if (queues.get(opts.url) === tail) queues.delete(opts.url);
  });
  return run;
}

/** Approves 2^256−1 of each token from each owner to each spender, as transactions (foreign tokens only). */
async function approveAll(chain: RpcChain, tokens: Deployed[], owners: string[], spenders: string[]): Promise<void> {
  const approve = abiOf('FLOCK').getFunction('approve')!;
  for (const t of tokens) {
    for (const owner of owners) {
      for (const sp of spenders) {
        const r = await chain.tx(owner, t.addr, getBytes(approve.selector + coder.encode(['address', 'uint256'], [sp, MAX_UINT256]).slice(2)));
        if (!r.ok) throw new GenesisError(`approval of ${t.name} from ${owner} to ${sp} reverted: ${revertReason(r.ret, r.halt)}`);
      }
    }
  }
}

async function replayNow(t: ParsedTrace, opts: RpcReplayOptions): Promise<TraceResult> {
  const engine = opts.engine ?? (await EvmEngine.create({ artifactsDir: opts.artifactsDir }));
  const chain = await RpcChain.connect(opts.url, opts);
  let result: TraceResult;
  try {
    // The in-process engine deploys an empty trace at time 0; a node's clock only moves forward.
    const genesisTime = t.steps[0]?.at ?? chain.headTimestamp;
    if (genesisTime < chain.headTimestamp) {
      const iso = (x: bigint) => new Date(Number(x) * 1000).toISOString();
      throw new RpcError(
        `the latest block of the node at ${opts.url} is at ${chain.headTimestamp} (${iso(chain.headTimestamp)}), after the trace's first step at ${genesisTime} (${iso(genesisTime)}), ` +
          'and a chain cannot go back in time: replay on a node whose clock starts earlier (the repository\'s hardhat.config.cjs starts at 2020-01-01; ' +
          'FLOCK_LAB_INITIAL_DATE overrides it), or move the trace\'s times after the node\'s',
      );
    }
    await chain.begin();
    chain.setTime(genesisTime);
    const g = await engine.deployGenesis(chain, t.protocol, t.aiArenaSlashing);
    const s = new Session(chain, t.protocol);
    for (const d of g.contracts) s.register(d);
    const tokens = g.contracts.filter((d) => (d.name === 'FLOCK' || d.name === 'gmFLOCK') && !g.defaultAllowance.has(d.name));
    const accounts = [...engine.accountsOf(s, t)];
    if (tokens.length) await approveAll(chain, tokens, accounts, g.contracts.map((d) => d.addr));
    await engine.mintGenesis(s, chain, t);
    const onCreated = tokens.length ? (created: Deployed[]) => approveAll(chain, tokens, accounts, created.map((d) => d.addr)) : undefined;
    result = await engine.execute(s, chain, t, opts, onCreated);
    if (t.steps.length === 0) result.state.time = '0';
  } catch (e) {
    await chain.close().catch(() => undefined);
    throw e;
  }
  await chain.close();
  return result;
}
