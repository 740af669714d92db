/**
 * The TensorFlow.js backend the real workloads run on, chosen explicitly: 'wasm'
 * (@tensorflow/tfjs-backend-wasm, the wasm binary ships in the npm package; one thread, so float
 * sums run in one fixed order) or 'cpu' (pure JavaScript). The models here use only dense layers on
 * one-hot inputs (matMul, add, relu, logSoftmax), which the wasm backend supports; 'cpu' is the
 * fallback and the comparison point. Results are deterministic per backend, not across backends.
 *
 * Setup is asynchronous (the wasm module is compiled once per process); after it, switching
 * between initialised backends is synchronous, so training can run inside the simulation's
 * synchronous event loop.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'wasm' | 'cpu';

const ready = new Map<BackendName, Promise<void>>();
let threadsSet = false;
let wasmSimd: boolean | null = null;

/** Initialises `name` once per process (idempotent) and makes it the active backend. */
export async function initBackend(name: BackendName): Promise<void> {
  let p = ready.get(name);
  if (!p) {
    p = (async () => {
      // Production mode: no debug checks, and no "install tfjs-node" banner from the CPU backend
      // (tfjs-node cannot be installed here: it downloads libtensorflow from outside npm).
      tf.enableProdMode();
      if (name === 'wasm' && !threadsSet) {
        setThreadsCount(1);
        threadsSet = true;
      }
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error(`TensorFlow.js backend '${name}' failed to initialise`);
      await tf.ready();
      if (name === 'wasm') wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    })();
    ready.set(name, p);
  }
  await p;
  useBackend(name);
}

/**
 * Makes an initialised backend active, synchronously (tf.setBackend does its work before its
 * first await when the backend already exists). Throws if `initBackend(name)` was never awaited.
 */
export function useBackend(name: BackendName): void {
  if (tf.getBackend() === name) return;
  if (!tf.engine().registry[name]) throw new Error(`TensorFlow.js backend '${name}' is not initialised: await initBackend('${name}') first`);
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new Error(`could not switch TensorFlow.js to backend '${name}'`);
}

/** What the run manifest records about the backend. */
export function backendInfo(name: BackendName): Record<string, unknown> {
  return {
    library: '@tensorflow/tfjs',
    version: tf.version.tfjs,
    backend: name,
    threads: name === 'wasm' ? getThreadsCount() : 1,
    simd: name === 'wasm' ? wasmSimd : false,
  };
}

export { tf };
