/**
 * Compiles flock-lab's reference Solidity (every .sol under contracts-mirror/solidity/) with the
 * solc-js of npm (its bundled soljson: nothing downloads a compiler) against OpenZeppelin 4.9.6
 * from node_modules, and writes one artifact per deployable contract to
 * contracts-mirror/solidity/build/<Name>.json: `{ contractName, abi, bytecode, deployedBytecode }`.
 *
 * The build is cached: build/.cache.json holds a key (sha256 of every source, the solc version and
 * the settings), and nothing recompiles while the key matches and every artifact exists.
 *
 * CLI: `node --import tsx contracts-mirror/solidity/compile.ts [--force]`.
 * Compile errors print as `file:line:col: message` and exit 1.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** contracts-mirror/solidity/ */
export const SOLIDITY_DIR = here;
export const BUILD_DIR = join(here, 'build');
const ROOT = resolve(here, '..', '..');
const require = createRequire(import.meta.url);

interface Solc {
  version(): string;
  compile(input: string, callbacks?: { import: (path: string) => { contents: string } | { error: string } }): string;
}

export interface Artifact {
  contractName: string;
  sourceName: string;
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
}

export interface CompileReport {
  /** true when the cache was stale and solc ran */
  compiled: boolean;
  contracts: string[];
  /** size of each contract's runtime code in bytes */
  sizes: Record<string, number>;
  ms: number;
  viaIR: boolean;
  key: string;
  warnings: string[];
}

export class SolidityCompileError extends Error {
  constructor(readonly messages: string[]) {
    super(`Solidity compilation failed:\n${messages.join('\n')}`);
  }
}

const OZ_PACKAGES = ['@openzeppelin/contracts', '@openzeppelin/contracts-upgradeable'];
const EVM_VERSION = 'shanghai';

function baseSettings(viaIR: boolean) {
  return {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: EVM_VERSION,
    viaIR,
    outputSelection: {
      '*': {
        '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'],
        '': ['ast'],
      },
    },
  };
}

/** Every .sol below contracts-mirror/solidity/ (build/ and dot-folders skipped), keyed by source unit name. */
export function collectSources(dir = SOLIDITY_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'build' || name === 'node_modules') continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.sol')) out[relative(dir, p).split(sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function loadSolc(): Solc {
  return require('solc') as Solc;
}

function packageVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

function cacheKey(sources: Record<string, string>, solcVersion: string): string {
  const h = createHash('sha256');
  h.update(`solc ${solcVersion}\n`);
  for (const p of OZ_PACKAGES) h.update(`${p} ${packageVersion(p)}\n`);
  h.update(JSON.stringify(baseSettings(false)) + '\n');
  for (const name of Object.keys(sources).sort()) {
    h.update(`${name}\n${sources[name].length}\n`);
    h.update(sources[name]);
  }
  return h.digest('hex');
}

/** Resolves `@openzeppelin/...` (and any other package path) from node_modules. */
function findImport(path: string): { contents: string } | { error: string } {
  const candidates = [join(ROOT, 'node_modules', path), join(SOLIDITY_DIR, path)];
  for (const c of candidates) if (existsSync(c)) return { contents: readFileSync(c, 'utf8') };
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch {
    return { error: `File not found: ${path}` };
  }
}

interface SolcError {
  severity: 'error' | 'warning' | 'info';
  type: string;
  message: string;
  formattedMessage?: string;
  sourceLocation?: { file: string; start: number; end: number };
}

interface SolcOutput {
  errors?: SolcError[];
  sources?: Record<string, { ast: AstNode }>;
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

interface AstNode {
  nodeType: string;
  name?: string;
  contractKind?: string;
  abstract?: boolean;
  nodes?: AstNode[];
}

/** `file:line:col: severity: message`, with the path relative to the repository. */
function formatError(e: SolcError, sources: Record<string, string>): string {
  const loc = e.sourceLocation;
  let where = '';
  if (loc && loc.file) {
    const text = sources[loc.file] ?? (findImport(loc.file) as { contents?: string }).contents ?? '';
    const before = text.slice(0, Math.max(0, loc.start));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const path = sources[loc.file] !== undefined ? relative(ROOT, join(SOLIDITY_DIR, loc.file)) : loc.file;
    where = `${path}:${line}:${col}: `;
  }
  return `${where}${e.severity === 'error' ? 'error' : e.severity}: ${e.type}: ${e.message}`;
}

function runSolc(solc: Solc, sources: Record<string, string>, viaIR: boolean): SolcOutput {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { content: v }])),
    settings: baseSettings(viaIR),
  };
  return JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
}

/** Names of the deployable (non-abstract) contracts defined in one of our own sources. */
function deployable(out: SolcOutput, sources: Record<string, string>): Map<string, string> {
  const names = new Map<string, string>(); // contract → source unit
  for (const [file, s] of Object.entries(out.sources ?? {})) {
    if (sources[file] === undefined) continue;
    for (const n of s.ast.nodes ?? []) {
      if (n.nodeType === 'ContractDefinition' && n.contractKind === 'contract' && !n.abstract && n.name) {
        const prev = names.get(n.name);
        if (prev) throw new SolidityCompileError([`duplicate contract name ${n.name} in ${prev} and ${file}`]);
        names.set(n.name, file);
      }
    }
  }
  return names;
}

function readCache(buildDir: string): { key: string; contracts: string[]; viaIR: boolean; sizes: Record<string, number> } | null {
  const p = join(buildDir, '.cache.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return null;
  }
}

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
}

/**
 * Compiles when the cache is stale (or `force`), else returns what the cache holds.
 * Throws SolidityCompileError (with file:line messages) on compile errors.
 */
export function compileAll(opts: { force?: boolean; buildDir?: string } = {}): CompileReport {
  const t0 = performance.now();
  const buildDir = opts.buildDir ?? BUILD_DIR;
  const sources = collectSources();
  const solc = loadSolc();
  const key = cacheKey(sources, solc.version());
  const cached = readCache(buildDir);
  if (!opts.force && cached && cached.key === key && cached.contracts.every((c) => existsSync(join(buildDir, `${c}.json`)))) {
    return { compiled: false, contracts: cached.contracts, sizes: cached.sizes ?? {}, ms: performance.now() - t0, viaIR: cached.viaIR, key, warnings: [] };
  }

  let viaIR = false;
  let out = runSolc(solc, sources, viaIR);
  let errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.some((e) => /stack too deep/i.test(e.message))) {
    viaIR = true;
    out = runSolc(solc, sources, viaIR);
    errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  }
  if (errors.length > 0) throw new SolidityCompileError(errors.map((e) => formatError(e, sources)));
  const warnings = (out.errors ?? [])
    .filter((e) => e.severity === 'warning' && e.sourceLocation && sources[e.sourceLocation.file] !== undefined)
    .map((e) => formatError(e, sources));

  const names = deployable(out, sources);
  mkdirSync(buildDir, { recursive: true });
  const sizes: Record<string, number> = {};
  for (const [name, file] of [...names].sort(([a], [b]) => a.localeCompare(b))) {
    const c = out.contracts?.[file]?.[name];
    if (!c) throw new SolidityCompileError([`solc produced no output for ${file}:${name}`]);
    const artifact: Artifact = {
      contractName: name,
      sourceName: file,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    sizes[name] = c.evm.deployedBytecode.object.length / 2;
    writeJson(join(buildDir, `${name}.json`), artifact);
  }
  const contracts = [...names.keys()].sort();
  writeJson(join(buildDir, '.cache.json'), { key, solc: solc.version(), viaIR, evmVersion: EVM_VERSION, contracts, sizes });
  return { compiled: true, contracts, sizes, ms: performance.now() - t0, viaIR, key, warnings };
}

/**
 * The artifacts in `dir` (default: the project's build folder, compiled first if stale), keyed by
 * contract name. A foreign `dir` (`--artifacts`) is read as is: every `<Name>.json` with an `abi`
 * and a `bytecode` (a Hardhat/Foundry-style `{ bytecode: { object } }` is accepted too).
 */
export async function loadArtifacts(dir?: string): Promise<Record<string, { abi: unknown[]; bytecode: string; deployedBytecode?: string }>> {
  const own = dir === undefined || resolve(dir) === resolve(BUILD_DIR);
  const buildDir = dir ?? BUILD_DIR;
  if (own) compileAll({ buildDir });
  const out: Record<string, { abi: unknown[]; bytecode: string; deployedBytecode?: string }> = {};
  for (const f of readdirSync(buildDir).sort()) {
    if (!f.endsWith('.json') || f.startsWith('.')) continue;
    const j = JSON.parse(readFileSync(join(buildDir, f), 'utf8')) as {
      contractName?: string;
      abi?: unknown[];
      bytecode?: string | { object: string };
      deployedBytecode?: string | { object: string };
    };
    if (!Array.isArray(j.abi) || j.bytecode === undefined) continue;
    const hex = (b: string | { object: string } | undefined) => {
      if (b === undefined) return undefined;
      const s = typeof b === 'string' ? b : b.object;
      return s.startsWith('0x') ? s : '0x' + s;
    };
    const name = j.contractName ?? f.slice(0, -'.json'.length);
    out[name] = { abi: j.abi, bytecode: hex(j.bytecode)!, deployedBytecode: hex(j.deployedBytecode) };
  }
  return out;
}

function main(argv: string[]): number {
  const force = argv.includes('--force');
  try {
    const r = compileAll({ force });
    for (const w of r.warnings) console.error(w);
    const what = r.compiled ? `compiled ${r.contracts.length} contracts` : `up to date (${r.contracts.length} contracts cached)`;
    console.log(`${what} in ${(r.ms / 1000).toFixed(1)} s (solc ${loadSolc().version()}, optimizer 200 runs, ${EVM_VERSION}${r.viaIR ? ', viaIR' : ''}) -> ${relative(process.cwd(), BUILD_DIR) || '.'}`);
    for (const c of r.contracts) {
      const size = r.sizes[c];
      const flag = size !== undefined && size > 24576 ? '  (exceeds EIP-170 24576 bytes)' : '';
      console.log(`  ${c.padEnd(16)} ${size !== undefined ? `${size} bytes` : ''}${flag}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof SolidityCompileError) {
      for (const m of e.messages) console.error(m);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
