/**
 * Parity cases spread over worker threads, each with its own EVM engine. Cases are handed out
 * one at a time to whichever worker is free, and results are folded strictly in case order,
 * so a run's report and output do not depend on the number of workers or their timing.
 */
import { Worker } from 'node:worker_threads';
import type { Protocol } from '../replay/types.js';
import { caseSpec, type CaseResult, type ParityOptions } from './parityCase.js';

export type ToWorker = { type: 'case'; index: number; protocol: Protocol; seed: number; shrinkMs?: number } | { type: 'stop' };
export type FromWorker = { type: 'ready' } | { type: 'result'; result: CaseResult } | { type: 'error'; message: string };

const ENTRY = new URL('./parityWorker.mjs', import.meta.url);

export async function runCasesInWorkers(opts: ParityOptions & { workers: number }, fold: (c: CaseResult) => void): Promise<void> {
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let nextFold = 0;
      let settled = false;
      const waiting = new Map<number, CaseResult>();
      const fail = (e: Error) => {
        if (!settled) {
          settled = true;
          reject(e);
        }
      };
      const feed = (w: Worker) => {
        if (next >= opts.cases) {
          w.postMessage({ type: 'stop' } satisfies ToWorker);
          return;
        }
        const index = next++;
        const { protocol, seed } = caseSpec(index, opts.seed, opts.protocols);
        w.postMessage({ type: 'case', index, protocol, seed, shrinkMs: opts.shrinkMs } satisfies ToWorker);
      };
      const flush = () => {
        while (waiting.has(nextFold)) {
          const c = waiting.get(nextFold)!;
          waiting.delete(nextFold);
          nextFold++;
          fold(c);
        }
        if (nextFold === opts.cases && !settled) {
          settled = true;
          resolve();
        }
      };
      for (let i = 0; i < opts.workers; i++) {
        const w = new Worker(ENTRY, { workerData: { artifactsDir: opts.artifactsDir } });
        pool.push(w);
        w.on('message', (m: FromWorker) => {
          try {
            if (m.type === 'ready') feed(w);
            else if (m.type === 'result') {
              waiting.set(m.result.index, m.result);
              flush();
              feed(w);
            } else fail(new Error(`parity worker: ${m.message}`));
          } catch (e) {
            fail(e as Error);
          }
        });
        w.on('error', (e) => fail(new Error(`parity worker: ${e.message}`)));
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`parity worker exited with code ${code}`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
