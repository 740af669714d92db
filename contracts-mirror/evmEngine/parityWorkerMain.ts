/**
 * A parity worker thread: one EVM engine of its own; runs the cases the parent sends, one at a
 * time, and answers each with its CaseResult (parityWorkers.ts holds the protocol).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EvmEngine } from './engine.js';
import { runCase } from './parity.js';
import type { ToWorker, FromWorker } from './parityWorkers.js';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

try {
  const engine = await EvmEngine.create({ artifactsDir: (workerData as { artifactsDir?: string }).artifactsDir });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      port.close();
      return;
    }
    runCase(engine, m.index, m.protocol, m.seed, m.shrinkMs).then(
      (result) => send({ type: 'result', result }),
      (e: unknown) => send({ type: 'error', message: `case ${m.index}: ${(e as Error).stack ?? String(e)}` }),
    );
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'error', message: `worker start: ${(e as Error).message}` });
}
