/**
 * Before importing a user's TypeScript file (a scenario, a bench file): where the lab runs compiled
 * to JavaScript (sim/experiments/compiled.mjs, docs/architecture.md#worker-pool), tsx is registered
 * only now, through the hook that file leaves on globalThis; under tsx or vitest there is no hook
 * and TypeScript loads already.
 */
export async function readyForTypeScript(): Promise<void> {
  await (globalThis as Record<symbol, (() => Promise<void>) | undefined>)[Symbol.for('flock-lab.loadTypeScript')]?.();
}
