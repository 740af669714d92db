/**
 * A run's output as it travels through Redis from a queue worker to the coordinator
 * (docs/architecture.md#the-distributed-queue): JSON, gzip, base64. JSON alone would lose what the
 * run hash depends on, so the numbers JSON cannot hold are tagged: wei are bigints (`{"$bigint":
 * "<decimal>"}`), and -0, NaN and ±Infinity (`{"$number": "-0"}` …), which JSON writes as 0 or
 * null. A tag is an object with that single key; a RunOutput has no such object of its own.
 */
import { gzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { RunOutput } from '../run/simulation.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const BIG = '$bigint';
const NUM = '$number';

function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return { [BIG]: v.toString() };
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { [NUM]: Object.is(v, -0) ? '-0' : String(v) };
  return v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  if (keys.length !== 1) return v;
  const tagged = (v as Record<string, unknown>)[keys[0]];
  if (typeof tagged !== 'string') return v;
  if (keys[0] === BIG) return BigInt(tagged);
  if (keys[0] === NUM) return tagged === '-0' ? -0 : Number(tagged);
  return v;
}

/** The shard of a run: compressed off the event loop (zlib's thread pool), so a worker's lock renewals keep running. */
export async function encodeShard(out: RunOutput): Promise<string> {
  return (await gzipAsync(Buffer.from(JSON.stringify(out, replacer), 'utf8'))).toString('base64');
}

export async function decodeShard(shard: string): Promise<RunOutput> {
  return JSON.parse((await gunzipAsync(Buffer.from(shard, 'base64'))).toString('utf8'), reviver) as RunOutput;
}
