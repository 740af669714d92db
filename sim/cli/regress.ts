/** `flock-lab regress`: placeholder until it lands. */
import type { Command } from 'commander';

export function registerRegress(_program: Command): void {}
