/**
 * The package entry, `import { scenario } from 'flock-lab'`: what a scenario file outside the
 * repository needs. The package ships its TypeScript sources; the CLI loads them through tsx, and
 * resolves `flock-lab` to itself for any scenario it runs (sim/scenario/load.ts), so a study folder
 * needs no install of its own. Inside the repository, scenarios import the files directly.
 */
export { scenario, type Scenario, type ScenarioInput } from './scenario/schema.js';
export { settlementBlocks, type SettlementBlock, type SettlementBlocks, type SettlementDay, type SettlementEdit, type RunWorld } from './run/settlement.js';
export { mustSucceed, SimulationError } from './run/errors.js';
export { ScenarioError } from './scenario/error.js';
export { ADMIN } from '../contracts-mirror/genesis.js';
