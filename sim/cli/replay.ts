/**
 * `flock-lab replay <trace>`: runs a trace on the mirror (default) or, with `--engine evm`, on the
 * reference Solidity in an in-process EVM (`--artifacts DIR` swaps in foreign compiled contracts)
 * or, with `--rpc URL` as well, on an existing local JSON-RPC node, and prints the canonical
 * result JSON.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { canonicalJson, replayTrace, TraceError } from '../../contracts-mirror/replay/replay.js';
import { parseTrace, type ParsedTrace } from '../../contracts-mirror/replay/parse.js';
import type { TraceResult } from '../../contracts-mirror/replay/types.js';
import { announceArtifacts } from './artifacts.js';

export interface ReplayOptions {
  engine: string;
  out?: string;
  artifacts?: string;
  rpc?: string;
  /** Overwrite an existing `--out` file. */
  force?: boolean;
  /** With `--artifacts`: an artifact that matches no kind is an error. */
  strict?: boolean;
}

function finish(result: TraceResult, opts: ReplayOptions): number {
  const text = canonicalJson(result);
  process.stdout.write(text);
  if (opts.out) {
    try {
      writeFileSync(opts.out, text);
    } catch (e) {
      process.stderr.write(`error: --out ${opts.out}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      return 2;
    }
  }
  if (!result.ok) process.stderr.write('replay: a step did not behave as written, or an invariant broke (see "status" in the steps)\n');
  return result.ok ? 0 : 1;
}

function invalid(file: string, e: unknown): number {
  if (e instanceof TraceError) {
    process.stderr.write(`error: invalid trace ${file}: ${e.message}\n`);
    return 2;
  }
  throw e;
}

async function replayEvm(file: string, raw: unknown, opts: ReplayOptions): Promise<number> {
  let parsed: ParsedTrace;
  try {
    parsed = parseTrace(raw);
  } catch (e) {
    return invalid(file, e);
  }
  // what DIR swaps in is said, and checked, before any step runs
  const artifacts = opts.artifacts !== undefined ? await announceArtifacts(opts.artifacts, { strict: opts.strict }) : undefined;
  if (artifacts === null) return 2;
  if (opts.rpc !== undefined) return replayRpc(parsed, opts.rpc, opts, artifacts);
  const { EvmEngine, GenesisError } = await import('../../contracts-mirror/evmEngine/engine.js');
  let engine;
  try {
    engine = await EvmEngine.create({ artifacts });
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 2;
  }
  let result: TraceResult;
  try {
    result = await engine.replayParsed(parsed);
  } catch (e) {
    if (e instanceof GenesisError) {
      process.stderr.write(`error: EVM genesis failed: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return finish(result, opts);
}

async function replayRpc(parsed: ParsedTrace, url: string, opts: ReplayOptions, artifacts?: import('../../contracts-mirror/evmEngine/artifacts.js').ArtifactSet): Promise<number> {
  const { EvmEngine, GenesisError } = await import('../../contracts-mirror/evmEngine/engine.js');
  const { checkRpcUrl, replayParsedRpc, RpcError } = await import('../../contracts-mirror/evmEngine/rpc.js');
  let result: TraceResult;
  try {
    checkRpcUrl(url);
    const engine = await EvmEngine.create({ artifacts });
    result = await replayParsedRpc(parsed, { url, engine });
  } catch (e) {
    if (e instanceof RpcError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof GenesisError) {
      process.stderr.write(`error: EVM genesis on ${url} failed: ${e.message}\n`);
      return 2;
    }
    if (e instanceof Error && /--artifacts/.test(e.message)) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return finish(result, opts);
}

export function replayCommand(file: string, opts: ReplayOptions): number | Promise<number> {
  if (opts.engine !== 'mirror' && opts.engine !== 'evm') {
    process.stderr.write(`error: --engine ${opts.engine}: expected "mirror" or "evm"\n`);
    return 2;
  }
  if (opts.strict && opts.artifacts === undefined) {
    process.stderr.write('error: --strict needs --artifacts\n');
    return 2;
  }
  if (opts.artifacts !== undefined && opts.engine !== 'evm') {
    process.stderr.write('error: --artifacts needs --engine evm\n');
    return 2;
  }
  if (opts.rpc !== undefined && opts.engine !== 'evm') {
    process.stderr.write('error: --rpc needs --engine evm\n');
    return 2;
  }
  if (opts.out !== undefined && existsSync(opts.out) && !opts.force) {
    process.stderr.write(`error: --out ${opts.out} already exists; pass --force to overwrite it\n`);
    return 2;
  }
  if (opts.out !== undefined) {
    // Before replaying: the folder the result goes to must be there.
    const dir = dirname(resolve(opts.out));
    let why: string | null = null;
    try {
      if (!statSync(dir).isDirectory()) why = `${dir} is a file, not a directory`;
    } catch (e) {
      why = (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? `${dir} is below a file` : `${dir} does not exist`;
    }
    if (why) {
      process.stderr.write(`error: --out ${opts.out}: ${why}\n`);
      return 2;
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `bad JSON: ${(e as Error).message}`;
    process.stderr.write(`error: ${file}: ${why}\n`);
    return 2;
  }
  if (opts.engine === 'evm') return replayEvm(file, raw, opts);
  let result: TraceResult;
  try {
    result = replayTrace(raw);
  } catch (e) {
    return invalid(file, e);
  }
  return finish(result, opts);
}
