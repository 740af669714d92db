/**
 * Black-box tests of the V2.1 AI Arena task manager (`FlockTaskManagerV2Upgradeable`), driven through
 * traces (docs/traces.md) on the genesis of docs/contracts.md#genesis.
 *
 * Every expected wei value below was derived by hand from docs/model.md#ai-arena-rewards (floor
 * division in the order shown there), with the derivation written above the assertion. Notation:
 * B = 1e6, R = rewardTokenPerDay = 1074e18, γ = gamma (ppm), σ = pool sigma (ppm),
 * u = B - lockedRewardPercentage = 100000, pw/po = reward percentages with/without delegation.
 * V2 genesis defaults (docs/contracts.md#default-parameters): min stakes 3000e18, maxRewardTokenPerDay 1074e18,
 * reset count 30, decay 900000, vesting 30 days, freeze 2 days before/after, γ 0, fee 0.
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, HOUR, T0, e18, failures, run, trace, viewBig } from './traceKit.js';

/** Seconds after T0. */
const at = (s: number): number => T0 + s;
/** A wei amount as a trace argument (decimal string). */
const w = (x: bigint): string => x.toString();
const gm = (n: number) => ({ gmFLOCK: `${n}e18` });

function expectClean(r: TraceResult): void {
  expect(failures(r)).toEqual([]);
  expect(r.ok).toBe(true);
}

function eventsAt(r: TraceResult, i: number): ResultEvent[] {
  const s = r.steps[i];
  return s && 'events' in s ? s.events : [];
}

function indexOf(steps: TraceStep[], pred: (s: TraceStep) => boolean): number {
  const i = steps.findIndex(pred);
  if (i < 0) throw new Error('step not found');
  return i;
}

const C_STAKE = e18(7000) + 1n; // carol's validator stake in most tests: 7000e18 + 1

describe('V2 mintDailyReward', () => {
  it('is spaced by 12 h: "Daily mint already done" at +43199 s, ok at +43200 s; currentDailyMintCount counts mints', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(43199), from: 'admin', call: 'TaskManager.mintDailyReward', args: [], expectRevert: 'Daily mint already done' },
      { at: at(43200), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(43201), view: 'TaskManager.currentDailyMintCount', args: [], as: 'count' },
      { at: at(43200 + 43199), from: 'admin', call: 'TaskManager.mintDailyReward', args: [], expectRevert: 'Daily mint already done' },
      { at: at(86399), view: 'TaskManager.lastMintTimestamp', args: [], as: 'last' },
      { at: at(86399), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v2', steps, {}));
    expectClean(r);
    // two successful mints of R = 1074e18 (count 1, 2 < 30, no decay)
    expect(viewBig(r, 'count')).toBe(2n);
    expect(viewBig(r, 'last')).toBe(BigInt(at(43200)));
    expect(viewBig(r, 'tm')).toBe(e18(2148));
    const ev = eventsAt(r, 0).find((e) => e.contract === 'TaskManager' && e.name === 'MintDailyReward');
    expect(ev?.args.rewardAmount).toBe(w(e18(1074)));
  });

  it('decays rewardTokenPerDay on every reset-count-th mint (reset 3, decay 900000: 1074, 1074, 966.6, 966.6)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setDailyMintResetCount', args: [3] },
      { at: at(0), from: 'admin', call: 'TaskManager.setDailyMintDecayPercentage', args: [900000] },
      { at: at(0), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(12 * HOUR), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(12 * HOUR + 1), view: 'TaskManager.rewardTokenPerDay', args: [], as: 'rtpd2' },
      { at: at(24 * HOUR), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(24 * HOUR + 1), view: 'TaskManager.rewardTokenPerDay', args: [], as: 'rtpd3' },
      { at: at(24 * HOUR + 1), view: 'TaskManager.currentDailyMintCount', args: [], as: 'count3' },
      { at: at(36 * HOUR), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(36 * HOUR + 1), view: 'TaskManager.currentDailyMintCount', args: [], as: 'count4' },
      { at: at(36 * HOUR + 1), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v2', steps, {}));
    expectClean(r);
    const minted = (i: number) =>
      eventsAt(r, i).find((e) => e.contract === 'TaskManager' && e.name === 'MintDailyReward')?.args.rewardAmount;
    // mints 1, 2: count 1, 2 < 3 → 1074e18 each
    expect(minted(2)).toBe(w(e18(1074)));
    expect(minted(3)).toBe(w(e18(1074)));
    expect(viewBig(r, 'rtpd2')).toBe(e18(1074));
    // mint 3: count 3 >= 3 → rewardTokenPerDay = 1074e18*900000/1e6 = 966.6e18, count = 0; mints 966.6e18
    expect(minted(5)).toBe('966600000000000000000');
    expect(viewBig(r, 'rtpd3')).toBe(966_600000000000000000n);
    expect(viewBig(r, 'count3')).toBe(0n);
    // mint 4: count 1, no decay → 966.6e18
    expect(minted(8)).toBe('966600000000000000000');
    expect(viewBig(r, 'count4')).toBe(1n);
    // 1074e18*2 + 966.6e18*2 = 4081.2e18
    expect(viewBig(r, 'tm')).toBe(4081_200000000000000000n);
  });

  it('the decay floors: rewardTokenPerDay 1e18+1 with reset 1 mints 9e17 then 8.1e17', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardParameters', args: [900000, 1000000, w(e18(1) + 1n)] },
      { at: at(0), from: 'admin', call: 'TaskManager.setDailyMintResetCount', args: [1] },
      { at: at(0), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(12 * HOUR), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(12 * HOUR + 1), view: 'TaskManager.rewardTokenPerDay', args: [], as: 'rtpd' },
      { at: at(12 * HOUR + 1), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v2', steps, {}));
    expectClean(r);
    // mint 1: count 1 >= 1 → (1e18+1)*900000/1e6 = 9e17 (0.9 wei floored away), count 0; mints 9e17
    // mint 2: 9e17*900000/1e6 = 8.1e17
    expect(viewBig(r, 'rtpd')).toBe(810000000000000000n);
    expect(viewBig(r, 'tm')).toBe(900000000000000000n + 810000000000000000n);
  });

  it('with the default reset count 30 the 30th mint decays (setCurrentDailyMintCount(28): mint 29 → 1074e18, mint 30 → 966.6e18)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setCurrentDailyMintCount', args: [28] },
      { at: at(0), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(1), view: 'TaskManager.currentDailyMintCount', args: [], as: 'count29' },
      { at: at(12 * HOUR), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(12 * HOUR + 1), view: 'TaskManager.currentDailyMintCount', args: [], as: 'count30' },
      { at: at(12 * HOUR + 1), view: 'TaskManager.rewardTokenPerDay', args: [], as: 'rtpd' },
      { at: at(12 * HOUR + 1), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v2', steps, {}));
    expectClean(r);
    expect(viewBig(r, 'count29')).toBe(29n);
    // count 30 >= 30 → 1074e18*900000/1e6 = 966.6e18, count reset to 0
    expect(viewBig(r, 'count30')).toBe(0n);
    expect(viewBig(r, 'rtpd')).toBe(966_600000000000000000n);
    expect(viewBig(r, 'tm')).toBe(e18(1074) + 966_600000000000000000n);
  });

  it('setRewardParameters reverts "Reward token per day exceeds max limit" above maxRewardTokenPerDay', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardParameters', args: [900000, 1000000, w(e18(1074) + 1n)], expectRevert: 'Reward token per day exceeds max limit' },
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardParameters', args: [900000, 1000000, '1074e18'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardParameters', args: [900000, 1000000, '2000e18'], expectRevert: 'Reward token per day exceeds max limit' },
      { at: at(0), from: 'admin', call: 'TaskManager.setMaxRewardTokenPerDay', args: ['2000e18'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardParameters', args: [900000, 1000000, '2000e18'] },
      { at: at(1), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(2), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
      { at: at(2), view: 'TaskManager.maxRewardTokenPerDay', args: [], as: 'max' },
    ];
    const r = run(trace('v2', steps, {}));
    expectClean(r);
    expect(viewBig(r, 'tm')).toBe(e18(2000));
    expect(viewBig(r, 'max')).toBe(e18(2000));
  });
});

describe('V2 daily uploads: NODE_VALIDATOR weights, γ split, with/without-delegation split', () => {
  it('two tasks, γ 0: delegation counts in NODE_VALIDATOR weights; node = (a-b)*σ/B + b, the pool gets a - node', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [2, 30 * DAY, 'task-2'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(10), from: 'dave', call: 'TaskManager.stakeTokensForTrainingNodes', args: [2, '4000e18'] },
      { at: at(10), from: 'erin', call: 'TaskManager.stakeTokensForValidators', args: [2, '3000e18'] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'bob', call: 'Pool:alice.delegate', args: ['1000e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [600000], [450000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [2, ['dave'], [333333], [333333]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['carol'], [1000000], [1000000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [2, ['erin'], [500000], [500000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['dave'], as: 'dave' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['erin'], as: 'erin' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [2], as: 'locked2' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:alice'], as: 'poolAlice' },
      { at: at(DAY + 2), view: 'TaskManager.latestRewardForNodes', args: [1], as: 'latestN1' },
      { at: at(DAY + 2), view: 'TaskManager.latestRewardForValidators', args: [1], as: 'latestV1' },
      { at: at(DAY + 2), view: 'TaskManager.taskRewards', args: [1], as: 'taskRewards1' },
    ];
    const r = run(
      trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000), dave: gm(10000), erin: gm(10000) }),
    );
    expectClean(r);
    // Weights, role NODE_VALIDATOR (docs/contracts.md#stakeinfo-stand-in): w1 = 3000e18 + (7000e18+1) + delegation(alice) 1000e18
    //   = 11000e18+1; w2 = 4000e18 + 3000e18 = 7000e18; W = 18000e18+1.
    // Task 1: T0 = 1074e18*(11000e18+1)/(18000e18+1) = 656333333333333333333
    //   N = 3000e18, V = 7000e18+1 (direct stakes only)
    //   fN = floor(1e6*3000e18/(10000e18+1)) = 299999; T_node = T0*299999/B = 196899343666666666666
    //   fV = floor(1e6*(7000e18+1)/(10000e18+1)) = 700000; T_val = T0*700000/B = 459433333333333333333
    //   locked1 = 900000*T_node/B = 177209409299999999999
    //   a = 100000*T_node*600000/(B*B) = 11813960619999999999
    //   b = 100000*T_node*450000/(B*B) = 8860470464999999999
    //   node = (a-b)*400000/B + b = 1181396062000000000 + 8860470464999999999 = 10041866526999999999
    //   pool = a - node = 1772094093000000000
    expect(viewBig(r, 'locked1')).toBe(177209409299999999999n);
    expect(viewBig(r, 'alice')).toBe(10041866526999999999n);
    expect(viewBig(r, 'poolAlice')).toBe(1772094093000000000n);
    //   carol (no pool, pw = po) = T_val*1000000/B = 459433333333333333333
    expect(viewBig(r, 'carol')).toBe(459433333333333333333n);
    //   latestRewardForNodes = T_node - Σcuts = 196899343666666666666 - 1772094093000000000 = 195127249573666666666
    //   latestRewardForValidators = T_val; taskRewards = T_node + T_val = 656332676999999999999
    expect(viewBig(r, 'latestN1')).toBe(195127249573666666666n);
    expect(viewBig(r, 'latestV1')).toBe(459433333333333333333n);
    expect(viewBig(r, 'taskRewards1')).toBe(656332676999999999999n);
    // Task 2: T0 = 1074e18*7000e18/(18000e18+1) = 417666666666666666666
    //   fN = floor(1e6*4000e18/7000e18) = 571428; T_node = T0*571428/B = 238666427999999999999
    //   fV = floor(1e6*3000e18/7000e18) = 428571; T_val = T0*428571/B = 178999820999999999999
    //   locked2 = 900000*T_node/B = 214799785199999999999
    //   dave (no pool, pw = po = 333333) = 100000*T_node*333333/(B*B) = 7955539644452399999
    //   erin = T_val*500000/B = 89499910499999999999
    expect(viewBig(r, 'locked2')).toBe(214799785199999999999n);
    expect(viewBig(r, 'dave')).toBe(7955539644452399999n);
    expect(viewBig(r, 'erin')).toBe(89499910499999999999n);
    // the daily ParticipantRewarded carries taskId 0 (a deployed V2 quirk, docs/contracts.md#quirks-kept-from-the-deployed-code)
    const iUp = indexOf(steps, (s) => s.call === 'TaskManager.uploadRewardResultsForTrainingNodes');
    const pr = eventsAt(r, iUp).find((e) => e.contract === 'TaskManager' && e.name === 'ParticipantRewarded');
    expect(pr?.args.participant).toBe('alice');
    expect(pr?.args.taskId).toBe('0');
  });

  it('γ 100000: fN = γ + (B-2γ)*N/(N+V) on direct stakes only (delegation is not in N, V)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setGamma', args: [100000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'bob', call: 'Pool:alice.delegate', args: ['1000e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [750000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['carol'], [1000000], [1000000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:alice'], as: 'poolAlice' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // single task → T0 = R = 1074e18
    // fN = 100000 + floor(800000*3000e18/(10000e18+1)) = 100000 + 239999 = 339999
    //   (were the 1000e18 delegation in N: 100000 + floor(800000*4000e18/(11000e18+1)) = 390909)
    // T_node = 1074e18*339999/B = 365158926000000000000; locked = 900000*T_node/B = 328643033400000000000
    // a = 100000*T_node*1000000/(B*B) = 36515892600000000000; b = 100000*T_node*750000/(B*B) = 27386919450000000000
    // node = (a-b)*400000/B + b = 3651589260000000000 + 27386919450000000000 = 31038508710000000000
    // pool = a - node = 5477383890000000000
    expect(viewBig(r, 'locked1')).toBe(328643033400000000000n);
    expect(viewBig(r, 'alice')).toBe(31038508710000000000n);
    expect(viewBig(r, 'poolAlice')).toBe(5477383890000000000n);
    // fV = 100000 + floor(800000*(7000e18+1)/(10000e18+1)) = 660000; T_val = 1074e18*660000/B = 708840000000000000000
    expect(viewBig(r, 'carol')).toBe(708840000000000000000n);
    // TaskManager keeps R - pool = 1074e18 - 5477383890000000000 (fN+fV = 999999: 1074e15 of dust stays too)
    expect(viewBig(r, 'tm')).toBe(e18(1074) - 5477383890000000000n);
  });

  it('γ 500000: each side gets exactly T0/2', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setGamma', args: [500000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'bob', call: 'Pool:alice.delegate', args: ['1000e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [750000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['carol'], [1000000], [1000000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:alice'], as: 'poolAlice' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // fN = fV = 500000 + 0 → T_node = T_val = 1074e18*500000/B = 537e18; locked = 483.3e18
    // a = 100000*537e18*1e6/(B*B) = 53.7e18; b = ...*750000 = 40.275e18; node = 13.425e18*0.4 + b = 45.645e18
    // pool = 8.055e18; carol = 537e18
    expect(viewBig(r, 'locked1')).toBe(483_300000000000000000n);
    expect(viewBig(r, 'alice')).toBe(45_645000000000000000n);
    expect(viewBig(r, 'poolAlice')).toBe(8_055000000000000000n);
    expect(viewBig(r, 'carol')).toBe(e18(537));
  });

  it('γ > 500000 panics 0x11 in node and validator uploads; onlyForValidators (no γ) still works; a task with no stake panics 0x12', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [2, 30 * DAY, 'task-2'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(20), from: 'admin', call: 'TaskManager.setGamma', args: [500001] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'panic 0x11' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['carol'], [1000000], [1000000]], expectRevert: 'panic 0x11' },
      // task 2 has no stake: N + V = 0 in the γ split
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.setGamma', args: [0] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [2, ['alice'], [1000000], [1000000]], expectRevert: 'panic 0x12' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [2, ['carol'], [1000000], [1000000]], expectRevert: 'panic 0x12' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.setGamma', args: [500001] },
      { at: at(DAY + 2), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['carol'], [500000], [500000]] },
      { at: at(DAY + 3), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // onlyForValidators: T0 = R*w1/W = R (task 2 weighs 0); carol = 1074e18*500000/B = 537e18
    expect(viewBig(r, 'carol')).toBe(e18(537));
  });

  it('an upload on the only task, with no stake at all, panics 0x12 (total weight 0)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'panic 0x12' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'panic 0x12' },
    ];
    const r = run(trace('v2', steps, {}));
    expectClean(r);
  });

  it('a node with no pool keeps only b = u*T_node*po/(B*B) (σ = getPoolSigma = 0); a - b is skipped silently and stays in TaskManager', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [600000], [450000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // T0 = R; fN = floor(1e6*3000e18/(10000e18+1)) = 299999; T_node = 1074e18*299999/B = 322198926000000000000
    // a = 100000*T_node*600000/(B*B) = 19331935560000000000; b = 100000*T_node*450000/(B*B) = 14498951670000000000
    // no pool: σ = clamp(0, [0, 1e6]) = 0 → node = (a-b)*0/B + b = 14498951670000000000
    expect(viewBig(r, 'alice')).toBe(14498951670000000000n);
    // nothing left the TaskManager
    expect(viewBig(r, 'tm')).toBe(e18(1074));
  });

  it('validator with a pool: val = (a-b)*σ/B + b with a = T_val*pw/B, b = T_val*po/B; the pool gets a - val', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(20), from: 'carol', call: 'PoolManager.createMiniPool', args: [333333] },
      { at: at(30), from: 'bob', call: 'Pool:carol.delegate', args: ['500e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['carol'], [777777], [333333]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:carol'], as: 'poolCarol' },
      { at: at(DAY + 2), view: 'TaskManager.latestRewardForValidators', args: [1], as: 'latestV1' },
      { at: at(DAY + 2), view: 'TaskManager.taskRewards', args: [1], as: 'taskRewards1' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // T0 = R (single task); fV = floor(1e6*(7000e18+1)/(10000e18+1)) = 700000; T_val = 751.8e18
    // a = T_val*777777/B = 584732748600000000000; b = T_val*333333/B = 250599749400000000000
    // val = (a-b)*333333/B + b = 111377555022333600000 + 250599749400000000000 = 361977304422333600000
    // pool = a - val = 222755444177666400000
    expect(viewBig(r, 'carol')).toBe(361977304422333600000n);
    expect(viewBig(r, 'poolCarol')).toBe(222755444177666400000n);
    expect(viewBig(r, 'latestV1')).toBe(751_800000000000000000n);
    expect(viewBig(r, 'taskRewards1')).toBe(751_800000000000000000n);
  });

  it('uploadRewardResultsOnlyForValidators skips γ: validators split all of T0', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setGamma', args: [100000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(20), from: 'carol', call: 'PoolManager.createMiniPool', args: [333333] },
      { at: at(30), from: 'bob', call: 'Pool:carol.delegate', args: ['500e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['carol'], [777777], [333333]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:carol'], as: 'poolCarol' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // T_val = T0 = R = 1074e18 (no γ factor)
    // a = 1074e18*777777/B = 835332498000000000000; b = 1074e18*333333/B = 357999642000000000000
    // val = (a-b)*333333/B + b = 517110434889048000000; pool = a - val = 318222063110952000000
    expect(viewBig(r, 'carol')).toBe(517110434889048000000n);
    expect(viewBig(r, 'poolCarol')).toBe(318222063110952000000n);
  });

  it('the unlocked part is u = B - lockedRewardPercentage (setRewardParameters(800000, …) → 20/80 split)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardParameters', args: [800000, 1000000, '1074e18'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [333333], [333333]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'TaskManager.unlockedRewardPercentage', args: [], as: 'unlocked' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // T_node = 1074e18*299999/B = 322198926000000000000
    // locked = 800000*T_node/B = 257759140800000000000; alice = 200000*T_node*333333/(B*B) = 21479906920071600000
    expect(viewBig(r, 'unlocked')).toBe(200000n);
    expect(viewBig(r, 'locked1')).toBe(257759140800000000000n);
    expect(viewBig(r, 'alice')).toBe(21479906920071600000n);
  });

  it('the task creator gmFLOCK stake (baseStakeAmount*duration/1 days) counts as VALIDATOR stake in the γ split', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setBaseStakeAmount', args: [w(e18(1000) + 1n)] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 129600, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'gmFLOCK.balanceOf', args: ['admin'], as: 'adminGm' },
    ];
    const r = run(trace('v2', steps, { admin: gm(2000), alice: gm(10000) }));
    expectClean(r);
    // creator stake = (1000e18+1)*129600/86400 = 1500e18 + 1 (1.5 wei floored to 1)
    const created = eventsAt(r, 1).find((e) => e.contract === 'TaskManager' && e.name === 'TaskCreated');
    expect(created?.args.stakeAmount).toBe('1500000000000000000001');
    expect(viewBig(r, 'adminGm')).toBe(e18(2000) - 1500000000000000000001n);
    // T0 = R; N = 3000e18, V = 1500e18+1: fN = floor(1e6*3000e18/(4500e18+1)) = 666666
    // T_node = 1074e18*666666/B = 715999284000000000000
    // alice (pw = po = 1e6) = 100000*T_node*1e6/(B*B) = 71599928400000000000; locked = 644399355600000000000
    expect(viewBig(r, 'alice')).toBe(71599928400000000000n);
    expect(viewBig(r, 'locked1')).toBe(644399355600000000000n);
  });
});

describe('V2 transferRewardsToFLTasks', () => {
  it('FL share = R*S_f/(S_arena+ΣS_fl) with direct AI Arena stakes; the next upload uses R_arena = R - flTaskRewardAmountDaily', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'FLTaskManager.createTask', args: [7, 3, '1e18', '100e18', 100000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(10), from: 'erin', call: 'FLTask:7.stake', args: ['2000e18'] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'bob', call: 'Pool:alice.delegate', args: ['1000e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.transferRewardsToFLTasks', args: [] },
      { at: at(DAY + 2), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]] },
      { at: at(DAY + 3), view: 'TaskManager.flTaskRewardAmountDaily', args: [], as: 'flDaily' },
      { at: at(DAY + 3), view: 'FLOCK.balanceOf', args: ['FLTask:7'], as: 'flBal' },
      { at: at(DAY + 3), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 3), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
    ];
    const r = run(
      trace('v2', steps, {
        admin: { FLOCK: '100e18' }, alice: gm(10000), bob: gm(10000), carol: gm(10000), erin: { FLOCK: '2000e18' },
      }),
    );
    expectClean(r);
    // S_arena = getTotalActiveTaskStakes(NODE_VALIDATOR) = 3000e18 + 7000e18+1 = 10000e18+1 (delegation excluded)
    // share = 1074e18*2000e18/(10000e18+1+2000e18) = 178999999999999999999
    //   (were the 1000e18 delegation counted: 1074e18*2000e18/(13000e18+1) = 165230769230769230769)
    const iT = indexOf(steps, (s) => s.call === 'TaskManager.transferRewardsToFLTasks');
    const ev = eventsAt(r, iT).find((e) => e.contract === 'TaskManager' && e.name === 'FLTaskRewardTransferred');
    expect(ev?.args.flTaskAddress).toBe('FLTask:7');
    expect(ev?.args.reward).toBe('178999999999999999999');
    expect(viewBig(r, 'flDaily')).toBe(178999999999999999999n);
    // FL task = 100e18 initial + 2000e18 stake + share = 2278999999999999999999
    expect(viewBig(r, 'flBal')).toBe(2278999999999999999999n);
    // R_arena = 1074e18 - share = 895000000000000000001 = T0 (single task)
    // fN = floor(1e6*3000e18/(10000e18+1)) = 299999; T_node = T0*299999/B = 268499105000000000000
    // alice (pw = po = 1e6) = 100000*T_node*1e6/(B*B) = 26849910500000000000; locked = 241649194500000000000
    expect(viewBig(r, 'alice')).toBe(26849910500000000000n);
    expect(viewBig(r, 'locked1')).toBe(241649194500000000000n);
  });
});

describe('V2 final upload, vesting and withdrawals', () => {
  it('deposits the node part of the locked pot into Vesting (linear over 30 days), pool part immediately; "amount=0"; completes the task', () => {
    const F = 2 * DAY + 11; // the successful final upload, seconds after T0
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'dave', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '4000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'bob', call: 'Pool:alice.delegate', args: ['1000e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice', 'dave'], [600000, 300000], [450000, 300000]] },
      { at: at(2 * DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(2 * DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice', 'dave'], [600000, 300000], [450000, 300000]] },
      { at: at(2 * DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'L' },
      { at: at(2 * DAY + 3), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'Task is not yet completed' },
      // erin's share of the pot is 0 → LinearVestingRewards reverts "amount=0", and the whole upload with it
      { at: at(2 * DAY + 10), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice', 'dave', 'erin'], [600000, 400000, 0], [450000, 400000, 0]], expectRevert: 'amount=0' },
      { at: at(2 * DAY + 10), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completedBefore' },
      { at: at(F), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice', 'dave'], [600000, 400000], [450000, 400000]] },
      { at: at(F + 1), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completed' },
      { at: at(F + 1), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'lockedAfter' },
      { at: at(F + 1), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(F + 1), view: 'TaskManager.userRewards', args: ['dave'], as: 'dave' },
      { at: at(F + 1), view: 'FLOCK.balanceOf', args: ['Pool:alice'], as: 'poolAlice' },
      { at: at(F + 1), view: 'FLOCK.balanceOf', args: ['Vesting'], as: 'vestingBal' },
      // a completed task takes no more stakes or uploads
      { at: at(F + 2), from: 'erin', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'], expectRevert: 'Task already completed' },
      { at: at(F + 2), from: 'erin', call: 'TaskManager.stakeTokensForValidators', args: [1, '3000e18'], expectRevert: 'Task already completed' },
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'Task already completed' },
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['carol'], [1000000], [1000000]], expectRevert: 'Task already completed' },
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['carol'], [1000000], [1000000]], expectRevert: 'Task already completed' },
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'Task already completed' },
      // deployed V2 source: the final upload checks "Task does not exist", then the array lengths, then "Task already completed"
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000, 1], [1000000]], expectRevert: 'Mismatched arrays length' },
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], []], expectRevert: 'Mismatched arrays length' },
      { at: at(F + 2), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [99, ['alice'], [1000000, 1], [1000000]], expectRevert: 'Task does not exist' },
      // vesting
      { at: at(F + 10 * DAY + 1), view: 'Vesting.claimable', args: ['alice'], as: 'vestAlice10d' },
      { at: at(F + 10 * DAY + 1), view: 'Vesting.claimable', args: ['dave'], as: 'vestDave10d' },
      { at: at(F + 10 * DAY + 1), from: 'alice', call: 'Vesting.claim', args: [] },
      { at: at(F + 10 * DAY + 1), view: 'FLOCK.balanceOf', args: ['alice'], as: 'aliceFlock' },
      { at: at(F + 30 * DAY), view: 'Vesting.claimable', args: ['alice'], as: 'vestAlice30d' },
      { at: at(F + 30 * DAY), view: 'Vesting.claimable', args: ['dave'], as: 'vestDave30d' },
      // withdrawals: full stake back in V2 (no validator fee)
      { at: at(F + 30 * DAY), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1] },
      { at: at(F + 30 * DAY), from: 'carol', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1] },
      { at: at(F + 30 * DAY), from: 'carol', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: 'No stake found' },
      { at: at(F + 30 * DAY + 1), view: 'gmFLOCK.balanceOf', args: ['alice'], as: 'aliceGm' },
      { at: at(F + 30 * DAY + 1), view: 'gmFLOCK.balanceOf', args: ['carol'], as: 'carolGm' },
      { at: at(F + 30 * DAY + 1), view: 'gmFLOCK.balanceOf', args: ['TaskManager'], as: 'tmGm' },
    ];
    const r = run(
      trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000), dave: gm(10000), erin: gm(10000) }),
    );
    expectClean(r);
    // Daily (twice, same stakes): T0 = R; N = 7000e18, V = 7000e18+1
    //   fN = floor(1e6*7000e18/(14000e18+1)) = 499999; T_node = 1074e18*499999/B = 536998926000000000000
    //   locked per day = 900000*T_node/B = 483299033400000000000 → L = 966598066800000000000
    //   alice/day: a = 100000*T_node*600000/(B*B) = 32219935560000000000, b = ...*450000 = 24164951670000000000,
    //     node = (a-b)*400000/B + b = 27386945226000000000, pool = 4832990334000000000
    //   dave/day (no pool, pw = po): 100000*T_node*300000/(B*B) = 16109967780000000000
    expect(viewBig(r, 'L')).toBe(966598066800000000000n);
    expect(r.views.completedBefore).toBe(false);
    // Final: alice a = L*600000/B = 579958840080000000000, b = L*450000/B = 434969130060000000000
    //   vest_alice = (a-b)*400000/B + b = 492965014068000000000; pool part = a - vest = 86993826012000000000
    //   vest_dave = L*400000/B = 386639226720000000000
    expect(r.views.completed).toBe(true);
    expect(viewBig(r, 'lockedAfter')).toBe(0n);
    const iFinal = indexOf(steps, (s) => s.call === 'TaskManager.uploadFinalRewardResultsForTrainingNodes' && !s.expectRevert);
    const names = eventsAt(r, iFinal).filter((e) => e.contract === 'TaskManager').map((e) => e.name);
    expect(names).toContain('UploadFinalNodeRewardPerTask');
    expect(names).toContain('TaskFinished');
    // the final upload does not touch userRewards: 2 days × daily node part
    expect(viewBig(r, 'alice')).toBe(2n * 27386945226000000000n);
    expect(viewBig(r, 'dave')).toBe(2n * 16109967780000000000n);
    // Pool:alice = 2 × 4832990334000000000 + 86993826012000000000 = 96659806680000000000
    expect(viewBig(r, 'poolAlice')).toBe(96659806680000000000n);
    // Vesting holds 492965014068000000000 + 386639226720000000000 = 879604240788000000000
    expect(viewBig(r, 'vestingBal')).toBe(879604240788000000000n);
    // vested after 10 days + 1 s of 30 days: amount*864001/2592000
    //   alice: 492965014068000000000*864001/2592000 = 164321861543119625000
    //   dave:  386639226720000000000*864001/2592000 = 128879891406368333333
    expect(viewBig(r, 'vestAlice10d')).toBe(164321861543119625000n);
    expect(viewBig(r, 'vestDave10d')).toBe(128879891406368333333n);
    expect(viewBig(r, 'aliceFlock')).toBe(164321861543119625000n);
    // at 30 days everything has vested: alice 492965014068000000000 - 164321861543119625000 claimed
    expect(viewBig(r, 'vestAlice30d')).toBe(328643152524880375000n);
    expect(viewBig(r, 'vestDave30d')).toBe(386639226720000000000n);
    // withdrawals return the full gmFLOCK stakes; dave's 4000e18 is still in the TaskManager
    expect(viewBig(r, 'aliceGm')).toBe(e18(10000));
    expect(viewBig(r, 'carolGm')).toBe(e18(10000));
    expect(viewBig(r, 'tmGm')).toBe(e18(4000));
    const iW = indexOf(steps, (s) => s.call === 'TaskManager.withdrawStakeTokensForValidators' && !s.expectRevert);
    const wEv = eventsAt(r, iW).find((e) => e.contract === 'TaskManager' && e.name === 'ValidatorStakeWithdrawn');
    expect(wEv?.args.amount).toBe(w(C_STAKE));
  });
});

describe('V2 claimRewards', () => {
  it('with feePercentage 80000 pays the net to the user and the fee to the FLOCK token address (CollectFee, then RewardsClaimed); zero claim ok', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setFeePercentage', args: [80000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [333333], [333333]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'before' },
      { at: at(DAY + 3), from: 'alice', call: 'TaskManager.claimRewards', args: [] },
      { at: at(DAY + 3), from: 'erin', call: 'TaskManager.claimRewards', args: [] },
      { at: at(DAY + 4), view: 'TaskManager.userRewards', args: ['alice'], as: 'after' },
      { at: at(DAY + 4), view: 'FLOCK.balanceOf', args: ['alice'], as: 'aliceBal' },
      { at: at(DAY + 4), view: 'FLOCK.balanceOf', args: ['FLOCK'], as: 'feeSink' },
      { at: at(DAY + 4), view: 'FLOCK.balanceOf', args: ['erin'], as: 'erinBal' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // T_node = 1074e18*299999/B = 322198926000000000000; U = 100000*T_node*333333/(B*B) = 10739953460035800000
    expect(viewBig(r, 'before')).toBe(10739953460035800000n);
    // fee = U*80000/B = 859196276802864000; net = U - fee = 9880757183232936000
    expect(viewBig(r, 'after')).toBe(0n);
    expect(viewBig(r, 'aliceBal')).toBe(9880757183232936000n);
    expect(viewBig(r, 'feeSink')).toBe(859196276802864000n);
    expect(viewBig(r, 'erinBal')).toBe(0n);
    const iClaim = indexOf(steps, (s) => s.call === 'TaskManager.claimRewards');
    // the net and the fee transfers, then CollectFee before RewardsClaimed, with the amounts above
    expect(eventsAt(r, iClaim)).toEqual([
      { contract: 'FLOCK', name: 'Transfer', args: { from: 'TaskManager', to: 'alice', value: '9880757183232936000' } },
      { contract: 'FLOCK', name: 'Transfer', args: { from: 'TaskManager', to: 'FLOCK', value: '859196276802864000' } },
      { contract: 'TaskManager', name: 'CollectFee', args: { _delegator: 'alice', _amount: '859196276802864000' } },
      { contract: 'TaskManager', name: 'RewardsClaimed', args: { node: 'alice', rewardAmount: '9880757183232936000' } },
    ]);
  });
});

describe('V2 staking rules and revert strings', () => {
  it('createTask / stake / withdraw / upload reverts, cumulative minimum stakes, pool-only and StakeInfo-only callbacks', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [0, DAY, 'x'], expectRevert: 'Invalid task ID' },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 0, 'x'], expectRevert: 'Invalid task duration' },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY + 1, 'x'], expectRevert: 'Invalid task duration' },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, DAY, 'again'], expectRevert: 'Task ID already exists' },
      // node stakes (gmFLOCK)
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [99, '3000e18'], expectRevert: 'Task does not exist' },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(e18(3000) - 1n)], expectRevert: 'Stake amount is less than minimum stake amount' },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(11), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, 1] },
      { at: at(12), from: 'alice', call: 'TaskManager.stakeTokensForValidators', args: [1, '3000e18'], expectRevert: 'Already staked as node' },
      // validator stakes
      { at: at(13), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [99, '3000e18'], expectRevert: 'Task does not exist' },
      { at: at(13), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(3000) - 1n)], expectRevert: 'Stake amount is less than minimum stake amount' },
      { at: at(13), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, '3000e18'] },
      { at: at(14), from: 'bob', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'], expectRevert: 'Already staked as validator' },
      // withdrawals before completion
      { at: at(15), from: 'carol', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'No stake found' },
      { at: at(15), from: 'carol', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: 'No stake found' },
      { at: at(15), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'Task is not yet completed' },
      { at: at(15), from: 'bob', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: 'Task is not yet completed' },
      // uploads: unknown task, mismatched arrays (either array)
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [99, ['alice'], [1000000], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [99, ['bob'], [1000000], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [99, ['bob'], [1000000], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [99, ['alice'], [1000000], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [500000, 500000], [1000000]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [500000, 500000]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob', 'alice'], [1000000], [1000000]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob'], [1000000], []], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['bob'], [], [1000000]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1, 2], [1]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1], [1, 2]], expectRevert: 'Mismatched arrays length' },
      // callbacks
      { at: at(DAY + 2), from: 'alice', call: 'TaskManager.afterDelegationUpdate', args: ['alice'], expectRevert: 'Not a pool' },
      { at: at(DAY + 2), from: 'admin', call: 'TaskManager.afterDelegationUpdate', args: ['alice'], expectRevert: 'Not a pool' },
      { at: at(DAY + 2), from: 'alice', call: 'TaskManager.setTotalStakes', args: ['alice', '1e18'], expectRevert: 'Only stake info contract can call this function' },
      { at: at(DAY + 2), from: 'admin', call: 'TaskManager.setTotalStakes', args: ['alice', '1e18'], expectRevert: 'Only stake info contract can call this function' },
      { at: at(DAY + 3), view: 'TaskManager.getNodeStakes', args: [1, 'alice'], as: 'aliceStake' },
      { at: at(DAY + 3), view: 'TaskManager.getValidatorStakes', args: [1, 'bob'], as: 'bobStake' },
      { at: at(DAY + 3), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completed' },
      { at: at(DAY + 3), view: 'gmFLOCK.balanceOf', args: ['TaskManager'], as: 'tmGm' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000) }));
    expectClean(r);
    const i1 = indexOf(steps, (s) => s.call === 'TaskManager.stakeTokensForTrainingNodes' && s.args?.[1] === 1);
    const dep = eventsAt(r, i1).find((e) => e.contract === 'TaskManager' && e.name === 'NodeStakeDeposited');
    // NodeStakeDeposited carries the cumulative stake
    expect(dep?.args.amount).toBe(w(e18(3000) + 1n));
    expect(viewBig(r, 'aliceStake')).toBe(e18(3000) + 1n);
    expect(viewBig(r, 'bobStake')).toBe(e18(3000));
    expect(r.views.completed).toBe(false);
    expect(viewBig(r, 'tmGm')).toBe(e18(6000) + 1n);
  });

  it('role checks: protocol manager, reward operator, DAO admin', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(20), from: 'bob', call: 'TaskManager.setGamma', args: [100000], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.createTask', args: [2, DAY, 'x'], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.setFeePercentage', args: [80000], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.setRewardParameters', args: [900000, 1000000, '1e18'], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.setMinStakes', args: ['1e18', '1e18'], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.setDailyMintResetCount', args: [1], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.setCurrentDailyMintCount', args: [29], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.transferRewardsToFLTasks', args: [], expectRevert: 'Restricted to protocol manager' },
      { at: at(20), from: 'bob', call: 'TaskManager.mintDailyReward', args: [], expectRevert: 'Restricted to reward operator' },
      { at: at(20), from: 'bob', call: 'TaskManager.setMaxRewardTokenPerDay', args: ['5000e18'], expectRevert: 'Restricted to dao admin' },
      { at: at(20), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'Restricted to reward operator' },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'Restricted to reward operator' },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'Restricted to reward operator' },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000], [1000000]], expectRevert: 'Restricted to reward operator' },
      { at: at(21), from: 'bob', call: 'TaskManager.transferToken', args: ['bob', '1e18'], expectRevert: 'Restricted to dao admin' },
      // transferToken (DAO admin): FLOCK out of the manager
      { at: at(22), from: 'admin', call: 'TaskManager.transferToken', args: ['zed', '100e18'] },
      { at: at(22), from: 'admin', call: 'TaskManager.transferToken', args: ['zed', w(e18(974) + 1n)], expectRevert: 'ERC20: transfer amount exceeds balance' },
      { at: at(23), view: 'FLOCK.balanceOf', args: ['zed'], as: 'zed' },
      { at: at(23), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
      { at: at(23), view: 'TaskManager.gamma', args: [], as: 'gamma' },
      { at: at(23), view: 'TaskManager.maxRewardTokenPerDay', args: [], as: 'max' },
      { at: at(23), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completed' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000) }));
    expectClean(r);
    expect(viewBig(r, 'zed')).toBe(e18(100));
    expect(viewBig(r, 'tm')).toBe(e18(974));
    expect(viewBig(r, 'gamma')).toBe(0n);
    expect(viewBig(r, 'max')).toBe(e18(1074));
    expect(r.views.completed).toBe(false);
  });
});

describe('V2 isNodePoolFreezing and the σ freeze', () => {
  it('is true strictly inside (end - 2 days, end + 2 days) for a node; setMiniPoolSigma reverts "Node pool is freezing" there', () => {
    const end = 10 * DAY; // task created at T0 with a 10-day duration
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 10 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, '3000e18'] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [500000] },
      { at: at(20), from: 'carol', call: 'PoolManager.createMiniPool', args: [500000] },
      { at: at(end - 2 * DAY), view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'atLowEdge' },
      { at: at(end - 2 * DAY), from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [600000] },
      { at: at(end - 2 * DAY + 1), view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'justInside' },
      { at: at(end), view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'atEnd' },
      // a validator is never frozen
      { at: at(end), view: 'TaskManager.isNodePoolFreezing', args: ['carol'], as: 'validator' },
      { at: at(end), from: 'carol', call: 'PoolManager.setMiniPoolSigma', args: [700000] },
      { at: at(end + 2 * DAY - 1), from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [700000], expectRevert: 'Node pool is freezing' },
      { at: at(end + 2 * DAY - 1), view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'lastInside' },
      { at: at(end + 2 * DAY), view: 'TaskManager.isNodePoolFreezing', args: ['alice'], as: 'atHighEdge' },
      { at: at(end + 2 * DAY), from: 'alice', call: 'PoolManager.setMiniPoolSigma', args: [700000] },
      { at: at(end + 2 * DAY), view: 'PoolManager.getPoolSigma', args: ['alice'], as: 'sigma' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), carol: gm(10000) }));
    expectClean(r);
    // window: start + duration - 2 days < now < start + duration + 2 days (strict both sides)
    expect(r.views.atLowEdge).toBe(false);
    expect(r.views.justInside).toBe(true);
    expect(r.views.atEnd).toBe(true);
    expect(r.views.validator).toBe(false);
    expect(r.views.lastInside).toBe(true);
    expect(r.views.atHighEdge).toBe(false);
    expect(viewBig(r, 'sigma')).toBe(700000n);
  });
});

describe('V2 AI Arena slashing hook (docs/contracts.md#slashing-hook)', () => {
  const base: TraceStep[] = [
    { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
    { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '3000e18'] },
    { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(C_STAKE)] },
  ];

  it('without aiArenaSlashing the call reverts "Slashing disabled"', () => {
    const steps: TraceStep[] = [
      ...base,
      { at: at(20), from: 'admin', call: 'TaskManager.slash', args: [1, 'carol', 333333], expectRevert: 'Slashing disabled' },
      { at: at(21), view: 'TaskManager.getValidatorStakes', args: [1, 'carol'], as: 'stake' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), carol: gm(10000) }));
    expectClean(r);
    expect(viewBig(r, 'stake')).toBe(C_STAKE);
  });

  it('with aiArenaSlashing: floor(stake*ppm/1e6) of the validator stake goes to the gmFLOCK token address; "No stake"; non-admin reverts', () => {
    const steps: TraceStep[] = [
      ...base,
      { at: at(20), from: 'bob', call: 'TaskManager.slash', args: [1, 'carol', 333333], expectRevert: '' },
      { at: at(20), from: 'admin', call: 'TaskManager.slash', args: [1, 'zed', 333333], expectRevert: 'No stake' },
      { at: at(20), from: 'admin', call: 'TaskManager.slash', args: [1, 'carol', 333333] },
      { at: at(21), view: 'TaskManager.getValidatorStakes', args: [1, 'carol'], as: 'stake' },
      { at: at(21), view: 'gmFLOCK.balanceOf', args: ['gmFLOCK'], as: 'sink' },
      { at: at(21), view: 'gmFLOCK.balanceOf', args: ['TaskManager'], as: 'tmGm' },
    ];
    const r = run(trace('v2', steps, { alice: gm(10000), bob: gm(10000), carol: gm(10000) }, { aiArenaSlashing: true }));
    expectClean(r);
    // slashed = floor((7000e18+1)*333333/1e6) = 2333331e15 (0.333333 wei floored away)
    const iSlash = indexOf(steps, (s) => s.call === 'TaskManager.slash' && s.from === 'admin' && !s.expectRevert);
    const ev = eventsAt(r, iSlash).find((e) => e.contract === 'TaskManager' && e.name === 'Slashed');
    expect(ev?.args.amount).toBe('2333331000000000000000');
    expect(ev?.args.user).toBe('carol');
    expect(viewBig(r, 'sink')).toBe(2333331000000000000000n);
    // carol keeps 7000e18+1 - 2333331e15 = 4666669000000000000001
    expect(viewBig(r, 'stake')).toBe(4666669000000000000001n);
    // TaskManager gmFLOCK = alice 3000e18 + carol's remaining stake
    expect(viewBig(r, 'tmGm')).toBe(e18(3000) + 4666669000000000000001n);
  });
});
