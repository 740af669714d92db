/**
 * The snapshot's JSON-RPC access: a provider that refuses every method but reads and records
 * what it is asked for, and the helpers around it (loopback check, a URL shown without its key,
 * bounded concurrency).
 */
import { FetchRequest, JsonRpcProvider, Network, type JsonRpcPayload, type JsonRpcResult } from 'ethers';
import { READ_ONLY_METHODS, SnapshotError } from './chainState.js';

/** A JSON-RPC provider that refuses anything but reads, and records what it is asked for. */
export class ReadOnlyProvider extends JsonRpcProvider {
  constructor(
    req: FetchRequest,
    network: Network,
    private readonly record: (method: string) => void,
  ) {
    super(req, network, { staticNetwork: network, batchMaxCount: 10 });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    for (const p of Array.isArray(payload) ? payload : [payload]) {
      this.record(p.method);
      if (!READ_ONLY_METHODS.has(p.method)) throw new SnapshotError(`refused JSON-RPC method ${p.method}: a snapshot only reads`);
    }
    return super._send(payload);
  }
}

export function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === '127.0.0.1' || h === 'localhost' || h === '::1';
}

/** The URL without its path and query (which may hold an API key). */
export function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname !== '/' || url.search ? '/…' : ''}`;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

