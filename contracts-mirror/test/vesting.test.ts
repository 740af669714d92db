/**
 * LinearVestingRewards (verified V2 source; docs/model.md#node-vesting) driven through traces under v2.
 * vested(g, ts) = amount                      if duration == 0
 *               = 0                           if ts <= start
 *               = min(amount, amount*(ts - start)/duration)   (floor) otherwise
 * admin holds DEFAULT_ADMIN_ROLE on Vesting and an infinite FLOCK allowance to it (docs/contracts.md#genesis).
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, T0, failures, run, trace, viewBig, Steps, expectAllOk, eventsOf, st } from './traceKit.js';




const flock = (from: string, to: string, value: bigint | string): ResultEvent => ({
  contract: 'FLOCK',
  name: 'Transfer',
  args: { from, to, value: value.toString() },
});


// Three grants for bob, deposited in this order (grant indices 0, 1, 2):
//  G0 = 333333333333333333333, start T0+5d, duration 0       -> fully vested at once, even before its start
//  G1 = 1000000000000000000007, start T0+100, duration 10d+3 = 864003
//  G2 = 500e18,                 start T0+1d, duration 30d = 2592000
const G0 = 333333333333333333333n;
const G1 = 1000000000000000000007n;
const G2 = 500000000000000000000n;
const S0 = T0 + 5 * DAY;
const S1 = T0 + 100;
const D1 = 10 * DAY + 3;
const S2 = T0 + DAY;
const D2 = 30 * DAY;
const t1 = T0 + 100 + 3 * DAY + 7; // 1735948907
const t2 = t1 + 1;
const t3 = T0 + 40 * DAY;

function deposits(s: Steps) {
  const i0 = s.add({ at: T0, from: 'admin', call: 'Vesting.depositReward', args: ['bob', G0.toString(), S0, 0] });
  const i1 = s.add({ at: T0, from: 'admin', call: 'Vesting.depositReward', args: ['bob', G1.toString(), S1, D1] });
  const i2 = s.add({ at: T0, from: 'admin', call: 'Vesting.depositReward', args: ['bob', G2.toString(), S2, D2] });
  return { i0, i1, i2 };
}

describe('LinearVestingRewards', () => {
  it('deposits grants by admin with FLOCK, rejects amount 0 and non-admins', () => {
    const s = new Steps();
    const { i0, i1 } = deposits(s);
    s.add({ at: T0, from: 'admin', call: 'Vesting.depositReward', args: ['bob', 0, T0, 10], expectRevert: 'amount=0' });
    s.add({ at: T0, from: 'bob', call: 'Vesting.depositReward', args: ['bob', 1, T0, 10], expectRevert: '' });
    s.add({ at: T0, view: 'Vesting.activeGrantCount', args: ['bob'], as: 'n' });
    s.add({ at: T0, view: 'Vesting.getActiveGrant', args: ['bob', 1], as: 'g1' });
    s.add({ at: T0, view: 'Vesting.rewardToken', as: 'token' });
    const r = run(trace('v2', s.list, { admin: { FLOCK: '100000e18' } }));
    expectAllOk(r);
    // safeTransferFrom(admin -> Vesting) against the genesis infinite allowance: no Approval
    expect(eventsOf(r, i0)).toEqual([
      flock('admin', 'Vesting', G0),
      {
        contract: 'Vesting',
        name: 'RewardDeposited',
        args: { user: 'bob', grantIndex: '0', amount: G0.toString(), start: String(S0), duration: '0' },
      },
    ]);
    expect(eventsOf(r, i1)).toEqual([
      flock('admin', 'Vesting', G1),
      {
        contract: 'Vesting',
        name: 'RewardDeposited',
        args: { user: 'bob', grantIndex: '1', amount: G1.toString(), start: String(S1), duration: String(D1) },
      },
    ]);
    expect(viewBig(r, 'n')).toBe(3n);
    expect(r.views.g1).toEqual({ amount: G1.toString(), claimed: '0', start: String(S1), duration: String(D1) });
    expect(r.views.token).toBe('FLOCK');
    // Vesting holds G0+G1+G2 = 1833333333333333333340
    expect(st(r).balances.FLOCK.Vesting).toBe('1833333333333333333340');
    // admin: 100000e18 - 1833333333333333333340 = 98166666666666666666660
    expect(st(r).balances.FLOCK.admin).toBe('98166666666666666666660');
  });

  it('vests linearly with floors, nothing at or before start, everything at once when duration is 0', () => {
    const s = new Steps();
    deposits(s);
    s.add({ at: T0 + 50, view: 'Vesting.claimable', args: ['bob'], as: 'c50' });
    s.add({ at: T0 + 50, view: 'Vesting.claimableAt', args: ['bob', S1], as: 'atS1' });
    s.add({ at: T0 + 50, view: 'Vesting.claimableAt', args: ['bob', S1 + 1], as: 'atS1p1' });
    s.add({ at: T0 + 50, view: 'Vesting.claimableAt', args: ['bob', t1], as: 'atT1' });
    s.add({ at: T0 + 50, view: 'Vesting.claimableAt', args: ['bob', t3], as: 'atT3' });
    s.add({ at: T0 + 50, view: 'Vesting.claimableAt', args: ['carol', t3], as: 'carol' });
    const r = run(trace('v2', s.list, { admin: { FLOCK: '100000e18' } }));
    expectAllOk(r);
    // at T0+50: G0 (duration 0) = 333333333333333333333; G1, G2 not started
    expect(viewBig(r, 'c50')).toBe(G0);
    // ts = start: elapsed 0 -> 0
    expect(viewBig(r, 'atS1')).toBe(G0);
    // ts = start+1: G1*1/864003 = 1000000000000000000007/864003 = 1157403388645641 (floor)
    expect(viewBig(r, 'atS1p1')).toBe(G0 + 1157403388645641n);
    // ts = t1: G1*259207/864003 = 259207000000000000001814449/864003 = 300007060160670738413
    //          G2*172907/2592000 = 86453500000000000000000000/2592000 = 33353973765432098765
    //   total 333333333333333333333 + 300007060160670738413 + 33353973765432098765 = 666694367259436170511
    expect(viewBig(r, 'atT1')).toBe(666694367259436170511n);
    // t3 = T0+40d is past both ends: G0+G1+G2 = 1833333333333333333340
    expect(viewBig(r, 'atT3')).toBe(1833333333333333333340n);
    expect(viewBig(r, 'carol')).toBe(0n);
  });

  it('claim pays across grants, swap-pops fully claimed grants, and reverts "nothing vested"', () => {
    const s = new Steps();
    deposits(s);
    s.add({ at: T0 + 1, from: 'carol', call: 'Vesting.claim', args: [], expectRevert: 'nothing vested' });
    const iC1 = s.add({ at: t1, from: 'bob', call: 'Vesting.claim', args: [] });
    s.add({ at: t1, view: 'Vesting.activeGrantCount', args: ['bob'], as: 'n1' });
    s.add({ at: t1, view: 'Vesting.getActiveGrant', args: ['bob', 0], as: 'g0' });
    s.add({ at: t1, view: 'Vesting.getActiveGrant', args: ['bob', 1], as: 'g1' });
    s.add({ at: t1, from: 'bob', call: 'Vesting.claim', args: [], expectRevert: 'nothing vested' });
    const iC2 = s.add({ at: t2, from: 'bob', call: 'Vesting.claim', args: [] });
    const iC3 = s.add({ at: t3, from: 'bob', call: 'Vesting.claim', args: [] });
    s.add({ at: t3, view: 'Vesting.activeGrantCount', args: ['bob'], as: 'n3' });
    s.add({ at: t3, from: 'bob', call: 'Vesting.claim', args: [], expectRevert: 'nothing vested' });
    const r = run(trace('v2', s.list, { admin: { FLOCK: '100000e18' } }));
    expectAllOk(r);
    // t1: G0 + 300007060160670738413 + 33353973765432098765 = 666694367259436170511
    expect(eventsOf(r, iC1)).toEqual([
      flock('Vesting', 'bob', 666694367259436170511n),
      { contract: 'Vesting', name: 'RewardClaimed', args: { user: 'bob', amount: '666694367259436170511' } },
    ]);
    // [G0, G1, G2]: G0 is fully claimed at i=0 and replaced by G2 -> [G2, G1]
    expect(viewBig(r, 'n1')).toBe(2n);
    expect(r.views.g0).toEqual({
      amount: G2.toString(),
      claimed: '33353973765432098765',
      start: String(S2),
      duration: String(D2),
    });
    expect(r.views.g1).toEqual({
      amount: G1.toString(),
      claimed: '300007060160670738413',
      start: String(S1),
      duration: String(D1),
    });
    // t2 = t1+1: G1*259208/864003 = 259208000000000000001814456/864003 = 300008217564059384055 (+1157403388645642)
    //            G2*172908/2592000 = 86454000000000000000000000/2592000 = 33354166666666666666 (+192901234567901)
    //   delta = 1157403388645642 + 192901234567901 = 1350304623213543
    expect(eventsOf(r, iC2)).toEqual([
      flock('Vesting', 'bob', 1350304623213543n),
      { contract: 'Vesting', name: 'RewardClaimed', args: { user: 'bob', amount: '1350304623213543' } },
    ]);
    // t3: the rest, (G1 - 300008217564059384055) + (G2 - 33354166666666666666)
    //   = 699991782435940615952 + 466645833333333333334 = 1166637615769273949286
    expect(eventsOf(r, iC3)).toEqual([
      flock('Vesting', 'bob', 1166637615769273949286n),
      { contract: 'Vesting', name: 'RewardClaimed', args: { user: 'bob', amount: '1166637615769273949286' } },
    ]);
    expect(viewBig(r, 'n3')).toBe(0n);
    // bob received everything: G0+G1+G2 = 1833333333333333333340; Vesting is empty
    expect(st(r).balances.FLOCK.bob).toBe('1833333333333333333340');
    expect(st(r).balances.FLOCK.Vesting).toBeUndefined();
  });

  it('reports claimable and unvested (granted - vested) in the result state', () => {
    const s = new Steps();
    deposits(s);
    s.add({ at: t1, from: 'bob', call: 'Vesting.claim', args: [] });
    s.add({ at: t1, view: 'Vesting.claimable', args: ['bob'], as: 'c' });
    const r = run(trace('v2', s.list, { admin: { FLOCK: '100000e18' } }));
    expectAllOk(r);
    expect(viewBig(r, 'c')).toBe(0n);
    // unvested at t1 = (G1 - 300007060160670738413) + (G2 - 33353973765432098765) = 1166638966073897162829
    expect(st(r).vesting.bob).toEqual({ claimable: '0', unvested: '1166638966073897162829' });
    // Vesting still holds exactly the unvested part
    expect(st(r).balances.FLOCK.Vesting).toBe('1166638966073897162829');
  });
});
