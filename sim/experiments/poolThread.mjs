// A pool thread starts as plain Node. It loads the lab compiled to JavaScript (compiled.mjs) with
// Node's own loader, or, when that cannot be had, through tsx as before; either way the body is
// poolWorker.ts. tsx is registered only once a job needs it: a TypeScript (or JavaScript) scenario
// file, which imports the lab's sources and is resolved to the compiled modules the thread runs
// (docs/architecture.md#worker-pool).
import { register } from 'node:module';
import { compiledRoot, labRoot, redirectHooks } from './compiled.mjs';

const root = await compiledRoot();
let tsx = false;
function registerTsx() {
  tsx = true;
  return import('tsx/esm/api').then((m) => m.register());
}

let body;
if (root) {
  // As tsx does: stack traces name the TypeScript sources (the tree carries inline source maps).
  process.setSourceMapsEnabled(true);
  body = (await import(`${root}sim/experiments/poolWorker.js`)).default;
} else {
  await registerTsx();
  body = (await import('./poolWorker.ts')).default;
}

export default async function poolThread(task) {
  if (!tsx && !task.job.file.endsWith('.json')) {
    await registerTsx();
    register(`data:text/javascript,${encodeURIComponent(redirectHooks)}`, { data: { src: labRoot, out: root } });
  }
  return body(task);
}
