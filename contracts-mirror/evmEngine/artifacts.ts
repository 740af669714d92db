/**
 * Compiled contracts for the EVM engine: the project's reference Solidity (contracts-mirror/
 * solidity/build, compiled when stale), overlaid by a foreign `--artifacts DIR` where given.
 * Names are the ABI kinds of abi/registry.ts; a DIR may also name the versioned kinds by their
 * trace name (`TaskManager.json`, `PoolManager.json`, `MiniPool.json`), which then stand for the
 * protocol's version.
 */
import { existsSync, statSync } from 'node:fs';
import { loadArtifacts } from '../solidity/compile.js';

export interface Artifact {
  abi: unknown[];
  bytecode: string;
  /** Where it came from: "project" or the --artifacts directory. */
  origin: string;
}

/** Kind → artifact. */
export type ArtifactSet = Record<string, Artifact>;

export const KINDS = [
  'FLOCK',
  'gmFLOCK',
  'Exchange',
  'Config',
  'TaskManagerV1',
  'TaskManagerV2',
  'StakeInfo',
  'PoolManagerV1',
  'PoolManagerV2',
  'MiniPoolV1',
  'MiniPoolV2',
  'Vesting',
  'FLTaskManager',
  'FLTask',
] as const;

const UNVERSIONED: Record<string, string[]> = {
  TaskManager: ['TaskManagerV1', 'TaskManagerV2'],
  PoolManager: ['PoolManagerV1', 'PoolManagerV2'],
  MiniPool: ['MiniPoolV1', 'MiniPoolV2'],
};

let projectCache: Promise<ArtifactSet> | null = null;

/** The project's own artifacts (compiling the Solidity first when its build is stale). */
export function projectArtifacts(): Promise<ArtifactSet> {
  projectCache ??= loadArtifacts().then((raw) => {
    const out: ArtifactSet = {};
    for (const [name, a] of Object.entries(raw)) out[name] = { abi: a.abi, bytecode: a.bytecode, origin: 'project' };
    return out;
  });
  return projectCache;
}

/**
 * The artifacts the engine runs: the project's, with every contract found in `dir` replacing
 * the project's own. Throws when `dir` is not a readable directory.
 */
export async function resolveArtifacts(dir?: string): Promise<ArtifactSet> {
  const own = await projectArtifacts();
  if (dir === undefined) return own;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--artifacts ${dir}: not a directory`);
  const foreign = await loadArtifacts(dir);
  const out: ArtifactSet = { ...own };
  for (const [name, a] of Object.entries(foreign)) {
    const art: Artifact = { abi: a.abi, bytecode: a.bytecode, origin: dir };
    if (UNVERSIONED[name]) {
      for (const k of UNVERSIONED[name]) if (!foreign[k]) out[k] = art;
    } else out[name] = art;
  }
  return out;
}
