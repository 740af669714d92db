#!/usr/bin/env node
// Entry point of the `flock-lab` CLI: runs sim/cli/main.ts compiled to JavaScript
// (sim/experiments/compiled.mjs, built on first use; tsx is registered once a TypeScript file is
// imported), or, when the compiled tree cannot be had, through tsx (docs/architecture.md#worker-pool).
import { importCompiled } from '../sim/experiments/compiled.mjs';

if (!(await importCompiled('sim/cli/main.js'))) {
  (await import('tsx/esm/api')).register();
  await import('../sim/cli/main.ts');
}
