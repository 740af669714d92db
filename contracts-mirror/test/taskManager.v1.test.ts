/**
 * Black-box tests of the V1 AI Arena task manager (`FlockTaskManagerUpgradeable`), driven through
 * traces (docs/traces.md) on the genesis of docs/contracts.md#genesis.
 *
 * Every expected wei value below was derived by hand from docs/model.md#ai-arena-rewards (floor
 * division in the order shown there), with the derivation written above the assertion. Notation:
 * B = 1e6, R = rewardTokenPerDay = 1074e18, γ = gamma (ppm), σ = pool sigma (ppm).
 * V1 defaults (docs/contracts.md#default-parameters): minNodeStakes 10e18, validatorMinStake 50e18, locked 900000,
 * unlocked 100000, validator withdrawal fee 150000, γ 0, feePercentage 0.
 */
import { describe, expect, it } from 'vitest';
import type { TraceResult, TraceStep, ResultEvent } from '../replay/types.js';
import { DAY, T0, e18, failures, run, trace, viewBig } from './traceKit.js';

/** Seconds after T0. */
const at = (s: number): number => T0 + s;
/** A wei amount as a trace argument (decimal string). */
const w = (x: bigint): string => x.toString();
const flock = (n: number) => ({ FLOCK: `${n}e18` });

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

const MAX_SUPPLY = 10n ** 27n; // FLOCK maxTotalSupply = 1_000_000_000e18 (docs/model.md#supply-cap)

describe('V1 mintDailyReward', () => {
  it('mints rewardTokenPerDay (1074e18) into the task manager on every call, with no spacing in V1', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(1), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(2), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
      { at: at(2), view: 'FLOCK.currentMinted', args: [], as: 'minted' },
      { at: at(2), view: 'TaskManager.rewardTokenPerDay', args: [], as: 'rtpd' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000) }));
    expectClean(r);
    // two mints of R = 1074e18 each: 2 * 1074e18 = 2148e18
    expect(viewBig(r, 'tm')).toBe(e18(2148));
    // currentMinted counts the genesis 1000e18 of alice (docs/contracts.md#balances-and-allowances) + 2148e18
    expect(viewBig(r, 'minted')).toBe(e18(3148));
    expect(viewBig(r, 'rtpd')).toBe(e18(1074));
    const ev = eventsAt(r, 0).find((e) => e.contract === 'TaskManager' && e.name === 'MintDailyReward');
    expect(ev?.args.rewardAmount).toBe(w(e18(1074)));
  });

  it('enforces the FLOCK 1B lifetime cap: "Minting exceeds the max total supply" (currentMinted + amount > max)', () => {
    // genesis mints alice's 1000e18, so currentMinted = 1000e18; headroom = 1e27 - 1000e18 = 999_999_000e18
    const headroom = MAX_SUPPLY - e18(1000);
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setRewardTokenPerDay', args: [w(headroom + 1n)] },
      // 1000e18 + (headroom + 1) = 1e27 + 1 > 1e27 → revert
      { at: at(1), from: 'admin', call: 'TaskManager.mintDailyReward', args: [], expectRevert: 'Minting exceeds the max total supply' },
      { at: at(2), from: 'admin', call: 'TaskManager.setRewardTokenPerDay', args: [w(headroom)] },
      // 1000e18 + headroom = 1e27 exactly → allowed (<=)
      { at: at(3), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(4), from: 'admin', call: 'TaskManager.setRewardTokenPerDay', args: [1] },
      // currentMinted = 1e27 already; + 1 wei > max
      { at: at(5), from: 'admin', call: 'TaskManager.mintDailyReward', args: [], expectRevert: 'Minting exceeds the max total supply' },
      { at: at(6), view: 'FLOCK.currentMinted', args: [], as: 'minted' },
      { at: at(6), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000) }));
    expectClean(r);
    expect(viewBig(r, 'minted')).toBe(MAX_SUPPLY);
    expect(viewBig(r, 'tm')).toBe(headroom);
  });
});

describe('V1 daily uploads: per-task share, γ split, 10/90 lock, delegator cut', () => {
  it('node pool uses NODE weights across two tasks (γ 0); delegator cut ((B-σ)*newReward*d)/(d+nodeStake)/B goes to the pool', () => {
    const aliceStake = e18(30) + 1n;
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [2, 30 * DAY, 'task-2'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(aliceStake)] },
      { at: at(10), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(70) + 1n)] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForTrainingNodes', args: [2, '20e18'] },
      { at: at(10), from: 'dave', call: 'TaskManager.stakeTokensForValidators', args: [2, '50e18'] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'erin', call: 'Pool:alice.delegate', args: ['10e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [333333]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [2, ['carol'], [1000000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [2], as: 'locked2' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:alice'], as: 'poolAlice' },
    ];
    const r = run(
      trace('v1', steps, { alice: flock(1000), bob: flock(1000), carol: flock(1000), dave: flock(1000), erin: flock(1000) }),
    );
    expectClean(r);
    // Weights, role NODE (docs/contracts.md#stakeinfo-stand-in): w1 = aliceStake + delegation(alice) = 30e18+1 + 10e18 = 40e18+1;
    //   w2 = 20e18; W = 60e18+1.
    // Task 1: T0 = R*w1/W = 1074e18*(40e18+1)/(60e18+1) = 716000000000000000005
    //   N = 30e18+1 (direct only), V = 70e18+1; fN = 0 + 1e6*N/(N+V) = floor(1e6*(30e18+1)/(100e18+2)) = 300000
    //   T_node = T0*fN/B = 214800000000000000001
    //   locked1 = 900000*T_node/B = 193320000000000000000
    //   newReward = 100000*T_node*333333/(B*B) = 7159992840000000000
    //   cut = ((B-400000)*newReward*10e18)/(10e18+30e18+1)/B = 1073998925999999999
    //   alice = newReward - cut = 6085993914000000001
    expect(viewBig(r, 'locked1')).toBe(193320000000000000000n);
    expect(viewBig(r, 'alice')).toBe(6085993914000000001n);
    // Pool:alice holds the delegated 10e18 + cut = 11073998925999999999
    expect(viewBig(r, 'poolAlice')).toBe(11073998925999999999n);
    // Task 2: T0 = R*w2/W = 1074e18*20e18/(60e18+1) = 357999999999999999994
    //   fN = floor(1e6*20e18/70e18) = 285714; T_node = T0*285714/B = 102285611999999999998
    //   locked2 = 900000*T_node/B = 92057050799999999998
    //   carol (no pool, d = 0) = 100000*T_node*1000000/(B*B) = 10228561199999999999
    expect(viewBig(r, 'locked2')).toBe(92057050799999999998n);
    expect(viewBig(r, 'carol')).toBe(10228561199999999999n);
  });

  it('validator pool uses VALIDATOR weights across two tasks, γ 100000 split, validator delegator cut; node pool with γ 100000', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [2, 30 * DAY, 'task-2'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setGamma', args: [100000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(e18(30) + 1n)] },
      { at: at(10), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(70) + 1n)] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForTrainingNodes', args: [2, '20e18'] },
      { at: at(10), from: 'dave', call: 'TaskManager.stakeTokensForValidators', args: [2, '50e18'] },
      { at: at(20), from: 'bob', call: 'PoolManager.createMiniPool', args: [250000] },
      { at: at(30), from: 'frank', call: 'Pool:bob.delegate', args: ['20e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob'], [1000000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [2, ['dave'], [500000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['bob'], as: 'bob' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['dave'], as: 'dave' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['Pool:bob'], as: 'poolBob' },
    ];
    const r = run(
      trace('v1', steps, {
        alice: flock(1000), bob: flock(1000), carol: flock(1000), dave: flock(1000), frank: flock(1000),
      }),
    );
    expectClean(r);
    // Node pool of task 1, role NODE weights: w1 = 30e18+1, w2 = 20e18 (bob's delegation is on a validator,
    //   so it is not in NODE weights); W = 50e18+1.
    //   T0 = 1074e18*(30e18+1)/(50e18+1) = 644400000000000000008
    //   N = 30e18+1, V = 70e18+1; fN = 100000 + floor(800000*(30e18+1)/(100e18+2)) = 100000 + 240000 = 340000
    //   T_node = T0*340000/B = 219096000000000000002
    //   locked1 = 900000*T_node/B = 197186400000000000001
    //   alice (no pool) = 100000*T_node*1000000/(B*B) = 21909600000000000000
    expect(viewBig(r, 'locked1')).toBe(197186400000000000001n);
    expect(viewBig(r, 'alice')).toBe(21909600000000000000n);
    // Validator pool, role VALIDATOR weights: w1 = 70e18+1 + delegation(bob) 20e18 = 90e18+1; w2 = 50e18;
    //   W = 140e18+1.
    // Task 1: T0 = 1074e18*(90e18+1)/(140e18+1) = 690428571428571428574
    //   fV = 100000 + floor(800000*(70e18+1)/(100e18+2)) = 100000 + 559999 = 659999
    //   T_val = T0*659999/B = 455682166714285714287
    //   x = T_val*1000000/B = 455682166714285714287
    //   cut = ((B-250000)*x*20e18)/(20e18+70e18+1)/B = 75947027785714285713
    //   bob = x - cut = 379735138928571428574
    expect(viewBig(r, 'bob')).toBe(379735138928571428574n);
    // Pool:bob holds the 20e18 delegated + cut = 95947027785714285713
    expect(viewBig(r, 'poolBob')).toBe(95947027785714285713n);
    // Task 2: T0 = 1074e18*50e18/(140e18+1) = 383571428571428571425
    //   fV = 100000 + floor(800000*50e18/70e18) = 100000 + 571428 = 671428
    //   T_val = T0*671428/B = 257540597142857142854
    //   dave = T_val*500000/B = 128770298571428571427
    expect(viewBig(r, 'dave')).toBe(128770298571428571427n);
  });

  it('γ = 500000 gives each side exactly T0/2; uploadRewardResultsOnlyForValidators ignores γ (validators get all of T0)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setGamma', args: [500000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(e18(30) + 1n)] },
      { at: at(10), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(70) + 1n)] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob'], [333333]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['bob'], as: 'bobDaily' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 3), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['bob'], [333333]] },
      { at: at(DAY + 4), view: 'TaskManager.userRewards', args: ['bob'], as: 'bobTotal' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), bob: flock(1000) }));
    expectClean(r);
    // single task: T0 = R*w/W = R = 1074e18 for both roles
    // fN = fV = 500000 + (B - 1000000)*.../... = 500000; T_node = T_val = 1074e18*500000/B = 537e18
    //   alice = 100000*537e18*1000000/(B*B) = 53.7e18; locked = 900000*537e18/B = 483.3e18
    expect(viewBig(r, 'alice')).toBe(53_700000000000000000n);
    expect(viewBig(r, 'locked1')).toBe(483_300000000000000000n);
    //   bob (no pool) = 537e18*333333/B = 178999821000000000000
    expect(viewBig(r, 'bobDaily')).toBe(178999821000000000000n);
    // onlyForValidators: no γ factor, T_val = T0 = 1074e18; bob += 1074e18*333333/B = 357999642000000000000
    //   bobTotal = 178999821000000000000 + 357999642000000000000 = 536999463000000000000
    expect(viewBig(r, 'bobTotal')).toBe(536999463000000000000n);
  });

  it('the task creator stake (baseStakeAmount*duration/1 days) is pulled from the creator and counts as VALIDATOR stake in the γ split', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.setBaseStakeAmount', args: [w(e18(1) + 1n)] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 129600, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '30e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
      { at: at(DAY + 2), view: 'FLOCK.balanceOf', args: ['admin'], as: 'admin' },
    ];
    const r = run(trace('v1', steps, { admin: flock(100), alice: flock(1000) }));
    expectClean(r);
    // creator stake = (1e18+1)*129600/86400 = 1.5e18 + 1 (1.5 wei floored to 1)
    const created = eventsAt(r, 1).find((e) => e.contract === 'TaskManager' && e.name === 'TaskCreated');
    expect(created?.args.stakeAmount).toBe('1500000000000000001');
    expect(viewBig(r, 'admin')).toBe(e18(100) - 1500000000000000001n);
    // NODE weight: only alice → T0 = R = 1074e18
    // N = 30e18, V = creator stake 1.5e18+1: fN = floor(1e6*30e18/(31.5e18+1)) = 952380
    // T_node = 1074e18*952380/B = 1022856120000000000000
    // alice = 100000*T_node*1e6/(B*B) = 102285612000000000000; locked = 900000*T_node/B = 920570508000000000000
    expect(viewBig(r, 'alice')).toBe(102285612000000000000n);
    expect(viewBig(r, 'locked1')).toBe(920570508000000000000n);
  });

  it('γ > 500000: node and validator uploads panic 0x11 (B - 2γ underflows); onlyForValidators has no γ and still works', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '30e18'] },
      { at: at(10), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, '70e18'] },
      { at: at(20), from: 'admin', call: 'TaskManager.setGamma', args: [500001] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]], expectRevert: 'panic 0x11' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob'], [1000000]], expectRevert: 'panic 0x11' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['bob'], [500000]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['bob'], as: 'bob' },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), bob: flock(1000) }));
    expectClean(r);
    // onlyForValidators: T0 = R (single task) → bob = 1074e18*500000/B = 537e18; alice got nothing
    expect(viewBig(r, 'bob')).toBe(e18(537));
    expect(viewBig(r, 'alice')).toBe(0n);
  });

  it('an upload on a task with no stake divides by zero: panic 0x12', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]], expectRevert: 'panic 0x12' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob'], [1000000]], expectRevert: 'panic 0x12' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), bob: flock(1000) }));
    expectClean(r);
  });
});

describe('V1 transferRewardsToFLTasks', () => {
  it('sends R*S_f/(S_arena+ΣS_fl) to the FL task; the next upload uses R_arena = R - flTaskRewardAmountDaily', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'FLTaskManager.createTask', args: [7, 3, '1e18', '100e18', 100000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '30e18'] },
      { at: at(10), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(70) + 1n)] },
      { at: at(10), from: 'erin', call: 'FLTask:7.stake', args: ['50e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.transferRewardsToFLTasks', args: [] },
      { at: at(DAY + 2), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]] },
      { at: at(DAY + 3), view: 'TaskManager.flTaskRewardAmountDaily', args: [], as: 'flDaily' },
      { at: at(DAY + 3), view: 'FLOCK.balanceOf', args: ['FLTask:7'], as: 'flBal' },
      { at: at(DAY + 3), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 3), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'locked1' },
    ];
    const r = run(trace('v1', steps, { admin: flock(100), alice: flock(1000), bob: flock(1000), erin: flock(1000) }));
    expectClean(r);
    // S_arena = getTotalActiveTaskStakes(NODE_VALIDATOR) = 30e18 + 70e18+1 = 100e18+1; S_f = 50e18
    // share = 1074e18*50e18/(100e18+1+50e18) = 357999999999999999997
    const iTransfer = indexOf(steps, (s) => s.call === 'TaskManager.transferRewardsToFLTasks');
    const ev = eventsAt(r, iTransfer).find((e) => e.contract === 'TaskManager' && e.name === 'FLTaskRewardTransferred');
    expect(ev?.args.reward).toBe('357999999999999999997');
    expect(ev?.args.flTaskAddress).toBe('FLTask:7');
    expect(viewBig(r, 'flDaily')).toBe(357999999999999999997n);
    // FL task holds initial pool 100e18 + stake 50e18 + share = 507999999999999999997
    expect(viewBig(r, 'flBal')).toBe(507999999999999999997n);
    // R_arena = 1074e18 - 357999999999999999997 = 716000000000000000003; single task → T0 = R_arena
    // fN = floor(1e6*30e18/(100e18+1)) = 299999; T_node = T0*299999/B = 214799284000000000000
    // alice = 100000*T_node*1e6/(B*B) = 21479928400000000000; locked = 900000*T_node/B = 193319355600000000000
    expect(viewBig(r, 'alice')).toBe(21479928400000000000n);
    expect(viewBig(r, 'locked1')).toBe(193319355600000000000n);
  });
});

describe('V1 final upload, completion and withdrawals', () => {
  it('pays locked-pot shares (minus the delegator cut) into userRewards, completes the task, then withdrawals (validator keeps 15% in TaskManager)', () => {
    const aliceStake = e18(30) + 1n;
    const bobStake = e18(50) + 7n;
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(aliceStake)] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '20e18'] },
      { at: at(10), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(bobStake)] },
      { at: at(20), from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] },
      { at: at(30), from: 'erin', call: 'Pool:alice.delegate', args: ['10e18'] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice', 'carol'], [600000, 400000]] },
      { at: at(DAY + 2), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'lockedBefore' },
      { at: at(DAY + 2), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'Task is not yet completed' },
      { at: at(DAY + 2), from: 'bob', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: 'Task is not yet completed' },
      { at: at(DAY + 3), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completedBefore' },
      { at: at(DAY + 100), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice', 'carol'], [700000, 300000]] },
      { at: at(DAY + 101), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completed' },
      { at: at(DAY + 101), view: 'TaskManager.lockedRewardsForNodes', args: [1], as: 'lockedAfter' },
      { at: at(DAY + 101), view: 'TaskManager.userRewards', args: ['alice'], as: 'alice' },
      { at: at(DAY + 101), view: 'TaskManager.userRewards', args: ['carol'], as: 'carol' },
      { at: at(DAY + 101), view: 'FLOCK.balanceOf', args: ['Pool:alice'], as: 'poolAlice' },
      // a completed task takes no more stakes or uploads
      { at: at(DAY + 102), from: 'dave', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '10e18'], expectRevert: 'Task already completed' },
      { at: at(DAY + 102), from: 'dave', call: 'TaskManager.stakeTokensForValidators', args: [1, '50e18'], expectRevert: 'Task already completed' },
      { at: at(DAY + 102), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]], expectRevert: 'Task already completed' },
      { at: at(DAY + 102), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob'], [1000000]], expectRevert: 'Task already completed' },
      { at: at(DAY + 102), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['bob'], [1000000]], expectRevert: 'Task already completed' },
      { at: at(DAY + 102), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]], expectRevert: 'Task already completed' },
      // withdrawals
      { at: at(DAY + 200), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1] },
      { at: at(DAY + 200), from: 'bob', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1] },
      { at: at(DAY + 201), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'No stake found' },
      { at: at(DAY + 201), view: 'FLOCK.balanceOf', args: ['alice'], as: 'aliceBal' },
      { at: at(DAY + 201), view: 'FLOCK.balanceOf', args: ['bob'], as: 'bobBal' },
      { at: at(DAY + 201), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tmBal' },
    ];
    const r = run(
      trace('v1', steps, { alice: flock(1000), bob: flock(1000), carol: flock(1000), dave: flock(1000), erin: flock(1000) }),
    );
    expectClean(r);
    // Daily: single task → T0 = R = 1074e18. N = 30e18+1 + 20e18 = 50e18+1, V = 50e18+7
    //   fN = floor(1e6*(50e18+1)/(100e18+8)) = 499999; T_node = 1074e18*499999/B = 536998926000000000000
    //   L = 900000*T_node/B = 483299033400000000000
    //   alice newReward = 100000*T_node*600000/(B*B) = 32219935560000000000
    //     cut1 = ((B-400000)*32219935560000000000*10e18)/(10e18+30e18+1)/B = 4832990333999999999
    //   carol newReward = 100000*T_node*400000/(B*B) = 21479957040000000000
    expect(viewBig(r, 'lockedBefore')).toBe(483299033400000000000n);
    expect(r.views.completedBefore).toBe(false);
    // Final: share_a = L*700000/B = 338309323380000000000
    //   cut_f = ((B-400000)*share_a*10e18)/(10e18+30e18+1)/B = 50746398506999999998 (docs/model.md#v1-delegator-cut)
    //   share_c = L*300000/B = 144989710020000000000
    // alice = (32219935560000000000 - 4832990333999999999) + (338309323380000000000 - 50746398506999999998)
    //       = 314949870099000000003
    // carol = 21479957040000000000 + 144989710020000000000 = 166469667060000000000
    expect(r.views.completed).toBe(true);
    expect(viewBig(r, 'lockedAfter')).toBe(0n);
    expect(viewBig(r, 'alice')).toBe(314949870099000000003n);
    expect(viewBig(r, 'carol')).toBe(166469667060000000000n);
    // Pool:alice = 10e18 + cut1 + cut_f = 10e18 + 4832990333999999999 + 50746398506999999998 = 65579388840999999997
    expect(viewBig(r, 'poolAlice')).toBe(65579388840999999997n);
    const iFinal = indexOf(steps, (s) => s.call === 'TaskManager.uploadFinalRewardResultsForTrainingNodes' && !s.expectRevert);
    const finished = eventsAt(r, iFinal).find((e) => e.contract === 'TaskManager' && e.name === 'TaskFinished');
    expect(finished?.args.taskId).toBe('1');
    // Withdrawals: alice gets her full 30e18+1 back → 1000e18.
    expect(viewBig(r, 'aliceBal')).toBe(e18(1000));
    // bob: fee = 150000*(50e18+7)/B = 7.5e18 + 1 (1.05 → 1); net = 50e18+7 - fee = 42.5e18 + 6
    //   bobBal = 1000e18 - (50e18+7) + 42.5e18+6 = 992499999999999999999
    expect(viewBig(r, 'bobBal')).toBe(992499999999999999999n);
    const iBobW = indexOf(steps, (s) => s.call === 'TaskManager.withdrawStakeTokensForValidators' && !s.expectRevert);
    const wEv = eventsAt(r, iBobW).find((e) => e.contract === 'TaskManager' && e.name === 'ValidatorStakeWithdrawn');
    expect(wEv?.args.amount).toBe('42500000000000000006');
    // TaskManager = R - cut1 - cut_f (pushed to the pool) + carol's 20e18 stake + bob's fee 7.5e18+1
    //   = 1074e18 - 4832990333999999999 - 50746398506999999998 + 20e18 + 7500000000000000001 = 1045920611159000000004
    expect(viewBig(r, 'tmBal')).toBe(1045920611159000000004n);
  });
});

describe('V1 claimRewards', () => {
  it('with feePercentage 80000 pays the net to the user and the fee to the FLOCK token address; a zero claim does not revert', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.setFeePercentage', args: [80000] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '30e18'] },
      { at: at(10), from: 'carol', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(70) + 1n)] },
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [333333]] },
      { at: at(DAY + 2), view: 'TaskManager.userRewards', args: ['alice'], as: 'before' },
      { at: at(DAY + 3), from: 'alice', call: 'TaskManager.claimRewards', args: [] },
      { at: at(DAY + 3), from: 'dave', call: 'TaskManager.claimRewards', args: [] },
      { at: at(DAY + 4), view: 'TaskManager.userRewards', args: ['alice'], as: 'after' },
      { at: at(DAY + 4), view: 'FLOCK.balanceOf', args: ['alice'], as: 'aliceBal' },
      { at: at(DAY + 4), view: 'FLOCK.balanceOf', args: ['FLOCK'], as: 'feeSink' },
      { at: at(DAY + 4), view: 'FLOCK.balanceOf', args: ['dave'], as: 'daveBal' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), carol: flock(1000), dave: flock(5) }));
    expectClean(r);
    // T0 = R; fN = floor(1e6*30e18/(100e18+1)) = 299999; T_node = 1074e18*299999/B = 322198926000000000000
    // U = 100000*T_node*333333/(B*B) = 10739953460035800000
    expect(viewBig(r, 'before')).toBe(10739953460035800000n);
    // fee = U*80000/B = 859196276802864000; net = U - fee = 9880757183232936000
    expect(viewBig(r, 'after')).toBe(0n);
    expect(viewBig(r, 'aliceBal')).toBe(e18(970) + 9880757183232936000n);
    expect(viewBig(r, 'feeSink')).toBe(859196276802864000n);
    expect(viewBig(r, 'daveBal')).toBe(e18(5));
  });
});

describe('V1 staking rules, revert strings and access checks', () => {
  it('createTask / stake / withdraw / upload reverts, minimum stakes (cumulative), pool-only and StakeInfo-only callbacks', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [0, DAY, 'x'], expectRevert: 'Invalid task ID' },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 0, 'x'], expectRevert: 'Invalid task duration' },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY + 1, 'x'], expectRevert: 'Invalid task duration' },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, DAY, 'again'], expectRevert: 'Task ID already exists' },
      // node stakes
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [99, '10e18'], expectRevert: 'Task does not exist' },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(e18(10) - 1n)], expectRevert: 'Stake amount is less than minimum stake amount' },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '10e18'] },
      { at: at(11), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, 1] },
      { at: at(12), from: 'alice', call: 'TaskManager.stakeTokensForValidators', args: [1, '50e18'], expectRevert: 'Already staked as node' },
      // validator stakes
      { at: at(13), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [99, '50e18'], expectRevert: 'Task does not exist' },
      { at: at(13), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, w(e18(50) - 1n)], expectRevert: 'Stake amount is less than minimum stake amount' },
      { at: at(13), from: 'bob', call: 'TaskManager.stakeTokensForValidators', args: [1, '50e18'] },
      { at: at(14), from: 'bob', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '10e18'], expectRevert: 'Already staked as validator' },
      // withdrawals before completion
      { at: at(15), from: 'carol', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'No stake found' },
      { at: at(15), from: 'carol', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: 'No stake found' },
      { at: at(15), from: 'alice', call: 'TaskManager.withdrawStakeTokensForTrainingNodes', args: [1], expectRevert: 'Task is not yet completed' },
      { at: at(15), from: 'bob', call: 'TaskManager.withdrawStakeTokensForValidators', args: [1], expectRevert: 'Task is not yet completed' },
      // uploads: unknown task, mismatched arrays
      { at: at(DAY), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [99, ['alice'], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [99, ['bob'], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [99, ['bob'], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [99, ['alice'], [1000000]], expectRevert: 'Task does not exist' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [500000, 500000]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['bob', 'alice'], [1000000]], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['bob'], []], expectRevert: 'Mismatched arrays length' },
      { at: at(DAY + 1), from: 'admin', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1, 2]], expectRevert: 'Mismatched arrays length' },
      // callbacks
      { at: at(DAY + 2), from: 'alice', call: 'TaskManager.afterDelegationUpdate', args: ['alice'], expectRevert: 'Not a pool' },
      { at: at(DAY + 2), from: 'alice', call: 'TaskManager.setTotalStakes', args: ['alice', '1e18'], expectRevert: 'Only stake info contract can call this function' },
      { at: at(DAY + 2), from: 'admin', call: 'TaskManager.setTotalStakes', args: ['alice', '1e18'], expectRevert: 'Only stake info contract can call this function' },
      // state after all that
      { at: at(DAY + 3), view: 'TaskManager.getNodeStakes', args: [1, 'alice'], as: 'aliceStake' },
      { at: at(DAY + 3), view: 'TaskManager.getValidatorStakes', args: [1, 'bob'], as: 'bobStake' },
      { at: at(DAY + 3), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completed' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), bob: flock(1000), carol: flock(1000) }));
    expectClean(r);
    // NodeStakeDeposited carries the cumulative stake: 10e18, then 10e18 + 1
    const i1 = indexOf(steps, (s) => s.call === 'TaskManager.stakeTokensForTrainingNodes' && s.args?.[1] === 1);
    const dep = eventsAt(r, i1).find((e) => e.contract === 'TaskManager' && e.name === 'NodeStakeDeposited');
    expect(dep?.args.amount).toBe(w(e18(10) + 1n));
    expect(viewBig(r, 'aliceStake')).toBe(e18(10) + 1n);
    expect(viewBig(r, 'bobStake')).toBe(e18(50));
    // the reverted final upload did not complete the task
    expect(r.views.completed).toBe(false);
  });

  it('onlyAdmin functions revert for a non-admin (any reason, docs/contracts.md#admin-checks)', () => {
    const steps: TraceStep[] = [
      { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
      { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, '10e18'] },
      { at: at(20), from: 'bob', call: 'TaskManager.createTask', args: [2, DAY, 'x'], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.mintDailyReward', args: [], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.setGamma', args: [100000], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.setFeePercentage', args: [80000], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.setRewardTokenPerDay', args: ['1e18'], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.setBaseStakeAmount', args: ['1e18'], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.setMinNodeStakes', args: ['1e18'], expectRevert: '' },
      { at: at(20), from: 'bob', call: 'TaskManager.transferRewardsToFLTasks', args: [], expectRevert: '' },
      { at: at(20), from: 'admin', call: 'TaskManager.mintDailyReward', args: [] },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]], expectRevert: '' },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadRewardResultsForValidators', args: [1, ['alice'], [1000000]], expectRevert: '' },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadRewardResultsOnlyForValidators', args: [1, ['alice'], [1000000]], expectRevert: '' },
      { at: at(21), from: 'bob', call: 'TaskManager.uploadFinalRewardResultsForTrainingNodes', args: [1, ['alice'], [1000000]], expectRevert: '' },
      { at: at(22), view: 'TaskManager.gamma', args: [], as: 'gamma' },
      { at: at(22), view: 'TaskManager.rewardTokenPerDay', args: [], as: 'rtpd' },
      { at: at(22), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
      { at: at(22), view: 'TaskManager.isTaskCompleted', args: [1], as: 'completed' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), bob: flock(1000) }));
    expectClean(r);
    // nothing the non-admin tried took effect
    expect(viewBig(r, 'gamma')).toBe(0n);
    expect(viewBig(r, 'rtpd')).toBe(e18(1074));
    // TaskManager: alice's 10e18 stake + one admin mint of 1074e18
    expect(viewBig(r, 'tm')).toBe(e18(1084));
    expect(r.views.completed).toBe(false);
  });
});

describe('V1 AI Arena slashing hook (docs/contracts.md#slashing-hook)', () => {
  const base: TraceStep[] = [
    { at: at(0), from: 'admin', call: 'TaskManager.createTask', args: [1, 30 * DAY, 'task-1'] },
    { at: at(10), from: 'alice', call: 'TaskManager.stakeTokensForTrainingNodes', args: [1, w(e18(30) + 3n)] },
  ];

  it('without aiArenaSlashing the call reverts "Slashing disabled"', () => {
    const steps: TraceStep[] = [
      ...base,
      { at: at(20), from: 'admin', call: 'TaskManager.slash', args: [1, 'alice', 250000], expectRevert: 'Slashing disabled' },
      { at: at(21), view: 'TaskManager.getNodeStakes', args: [1, 'alice'], as: 'stake' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000) }));
    expectClean(r);
    expect(viewBig(r, 'stake')).toBe(e18(30) + 3n);
  });

  it('with aiArenaSlashing: floor(stake*ppm/1e6) of the node stake goes to the FLOCK token address; "No stake"; admin only', () => {
    const steps: TraceStep[] = [
      ...base,
      { at: at(20), from: 'bob', call: 'TaskManager.slash', args: [1, 'alice', 250000], expectRevert: '' },
      { at: at(20), from: 'admin', call: 'TaskManager.slash', args: [1, 'zed', 250000], expectRevert: 'No stake' },
      { at: at(20), from: 'admin', call: 'TaskManager.slash', args: [1, 'alice', 250000] },
      { at: at(21), view: 'TaskManager.getNodeStakes', args: [1, 'alice'], as: 'stake' },
      { at: at(21), view: 'FLOCK.balanceOf', args: ['FLOCK'], as: 'sink' },
      { at: at(21), view: 'FLOCK.balanceOf', args: ['TaskManager'], as: 'tm' },
    ];
    const r = run(trace('v1', steps, { alice: flock(1000), bob: flock(1000) }, { aiArenaSlashing: true }));
    expectClean(r);
    // slashed = floor((30e18+3)*250000/1e6) = 7.5e18 (0.75 wei floored away)
    const iSlash = indexOf(steps, (s) => s.call === 'TaskManager.slash' && s.from === 'admin' && !s.expectRevert);
    const ev = eventsAt(r, iSlash).find((e) => e.contract === 'TaskManager' && e.name === 'Slashed');
    expect(ev?.args.amount).toBe('7500000000000000000');
    expect(ev?.args.user).toBe('alice');
    expect(viewBig(r, 'sink')).toBe(7_500000000000000000n);
    // remaining stake = 30e18+3 - 7.5e18 = 22.5e18 + 3, still held by the TaskManager
    expect(viewBig(r, 'stake')).toBe(22_500000000000000003n);
    expect(viewBig(r, 'tm')).toBe(22_500000000000000003n);
  });
});
