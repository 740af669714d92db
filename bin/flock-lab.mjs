#!/usr/bin/env node
// Entry point of the `flock-lab` CLI: loads TypeScript through tsx, then runs sim/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import('../sim/cli/main.ts');
