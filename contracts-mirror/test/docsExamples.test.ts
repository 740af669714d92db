/**
 * The docs' published examples reproduced on the contracts (docs/model.md#v1-delegator-cut, docs/model.md#lock-multiplier,
 * docs/model.md#locked-and-unlocked-node-rewards).
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, T0, e18, failures, run, trace, viewBig, Steps, expectAllOk, eventsOf, st } from './traceKit.js';





describe("docs' delegator example on the V1 contracts", () => {
  /*
   * Docs: f_i = 58,084 FLOCK, sigma = 0.4, t_n = 3,000, t_d = 1,000 -> delegators get 58,084*0.6*1,000/4,000 = 8,712.6.
   * V1 setup: one task, alice the only node with 3000e18, pool sigma 400000, bob delegates 1000e18, no validators,
   * gamma 0, rewardTokenPerDay = 580840e18, unlocked 100000, locked 900000 (V1 defaults).
   *   T0 = R_arena*w_t/W = 580840e18 (one task: w_t = W = 3000e18 + 1000e18)
   *   fN = 0 + (1e6*3000e18)/(3000e18 + 0) = 1e6 -> T_node = 580840e18
   *   newReward = 100000*580840e18*1e6/(1e6*1e6) = 58084e18                       (= f_i)
   *   cut = ((1e6 - 400000)*58084e18*1000e18)/(1000e18 + 3000e18)/1e6
   *       = (600000*58084e18*1000e18 = 34850400000000000000000000000000000000000000000000)/4000e18
   *       = 8712600000000000000000000000 ; /1e6 = 8712600000000000000000  (exactly 8,712.6 FLOCK)
   *   alice keeps 58084e18 - 8712.6e18 = 49371400000000000000000
   *   locked += 900000*580840e18/1e6 = 522756e18
   */
  it('pays exactly 8712.6e18 FLOCK into the pool', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'admin', call: 'TaskManager.setRewardTokenPerDay', args: ['580840e18'] });
    s.add({ at: T0, from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'docs-example'] });
    s.add({ at: T0 + 100, from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] });
    s.add({ at: T0 + 200, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] });
    s.add({ at: T0 + 300, from: 'bob', call: 'Pool:alice.delegate', args: ['1000e18'] });
    s.add({ at: T0 + DAY, from: 'admin', call: 'TaskManager.mintDailyReward', args: [] });
    const iUp = s.add({
      at: T0 + DAY + 1,
      from: 'admin',
      call: 'TaskManager.uploadRewardResultsForTrainingNodes',
      args: [1, ['alice'], [1000000]],
    });
    s.add({ at: T0 + DAY + 1, view: 'TaskManager.userRewards', args: ['alice'], as: 'aliceRewards' });
    s.add({ at: T0 + DAY + 1, view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked' });
    s.add({ at: T0 + DAY + 2, view: 'Pool:alice.claimable', args: ['bob'], as: 'bobClaimable' });
    const r = run(trace('v1', s.list, { alice: { FLOCK: '3000e18' }, bob: { FLOCK: '1000e18' } }));
    expectAllOk(r);
    const funds = eventsOf(r, iUp).filter((e) => e.contract === 'Pool:alice' && e.name === 'Fund');
    expect(funds).toEqual([{ contract: 'Pool:alice', name: 'Fund', args: { _amount: '8712600000000000000000' } }]);
    expect(eventsOf(r, iUp)).toContainEqual({
      contract: 'FLOCK',
      name: 'Transfer',
      args: { from: 'TaskManager', to: 'Pool:alice', value: '8712600000000000000000' },
    });
    expect(viewBig(r, 'aliceRewards')).toBe(49371400000000000000000n);
    expect(viewBig(r, 'locked')).toBe(e18(522756));
    // the pool holds principal 1000e18 + 8712.6e18; bob, the only delegator, can claim all 8712.6e18
    expect(st(r).balances.FLOCK['Pool:alice']).toBe('9712600000000000000000');
    expect(viewBig(r, 'bobClaimable')).toBe(8712600000000000000000n);
  });
});

describe("docs' gmFLOCK example on V2", () => {
  it('1,000 FLOCK locked 365 days gives 3,010 gmFLOCK', () => {
    // multiplier = 21900*(31536000 - 2592000)/31536000 + 10000 = 20100 + 10000 = 30100
    // gm = 1000e18*30100/10000 = 3010e18
    const s = new Steps();
    const iEx = s.add({ at: T0, from: 'alice', call: 'Exchange.exchangeFlock', args: ['1000e18', 365 * DAY, 'alice'] });
    s.add({ at: T0, view: 'gmFLOCK.balanceOf', args: ['alice'], as: 'gm' });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '1000e18' } }));
    expectAllOk(r);
    expect(viewBig(r, 'gm')).toBe(e18(3010));
    const fe = eventsOf(r, iEx).find((e) => e.name === 'FlockExchanged');
    expect(fe?.args.gmFlockAmount).toBe('3010000000000000000000');
  });
});
