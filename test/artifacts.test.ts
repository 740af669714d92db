/**
 * `--artifacts DIR` on real build folders (issue 14, docs/contracts.md#bring-your-own-artifacts):
 * a Hardhat-shaped and a Foundry-shaped folder, made here from the project's own compiled Solidity
 * under FLock's deployed names in nested paths, with what such folders always hold besides the
 * contracts (build-info/, .dbg.json files, interfaces with empty bytecode, OpenZeppelin artifacts)
 * and both task managers in one build. FLock's own sources are never committed, so these folders
 * are the bar: every file picked up or accounted for, the swapped kinds said, the checks made before
 * any step, and parity green with the generator following the artifacts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAll, BUILD_DIR } from '../contracts-mirror/solidity/compile.js';
import { inspectArtifacts, scanArtifactDir } from '../contracts-mirror/evmEngine/artifacts.js';
import { EvmEngine } from '../contracts-mirror/evmEngine/engine.js';
import { canonicalJson, replayTrace } from '../contracts-mirror/replay/replay.js';
import { runCli, ROOT, tempDirs } from './support/cli.js';

const tempDir = tempDirs();
const TRACE_V2 = join(ROOT, 'contracts-mirror', 'traces', 'claim-fees-v2.json');
const TRACE_V1 = join(ROOT, 'contracts-mirror', 'traces', 'delegation-v1.json');

interface Built {
  contractName: string;
  sourceName: string;
  abi: { type: string; name?: string }[];
  bytecode: string;
  deployedBytecode: string;
}

const built = (kind: string): Built => JSON.parse(readFileSync(join(BUILD_DIR, `${kind}.json`), 'utf8')) as Built;

/** FLock's real contracts have no slashing hook (docs/contracts.md#slashing-hook): their ABIs lack it. */
const withoutHook = (abi: Built['abi']) => abi.filter((f) => !(f.type === 'function' && (f.name === 'slash' || f.name === 'setSlashingEnabled')));

/** kind → FLock's name (docs/contracts.md#bring-your-own-artifacts) and a nested source path like those of a real build. */
const FLOCK: [string, string, string][] = [
  ['FLOCK', 'FlockTokenUpgradeable', 'contracts/FlockTokenUpgradeable.sol'],
  ['Config', 'FlockConfig', 'contracts/config/FlockConfig.sol'],
  ['TaskManagerV1', 'FlockTaskManagerUpgradeable', 'contracts/FlockTaskManagerUpgradeable.sol'],
  ['PoolManagerV1', 'FlockPoolManagerUpgradeable', 'contracts/FlockPoolManagerUpgradeable.sol'],
  ['MiniPoolV1', 'FlockMiniPool', 'contracts/FlockMiniPool.sol'],
  ['TaskManagerV2', 'FlockTaskManagerV2Upgradeable', 'contracts/v2/FlockTaskManagerV2Upgradeable.sol'],
  ['PoolManagerV2', 'FlockPoolManagerV2Upgradeable', 'contracts/v2/FlockPoolManagerV2Upgradeable.sol'],
  ['Exchange', 'gmFlockExchangeUpgradeable', 'contracts/v2/gmFlockExchangeUpgradeable.sol'],
  ['Vesting', 'LinearVestingRewards', 'contracts/vesting/LinearVestingRewards.sol'],
];
const SWAPPED = ['FLOCK', 'Config', 'TaskManagerV1', 'PoolManagerV1', 'TaskManagerV2', 'PoolManagerV2', 'Exchange', 'Vesting'];

function put(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}

/** A Hardhat `artifacts/` folder: X.sol/X.json with contractName, X.dbg.json beside it, build-info/. */
function hardhat(root: string): string {
  const art = join(root, 'artifacts');
  const write = (sourceName: string, contractName: string, abi: unknown[], bytecode: string, deployedBytecode = bytecode) => {
    const base = join(art, sourceName, contractName);
    put(`${base}.json`, { _format: 'hh-sol-artifact-1', contractName, sourceName, abi, bytecode, deployedBytecode, linkReferences: {}, deployedLinkReferences: {} });
    put(`${base}.dbg.json`, { _format: 'hh-sol-dbg-1', buildInfo: '../../build-info/4f1c0e.json' });
  };
  for (const [kind, name, source] of FLOCK) {
    const b = built(kind);
    write(source, name, kind.startsWith('TaskManager') ? withoutHook(b.abi) : b.abi, b.bytecode, b.deployedBytecode);
  }
  // interfaces and abstract bases: no bytecode
  write('contracts/interfaces/IFlockMainManager.sol', 'IFlockMainManager', [], '0x');
  write('contracts/v2/RbacUpgradeable.sol', 'RbacUpgradeable', [], '0x');
  // OpenZeppelin: a concrete contract and a library, both with bytecode
  const flock = built('FLOCK');
  write('@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol', 'ERC20Upgradeable', flock.abi, flock.bytecode);
  write('@openzeppelin/contracts/utils/structs/EnumerableSet.sol', 'EnumerableSet', [], '0x60566037600b82828239805160001a607314602a57634e487b7160e01b600052600060045260246000fd5b30600052607381538281f3fe');
  put(join(art, 'build-info', '4f1c0e.json'), { id: '4f1c0e', _format: 'hh-sol-build-info-1', solcVersion: '0.8.24', input: { language: 'Solidity', sources: {} }, output: { contracts: {} } });
  return art;
}

/** A Foundry `out/` folder: X.sol/X.json without contractName, bytecode as { object }, versioned names, build-info/. */
function foundry(root: string): string {
  const out = join(root, 'out');
  const write = (file: string, sourcePath: string, contractName: string, abi: unknown[], bytecode: string, version = '') => {
    put(join(out, `${file}.sol`, `${contractName}${version}.json`), {
      abi,
      bytecode: { object: bytecode, sourceMap: '', linkReferences: {} },
      deployedBytecode: { object: bytecode, sourceMap: '', linkReferences: {} },
      methodIdentifiers: {},
      metadata: { compiler: { version: '0.8.24+commit.e11b9ed9' }, settings: { compilationTarget: { [sourcePath]: contractName } } },
      ast: { absolutePath: sourcePath, nodeType: 'SourceUnit' },
      id: 1,
    });
  };
  for (const [kind, name, source] of FLOCK) {
    const b = built(kind);
    const src = source.replace(/^contracts\//, 'src/');
    // both task managers from one multi-version build: Foundry then names the files X.<solc>.json
    const version = kind.startsWith('TaskManager') ? '.0.8.24' : '';
    write(name, src, name, kind.startsWith('TaskManager') ? withoutHook(b.abi) : b.abi, b.bytecode, version);
  }
  write('IFlockMainManager', 'src/interfaces/IFlockMainManager.sol', 'IFlockMainManager', [], '0x');
  const flock = built('FLOCK');
  write('ERC20Upgradeable', 'lib/openzeppelin-contracts-upgradeable/contracts/token/ERC20/ERC20Upgradeable.sol', 'ERC20Upgradeable', flock.abi, flock.bytecode);
  write('Test', 'lib/forge-std/src/Test.sol', 'Test', [], '0x');
  write('Deploy', 'script/Deploy.s.sol', 'Deploy', [], flock.bytecode);
  put(join(out, 'build-info', 'a1b2c3.json'), { id: 'a1b2c3', source_id_to_path: {}, language: 'Solidity' });
  return out;
}

beforeAll(() => {
  compileAll();
}, 300_000);

describe('a Hardhat build folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = hardhat(tempDir('flock-hh-'));
  });

  it('maps FLock names to kinds and accounts for every other file', () => {
    const scan = scanArtifactDir(dir);
    expect(scan.errors).toEqual([]);
    expect(scan.unknown).toEqual([]);
    expect(Object.keys(scan.found).sort()).toEqual([...SWAPPED, 'MiniPoolV1'].sort());
    expect(scan.found.TaskManagerV2.file).toBe('contracts/v2/FlockTaskManagerV2Upgradeable.sol/FlockTaskManagerV2Upgradeable.json');
    const why = scan.ignored.map((i) => i.why).join('\n');
    expect(scan.ignored.find((i) => i.file === 'build-info/')?.why).toBe('compiler build info');
    expect(scan.ignored.filter((i) => i.why === 'Hardhat debug file')).toHaveLength(FLOCK.length + 4);
    expect(why).toMatch(/IFlockMainManager: interface or abstract/);
    expect(why).toMatch(/RbacUpgradeable: interface or abstract/);
    expect(why).toMatch(/ERC20Upgradeable: library dependency \(@openzeppelin/);
    expect(why).toMatch(/EnumerableSet: library dependency/);
  });

  it('`flock-lab artifacts` prints the mapping and runs nothing', () => {
    const r = runCli(['artifacts', dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^artifacts: 10 kind\(s\) from .* \(DIR\), the others from the project:$/m);
    expect(r.out).toMatch(/^ {2}TaskManagerV1 +DIR contracts\/FlockTaskManagerUpgradeable\.sol\/FlockTaskManagerUpgradeable\.json \(FlockTaskManagerUpgradeable, keccak 0x[0-9a-f]{64}\)$/m);
    expect(r.out).toMatch(/^ {2}TaskManagerV2 +DIR contracts\/v2\/FlockTaskManagerV2Upgradeable\.sol/m);
    expect(r.out).toMatch(/^ {2}MiniPoolV1 +DIR, created by PoolManagerV1 \(FlockPoolManagerUpgradeable\); ABI from contracts\/FlockMiniPool\.sol/m);
    expect(r.out).toMatch(/^ {2}gmFLOCK +project$/m);
    expect(r.out).toMatch(/^ {2}StakeInfo +project$/m);
    expect(r.out).toMatch(/build-info\/: compiler build info/);
    expect(r.err).toBe('');
  });

  it('replay --engine evm says what it swapped, before running, and matches the mirror', () => {
    for (const trace of [TRACE_V2, TRACE_V1]) {
      const r = runCli(['replay', trace, '--engine', 'evm', '--artifacts', dir], { timeout: 120_000 });
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/^artifacts: 10 kind\(s\) from /m);
      expect(r.err).toMatch(/^ {2}TaskManagerV1 +DIR contracts\/FlockTaskManagerUpgradeable\.sol/m);
      expect(r.err).toMatch(/^ {2}Exchange +DIR contracts\/v2\/gmFlockExchangeUpgradeable\.sol\/gmFlockExchangeUpgradeable\.json/m);
      const { engine: _e, gas: _g, ...evm } = JSON.parse(r.out) as Record<string, unknown>;
      const { engine: _m, ...mirror } = JSON.parse(canonicalJson(replayTrace(JSON.parse(readFileSync(trace, 'utf8'))))) as Record<string, unknown>;
      expect(evm).toEqual(mirror);
    }
  }, 240_000);

  it('the engine runs the folder’s code for the swapped kinds', async () => {
    const ins = await inspectArtifacts(dir);
    const engine = await EvmEngine.create({ artifacts: ins.set });
    for (const k of SWAPPED) expect(engine.artifacts[k].origin).toBe(dir);
    expect(engine.artifacts.gmFLOCK.origin).toBe('project');
    expect(engine.slashingHook('v1')).toBe(false);
    expect(engine.slashingHook('v2')).toBe(false);
  });
});

describe('a Foundry build folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = foundry(tempDir('flock-forge-'));
  });

  it('maps versioned and plain names, ignores build-info, interfaces, lib/ and scripts', () => {
    const scan = scanArtifactDir(dir);
    expect(scan.errors).toEqual([]);
    expect(scan.unknown).toEqual([]);
    expect(Object.keys(scan.found).sort()).toEqual([...SWAPPED, 'MiniPoolV1'].sort());
    expect(scan.found.TaskManagerV1.file).toBe('FlockTaskManagerUpgradeable.sol/FlockTaskManagerUpgradeable.0.8.24.json');
    expect(scan.found.TaskManagerV1.contractName).toBe('FlockTaskManagerUpgradeable');
    const why = scan.ignored.map((i) => i.why).join('\n');
    expect(why).toMatch(/ERC20Upgradeable: library dependency \(lib\/openzeppelin/);
    expect(why).toMatch(/Deploy: Foundry test or script/);
    expect(why).toMatch(/IFlockMainManager: interface or abstract/);
  });

  it('replay --engine evm picks it up and shows the swapped kinds', () => {
    const r = runCli(['replay', TRACE_V2, '--engine', 'evm', '--artifacts', dir], { timeout: 120_000 });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^ {2}TaskManagerV2 +DIR FlockTaskManagerV2Upgradeable\.sol\/FlockTaskManagerV2Upgradeable\.0\.8\.24\.json \(FlockTaskManagerV2Upgradeable, keccak 0x[0-9a-f]{64}\)$/m);
    expect(r.err).toMatch(/^ {2}FLTaskManager +project$/m);
  }, 120_000);
});

describe('what stops a run before any step', () => {
  it('an unknown deployable artifact is a warning; with --strict, exit 2', async () => {
    const root = tempDir('flock-unknown-');
    const dir = hardhat(root);
    const b = built('FLOCK');
    put(join(dir, 'contracts/Extra.sol/FlockExtra.json'), { contractName: 'FlockExtra', sourceName: 'contracts/Extra.sol', abi: b.abi, bytecode: b.bytecode });
    const warn = await inspectArtifacts(dir);
    expect(warn.warnings.join('\n')).toMatch(/1 deployable artifact\(s\) match no kind and are not used: contracts\/Extra\.sol\/FlockExtra\.json \(FlockExtra\)/);
    const strict = runCli(['replay', TRACE_V2, '--engine', 'evm', '--artifacts', dir, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.out).toBe('');
    expect(strict.err).toMatch(/--strict: 1 deployable artifact\(s\) match no kind: FlockExtra/);
    // the folder's own mapping settles it
    put(join(dir, 'flock-lab.artifacts.json'), { FlockExtra: null });
    const settled = await inspectArtifacts(dir, { strict: true });
    expect(settled.warnings).toEqual([]);
    expect(settled.scan.ignored.find((i) => i.file === 'contracts/Extra.sol/FlockExtra.json')?.why).toMatch(/maps FlockExtra to null/);
  });

  it('a function the lab calls that the artifact lacks: exit 2 naming the kind and the function', () => {
    const dir = hardhat(tempDir('flock-missing-'));
    const file = join(dir, 'contracts/v2/FlockTaskManagerV2Upgradeable.sol/FlockTaskManagerV2Upgradeable.json');
    const a = JSON.parse(readFileSync(file, 'utf8')) as Built;
    a.abi = a.abi.filter((f) => f.name !== 'claimRewards');
    writeFileSync(file, JSON.stringify(a));
    const r = runCli(['replay', TRACE_V2, '--engine', 'evm', '--artifacts', dir]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/TaskManagerV2 \(contracts\/v2\/FlockTaskManagerV2Upgradeable\.sol\/FlockTaskManagerV2Upgradeable\.json, FlockTaskManagerV2Upgradeable\) lacks function claimRewards\(\), which the lab calls/);
    // checked before anything ran: no per-kind lines either
    expect(r.err).not.toMatch(/^artifacts: /m);
  });

  it('two artifacts for one kind, and an unlinked library, exit 2 naming them', () => {
    const dir = hardhat(tempDir('flock-dup-'));
    const b = built('Config');
    put(join(dir, 'contracts/v2/config/FlockConfigV2.sol/FlockConfigV2.json'), { contractName: 'FlockConfigV2', sourceName: 'contracts/v2/config/FlockConfigV2.sol', abi: b.abi, bytecode: b.bytecode });
    const v = built('Vesting');
    const placeholder = '__$' + 'ab'.repeat(17) + '$__';
    put(join(dir, 'contracts/vesting/LinearVestingRewards.sol/LinearVestingRewards.json'), {
      contractName: 'LinearVestingRewards',
      sourceName: 'contracts/vesting/LinearVestingRewards.sol',
      abi: v.abi,
      bytecode: v.bytecode.slice(0, 200) + placeholder + v.bytecode.slice(240),
      linkReferences: { 'contracts/libraries/VestingMath.sol': { VestingMath: [{ start: 98, length: 20 }] } },
    });
    const r = runCli(['parity', '--cases', '1', '--artifacts', dir, '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/two artifacts for Config: contracts\/config\/FlockConfig\.sol\/FlockConfig\.json \(FlockConfig\) and contracts\/v2\/config\/FlockConfigV2\.sol\/FlockConfigV2\.json \(FlockConfigV2\)/);
    expect(r.err).toMatch(/LinearVestingRewards .* unlinked library placeholders: VestingMath \(contracts\/libraries\/VestingMath\.sol\)/);
  });
});

describe('parity follows the artifacts', () => {
  it('on a set without the slashing hook: 200 cases, 0 failed, slash steps skipped', () => {
    const dir = hardhat(tempDir('flock-parity-'));
    const out = tempDir('flock-parity-out-');
    const r = runCli(['parity', '--cases', '200', '--seed', '1', '--artifacts', dir, '--no-progress', '--out', out], { timeout: 240_000 });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.err).toMatch(/parity \(v1, v2\): slashing hook not present in the artifacts: slash steps skipped/);
    expect(r.out).toMatch(/^200 passed, 0 failed$/m);
  }, 300_000);
});
