// A pool thread starts as plain Node. It loads the lab compiled to JavaScript (compiled.mjs) with
// Node's own loader, or, when that cannot be had, through tsx as before; either way the body is
// poolWorker.ts. In the compiled case tsx is registered only once a job imports a scenario file
// (sim/scenario/load.ts), whose imports of the lab resolve to the compiled modules the thread runs
// (docs/architecture.md#worker-pool).
import { importCompiled } from './compiled.mjs';

let body = (await importCompiled('sim/experiments/poolWorker.js'))?.default;
if (!body) {
  (await import('tsx/esm/api')).register();
  body = (await import('./poolWorker.ts')).default;
}

export default body;
