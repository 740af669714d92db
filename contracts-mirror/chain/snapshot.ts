/**
 * The chain reader behind `flock-lab chain snapshot`: reads the state of a deployed FLock V2
 * network, read-only, through ethers v6, and returns it as plain data (`ChainState`): the chain
 * id, block, timestamp, the parameters as read, and the exact tasks, stakes, pools, σ and
 * delegations. It knows nothing of scenarios: sim/scenario/fromChain.ts turns a ChainState into
 * the scenario (with its `genesis`) that `flock-lab run` accepts, and sim/cli/chain.ts composes
 * the two.
 *
 * Read-only by construction: the provider refuses every JSON-RPC method but eth_chainId,
 * eth_blockNumber, eth_getBlockByNumber, eth_getCode, eth_call and eth_getLogs (and records the
 * ones it is asked for); nothing here creates a signer. Every call is pinned to one block.
 *
 * What it reads (the V2 task manager, pool manager, config and StakeInfo of docs/contracts.md#contracts-and-names):
 * - parameters: the task manager's emission, γ, λ, fee, stake minimums, decay and vesting
 *   settings; the pool manager's fee, σ bounds and cooldowns; the exchange's fee;
 * - the active tasks (`activeTaskIds(i)`, `tasks(id)`; completed ones are skipped);
 * - the stakes: candidates from `NodeStakeDeposited`/`ValidatorStakeDeposited` logs and
 *   `taskValidators`, then `nodeStakes`/`validatorStakes` at the block, checked against
 *   StakeInfo's per-task totals (pool owners are tried too when those disagree);
 * - the pools (`getUsers`, `getMiniPool`, `getPoolSigma`; `getPools` as a check), their delegators (`getDelegators`, or
 *   the pools' `Delegate` logs) and `delegationOf`;
 * - the emission state (mint count, last mint, supply, minted, the manager's balance).
 * Failures are SnapshotErrors with the reason: RPC unreachable, wrong chain id, no contract code
 * at an address, a block that does not exist, a contract that does not answer.
 */
import './noKeepAlive.js';
import { FetchRequest, Network, getAddress, isError, toQuantity, type JsonRpcProvider, type Log } from 'ethers';
import { BASE_MAINNET, SNAPSHOT_CONTRACTS, SnapshotError, type AddressSet, type ChainDelegation, type ChainPool, type ChainStake, type ChainState, type ChainTask, type SnapshotOptions, type SnapshotResult } from './chainState.js';
import { isLoopback, mapLimit, ReadOnlyProvider, shown } from './readOnlyProvider.js';

export * from './chainState.js';
import { abiOf } from '../abi/registry.js';
import { CFG } from '../contracts/config.js';

const lower = (a: string) => a.toLowerCase();

export async function takeSnapshot(o: SnapshotOptions): Promise<SnapshotResult> {
  const methods: string[] = [];
  const warnings: string[] = [];
  const record = (m: string) => {
    methods.push(m);
    o.onRequest?.(m);
  };
  const timeoutMs = o.timeoutMs ?? 30_000;

  // ---- the endpoint and its chain id (a plain fetch: ethers would retry an unreachable node forever) ----
  let url: URL;
  try {
    url = new URL(o.rpc);
  } catch {
    throw new SnapshotError(`--rpc ${o.rpc}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SnapshotError(`--rpc ${shown(url)}: only http(s) JSON-RPC endpoints are supported`);
  let chainId: number;
  {
    record('eth_chainId');
    let body: { result?: string; error?: { message?: string } };
    try {
      const res = await fetch(o.rpc, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`HTTP ${res.status}: not a JSON-RPC answer`);
      }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (err.cause?.message ?? err.cause?.code ?? err.message);
      throw new SnapshotError(`RPC unreachable at ${shown(url)}: ${why}`);
    }
    if (body.error || typeof body.result !== 'string') throw new SnapshotError(`RPC at ${shown(url)} did not answer eth_chainId: ${body.error?.message ?? 'no result'}`);
    chainId = Number(body.result);
  }
  const expected = o.chainId ?? (isLoopback(url) ? undefined : BASE_MAINNET.chainId);
  if (expected !== undefined && chainId !== expected)
    throw new SnapshotError(`wrong chain id: the RPC at ${shown(url)} is on chain ${chainId}, expected ${expected}${o.chainId === undefined ? ' (Base mainnet; pass --chain-id to read another chain)' : ''}`);

  const req = new FetchRequest(o.rpc);
  req.timeout = timeoutMs;
  const provider = new ReadOnlyProvider(req, Network.from(chainId), record);
  try {
    return await readAll(o, provider, chainId, url, methods, warnings);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`reading the chain failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    provider.destroy();
  }
}

async function readAll(o: SnapshotOptions, provider: ReadOnlyProvider, chainId: number, url: URL, methods: string[], warnings: string[]): Promise<SnapshotResult> {
  // ---- the block ----
  const latest = Number(await provider.send('eth_blockNumber', []));
  const block = o.block ?? latest;
  if (!Number.isInteger(block) || block < 0) throw new SnapshotError(`--block ${o.block}: expected a block number ≥ 0`);
  if (block > latest) throw new SnapshotError(`--block ${block} does not exist yet: the chain is at block ${latest}`);
  const header = (await provider.send('eth_getBlockByNumber', [toQuantity(block), false])) as { timestamp: string } | null;
  if (!header) throw new SnapshotError(`block ${block} not found on ${shown(url)}`);
  const timestamp = Number(header.timestamp);
  const tag = toQuantity(block);

  // ---- reads pinned to the block ----
  const call = async (kind: string, addr: string, fn: string, args: unknown[] = []): Promise<unknown> => {
    const iface = abiOf(kind);
    const data = iface.encodeFunctionData(fn, args);
    const ret = await provider.send('eth_call', [{ to: addr, data }, tag]);
    const out = iface.decodeFunctionResult(fn, ret as string);
    return out.length === 1 ? out[0] : out;
  };
  /** null when the contract reverts or does not have the function. */
  const tryCall = async (kind: string, addr: string, fn: string, args: unknown[] = []): Promise<unknown | null> => {
    try {
      return await call(kind, addr, fn, args);
    } catch (e) {
      if (isError(e, 'CALL_EXCEPTION') || isError(e, 'BAD_DATA') || /revert|invalid opcode|execution reverted/i.test((e as Error).message)) return null;
      throw e;
    }
  };
  const codeAt = async (addr: string) => (await provider.send('eth_getCode', [addr, tag])) as string;

  // ---- addresses: defaults, the config's, the file's ----
  let addrs: AddressSet = {};
  if (o.configAddress) {
    const cfg = o.configAddress;
    if (!/^0x[0-9a-fA-F]{40}$/.test(cfg)) throw new SnapshotError(`--config-address ${cfg}: not an address`);
    if ((await codeAt(cfg)) === '0x') throw new SnapshotError(`no contract code at the config ${cfg} (block ${block})`);
    const entry = async (i: bigint) => {
      const a = (await tryCall('Config', cfg, 'getAddress', [i])) as string | null;
      if (a === null) throw new SnapshotError(`the config at ${cfg} does not answer getAddress(${i}) at block ${block}: is it a FlockConfig?`);
      return /^0x0{40}$/i.test(a) ? undefined : a;
    };
    addrs = {
      Config: cfg,
      TaskManager: await entry(CFG.MainManager),
      PoolManager: await entry(CFG.PoolManager),
      FLOCK: await entry(CFG.FlockToken),
      gmFLOCK: await entry(CFG.GmFlockToken),
      StakeInfo: await entry(CFG.StakeInfoV2),
      Exchange: await entry(CFG.Exchange),
    };
  } else {
    addrs = { ...BASE_MAINNET.addresses };
  }
  addrs = { ...addrs, ...(o.addresses ?? {}) };
  if (!addrs.TaskManager) throw new SnapshotError('no task manager address (the config has no MainManager entry, index 0)');
  if (!addrs.PoolManager) throw new SnapshotError('no pool manager address (the config has no PoolManager entry, index 1)');
  const TM = addrs.TaskManager;
  if (o.configAddress && !o.addresses?.Vesting && (await codeAt(TM)) !== '0x') {
    const v = (await tryCall('TaskManagerV2', TM, 'linearVestingDepositor')) as string | null;
    if (v && !/^0x0{40}$/i.test(v)) addrs.Vesting = v;
  }
  for (const name of SNAPSHOT_CONTRACTS) {
    const a = addrs[name];
    if (a === undefined) continue;
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new SnapshotError(`${name}: not an address: ${a}`);
    if ((await codeAt(a)) === '0x') throw new SnapshotError(`no contract code at the ${name} address ${a} on chain ${chainId} at block ${block}`);
  }
  const PM = addrs.PoolManager;
  const tm = (fn: string, args: unknown[] = []) => tryCall('TaskManagerV2', TM, fn, args);
  const pm = (fn: string, args: unknown[] = []) => tryCall('PoolManagerV2', PM, fn, args);
  /** A read that must return something: `null` means the contract did not answer (not a revert check). */
  const answered = async <T>(what: string, p: Promise<unknown>): Promise<T> => {
    const v = await p;
    if (v === null) throw new SnapshotError(`${what} did not answer at block ${block}: is it a FLock V2 contract?`);
    return v as T;
  };
  const n = (x: unknown) => (x === null ? null : Number(x as bigint));
  const s = (x: unknown) => (x === null ? null : (x as bigint).toString());

  // ---- parameters and emission ----
  const tmNames = [
    'rewardTokenPerDay', 'maxRewardTokenPerDay', 'gamma', 'lockedRewardPercentage', 'unlockedRewardPercentage', 'rewardPercentageBase', 'feePercentage',
    'minNodeStakes', 'validatorMinStake', 'maxDuration', 'baseStakeAmount', 'dailyMintResetCount', 'dailyMintDecayPercentage', 'currentDailyMintCount',
    'lastMintTimestamp', 'daysToFreezeSigmaBefore', 'daysToFreezeSigmaAfter', 'lockupRewardVestingPeriodInDays', 'flTaskRewardAmountDaily',
  ] as const;
  const tmv: Record<string, bigint | null> = {};
  for (const [i, v] of (await mapLimit(tmNames, 8, (f) => tm(f))).entries()) tmv[tmNames[i]] = v as bigint | null;
  for (const f of ['rewardTokenPerDay', 'maxRewardTokenPerDay', 'gamma', 'lockedRewardPercentage', 'feePercentage', 'minNodeStakes', 'validatorMinStake', 'currentDailyMintCount', 'lastMintTimestamp'])
    if (tmv[f] === null) throw new SnapshotError(`the task manager at ${TM} does not answer ${f}() at block ${block}: is it FlockTaskManagerV2?`);
  const pmNames = ['protocolFeePercentage', 'minSigma', 'maxSigma', 'sigmaModificationCooldown', 'rewardPercentageBase', 'poolDelegatorCoolDown', 'poolClaimCoolDown', 'claimableRewardPercentage'] as const;
  const pmv: Record<string, bigint | null> = {};
  for (const [i, v] of (await mapLimit(pmNames, 8, (f) => pm(f))).entries()) pmv[pmNames[i]] = v as bigint | null;
  for (const f of ['protocolFeePercentage', 'minSigma', 'maxSigma', 'sigmaModificationCooldown'])
    if (pmv[f] === null) throw new SnapshotError(`the pool manager at ${PM} does not answer ${f}() at block ${block}: is it FlockPoolManagerV2?`);
  const ex = addrs.Exchange;
  const exchangeFee = ex ? ((await tryCall('Exchange', ex, 'protocolFee')) as bigint | null) : null;
  if (ex && exchangeFee === null) warnings.push(`the exchange at ${ex} does not answer protocolFee(); the exchange fee is taken as 0`);
  const state: Record<string, Record<string, string | number | boolean | null>> = {
    TaskManager: Object.fromEntries(tmNames.map((f) => [f, s(tmv[f])])),
    PoolManager: Object.fromEntries(pmNames.map((f) => [f, s(pmv[f])])),
  };
  if (ex)
    state.Exchange = {
      protocolFee: s(exchangeFee),
      currentLockInfoId: s(await tryCall('Exchange', ex, 'currentLockInfoId')),
      multiplierAt30Days: s(await tryCall('Exchange', ex, 'getExchangeMultiplier', [30n * 86_400n])),
      multiplierAt365Days: s(await tryCall('Exchange', ex, 'getExchangeMultiplier', [365n * 86_400n])),
    };
  if (addrs.FLOCK) {
    const F = addrs.FLOCK;
    state.FLOCK = {
      totalSupply: s(await tryCall('FLOCK', F, 'totalSupply')),
      currentMinted: s(await tryCall('FLOCK', F, 'currentMinted')),
      maxTotalSupply: s(await tryCall('FLOCK', F, 'maxTotalSupply')),
      balanceOfTaskManager: s(await tryCall('FLOCK', F, 'balanceOf', [TM])),
      feesAwaitingBurn: s(await tryCall('FLOCK', F, 'balanceOf', [F])),
    };
  }
  if (addrs.gmFLOCK) state.gmFLOCK = { totalSupply: s(await tryCall('gmFLOCK', addrs.gmFLOCK, 'totalSupply')) };
  if (tmv.rewardPercentageBase !== null && tmv.rewardPercentageBase !== 1_000_000n)
    warnings.push(`the task manager's rewardPercentageBase is ${tmv.rewardPercentageBase}, not 1000000; the simulation uses 1000000`);

  // ---- logs: where stakes and delegations came from ----
  let fromBlock = o.fromBlock;
  if (fromBlock === undefined) fromBlock = await creationBlock(provider, TM, block, warnings);
  const chunk0 = Math.max(1, o.logChunk ?? 10_000);
  const getLogs = async (address: string | string[], topic0: string): Promise<Log[]> => {
    const out: Log[] = [];
    let chunk = chunk0;
    for (let a = fromBlock!; a <= block; ) {
      const b = Math.min(block, a + chunk - 1);
      try {
        out.push(...(await provider.getLogs({ address, topics: [topic0], fromBlock: a, toBlock: b })));
        a = b + 1;
      } catch (e) {
        if (e instanceof SnapshotError || chunk === 1) throw e;
        chunk = Math.max(1, Math.floor(chunk / 2)); // the node limits the range or the result size
      }
    }
    return out;
  };
  const tmAbi = abiOf('TaskManagerV2');
  const topicOf = (kind: string, ev: string) => abiOf(kind).getEvent(ev)!.topicHash;
  const nodeLogs = await getLogs(TM, tmAbi.getEvent('NodeStakeDeposited')!.topicHash);
  const valLogs = await getLogs(TM, tmAbi.getEvent('ValidatorStakeDeposited')!.topicHash);
  const topicAddress = (t: string) => lower(getAddress('0x' + t.slice(26)));
  const roleHint = new Map<string, 'node' | 'validator'>();
  const candidates = { node: new Map<number, Set<string>>(), validator: new Map<number, Set<string>>() };
  const addCandidate = (role: 'node' | 'validator', task: number, who: string) => {
    const m = candidates[role];
    if (!m.has(task)) m.set(task, new Set());
    m.get(task)!.add(lower(who));
  };
  for (const [role, logs] of [['node', nodeLogs], ['validator', valLogs]] as const) {
    for (const l of logs) {
      const task = Number(BigInt(l.topics[1]));
      const who = topicAddress(l.topics[2]);
      addCandidate(role, task, who);
      if (!roleHint.has(who)) roleHint.set(who, role);
    }
  }

  // ---- active tasks ----
  const enumerate = async (kind: string, addr: string, fn: string, prefix: unknown[] = []): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < 100_000; i += 8) {
      const got = await Promise.all(Array.from({ length: 8 }, (_, k) => tryCall(kind, addr, fn, [...prefix, BigInt(i + k)])));
      const end = got.indexOf(null);
      out.push(...(end < 0 ? got : got.slice(0, end)));
      if (end >= 0) return out;
    }
    throw new SnapshotError(`${fn} has more than 100000 entries`);
  };
  const activeIds = [...new Set(((await enumerate('TaskManagerV2', TM, 'activeTaskIds')) as bigint[]).map((x) => x))];
  const tasks: ChainTask[] = [];
  let completed = 0;
  for (const idBig of activeIds) {
    const t = (await answered<unknown[]>(`tasks(${idBig}) of the task manager`, tm('tasks', [idBig]))) as unknown as [bigint, boolean, string, bigint, bigint, bigint, string];
    if (t[1]) {
      completed++;
      continue;
    }
    if (idBig > BigInt(Number.MAX_SAFE_INTEGER)) throw new SnapshotError(`task id ${idBig} is too large for a scenario`);
    tasks.push({ id: Number(idBig), name: t[6], creator: lower(t[2]), startTime: Number(t[3]), expectedDuration: Math.max(1, Number(t[4])), stakeAmount: t[5].toString() });
  }
  tasks.sort((a, b) => a.id - b.id);
  for (const t of tasks) for (const v of (await enumerate('TaskManagerV2', TM, 'taskValidators', [BigInt(t.id)])) as string[]) addCandidate('validator', t.id, v);

  // ---- pools ----
  const users = ((await answered<string[]>(`getUsers() of the pool manager at ${PM}`, pm('getUsers'))) as string[]).map(lower);
  const poolRows = await mapLimit(users, 8, async (owner) => {
    const pool = lower((await answered<string>(`getMiniPool(${owner})`, pm('getMiniPool', [owner]))) as string);
    const sigma = Number(await answered<bigint>(`getPoolSigma(${owner})`, pm('getPoolSigma', [owner])));
    const total = (await tryCall('MiniPoolV2', pool, 'getTotalDelegationAmount')) as bigint | null;
    return { owner, pool, sigma, total };
  });
  const listed = (await pm('getPools')) as string[] | null;
  if (listed !== null) {
    const a = listed.map(lower).sort();
    const b = poolRows.map((p) => p.pool).sort();
    if (a.join() !== b.join()) warnings.push(`the pool manager lists ${a.length} pool(s) in getPools() but its ${users.length} user(s) own ${b.length}; the users' pools were read`);
  }

  // ---- stakes ----
  const stakes: ChainStake[] = [];
  const readStakes = async (role: 'node' | 'validator', task: number, who: Iterable<string>, have: Set<string>) => {
    const list = [...who].filter((a) => !have.has(a)).sort();
    const amounts = await mapLimit(list, 8, (a) => answered<bigint>(`${role}Stakes(${task}, ${a})`, tm(role === 'node' ? 'nodeStakes' : 'validatorStakes', [BigInt(task), a])));
    list.forEach((a, i) => {
      have.add(a);
      if (amounts[i] > 0n) stakes.push({ taskId: task, address: a, role, amount: amounts[i].toString() });
    });
  };
  const SI = addrs.StakeInfo;
  for (const t of tasks) {
    for (const role of ['node', 'validator'] as const) {
      const have = new Set<string>();
      await readStakes(role, t.id, candidates[role].get(t.id) ?? [], have);
      const sum = () => stakes.filter((x) => x.taskId === t.id && x.role === role).reduce((a, x) => a + BigInt(x.amount), 0n);
      // StakeInfo's per-task total (docs/contracts.md#stakeinfo-stand-in: validator stake includes the creator's stake).
      let total: bigint | null = null;
      if (SI) total = (await tryCall('StakeInfo', SI, role === 'node' ? 'getTotalNodeStakesPerTask' : 'getTotalValidatorStakesPerTask', [BigInt(t.id)])) as bigint | null;
      if (total === null) continue;
      const expected = role === 'validator' ? total - BigInt(t.stakeAmount) : total;
      if (sum() !== expected) {
        await readStakes(role, t.id, users, have); // stakers the logs missed (a --from-block after their stake)
        if (sum() !== expected)
          warnings.push(`task ${t.id}: the ${role} stakes found sum to ${sum()} wei, StakeInfo reports ${expected}; some stakers were not found (try a lower --from-block)`);
      }
    }
  }
  stakes.sort((a, b) => a.taskId - b.taskId || (a.role < b.role ? -1 : a.role > b.role ? 1 : 0) || (a.address < b.address ? -1 : 1));

  // ---- delegations ----
  const delegations: ChainDelegation[] = [];
  let fromLogs: Map<string, Set<string>> | null = null;
  const delegatorsOf = async (pool: string): Promise<string[]> => {
    const listed = (await tryCall('MiniPoolV2', pool, 'getDelegators')) as string[] | null;
    if (listed !== null) return listed.map(lower);
    if (!fromLogs) {
      // The live pool need not have getDelegators (its source is not public, docs/contracts.md#v2-delegation-pool-stand-in): find delegators from Delegate logs.
      fromLogs = new Map();
      const pools = poolRows.map((p) => p.pool);
      for (let i = 0; i < pools.length; i += 100)
        for (const l of await getLogs(pools.slice(i, i + 100), topicOf('MiniPoolV2', 'Delegate'))) {
          const p = lower(l.address);
          if (!fromLogs.has(p)) fromLogs.set(p, new Set());
          fromLogs.get(p)!.add(topicAddress(l.topics[1]));
        }
    }
    return [...(fromLogs.get(pool) ?? [])];
  };
  for (const p of poolRows) {
    const ds = (await delegatorsOf(p.pool)).sort();
    const amounts = await mapLimit(ds, 8, async (dlg) => {
      const r = (await tryCall('MiniPoolV2', p.pool, 'delegationOf', [dlg])) as { amount: bigint } | null;
      if (r === null) throw new SnapshotError(`the pool ${p.pool} of ${p.owner} does not answer delegationOf(${dlg}) at block ${block}`);
      return r.amount;
    });
    let sum = 0n;
    ds.forEach((dlg, i) => {
      sum += amounts[i];
      if (amounts[i] > 0n) delegations.push({ delegator: dlg, owner: p.owner, amount: amounts[i].toString() });
    });
    if (p.total !== null && sum !== p.total) warnings.push(`pool ${p.pool} of ${p.owner}: delegations found sum to ${sum} wei, the pool holds ${p.total}`);
  }
  delegations.sort((a, b) => (a.delegator < b.delegator ? -1 : a.delegator > b.delegator ? 1 : a.owner < b.owner ? -1 : 1));

  const staked = new Map<string, 'node' | 'validator'>();
  for (const st of stakes) if (!staked.has(st.address) || st.role === 'node') staked.set(st.address, st.role);
  const pools: ChainPool[] = poolRows
    .map((p) => {
      const role = staked.get(p.owner) ?? roleHint.get(p.owner);
      return { owner: p.owner, address: p.pool, sigma: p.sigma, ...(role ? { role } : {}), totalDelegation: (p.total ?? 0n).toString() };
    })
    .sort((a, b) => (a.owner < b.owner ? -1 : 1));

  // ---- the state ----
  const chain: ChainState = {
    chainId,
    block,
    timestamp,
    addresses: Object.fromEntries(SNAPSHOT_CONTRACTS.filter((k) => addrs[k] !== undefined).map((k) => [k, lower(addrs[k]!)])),
    emission: {
      rewardTokenPerDay: tmv.rewardTokenPerDay!.toString(),
      maxRewardTokenPerDay: tmv.maxRewardTokenPerDay!.toString(),
      currentDailyMintCount: n(tmv.currentDailyMintCount)!,
      lastMintTimestamp: n(tmv.lastMintTimestamp)!,
    },
    sigmaBounds: { min: n(pmv.minSigma)!, max: n(pmv.maxSigma)! },
    tasks,
    stakes,
    pools,
    delegations,
    state,
    parameters: { taskManager: tmv, poolManager: pmv, exchangeFee },
  };
  if (completed > 0) warnings.push(`${completed} task(s) in activeTaskIds are completed and were skipped`);
  return { chain, methods, warnings };
}

/**
 * The first block where `addr` has code (a binary search over eth_getCode at past blocks), so
 * that log scans start at the deployment; 0 when the node keeps no historical state (a warning).
 */
async function creationBlock(provider: JsonRpcProvider, addr: string, block: number, warnings: string[]): Promise<number> {
  const has = async (b: number) => ((await provider.send('eth_getCode', [addr, toQuantity(b)])) as string) !== '0x';
  try {
    let lo = 0;
    let hi = block; // has(hi) is known
    if (await has(0)) return 0;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await has(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    warnings.push(`the node could not tell when the task manager was deployed (${(e as Error).message.split('\n')[0]}); logs are scanned from block 0 (pass --from-block to start later)`);
    return 0;
  }
}
