/**
 * The architecture of flock-lab, written down as the import rules `npm test` checks
 * (`npm run depcheck`; dependency-cruiser 17, Node 20).
 *
 * Data flows one way, and so do the imports, against it:
 *
 *   contracts-mirror/   the deployed contracts as exact bigint code, the EVM engine, trace replay
 *                       and the chain reader: protocol truth. It knows nothing of the simulation.
 *   sim/engine/         the discrete-event kernel (clock, processes, seeded streams): generic,
 *                       it knows nothing of FLock.
 *   sim/workloads/      what training and evaluating does to scores (surrogate, or real tfjs),
 *                       from plain typed options; it never touches tokens.
 *   sim/offchain/       scoring and the reward percentages the backend uploads.
 *   sim/scenario/       the scenario: schema (zod), loading, and a chain's state made a scenario.
 *   sim/agents/, sim/run/   agents and the run loop that puts it all together on the mirror.
 *   sim/results/        what a run recorded, summarised and stored.
 *   sim/experiments/, sim/attacks/   many runs: plans, executors, comparisons; attack searches on top.
 *   sim/cli/, bin/      the commands; scenarios/, bench/, test/ use everything.
 *
 * Every rule is an error. Type-only imports count (tsPreCompilationDeps): a type import is an
 * arrow too, and a cycle of types is still a cycle of modules that cannot be understood apart.
 * Tests obey the rules of the folder they sit in; a test that needs a higher layer is an
 * end-to-end test and lives in test/.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'mirror-never-imports-sim',
      comment:
        'The contract mirror is the protocol as deployed: the simulation, the scenarios, the benches and the ' +
        'end-to-end tests are built on it, never the other way. Its own tests included: one that needs the ' +
        'simulation belongs in test/. (The chain reader returns chain state; sim/scenario/fromChain.ts turns ' +
        'it into a scenario.)',
      severity: 'error',
      from: { path: '^contracts-mirror/' },
      to: { path: '^(sim|scenarios|test|bench|bin)/' },
    },
    {
      name: 'engine-knows-no-flock',
      comment:
        'sim/engine is a generic discrete-event kernel (calendar, environment, heap, rng): it must run an ' +
        'M/M/1 queue as well as FLock, so it imports nothing that knows FLock: not the agents, the run, the ' +
        'off-chain pipeline, the workloads, the results, the scenario, the CLI, the mirror or the scenarios. ' +
        'Its tests included: the bench scenarios (scenarios/bench-*.ts) use the engine, not the reverse.',
      severity: 'error',
      from: { path: '^sim/engine/' },
      to: { path: '^(sim/(agents|run|offchain|workloads|results|scenario|cli|fl)/|contracts-mirror/|scenarios/|test/|bench/|bin/)' },
    },
    {
      name: 'workloads-never-touch-tokens',
      comment:
        'A workload models training and evaluation (scores, losses, timings): it takes plain typed options ' +
        'and never touches tokens, the contracts or the run that moves them. So no import of the mirror, ' +
        'the run, the agents, the CLI, or the scenario loader (load.ts, which pulls in the mirror\'s encoder). ' +
        'Allowed: sim/engine (seeded streams) and the scenario\'s plain parts, schema.ts (the zod shapes of ' +
        'a workload\'s options; workloads import its types and RealWorkloadSchema) and error.ts (ScenarioError, ' +
        'which the factory throws for a bad calibration file). workloads-never-reach-tokens keeps those plain.',
      severity: 'error',
      from: { path: '^sim/workloads/' },
      to: { path: '^(contracts-mirror/|sim/(run|agents|cli|fl)/|sim/scenario/load\\.ts$|scenarios/)' },
    },
    {
      name: 'workloads-never-reach-tokens',
      comment:
        'The same, transitively: no chain of imports from a workload module reaches the mirror. It keeps ' +
        'what workloads may import (sim/scenario/schema.ts and what it imports, sim/scenario/error.ts, ' +
        'sim/engine) free of the mirror too. Tests are left to the direct rule above, which already names ' +
        'any that import the run.',
      severity: 'error',
      from: { path: '^sim/workloads/', pathNot: '\\.test\\.ts$' },
      to: { path: '^contracts-mirror/', reachable: true },
    },
    {
      name: 'results-never-import-run',
      comment:
        'Results are what a run recorded: the run writes rows to them, and they summarise and store rows. ' +
        'The row types belong to the results side (or a module both import), so sim/results never imports ' +
        'sim/run: otherwise the two cannot change apart and cycle through each other.',
      severity: 'error',
      from: { path: '^sim/results/' },
      to: { path: '^sim/run/' },
    },
    {
      name: 'attacks-sit-with-experiments',
      comment:
        'sim/attacks searches strategy spaces by running experiments (docs/architecture.md#attacks): it may ' +
        'import sim/experiments, sim/run, sim/scenario, sim/results and sim/engine, but nothing below the ' +
        'experiments may import it. The mirror, the engine, the agents, the workloads, the off-chain ' +
        'pipeline, the run, the scenario, the results and the experiments know nothing of attacks, so an ' +
        'attack can never change what an ordinary run computes.',
      severity: 'error',
      from: { path: '^(contracts-mirror|sim/(engine|agents|workloads|offchain|run|scenario|results|experiments))/' },
      to: { path: '^sim/attacks/' },
    },
    {
      name: 'attacks-never-import-cli-or-report',
      comment: 'Attacks are a library the CLI and the report use, never the reverse.',
      severity: 'error',
      from: { path: '^sim/attacks/' },
      to: { path: '^(sim/(cli|report)/|scenarios/|test/|bench/|bin/)' },
    },
    {
      name: 'fl-sits-with-run',
      comment:
        'sim/fl is FL Alliance inside one run (rounds, FL nodes, watchers; docs/fl-alliance.md): the run ' +
        'calls it, it calls the mirror, the workloads and the results\' row types, like sim/run. It never ' +
        'imports what sits downstream of a run: experiments, the CLI, reports or scenarios. The results never import it.',
      severity: 'error',
      from: { path: '^sim/fl/' },
      to: { path: '^(sim/(experiments|cli|report|attacks)/|scenarios/|test/|bench/|bin/)' },
    },
    {
      name: 'results-never-import-fl',
      comment: 'Results are downstream of a run, FL rounds included: sim/results holds the FL row types, sim/fl fills them.',
      severity: 'error',
      from: { path: '^sim/results/' },
      to: { path: '^sim/fl/' },
    },
    {
      name: 'no-circular',
      comment:
        'No cycles at all, type-only ones included: modules in a cycle can be neither read nor tested ' +
        'apart, and their load order decides which sees the other half-initialised. Break one by moving ' +
        'the shared types into a small module both import (contracts/interfaces.ts, evmEngine/parityCase.ts).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'Every import resolves to a file or an installed package: a typo, or a file moved without its ' +
        'importers, fails here before it fails at run time (dynamic imports included).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment:
        'Every package imported is one package.json lists: one that is only there as another\'s dependency ' +
        'can vanish with the next install.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-orphans',
      comment:
        'A module nothing imports and that imports nothing is dead code. Entry points are not orphans here: ' +
        'they import something. Excluded: nodeGuard.mjs, which localNode.ts starts as a process by its path.',
      severity: 'error',
      from: { orphan: true, pathNot: ['(^|/)[.][^/]+[.](?:js|cjs|mjs|ts|cts|mts|json)$', '[.]d[.]ts$', '^contracts-mirror/chain/nodeGuard\\.mjs$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports are dependencies too (cycles of types count)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // resolve packages through their "exports" as Node does (tsx/esm/api is only reachable that way)
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    skipAnalysisNotInRules: true,
  },
};
