/**
 * PoolManager V1/V2 (docs/model.md#delegation-pools), the V1 FlockMiniPool (docs/model.md#v1-mini-pool,
 * docs/contracts.md#v1-mini-pool-statement-order) and the V2 share pool (docs/contracts.md#v2-delegation-pool-stand-in),
 * driven through traces. Defaults (docs/contracts.md#default-parameters): base 1e6, sigma in [0, 1e6], sigma cooldown 1 day, protocolFeePercentage 10000,
 * V2 poolDelegatorCoolDown 1 day, poolClaimCoolDown 0.
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, T0, e18, failures, run, trace, viewBig, Steps, expectAllOk, eventsOf, st } from './traceKit.js';




const flock = (from: string, to: string, value: bigint | string): ResultEvent => ({
  contract: 'FLOCK',
  name: 'Transfer',
  args: { from, to, value: value.toString() },
});
const gm = (from: string, to: string, value: bigint | string): ResultEvent => ({
  contract: 'gmFLOCK',
  name: 'Transfer',
  args: { from, to, value: value.toString() },
});
const poolEv = (name: string, args: Record<string, string>): ResultEvent => ({ contract: 'Pool:alice', name, args });

/** The exact claim sequence of both pools: Transfer(r - fee), Transfer(fee), Claim, CollectFee. */
function claimEvents(who: string, net: bigint, fee: bigint): ResultEvent[] {
  return [
    flock('Pool:alice', who, net),
    flock('Pool:alice', 'FLOCK', fee),
    poolEv('Claim', { _delegator: who, _amount: net.toString() }),
    poolEv('CollectFee', { _delegator: who, _amount: fee.toString() }),
  ];
}


// ---------------------------------------------------------------------------------------------
describe('PoolManager V1: createMiniPool / setMiniPoolSigma', () => {
  it('checks sigma bounds, one pool per user, strict cooldown; creation does not start the cooldown; V1 getPoolSigma is raw', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [1000001], expectRevert: 'Sigma too high' });
    const iCreate = s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] });
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [1], expectRevert: 'Already created' });
    s.add({ at: T0, view: 'PoolManager.getMiniPool', args: ['alice'], as: 'pool' });
    s.add({ at: T0, view: 'PoolManager.isPool', args: ['Pool:alice'], as: 'isPool' });
    s.add({ at: T0, view: 'PoolManager.isPool', args: ['alice'], as: 'aliceIsPool' });
    s.add({ at: T0, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'sigma0' });
    // creation leaves lastSigmaModificationTimestamp = 0, so T0 - 0 > 1 day passes at once
    const iSet = s.add({ at: T0, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [300000] });
    // now - last = 86400, not > 86400
    s.add({
      at: T0 + DAY,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [350000],
      expectRevert: 'Too soon to modify again',
    });
    s.add({ at: T0 + DAY + 1, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [350000] });
    s.add({ at: T0 + DAY + 1, view: 'PoolManager.lastSigmaModificationTimestamp', args: ['alice'], as: 'last' });
    s.add({ at: T0 + DAY + 1, from: 'bob', call: 'PoolManager.setMiniPoolSigma', args: [1], expectRevert: 'Not created' });
    // the bounds are checked before existence
    s.add({
      at: T0 + DAY + 1,
      from: 'bob',
      call: 'PoolManager.setMiniPoolSigma',
      args: [1000001],
      expectRevert: 'Sigma too high',
    });
    s.add({ at: T0 + DAY + 1, from: 'bob', call: 'PoolManager.setMinSigma', args: [1], expectRevert: '' });
    const iMin = s.add({ at: T0 + DAY + 2, from: 'admin', call: 'PoolManager.setMinSigma', args: [100000] });
    s.add({ at: T0 + DAY + 2, from: 'bob', call: 'PoolManager.createMiniPool', args: [99999], expectRevert: 'Sigma too low' });
    s.add({
      at: T0 + DAY + 2,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [99999],
      expectRevert: 'Sigma too low',
    });
    const iMax = s.add({ at: T0 + DAY + 2, from: 'admin', call: 'PoolManager.setMaxSigma', args: [200000] });
    s.add({ at: T0 + DAY + 2, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'rawAboveMax' });
    s.add({ at: T0 + DAY + 2, from: 'bob', call: 'PoolManager.createMiniPool', args: [150000] });
    s.add({ at: T0 + DAY + 2, from: 'admin', call: 'PoolManager.setSigmaModificationCooldown', args: [0] });
    // cooldown 0: now - last = 2 > 0 passes; a second change in the same second has 0 > 0 and fails
    s.add({ at: T0 + DAY + 3, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [160000] });
    s.add({
      at: T0 + DAY + 3,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [170000],
      expectRevert: 'Too soon to modify again',
    });
    s.add({ at: T0 + DAY + 3, view: 'PoolManager.getPools', as: 'pools' });
    s.add({ at: T0 + DAY + 3, view: 'PoolManager.getUsers', as: 'users' });
    s.add({ at: T0 + DAY + 3, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'sigmaEnd' });
    const r = run(trace('v1', s.list));
    expectAllOk(r);
    expect(eventsOf(r, iCreate)).toContainEqual({
      contract: 'PoolManager',
      name: 'CreateMiniPool',
      args: { user: 'alice', pool: 'Pool:alice', sigma: '400000' },
    });
    expect(r.views.pool).toBe('Pool:alice');
    expect(r.views.isPool).toBe(true);
    expect(r.views.aliceIsPool).toBe(false);
    expect(viewBig(r, 'sigma0')).toBe(400000n);
    expect(eventsOf(r, iSet)).toEqual([
      { contract: 'PoolManager', name: 'SetPoolSigma', args: { user: 'alice', sigma: '300000' } },
    ]);
    expect(viewBig(r, 'last')).toBe(BigInt(T0 + DAY + 1));
    expect(eventsOf(r, iMin)).toEqual([{ contract: 'PoolManager', name: 'SetMinSigma', args: { minSigma: '100000' } }]);
    expect(eventsOf(r, iMax)).toEqual([{ contract: 'PoolManager', name: 'SetMaxSigma', args: { maxSigma: '200000' } }]);
    // V1 getPoolSigma returns the stored 350000 even though maxSigma is now 200000
    expect(viewBig(r, 'rawAboveMax')).toBe(350000n);
    expect(r.views.pools).toEqual(['Pool:alice', 'Pool:bob']);
    expect(r.views.users).toEqual(['alice', 'bob']);
    expect(viewBig(r, 'sigmaEnd')).toBe(160000n);
  });
});

describe('PoolManager V2: createMiniPool / setMiniPoolSigma / clamped getPoolSigma', () => {
  it('registers the pool on gmFLOCK, keeps the V1 checks, and clamps getPoolSigma into [minSigma, maxSigma]', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [1000001], expectRevert: 'Sigma too high' });
    const iCreate = s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] });
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000], expectRevert: 'Already created' });
    const iSet = s.add({ at: T0, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [450000] });
    s.add({
      at: T0 + DAY,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [460000],
      expectRevert: 'Too soon to modify again',
    });
    s.add({ at: T0 + DAY + 1, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [460000] });
    s.add({ at: T0 + DAY + 1, from: 'bob', call: 'PoolManager.setMiniPoolSigma', args: [1], expectRevert: 'Not created' });
    s.add({
      at: T0 + DAY + 1,
      from: 'bob',
      call: 'PoolManager.setMiniPoolSigma',
      args: [1000001],
      expectRevert: 'Sigma too high',
    });
    s.add({
      at: T0 + DAY + 1,
      from: 'bob',
      call: 'PoolManager.setMinSigma',
      args: [1],
      expectRevert: 'Restricted to protocol manager',
    });
    const iMin = s.add({ at: T0 + DAY + 2, from: 'admin', call: 'PoolManager.setMinSigma', args: [500000] });
    s.add({ at: T0 + DAY + 2, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'clampUp' });
    s.add({ at: T0 + DAY + 2, view: 'PoolManager.poolSigmas', args: ['alice'], as: 'raw' });
    s.add({ at: T0 + DAY + 2, from: 'bob', call: 'PoolManager.createMiniPool', args: [499999], expectRevert: 'Sigma too low' });
    s.add({
      at: T0 + DAY + 2,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [499999],
      expectRevert: 'Sigma too low',
    });
    s.add({ at: T0 + DAY + 3, from: 'admin', call: 'PoolManager.setMinSigma', args: [0] });
    s.add({ at: T0 + DAY + 3, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'inRange' });
    const iMax = s.add({ at: T0 + DAY + 4, from: 'admin', call: 'PoolManager.setMaxSigma', args: [300000] });
    s.add({ at: T0 + DAY + 4, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'clampDown' });
    s.add({ at: T0 + DAY + 5, from: 'admin', call: 'PoolManager.setMaxSigma', args: [1000000] });
    s.add({ at: T0 + DAY + 5, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'unclamped' });
    s.add({ at: T0 + DAY + 6, from: 'admin', call: 'PoolManager.setMinSigma', args: [470000] });
    s.add({ at: T0 + DAY + 6, view: 'PoolManager.getDelegationCoolDown', as: 'dcd' });
    s.add({ at: T0 + DAY + 6, view: 'PoolManager.getClaimCoolDown', as: 'ccd' });
    s.add({ at: T0 + DAY + 6, view: 'PoolManager.getClaimableRewardPercentage', as: 'crp' });
    const r = run(trace('v2', s.list));
    expectAllOk(r);
    // exactly these two events, registration first
    expect(eventsOf(r, iCreate)).toEqual([
      { contract: 'gmFLOCK', name: 'Registered', args: { addr: 'Pool:alice', status: true } },
      { contract: 'PoolManager', name: 'CreateMiniPool', args: { user: 'alice', pool: 'Pool:alice', sigma: '400000' } },
    ]);
    expect(eventsOf(r, iSet)).toEqual([
      { contract: 'PoolManager', name: 'SetPoolSigma', args: { user: 'alice', sigma: '450000' } },
    ]);
    expect(eventsOf(r, iMin)).toEqual([{ contract: 'PoolManager', name: 'SetMinSigma', args: { minSigma: '500000' } }]);
    // stored 460000 < minSigma 500000 -> 500000
    expect(viewBig(r, 'clampUp')).toBe(500000n);
    expect(viewBig(r, 'raw')).toBe(460000n);
    expect(viewBig(r, 'inRange')).toBe(460000n);
    expect(eventsOf(r, iMax)).toEqual([{ contract: 'PoolManager', name: 'SetMaxSigma', args: { maxSigma: '300000' } }]);
    // stored 460000 > maxSigma 300000 -> 300000
    expect(viewBig(r, 'clampDown')).toBe(300000n);
    expect(viewBig(r, 'unclamped')).toBe(460000n);
    // state's sigma is getPoolSigma: 460000 < 470000 -> 470000
    expect(st(r).pools['Pool:alice'].sigma).toBe('470000');
    expect(viewBig(r, 'dcd')).toBe(BigInt(DAY));
    expect(viewBig(r, 'ccd')).toBe(0n);
    expect(viewBig(r, 'crp')).toBe(100000n);
  });

  it('refuses sigma changes inside the open freeze window (end - 2d, end + 2d) of a task the user is a node in', () => {
    // createTask at T0 with 30 days: end = T0 + 30d; window is (T0 + 28d, T0 + 32d), both ends open.
    const s = new Steps();
    s.add({ at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] });
    s.add({ at: T0 + 10, from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] });
    s.add({ at: T0 + 10, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] });
    s.add({ at: T0 + 28 * DAY, view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'f28' });
    s.add({ at: T0 + 28 * DAY, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [500000] });
    s.add({ at: T0 + 28 * DAY + 1, view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'f28p1' });
    // frozen is checked before the cooldown (which would also fail here)
    s.add({
      at: T0 + 28 * DAY + 1,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [600000],
      expectRevert: 'Node pool is freezing',
    });
    s.add({
      at: T0 + 32 * DAY - 1,
      from: 'alice',
      call: 'PoolManager.setMiniPoolSigma',
      args: [600000],
      expectRevert: 'Node pool is freezing',
    });
    s.add({ at: T0 + 32 * DAY, view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'f32' });
    s.add({ at: T0 + 32 * DAY, from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [600000] });
    s.add({ at: T0 + 32 * DAY, view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'sigma' });
    const r = run(trace('v2', s.list, { alice: { gmFLOCK: '3000e18' } }));
    expectAllOk(r);
    expect(r.views.f28).toBe(false);
    expect(r.views.f28p1).toBe(true);
    expect(r.views.f32).toBe(false);
    expect(viewBig(r, 'sigma')).toBe(600000n);
  });
});

// ---------------------------------------------------------------------------------------------
describe('V1 mini pool: time-weighted claimable', () => {
  /*
   * bob delegates b = 1001e18 at tb = T0+100; dave funds R = 777777777777777777777 at T0+1d (before carol);
   * carol delegates c = 333333333333333333333 at tc = T0+1d+107. t1 = T0+3d+13.
   *   t1 - tb = 259113, t1 - tc = 172706
   *   TW_b(t1) = 1001e18 * 259113 = 259372113000000000000000000
   *   TW_c(t1) = c * 172706 = 57568666666666666666609098
   *   TW_tot(t1) = totalPast + active.amount*(t1 - active.since)
   *              = 1001e18*(tc - tb) + (b + c)*(t1 - tc) = 316940779666666666666609098 (= TW_b + TW_c)
   *   R = balance - totalDelegation = 777777777777777777777 (funding before carol joined still counts for her)
   *   claimable_b = R*TW_b/TW_tot = 201733865666666666666464932801000000000000000000 / 316940779666666666666609098
   *               = 636503342608150480149 (floor)
   *   claimable_c = R*TW_c/TW_tot = 141274435169627297627 (floor); 1 wei of dust is owed to nobody
   * bob claims at t1: fee = 636503342608150480149*10000/1e6 = 6365033426081504801 (floor),
   *   net = 630138309182068975348.
   * After the claim only bob's weight is reset: totalPast = 333333333333333333333*(t1 - tc) = TW_c(t1), so at t1
   *   claimable_c = (R - 636503342608150480149) * TW_c / TW_c = 141274435169627297628.
   * t2 = t1 + 5000, R' = 141274435169627297628:
   *   TW_b = 1001e18*5000 = 5005000000000000000000000; TW_c = c*177706 = 59235333333333333333274098
   *   TW_tot = 64240333333333333333274098
   *   claimable_b = R'*TW_b/TW_tot = 11006769599949947716; claimable_c = R'*TW_c/TW_tot = 130267665569677349911
   * carol claims at t2: fee = 130267665569677349911*10000/1e6 = 1302676655696773499, net 128964988913980576412.
   * Then bob alone holds weight: claimable_b = R' - 130267665569677349911 = 11006769599949947717.
   */
  const tb = T0 + 100;
  const tf = T0 + DAY;
  const tc = T0 + DAY + 107;
  const t1 = T0 + 3 * DAY + 13;
  const t2 = t1 + 5000;

  it('splits all unclaimed rewards by time-weight, and a claim resets only the claimer', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [250000] });
    const iDel = s.add({ at: tb, from: 'bob', call: 'Pool:alice.delegate', args: ['1001e18'] });
    // anyone can fund, here a non-delegator
    s.add({ at: tf, from: 'dave', call: 'Pool:alice.fundPool', args: ['777777777777777777777'] });
    s.add({ at: tc, from: 'carol', call: 'Pool:alice.delegate', args: ['333333333333333333333'] });
    s.add({ at: t1, view: 'Pool:alice.receiverTemporalDelegation', args: ['bob'], as: 'twB' });
    s.add({ at: t1, view: 'Pool:alice.receiverTemporalDelegation', args: ['carol'], as: 'twC' });
    s.add({ at: t1, view: 'Pool:alice.totalTemporalDelegation', as: 'twTot' });
    s.add({ at: t1, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB1' });
    s.add({ at: t1, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC1' });
    const iClaimB = s.add({ at: t1, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: t1, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB1after' });
    s.add({ at: t1, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC1after' });
    s.add({ at: t1, view: 'Pool:alice.totalRewardForDelegator', args: ['bob'], as: 'totB' });
    s.add({ at: t2, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB2' });
    s.add({ at: t2, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC2' });
    const iClaimC = s.add({ at: t2, from: 'carol', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: t2, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB2after' });
    s.add({ at: t2, view: 'Pool:alice.getDelegators', as: 'delegators' });
    const r = run(
      trace('v1', s.list, { bob: { FLOCK: '5000e18' }, carol: { FLOCK: '5000e18' }, dave: { FLOCK: '100000e18' } }),
    );
    expectAllOk(r);
    const dEv = eventsOf(r, iDel);
    expect(dEv[0]).toEqual(flock('bob', 'Pool:alice', e18(1001)));
    expect(dEv).toContainEqual(poolEv('Delegate', { _delegator: 'bob', _user: 'alice', _amount: e18(1001).toString() }));
    expect(viewBig(r, 'twB')).toBe(259372113000000000000000000n);
    expect(viewBig(r, 'twC')).toBe(57568666666666666666609098n);
    expect(viewBig(r, 'twTot')).toBe(316940779666666666666609098n);
    expect(viewBig(r, 'cB1')).toBe(636503342608150480149n);
    expect(viewBig(r, 'cC1')).toBe(141274435169627297627n);
    expect(eventsOf(r, iClaimB)).toEqual(claimEvents('bob', 630138309182068975348n, 6365033426081504801n));
    expect(viewBig(r, 'cB1after')).toBe(0n);
    expect(viewBig(r, 'cC1after')).toBe(141274435169627297628n);
    // totalRewardForDelegator = claimable (0) + claimedRewards (net)
    expect(viewBig(r, 'totB')).toBe(630138309182068975348n);
    expect(viewBig(r, 'cB2')).toBe(11006769599949947716n);
    expect(viewBig(r, 'cC2')).toBe(130267665569677349911n);
    expect(eventsOf(r, iClaimC)).toEqual(claimEvents('carol', 128964988913980576412n, 1302676655696773499n));
    expect(viewBig(r, 'cB2after')).toBe(11006769599949947717n);
    expect(r.views.delegators).toEqual(['bob', 'carol']);
    // fees at the token address: 6365033426081504801 + 1302676655696773499 = 7667710081778278300
    expect(st(r).balances.FLOCK.FLOCK).toBe('7667710081778278300');
    // bob 5000e18 - 1001e18 + 630138309182068975348; carol 5000e18 - c + 128964988913980576412
    expect(st(r).balances.FLOCK.bob).toBe('4629138309182068975348');
    expect(st(r).balances.FLOCK.carol).toBe('4795631655580647243079');
    // pool: principal 1334333333333333333333 + unclaimed 11006769599949947717
    expect(st(r).balances.FLOCK['Pool:alice']).toBe('1345340102933283281050');
    const pool = st(r).pools['Pool:alice'];
    expect(pool.sigma).toBe('250000');
    expect(pool.totalDelegation).toBe('1334333333333333333333');
    expect(pool.delegators.bob).toEqual({ amount: '1001000000000000000000', claimable: '11006769599949947717' });
    expect(pool.delegators.carol).toEqual({ amount: '333333333333333333333', claimable: '0' });
  });

  it('undelegate: strict 1-day lock from the last delegate, insufficient amount, zero amount, no rewards; fee uses protocolFeePercentage', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    s.add({ at: T0, from: 'admin', call: 'PoolManager.setProtocolFeePercentage', args: [145000] });
    s.add({ at: T0 + 10, from: 'bob', call: 'Pool:alice.delegate', args: ['500e18'] });
    s.add({ at: T0 + 20, from: 'bob', call: 'Pool:alice.claimRewards', args: [], expectRevert: 'No rewards to claim' });
    s.add({
      at: T0 + 30,
      from: 'bob',
      call: 'Pool:alice.delegate',
      args: [0],
      expectRevert: 'Amount must be greater than zero',
    });
    // lastStakeTimestamp + 1 day < now must hold strictly
    s.add({
      at: T0 + 10 + DAY,
      from: 'bob',
      call: 'Pool:alice.undelegate',
      args: [1],
      expectRevert: "You can't undelegate before 1 day",
    });
    s.add({
      at: T0 + 11 + DAY,
      from: 'bob',
      call: 'Pool:alice.undelegate',
      args: ['500000000000000000001'],
      expectRevert: 'User has insufficient token delegated',
    });
    const iUn = s.add({ at: T0 + 11 + DAY, from: 'bob', call: 'Pool:alice.undelegate', args: ['200e18'] });
    s.add({ at: T0 + 12 + DAY, from: 'dave', call: 'Pool:alice.fundPool', args: ['10000000000000000007'] });
    s.add({ at: T0 + 13 + DAY, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB' });
    const iClaim = s.add({ at: T0 + 13 + DAY, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: T0 + 14 + DAY, from: 'bob', call: 'Pool:alice.undelegate', args: ['300e18'] });
    s.add({ at: T0 + 14 + DAY, view: 'Pool:alice.getDelegators', as: 'emptyList' });
    s.add({ at: T0 + 14 + DAY, from: 'carol', call: 'Pool:alice.claimRewards', args: [], expectRevert: 'No rewards to claim' });
    // a new delegate restarts the lock
    s.add({ at: T0 + 15 + DAY, from: 'bob', call: 'Pool:alice.delegate', args: ['1e18'] });
    s.add({
      at: T0 + 15 + 2 * DAY,
      from: 'bob',
      call: 'Pool:alice.undelegate',
      args: ['1e18'],
      expectRevert: "You can't undelegate before 1 day",
    });
    s.add({ at: T0 + 16 + 2 * DAY, from: 'bob', call: 'Pool:alice.undelegate', args: ['1e18'] });
    const r = run(trace('v1', s.list, { bob: { FLOCK: '1000e18' }, dave: { FLOCK: '100e18' } }));
    expectAllOk(r);
    // the transfer back, the TaskManager's delegation total (500e18 − 200e18), then Undelegate
    expect(eventsOf(r, iUn)).toEqual([
      flock('Pool:alice', 'bob', e18(200)),
      { contract: 'TaskManager', name: 'DelegationAmountChanged', args: { user: 'alice', totalDelegationAmount: e18(300).toString() } },
      poolEv('Undelegate', { _delegator: 'bob', _user: 'alice', _amount: e18(200).toString() }),
    ]);
    // bob is the only delegator, so TW_b = TW_tot and claimable = balance - principal = 10e18 + 7
    expect(viewBig(r, 'cB')).toBe(10000000000000000007n);
    // fee = (10e18+7)*145000/1e6 = 1450000000000000001015000/1e6 = 1450000000000000001 (floor); net 8550000000000000006
    expect(eventsOf(r, iClaim)).toEqual(claimEvents('bob', 8550000000000000006n, 1450000000000000001n));
    expect(r.views.emptyList).toEqual([]);
    // bob: 1000e18 - 500e18 + 200e18 + 8550000000000000006 + 300e18 - 1e18 + 1e18
    expect(st(r).balances.FLOCK.bob).toBe('1008550000000000000006');
    expect(st(r).balances.FLOCK.FLOCK).toBe('1450000000000000001');
  });
});

// ---------------------------------------------------------------------------------------------
describe('V2 share pool (docs/contracts.md#v2-delegation-pool-stand-in)', () => {
  /*
   * P = 1e18. dave funds X0 = 5000000000000000003 at principal 0 -> unallocated = X0.
   * bob delegates b = 2999999999999999999999; dave funds F1 = 1000000000000000000001:
   *   acc1 = (F1 + X0)*P/b = 1005000000000000000004e18 / 2999999999999999999999 = 335000000000000000 (floor)
   * carol delegates c = 7000000000000000000003 (accLast_c = acc1); dave funds F2 = 333333333333333333333:
   *   dAcc = F2*P/(b + c) = 333333333333333333333e18 / 10000000000000000000002 = 33333333333333333 (floor)
   *   acc2 = 368333333333333333
   *   claimable_b = b*acc2/P = 1104999999999999998999631666666666666667 / 1e18 = 1104999999999999998999
   *   claimable_c = c*(acc2 - acc1)/P = 233333333333333331000099999999999999999 / 1e18 = 233333333333333331000
   *   (carol does not share X0 or F1)
   * bob claims r = 1104999999999999998999: fee = r*10000/1e6 = 11049999999999999989, net = 1093949999999999999010.
   * dave funds 999: 999e18 / 10000000000000000000002 = 0 -> acc unchanged, bob has nothing to claim.
   * dave funds F4 = 123456789012345678901: dAcc = 123456789012345678901e18 / 10000000000000000000002 = 12345678901234567
   *   acc4 = 380679012234567900
   *   claimable_b = b*(acc4 - acc2)/P = 37037036703703700999987654321098765433 / 1e18 = 37037036703703700999
   *   totalRewardForDelegator(bob) = 37037036703703700999 + 1093949999999999999010 = 1130987036703703700009
   *   claimable_c = c*(acc4 - acc1)/P = 319753085641975300000137037036703703700 / 1e18 = 319753085641975300000
   */
  it('accumulates per share, parks funding at zero principal, and gives a newcomer nothing funded before it joined', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] });
    const iF0 = s.add({ at: T0 + 1, from: 'dave', call: 'Pool:alice.fundPool', args: ['5000000000000000003'] });
    s.add({ at: T0 + 2, view: 'Pool:alice.unallocated', as: 'un0' });
    s.add({ at: T0 + 2, view: 'Pool:alice.accRewardPerShare', as: 'acc0' });
    const iDel = s.add({ at: T0 + 10, from: 'bob', call: 'Pool:alice.delegate', args: ['2999999999999999999999'] });
    s.add({ at: T0 + 10, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB0' });
    s.add({ at: T0 + 20, from: 'dave', call: 'Pool:alice.fundPool', args: ['1000000000000000000001'] });
    s.add({ at: T0 + 20, view: 'Pool:alice.accRewardPerShare', as: 'acc1' });
    s.add({ at: T0 + 20, view: 'Pool:alice.unallocated', as: 'un1' });
    s.add({ at: T0 + 30, from: 'carol', call: 'Pool:alice.delegate', args: ['7000000000000000000003'] });
    s.add({ at: T0 + 30, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC0' });
    s.add({ at: T0 + 40, from: 'dave', call: 'Pool:alice.fundPool', args: ['333333333333333333333'] });
    s.add({ at: T0 + 50, view: 'Pool:alice.accRewardPerShare', as: 'acc2' });
    s.add({ at: T0 + 50, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB2' });
    s.add({ at: T0 + 50, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC2' });
    const iClaim = s.add({ at: T0 + 60, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: T0 + 60, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB3' });
    s.add({ at: T0 + 60, view: 'Pool:alice.totalRewardForDelegator', args: ['bob'], as: 'tot3' });
    s.add({ at: T0 + 60, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC3' });
    s.add({ at: T0 + 70, from: 'dave', call: 'Pool:alice.fundPool', args: [999] });
    s.add({ at: T0 + 70, view: 'Pool:alice.accRewardPerShare', as: 'acc3' });
    s.add({ at: T0 + 71, from: 'bob', call: 'Pool:alice.claimRewards', args: [], expectRevert: 'No rewards to claim' });
    s.add({ at: T0 + 80, from: 'dave', call: 'Pool:alice.fundPool', args: ['123456789012345678901'] });
    s.add({ at: T0 + 90, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB4' });
    s.add({ at: T0 + 90, view: 'Pool:alice.totalRewardForDelegator', args: ['bob'], as: 'tot4' });
    s.add({ at: T0 + 90, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC4' });
    s.add({ at: T0 + 90, view: 'Pool:alice.getTotalDelegationAmount', as: 'principal' });
    s.add({ at: T0 + 90, view: 'Pool:alice.user', as: 'owner' });
    const r = run(
      trace('v2', s.list, {
        bob: { gmFLOCK: '5000e18' },
        carol: { gmFLOCK: '10000e18' },
        dave: { FLOCK: '100000e18' },
      }),
    );
    expectAllOk(r);
    expect(eventsOf(r, iF0)).toEqual([
      flock('dave', 'Pool:alice', 5000000000000000003n),
      poolEv('Fund', { _amount: '5000000000000000003' }),
    ]);
    expect(viewBig(r, 'un0')).toBe(5000000000000000003n);
    expect(viewBig(r, 'acc0')).toBe(0n);
    const dEv = eventsOf(r, iDel);
    expect(dEv[0]).toEqual(gm('bob', 'Pool:alice', 2999999999999999999999n));
    expect(dEv[dEv.length - 1]).toEqual(
      poolEv('Delegate', { _delegator: 'bob', _user: 'alice', _amount: '2999999999999999999999' }),
    );
    // unallocated is only handed out by the next fundPool
    expect(viewBig(r, 'cB0')).toBe(0n);
    expect(viewBig(r, 'acc1')).toBe(335000000000000000n);
    expect(viewBig(r, 'un1')).toBe(0n);
    expect(viewBig(r, 'cC0')).toBe(0n);
    expect(viewBig(r, 'acc2')).toBe(368333333333333333n);
    expect(viewBig(r, 'cB2')).toBe(1104999999999999998999n);
    expect(viewBig(r, 'cC2')).toBe(233333333333333331000n);
    expect(eventsOf(r, iClaim)).toEqual(claimEvents('bob', 1093949999999999999010n, 11049999999999999989n));
    expect(viewBig(r, 'cB3')).toBe(0n);
    expect(viewBig(r, 'tot3')).toBe(1093949999999999999010n);
    expect(viewBig(r, 'cC3')).toBe(233333333333333331000n);
    expect(viewBig(r, 'acc3')).toBe(368333333333333333n);
    expect(viewBig(r, 'cB4')).toBe(37037036703703700999n);
    expect(viewBig(r, 'tot4')).toBe(1130987036703703700009n);
    expect(viewBig(r, 'cC4')).toBe(319753085641975300000n);
    // b + c = 10000000000000000000002
    expect(viewBig(r, 'principal')).toBe(10000000000000000000002n);
    expect(r.views.owner).toBe('alice');
    // pool FLOCK = X0 + F1 + F2 + 999 + F4 - 1104999999999999998999 = 356790122345679014238
    expect(st(r).balances.FLOCK['Pool:alice']).toBe('356790122345679014238');
    expect(st(r).balances.FLOCK.FLOCK).toBe('11049999999999999989');
    expect(st(r).balances.gmFLOCK['Pool:alice']).toBe('10000000000000000000002');
    const pool = st(r).pools['Pool:alice'];
    expect(pool.sigma).toBe('400000');
    expect(pool.totalDelegation).toBe('10000000000000000000002');
    expect(pool.delegators.bob).toEqual({ amount: '2999999999999999999999', claimable: '37037036703703700999' });
    expect(pool.delegators.carol).toEqual({ amount: '7000000000000000000003', claimable: '319753085641975300000' });
  });

  it('fundPool(0) hands the unallocated funds to the current principal', () => {
    // acc = (0 + 5e18+3)*1e18 / 2e18 = 2500000000000000001 (floor of ...1.5); claimable = 2e18*acc/1e18 = 5000000000000000002
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    s.add({ at: T0 + 1, from: 'dave', call: 'Pool:alice.fundPool', args: ['5000000000000000003'] });
    s.add({ at: T0 + 2, from: 'bob', call: 'Pool:alice.delegate', args: ['2e18'] });
    s.add({ at: T0 + 2, view: 'Pool:alice.claimable', args: ['bob'], as: 'before' });
    s.add({ at: T0 + 2, view: 'Pool:alice.unallocated', as: 'unBefore' });
    const iZero = s.add({ at: T0 + 3, from: 'dave', call: 'Pool:alice.fundPool', args: [0] });
    s.add({ at: T0 + 3, view: 'Pool:alice.accRewardPerShare', as: 'acc' });
    s.add({ at: T0 + 3, view: 'Pool:alice.unallocated', as: 'unAfter' });
    s.add({ at: T0 + 3, view: 'Pool:alice.claimable', args: ['bob'], as: 'after' });
    const r = run(trace('v2', s.list, { bob: { gmFLOCK: '10e18' }, dave: { FLOCK: '10e18' } }));
    expectAllOk(r);
    expect(viewBig(r, 'before')).toBe(0n);
    expect(viewBig(r, 'unBefore')).toBe(5000000000000000003n);
    expect(eventsOf(r, iZero)).toContainEqual(poolEv('Fund', { _amount: '0' }));
    expect(viewBig(r, 'acc')).toBe(2500000000000000001n);
    expect(viewBig(r, 'unAfter')).toBe(0n);
    expect(viewBig(r, 'after')).toBe(5000000000000000002n);
  });

  it('transfers even a zero fee: Transfer, Transfer(0), Claim, CollectFee(0)', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    s.add({ at: T0 + 1, from: 'bob', call: 'Pool:alice.delegate', args: ['1e18'] });
    // acc = 99*1e18/1e18 = 99; claimable = 1e18*99/1e18 = 99; fee = 99*10000/1e6 = 0 (floor of 0.99)
    s.add({ at: T0 + 2, from: 'dave', call: 'Pool:alice.fundPool', args: [99] });
    s.add({ at: T0 + 3, view: 'Pool:alice.claimable', args: ['bob'], as: 'c' });
    const iSmall = s.add({ at: T0 + 3, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    // with the fee switched off: 1e18 funded -> claimable 1e18, fee 0
    s.add({ at: T0 + 4, from: 'admin', call: 'PoolManager.setProtocolFeePercentage', args: [0] });
    s.add({ at: T0 + 5, from: 'dave', call: 'Pool:alice.fundPool', args: ['1e18'] });
    const iNoFee = s.add({ at: T0 + 6, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    const r = run(trace('v2', s.list, { bob: { gmFLOCK: '10e18' }, dave: { FLOCK: '10e18' } }));
    expectAllOk(r);
    expect(viewBig(r, 'c')).toBe(99n);
    expect(eventsOf(r, iSmall)).toEqual(claimEvents('bob', 99n, 0n));
    expect(eventsOf(r, iNoFee)).toEqual(claimEvents('bob', e18(1), 0n));
  });

  it('poolClaimCoolDown > 0 gives "Too soon to claim" unless lastClaim + cooldown < now (strict); no rewards is checked first', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'admin', call: 'PoolManager.setClaimCoolDown', args: [3600] });
    s.add({ at: T0, view: 'PoolManager.getClaimCoolDown', as: 'ccd' });
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    s.add({ at: T0 + 1, from: 'bob', call: 'Pool:alice.delegate', args: ['1e18'] });
    s.add({ at: T0 + 2, from: 'dave', call: 'Pool:alice.fundPool', args: [1000] });
    // first claim: lastClaimTimestamp = 0, 0 + 3600 < T0 + 3. r = 1000, fee = 10
    const i1 = s.add({ at: T0 + 3, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: T0 + 10, from: 'bob', call: 'Pool:alice.claimRewards', args: [], expectRevert: 'No rewards to claim' });
    s.add({ at: T0 + 20, from: 'dave', call: 'Pool:alice.fundPool', args: [500] });
    s.add({ at: T0 + 3 + 3600, from: 'bob', call: 'Pool:alice.claimRewards', args: [], expectRevert: 'Too soon to claim' });
    // r = 500, fee = 500*10000/1e6 = 5
    const i2 = s.add({ at: T0 + 3 + 3601, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: T0 + 3 + 3601, from: 'carol', call: 'Pool:alice.claimRewards', args: [], expectRevert: 'No rewards to claim' });
    const r = run(trace('v2', s.list, { bob: { gmFLOCK: '10e18' }, dave: { FLOCK: '10e18' } }));
    expectAllOk(r);
    expect(viewBig(r, 'ccd')).toBe(3600n);
    expect(eventsOf(r, i1)).toEqual(claimEvents('bob', 990n, 10n));
    expect(eventsOf(r, i2)).toEqual(claimEvents('bob', 495n, 5n));
  });

  it('undelegate settles first (pending survives), strict cooldown, reverts; getDelegators is swap-and-pop', () => {
    /*
     * bob 4e18, carol 6e18 -> fred funds 1000e18+7: dAcc = (1000e18+7)*1e18/10e18 = 100e18 (floor of +0.7)
     * dave 5e18 joins after. bob undelegates 1e18: pending_b = 4e18*100e18/1e18 = 400e18.
     * fred funds 140e18+5 over 3e18+6e18+5e18 = 14e18: dAcc = (140e18+5)*1e18/14e18 = 10e18 (floor of +5/14)
     *   claimable_b = 400e18 + 3e18*10e18/1e18 = 430e18
     *   claimable_c = 6e18*110e18/1e18 = 660e18 ; claimable_d = 5e18*10e18/1e18 = 50e18
     * bob claims 430e18: fee = 430e18*10000/1e6 = 4.3e18, net 425.7e18.
     */
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    s.add({ at: T0 + 1, from: 'bob', call: 'Pool:alice.delegate', args: ['4e18'] });
    s.add({ at: T0 + 2, from: 'carol', call: 'Pool:alice.delegate', args: ['6e18'] });
    s.add({ at: T0 + 3, from: 'fred', call: 'Pool:alice.fundPool', args: ['1000000000000000000007'] });
    s.add({ at: T0 + 4, from: 'dave', call: 'Pool:alice.delegate', args: ['5e18'] });
    s.add({ at: T0 + 4, view: 'Pool:alice.getDelegators', as: 'list0' });
    s.add({
      at: T0 + 5,
      from: 'bob',
      call: 'Pool:alice.delegate',
      args: [0],
      expectRevert: 'Amount must be greater than zero',
    });
    s.add({
      at: T0 + 1 + DAY,
      from: 'bob',
      call: 'Pool:alice.undelegate',
      args: ['1e18'],
      expectRevert: "You can't undelegate before 1 day",
    });
    s.add({
      at: T0 + 2 + DAY,
      from: 'bob',
      call: 'Pool:alice.undelegate',
      args: ['4000000000000000001'],
      expectRevert: 'User has insufficient token delegated',
    });
    const iUn = s.add({ at: T0 + 2 + DAY, from: 'bob', call: 'Pool:alice.undelegate', args: ['1e18'] });
    s.add({ at: T0 + 2 + DAY, view: 'Pool:alice.claimable', args: ['bob'], as: 'pendB' });
    s.add({ at: T0 + 2 + DAY, view: 'Pool:alice.delegationOf', args: ['bob'], as: 'delB' });
    s.add({ at: T0 + 3 + DAY, from: 'fred', call: 'Pool:alice.fundPool', args: ['140000000000000000005'] });
    s.add({ at: T0 + 3 + DAY, view: 'Pool:alice.claimable', args: ['bob'], as: 'cB' });
    s.add({ at: T0 + 3 + DAY, view: 'Pool:alice.claimable', args: ['carol'], as: 'cC' });
    s.add({ at: T0 + 3 + DAY, view: 'Pool:alice.claimable', args: ['dave'], as: 'cD' });
    s.add({ at: T0 + 3 + DAY, from: 'bob', call: 'Pool:alice.undelegate', args: ['3e18'] });
    s.add({ at: T0 + 3 + DAY, view: 'Pool:alice.getDelegators', as: 'list1' });
    s.add({ at: T0 + 3 + DAY, view: 'Pool:alice.claimable', args: ['bob'], as: 'cBgone' });
    s.add({ at: T0 + 4 + DAY, from: 'erin', call: 'Pool:alice.delegate', args: ['2e18'] });
    s.add({ at: T0 + 4 + DAY, view: 'Pool:alice.getDelegators', as: 'list2' });
    const iClaim = s.add({ at: T0 + 5 + DAY, from: 'bob', call: 'Pool:alice.claimRewards', args: [] });
    s.add({ at: T0 + 5 + DAY, view: 'Pool:alice.totalRewardForDelegator', args: ['bob'], as: 'totB' });
    s.add({ at: T0 + 5 + DAY, view: 'Pool:alice.getTotalDelegationAmount', as: 'principal' });
    const r = run(
      trace('v2', s.list, {
        bob: { gmFLOCK: '10e18' },
        carol: { gmFLOCK: '10e18' },
        dave: { gmFLOCK: '10e18' },
        erin: { gmFLOCK: '10e18' },
        fred: { FLOCK: '2000e18' },
      }),
    );
    expectAllOk(r);
    expect(r.views.list0).toEqual(['bob', 'carol', 'dave']);
    const uEv = eventsOf(r, iUn);
    expect(uEv[0]).toEqual(gm('Pool:alice', 'bob', e18(1)));
    expect(uEv[uEv.length - 1]).toEqual(
      poolEv('Undelegate', { _delegator: 'bob', _user: 'alice', _amount: e18(1).toString() }),
    );
    expect(viewBig(r, 'pendB')).toBe(e18(400));
    // delegationOf = (amount, since = lastStakeTimestamp = T0 + 1)
    expect(r.views.delB).toEqual({ amount: e18(3).toString(), since: String(T0 + 1) });
    expect(viewBig(r, 'cB')).toBe(e18(430));
    expect(viewBig(r, 'cC')).toBe(e18(660));
    expect(viewBig(r, 'cD')).toBe(e18(50));
    // removing bob (index 0) from [bob, carol, dave] moves the last one into its slot
    expect(r.views.list1).toEqual(['dave', 'carol']);
    expect(viewBig(r, 'cBgone')).toBe(e18(430));
    expect(r.views.list2).toEqual(['dave', 'carol', 'erin']);
    expect(eventsOf(r, iClaim)).toEqual(claimEvents('bob', 425700000000000000000n, 4300000000000000000n));
    expect(viewBig(r, 'totB')).toBe(425700000000000000000n);
    expect(viewBig(r, 'principal')).toBe(e18(13));
    // bob: 10e18 gmFLOCK back in full; 425.7e18 FLOCK
    expect(st(r).balances.gmFLOCK.bob).toBe('10000000000000000000');
    expect(st(r).balances.FLOCK.bob).toBe('425700000000000000000');
  });
});
