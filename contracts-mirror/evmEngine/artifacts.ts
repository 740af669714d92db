/**
 * Compiled contracts for the EVM engine: the project's reference Solidity (contracts-mirror/
 * solidity/build, compiled when stale), overlaid by a foreign `--artifacts DIR` where given
 * (docs/contracts.md#bring-your-own-artifacts).
 *
 * DIR is read recursively and may be a Hardhat build (`artifacts/**\/X.json`), a Foundry build
 * (`out/**\/X.json`, also `X.0.8.24.json`) or the project's flat layout. A contract is matched to
 * an ABI kind of abi/registry.ts by FLock's deployed name (FLOCK_NAMES), by the kind itself, by the
 * version-free trace names (`TaskManager.json`, `PoolManager.json`, `MiniPool.json`, which then
 * stand for both versions), or by DIR's own `flock-lab.artifacts.json`. Every other file is
 * accounted for in the scan: nothing in DIR is skipped without a reason the user can see.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { Interface, keccak256 } from 'ethers';
import { abiOf } from '../abi/registry.js';
import type { Protocol } from '../replay/types.js';
import { loadArtifacts } from '../solidity/compile.js';

export interface Artifact {
  abi: unknown[];
  bytecode: string;
  /** Where it came from: "project" or the --artifacts directory. */
  origin: string;
  /** With a foreign origin: the file, relative to the directory, and the contract's own name. */
  file?: string;
  contractName?: string;
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

/**
 * FLock's deployed contract names → the lab's kinds (docs/contracts.md#contracts-and-names). The
 * FL Alliance contracts have no public name, so FLTaskManager and FLTask match by kind only.
 */
export const FLOCK_NAMES: Readonly<Record<string, (typeof KINDS)[number]>> = {
  FlockTokenUpgradeable: 'FLOCK',
  gmFlockUpgradeable: 'gmFLOCK',
  gmFlockExchangeUpgradeable: 'Exchange',
  FlockConfig: 'Config',
  FlockConfigV2: 'Config',
  FlockTaskManagerUpgradeable: 'TaskManagerV1',
  FlockTaskManagerV2Upgradeable: 'TaskManagerV2',
  FlockStakeInfoUpgradeable: 'StakeInfo',
  FlockStakeInfoV2Upgradeable: 'StakeInfo',
  FlockPoolManagerUpgradeable: 'PoolManagerV1',
  FlockPoolManagerV2Upgradeable: 'PoolManagerV2',
  FlockMiniPool: 'MiniPoolV1',
  FlockMiniPoolV2: 'MiniPoolV2',
  LinearVestingRewards: 'Vesting',
};

/** FLock contracts verified on Base that the lab does not model (docs/contracts.md#not-modelled). */
export const NOT_MODELLED = ['FlockRewardPool', 'FlockAirDrop', 'ModelTokenLaunchUpgradeable'] as const;

/** DIR's own mapping: `{ "<contract name or file>": "<kind>" | null }` (null: not a contract of the lab). */
export const OVERRIDE_FILE = 'flock-lab.artifacts.json';

/**
 * The lab's stand-in additions that FLock's contracts do not have: an artifact may lack them, and
 * the generator then draws no step that needs them (docs/contracts.md#slashing-hook).
 */
export const OPTIONAL_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  TaskManagerV1: ['slash', 'setSlashingEnabled'],
  TaskManagerV2: ['slash', 'setSlashingEnabled'],
};

/** Kinds that no genesis deploys: their factory creates them from its own bytecode. */
export const FACTORY_OF: Readonly<Record<string, string>> = {
  MiniPoolV1: 'PoolManagerV1',
  MiniPoolV2: 'PoolManagerV2',
  FLTask: 'FLTaskManager',
};

const UNVERSIONED: Record<string, string[]> = {
  TaskManager: ['TaskManagerV1', 'TaskManagerV2'],
  PoolManager: ['PoolManagerV1', 'PoolManagerV2'],
  MiniPool: ['MiniPoolV1', 'MiniPoolV2'],
};

/** A problem with DIR that stops a run before any step (exit 2). Messages start with `--artifacts DIR`. */
export class ArtifactError extends Error {}

export interface FoundArtifact {
  kind: string;
  contractName: string;
  /** Relative to DIR, with `/`. */
  file: string;
  abi: unknown[];
  bytecode: string;
}

export interface ArtifactScan {
  dir: string;
  /** Kind → the artifact DIR gives it. */
  found: Record<string, FoundArtifact>;
  /** Files read but not used, with the reason (build-info, debug files, interfaces, libraries, …). */
  ignored: { file: string; why: string }[];
  /** Deployable artifacts that match no kind. */
  unknown: { file: string; contractName: string }[];
  /** What stops a run: duplicates, unlinked libraries, a bad override file, missing functions. */
  errors: string[];
}

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

type Json = Record<string, unknown>;

function hexOf(b: unknown): string | undefined {
  const s = typeof b === 'string' ? b : b && typeof b === 'object' && typeof (b as Json).object === 'string' ? ((b as Json).object as string) : undefined;
  if (s === undefined) return undefined;
  return s.startsWith('0x') ? s : '0x' + s;
}

/** The source file an artifact was compiled from, as its compiler recorded it (Hardhat, then Foundry). */
function sourceOf(j: Json): string | undefined {
  if (typeof j.sourceName === 'string') return j.sourceName;
  const ast = j.ast as Json | undefined;
  if (ast && typeof ast.absolutePath === 'string') return ast.absolutePath;
  let meta = j.metadata as unknown;
  if (typeof meta === 'string') {
    try {
      meta = JSON.parse(meta);
    } catch {
      meta = undefined;
    }
  }
  const target = ((meta as Json | undefined)?.settings as Json | undefined)?.compilationTarget as Json | undefined;
  if (target) return Object.keys(target)[0];
  return undefined;
}

/** Dependencies a build compiles along with the project: OpenZeppelin, forge-std, npm/soldeer packages. */
function isDependency(source: string): boolean {
  return /(^|\/)(@openzeppelin|openzeppelin[^/]*|node_modules|lib|dependencies|forge-std)\//i.test(source);
}

/** Names of the libraries whose placeholders are still in `bytecode` (from linkReferences, else the placeholder). */
function unlinked(j: Json, bytecode: string): string[] {
  if (!/__\$[0-9a-fA-F]{34}\$__|__[A-Za-z0-9_.:/$]{36}__/.test(bytecode)) return [];
  const refs = (j.linkReferences ?? (j.bytecode as Json | undefined)?.linkReferences) as Record<string, Record<string, unknown>> | undefined;
  const names = refs ? Object.entries(refs).flatMap(([src, libs]) => Object.keys(libs).map((l) => `${l} (${src})`)) : [];
  return names.length ? names : [...new Set(bytecode.match(/__\$[0-9a-fA-F]{34}\$__|__[A-Za-z0-9_.:/$]{36}__/g) ?? [])];
}

function readOverride(dir: string, errors: string[]): Record<string, string | null> {
  const p = join(dir, OVERRIDE_FILE);
  if (!existsSync(p)) return {};
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    errors.push(`${OVERRIDE_FILE}: bad JSON (${(e as Error).message})`);
    return {};
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) {
    errors.push(`${OVERRIDE_FILE}: expected an object of "<contract name or file>": "<kind>" | null`);
    return {};
  }
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(j as Json)) {
    if (v !== null && !(KINDS as readonly string[]).includes(v as string) && !UNVERSIONED[v as string]) {
      errors.push(`${OVERRIDE_FILE}: "${k}" maps to ${JSON.stringify(v)}, which is no kind (one of ${KINDS.join(', ')}, or null)`);
      continue;
    }
    out[k] = v as string | null;
  }
  return out;
}

/**
 * Reads `dir` recursively and sorts every JSON file into a kind's artifact, an ignored file (with
 * the reason) or an unknown deployable contract. Throws ArtifactError only when `dir` is not a
 * directory; everything else is in the scan's `errors`.
 */
export function scanArtifactDir(dir: string): ArtifactScan {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ArtifactError(`--artifacts ${dir}: not a directory`);
  const scan: ArtifactScan = { dir, found: {}, ignored: [], unknown: [], errors: [] };
  const override = readOverride(dir, scan.errors);
  /** kind → every artifact claiming it (duplicates are an error), and the version-free fillers. */
  const claims = new Map<string, FoundArtifact[]>();
  const fillers: FoundArtifact[] = [];

  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p).split(sep).join('/');
      if (statSync(p).isDirectory()) {
        // Hardhat's and Foundry's full compiler input/output, never a contract of its own
        if (name === 'build-info') scan.ignored.push({ file: rel + '/', why: 'compiler build info' });
        else if (name.startsWith('.') || name === 'node_modules' || name === 'cache') scan.ignored.push({ file: rel + '/', why: 'not a build output folder' });
        else walk(p);
      } else if (name.endsWith('.json')) files.push(rel);
    }
  };
  walk(dir);

  for (const rel of files) {
    const name = basename(rel);
    if (rel === OVERRIDE_FILE) continue;
    if (name.startsWith('.')) {
      scan.ignored.push({ file: rel, why: 'hidden file (e.g. a build cache)' });
      continue;
    }
    if (name.endsWith('.dbg.json')) {
      scan.ignored.push({ file: rel, why: 'Hardhat debug file' });
      continue;
    }
    let j: Json;
    try {
      j = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as Json;
    } catch {
      scan.ignored.push({ file: rel, why: 'not JSON' });
      continue;
    }
    const bytecode = hexOf(j?.bytecode);
    if (!j || !Array.isArray(j.abi) || bytecode === undefined) {
      scan.ignored.push({ file: rel, why: 'not an artifact (no abi and bytecode)' });
      continue;
    }
    // Foundry writes `X.0.8.24.json` when one build holds X from several compiler versions
    const fileName = name.slice(0, -'.json'.length).replace(/\.\d+\.\d+\.\d+$/, '');
    const contractName = typeof j.contractName === 'string' ? j.contractName : fileName;
    const source = sourceOf(j) ?? rel;
    const mapped = rel in override ? override[rel] : contractName in override ? override[contractName] : undefined;
    if (mapped === null) {
      scan.ignored.push({ file: rel, why: `${OVERRIDE_FILE} maps ${contractName} to null` });
      continue;
    }
    if (bytecode === '0x') {
      scan.ignored.push({ file: rel, why: `${contractName}: interface or abstract contract (no bytecode)` });
      continue;
    }
    const kind = mapped ?? FLOCK_NAMES[contractName] ?? ((KINDS as readonly string[]).includes(contractName) || UNVERSIONED[contractName] ? contractName : undefined);
    if (kind === undefined) {
      if (isDependency(source)) scan.ignored.push({ file: rel, why: `${contractName}: library dependency (${source})` });
      else if (/\.(t|s)\.sol$/.test(source)) scan.ignored.push({ file: rel, why: `${contractName}: Foundry test or script (${source})` });
      else if ((NOT_MODELLED as readonly string[]).includes(contractName)) scan.ignored.push({ file: rel, why: `${contractName}: a FLock contract the lab does not model (docs/contracts.md#not-modelled)` });
      else scan.unknown.push({ file: rel, contractName });
      continue;
    }
    const libs = unlinked(j, bytecode);
    if (libs.length) {
      scan.errors.push(`${contractName} (${rel}) has unlinked library placeholders: ${libs.join(', ')}; link the libraries in the build first`);
      continue;
    }
    const a: FoundArtifact = { kind, contractName, file: rel, abi: j.abi as unknown[], bytecode };
    if (UNVERSIONED[kind]) fillers.push(a);
    else claims.set(kind, [...(claims.get(kind) ?? []), a]);
  }

  for (const [kind, list] of claims) {
    if (list.length > 1) {
      scan.errors.push(`two artifacts for ${kind}: ${list.map((a) => `${a.file} (${a.contractName})`).join(' and ')}; keep one, or map the other to null in ${OVERRIDE_FILE}`);
    } else scan.found[kind] = list[0];
  }
  // a version-free name stands for each version the folder does not give on its own
  for (const f of fillers) {
    for (const k of UNVERSIONED[f.kind]) {
      if (claims.has(k)) continue;
      if (scan.found[k]) scan.errors.push(`two artifacts for ${k}: ${scan.found[k].file} and ${f.file}`);
      else scan.found[k] = { ...f, kind: k };
    }
  }
  for (const a of Object.values(scan.found)) for (const m of missingFunctions(a.kind, a.abi)) scan.errors.push(`${a.kind} (${a.file}, ${a.contractName}) ${m}`);
  return scan;
}

/**
 * What the registry's ABI of `kind` has and `abi` lacks, as messages ("lacks function f(…)"): every
 * function of abi/registry.ts may be called by a trace or by genesis, except the lab's optional
 * additions (OPTIONAL_FUNCTIONS).
 */
export function missingFunctions(kind: string, abi: unknown[]): string[] {
  let theirs: Interface;
  try {
    theirs = new Interface(abi as never);
  } catch (e) {
    return [`has an ABI that does not parse: ${(e as Error).message}`];
  }
  const optional = OPTIONAL_FUNCTIONS[kind] ?? [];
  const out: string[] = [];
  abiOf(kind).forEachFunction((f) => {
    if (optional.includes(f.name)) return;
    if (theirs.getFunction(f.selector)) return;
    const other = theirs.fragments.find((x) => x.type === 'function' && (x as { name?: string }).name === f.name);
    out.push(
      other
        ? `has ${(other as unknown as { format(): string }).format()} but the lab calls ${f.format()}`
        : `lacks function ${f.format()}, which the lab calls`,
    );
  });
  return out;
}

/** Whether the task manager of `protocol` in `set` has the lab's slashing hook (docs/contracts.md#slashing-hook). */
export function hasSlashingHook(set: ArtifactSet, protocol: Protocol): boolean {
  const a = set[protocol === 'v1' ? 'TaskManagerV1' : 'TaskManagerV2'];
  if (!a) return false;
  try {
    const i = new Interface(a.abi as never);
    return OPTIONAL_FUNCTIONS.TaskManagerV2.every((n) => i.getFunction(n) !== null);
  } catch {
    return false;
  }
}

/** The project's artifacts with the scan's swapped in; a factory-made kind follows its factory. */
function overlay(own: ArtifactSet, scan: ArtifactScan): ArtifactSet {
  const out: ArtifactSet = { ...own };
  for (const [kind, a] of Object.entries(scan.found)) {
    const factory = FACTORY_OF[kind];
    // the factory's own bytecode creates these: an artifact of them only matters with a foreign factory
    if (factory && !scan.found[factory]) continue;
    out[kind] = { abi: a.abi, bytecode: a.bytecode, origin: scan.dir, file: a.file, contractName: a.contractName };
  }
  return out;
}

export interface Inspection {
  scan: ArtifactScan;
  set: ArtifactSet;
  /** One line per kind: where it comes from (docs/contracts.md#bring-your-own-artifacts). */
  lines: string[];
  /** Deployable artifacts that match no kind, as one warning (empty when none). */
  warnings: string[];
}

/** One line per kind saying where its code comes from. */
export function describeKinds(set: ArtifactSet, scan: ArtifactScan): string[] {
  const w = Math.max(...KINDS.map((k) => k.length));
  return KINDS.map((kind) => {
    const head = `  ${kind.padEnd(w)}  `;
    const a = set[kind];
    const factory = FACTORY_OF[kind];
    const given = scan.found[kind];
    if (factory) {
      const f = set[factory];
      const fFrom = f && f.origin !== 'project';
      if (given && !fFrom) return `${head}project (${given.file} is never deployed: ${factory} is the project's, and its own code creates ${kind})`;
      if (fFrom) return `${head}DIR, created by ${factory} (${f.contractName})${given ? `; ABI from ${given.file}` : ''}`;
      return `${head}project`;
    }
    if (a && a.origin !== 'project') return `${head}DIR ${a.file} (${a.contractName}, keccak ${keccak256(a.bytecode)})`;
    return `${head}project`;
  });
}

/**
 * Scans `dir`, checks it (errors; with `strict`, unknown artifacts too) and returns the artifacts the
 * engine runs with what to tell the user. Throws ArtifactError naming every problem.
 */
export async function inspectArtifacts(dir: string, opts: { strict?: boolean } = {}): Promise<Inspection> {
  const scan = scanArtifactDir(dir);
  const warnings = scan.unknown.length
    ? [`--artifacts ${dir}: ${scan.unknown.length} deployable artifact(s) match no kind and are not used: ${scan.unknown.map((u) => `${u.file} (${u.contractName})`).join(', ')}; map them in ${OVERRIDE_FILE} (a kind, or null)`]
    : [];
  const errors = [...scan.errors];
  if (opts.strict && scan.unknown.length) errors.push(`--strict: ${scan.unknown.length} deployable artifact(s) match no kind: ${scan.unknown.map((u) => u.contractName).join(', ')}`);
  if (errors.length) throw new ArtifactError(`--artifacts ${dir}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  const set = overlay(await projectArtifacts(), scan);
  return { scan, set, lines: describeKinds(set, scan), warnings };
}

/**
 * The artifacts the engine runs: the project's, with the contracts of `dir` swapped in. Throws
 * ArtifactError when `dir` is not a usable directory or fails the checks of inspectArtifacts.
 */
export async function resolveArtifacts(dir?: string): Promise<ArtifactSet> {
  if (dir === undefined) return projectArtifacts();
  return (await inspectArtifacts(dir)).set;
}
