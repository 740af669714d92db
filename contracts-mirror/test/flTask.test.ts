/**
 * FL Alliance task stand-in (docs/contracts.md#fl-alliance-task-interface, docs/model.md#fl-round-rewards) driven through traces.
 * Per round: roundReward = rewardPool / roundsLeft; for each eligible u, in two floor steps,
 *   proportion = stake_u*1e18*100 / Σ eligible stake;  owed = roundReward*proportion / (100*1e18).
 * slash: s = min(roundStake*slashPercentage/1e6, current stake); s*9/10 to the pool, s - s*9/10 to the caller.
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { T0, failures, run, trace, viewBig, Steps, expectAllOk, eventsOf, st } from './traceKit.js';




function findEvent(r: TraceResult, i: number, name: string): ResultEvent {
  const e = eventsOf(r, i).find((x) => x.name === name);
  if (!e) throw new Error(`step ${i} emitted no ${name}: ${JSON.stringify(eventsOf(r, i))}`);
  return e;
}

const flock = (from: string, to: string, value: bigint | string): ResultEvent => ({
  contract: 'FLOCK',
  name: 'Transfer',
  args: { from, to, value: value.toString() },
});
const taskEv = (name: string, args: Record<string, string | boolean>): ResultEvent => ({
  contract: 'FLTask:7',
  name,
  args,
});


const P0 = '1000000000000000000001'; // initial reward pool, 1000e18 + 1
const ACCOUNTS = {
  admin: { FLOCK: '2000e18' },
  alice: { FLOCK: '1000e18' },
  bob: { FLOCK: '1000e18' },
  carol: { FLOCK: '1000e18' },
  dave: { FLOCK: '1000e18' },
  eve: { FLOCK: '1000e18' },
};

/** Task 7: 3 rounds, threshold 100e18, pool P0, slash 60%; stakes alice 300e18+7, bob 500e18, carol 200e18+1, dave 150e18. */
function setup(s: Steps) {
  const iCreate = s.add({ at: T0, from: 'admin', call: 'FLTaskManager.createTask', args: [7, 3, '100e18', P0, 600000] });
  s.add({ at: T0 + 1, from: 'alice', call: 'FLTask:7.stake', args: ['300000000000000000007'] });
  s.add({ at: T0 + 1, from: 'bob', call: 'FLTask:7.stake', args: ['500e18'] });
  s.add({ at: T0 + 1, from: 'carol', call: 'FLTask:7.stake', args: ['200000000000000000001'] });
  s.add({ at: T0 + 1, from: 'dave', call: 'FLTask:7.stake', args: ['150e18'] });
  return iCreate;
}

/** The index the stand-in gives to the first round (docs/contracts.md numbers rounds from 0; the test does not rely on it), read from RoundStarted. */
function firstRoundIndex(): number {
  const s = new Steps();
  setup(s);
  const i = s.add({ at: T0 + 3, from: 'admin', call: 'FLTask:7.startRound', args: [['alice'], ['bob', 'carol', 'dave']] });
  const r = run(trace('v2', s.list, ACCOUNTS));
  expectAllOk(r);
  const ev = findEvent(r, i, 'RoundStarted');
  return Number(ev.args.round);
}

describe('FLTaskManager.createTask', () => {
  it('pulls the initial pool, creates FLTask:<id>, and rejects duplicates, zero rounds and non-admins', () => {
    const s = new Steps();
    const iCreate = setup(s);
    s.add({ at: T0 + 2, from: 'admin', call: 'FLTaskManager.createTask', args: [7, 3, 1, 1, 0], expectRevert: 'Task exists' });
    s.add({ at: T0 + 2, from: 'admin', call: 'FLTaskManager.createTask', args: [8, 0, 1, 1, 0], expectRevert: 'Invalid rounds' });
    s.add({ at: T0 + 2, from: 'bob', call: 'FLTaskManager.createTask', args: [9, 3, 1, 1, 0], expectRevert: '' });
    s.add({ at: T0 + 2, from: 'eve', call: 'FLTask:7.stake', args: ['99e18'], expectRevert: 'Stake below threshold' });
    s.add({ at: T0 + 2, view: 'FLTaskManager.getTasks', as: 'tasks' });
    s.add({ at: T0 + 2, view: 'FLTask:7.getTotalStakes', as: 'total' });
    s.add({ at: T0 + 2, view: 'FLTask:7.isFinished', as: 'fin' });
    const r = run(trace('v2', s.list, ACCOUNTS));
    expectAllOk(r);
    expect(findEvent(r, iCreate, 'FLTaskCreated')).toEqual({
      contract: 'FLTaskManager',
      name: 'FLTaskCreated',
      args: { taskId: '7', task: 'FLTask:7' },
    });
    expect(r.views.tasks).toEqual(['FLTask:7']);
    // 300e18+7 + 500e18 + 200e18+1 + 150e18 = 1150000000000000000008
    expect(viewBig(r, 'total')).toBe(1150000000000000000008n);
    expect(r.views.fin).toBe(false);
    expect(st(r).flTasks['FLTask:7'].rewardPool).toBe(P0);
    // task holds pool + stakes = 1000e18+1 + 1150e18+8 = 2150000000000000000009
    expect(st(r).balances.FLOCK['FLTask:7']).toBe('2150000000000000000009');
    // admin paid P0: 2000e18 - (1000e18+1) = 999999999999999999999
    expect(st(r).balances.FLOCK.admin).toBe('999999999999999999999');
  });
});

describe('FLTask rounds, rewards and slashing', () => {
  it('follows the two-step floor, pays eligible stake, slashes the rest with 9/10 to the pool', () => {
    const R0 = firstRoundIndex();
    const s = new Steps();
    setup(s);
    s.add({
      at: T0 + 3,
      from: 'admin',
      call: 'FLTask:7.startRound',
      args: [['alice'], ['bob', 'eve']],
      expectRevert: 'Not a participant',
    });
    s.add({ at: T0 + 3, from: 'bob', call: 'FLTask:7.startRound', args: [['alice'], ['bob', 'carol', 'dave']], expectRevert: '' });
    const iStartA = s.add({
      at: T0 + 3,
      from: 'admin',
      call: 'FLTask:7.startRound',
      args: [['alice'], ['bob', 'carol', 'dave']],
    });
    s.add({
      at: T0 + 3,
      from: 'admin',
      call: 'FLTask:7.startRound',
      args: [['alice'], ['bob', 'carol', 'dave']],
      expectRevert: 'Round in progress',
    });
    // alice tops up during round A: not part of round A's snapshot (cumulative 350e18+7 >= threshold)
    s.add({ at: T0 + 4, from: 'alice', call: 'FLTask:7.stake', args: ['50e18'] });
    s.add({ at: T0 + 5, from: 'alice', call: 'FLTask:7.vote', args: [1], expectRevert: 'Not a voter' });
    s.add({ at: T0 + 5, from: 'eve', call: 'FLTask:7.vote', args: [1], expectRevert: 'Not a voter' });
    const iVoteB = s.add({ at: T0 + 5, from: 'bob', call: 'FLTask:7.vote', args: [5] });
    s.add({ at: T0 + 5, from: 'bob', call: 'FLTask:7.vote', args: [5], expectRevert: 'Already voted' });
    s.add({ at: T0 + 6, from: 'carol', call: 'FLTask:7.vote', args: [0] });
    // not every voter has voted and carol is not admin
    s.add({ at: T0 + 6, from: 'carol', call: 'FLTask:7.finalizeRound', args: [], expectRevert: '' });
    const iVoteD = s.add({ at: T0 + 7, from: 'dave', call: 'FLTask:7.vote', args: [-3] });
    /*
     * Round A (3 rounds left). aggregate = +500e18 + 0 - 150e18 >= 0 -> accept.
     * eligible: alice (proposer), bob (+5), carol (0); Σ = 300e18+7 + 500e18 + 200e18+1 = 1000000000000000000008
     * roundReward = (1000e18+1)/3 = 333333333333333333333
     * alice: prop = 30000000000000000000700000000000000000000/1000000000000000000008 = 30000000000000000000
     *        owed = 333333333333333333333*30000000000000000000/1e20 = 99999999999999999999
     *        (one-step rr*stake/Σ would give 100000000000000000001)
     * bob:   prop = 5e40/1000000000000000000008 = 49999999999999999999
     *        owed = 16666666666666666666316666666666666666667/1e20 = 166666666666666666663
     * carol: prop = 20000000000000000000100000000000000000000/1000000000000000000008 = 19999999999999999999
     *        owed = 6666666666666666666326666666666666666667/1e20 = 66666666666666666663
     * pool after A = 1000e18+1 - 333333333333333333325 = 666666666666666666676
     */
    const iFinA = s.add({ at: T0 + 8, from: 'eve', call: 'FLTask:7.finalizeRound', args: [] });
    const iClaimA = s.add({ at: T0 + 9, from: 'alice', call: 'FLTask:7.claimReward', args: [R0] });
    s.add({ at: T0 + 9, from: 'alice', call: 'FLTask:7.claimReward', args: [R0], expectRevert: 'Nothing to claim' });
    s.add({ at: T0 + 9, from: 'dave', call: 'FLTask:7.claimReward', args: [R0], expectRevert: 'Nothing to claim' });
    s.add({ at: T0 + 9, from: 'eve', call: 'FLTask:7.claimReward', args: [R0], expectRevert: 'Nothing to claim' });
    s.add({ at: T0 + 9, from: 'eve', call: 'FLTask:7.slash', args: ['alice', R0], expectRevert: 'Not slashable' });
    s.add({ at: T0 + 9, from: 'eve', call: 'FLTask:7.slash', args: ['eve', R0], expectRevert: 'Not slashable' });
    // Round B snapshot: alice 350e18+7, bob 500e18, carol 200e18+1, dave 150e18 (before any slash)
    const iStartB = s.add({
      at: T0 + 10,
      from: 'admin',
      call: 'FLTask:7.startRound',
      args: [['carol'], ['alice', 'bob', 'dave']],
    });
    // slash dave for round A: s = min(150e18*600000/1e6, 150e18) = 90e18; pool += 81e18; eve gets 9e18
    // pool = 666666666666666666676 + 81e18 = 747666666666666666676; dave's stake 60e18
    const iSlashA = s.add({ at: T0 + 11, from: 'eve', call: 'FLTask:7.slash', args: ['dave', R0] });
    s.add({ at: T0 + 11, from: 'eve', call: 'FLTask:7.slash', args: ['dave', R0], expectRevert: 'Not slashable' });
    s.add({ at: T0 + 12, from: 'alice', call: 'FLTask:7.vote', args: [-1] });
    s.add({ at: T0 + 12, from: 'bob', call: 'FLTask:7.vote', args: [-2] });
    s.add({ at: T0 + 12, from: 'dave', call: 'FLTask:7.vote', args: [1] });
    /*
     * Round B (2 rounds left). aggregate = -(350e18+7) - 500e18 + 150e18 < 0 -> reject.
     * eligible: alice, bob (voted < 0); Σ = 850000000000000000007. carol (proposer) and dave (+) are slashable.
     * roundReward = 747666666666666666676/2 = 373833333333333333338
     * alice: prop = 35000000000000000000700000000000000000000/850000000000000000007 = 41176470588235294118
     *        owed = 15393137254901960784637823529411764705884/1e20 = 153931372549019607846
     * bob:   prop = 5e40/850000000000000000007 = 58823529411764705881
     *        owed = 21990196078431372548788343137254901960778/1e20 = 219901960784313725487
     *        (one-step would give 219901960784313725491)
     * pool after B = 747666666666666666676 - 373833333333333333333 = 373833333333333333343
     */
    const iFinB = s.add({ at: T0 + 13, from: 'admin', call: 'FLTask:7.finalizeRound', args: [] });
    // dave round B: min(150e18*0.6 = 90e18, current 60e18) = 60e18; pool += 54e18, eve += 6e18
    const iSlashB = s.add({ at: T0 + 14, from: 'eve', call: 'FLTask:7.slash', args: ['dave', R0 + 1] });
    // carol round B: (200e18+1)*600000/1e6 = 120000000000000000000600000/1e6 = 120e18; pool += 108e18, bob += 12e18
    const iSlashC = s.add({ at: T0 + 14, from: 'bob', call: 'FLTask:7.slash', args: ['carol', R0 + 1] });
    s.add({ at: T0 + 14, from: 'eve', call: 'FLTask:7.slash', args: ['alice', R0 + 1], expectRevert: 'Not slashable' });
    s.add({ at: T0 + 14, from: 'eve', call: 'FLTask:7.slash', args: ['dave', R0 + 1], expectRevert: 'Not slashable' });
    // pool = 373833333333333333343 + 54e18 + 108e18 = 535833333333333333343
    const iStartC = s.add({ at: T0 + 15, from: 'admin', call: 'FLTask:7.startRound', args: [['bob'], ['alice']] });
    /*
     * Round C (1 round left): alice does not vote, admin finalizes. aggregate 0 -> accept; eligible: bob only.
     * roundReward = 535833333333333333343/1; prop = 500e18*1e20/500e18 = 1e20; owed = 535833333333333333343.
     */
    const iFinC = s.add({ at: T0 + 16, from: 'admin', call: 'FLTask:7.finalizeRound', args: [] });
    s.add({
      at: T0 + 17,
      from: 'admin',
      call: 'FLTask:7.startRound',
      args: [['alice'], ['bob']],
      expectRevert: 'Task finished',
    });
    s.add({ at: T0 + 17, view: 'FLTask:7.isFinished', as: 'fin' });
    s.add({ at: T0 + 17, view: 'FLTaskManager.getTasks', as: 'tasks' });
    const iB0 = s.add({ at: T0 + 18, from: 'bob', call: 'FLTask:7.claimReward', args: [R0] });
    const iB1 = s.add({ at: T0 + 18, from: 'bob', call: 'FLTask:7.claimReward', args: [R0 + 1] });
    const iB2 = s.add({ at: T0 + 18, from: 'bob', call: 'FLTask:7.claimReward', args: [R0 + 2] });
    const iC0 = s.add({ at: T0 + 18, from: 'carol', call: 'FLTask:7.claimReward', args: [R0] });
    s.add({ at: T0 + 18, from: 'carol', call: 'FLTask:7.claimReward', args: [R0 + 1], expectRevert: 'Nothing to claim' });
    const iA1 = s.add({ at: T0 + 18, from: 'alice', call: 'FLTask:7.claimReward', args: [R0 + 1] });
    s.add({ at: T0 + 18, view: 'FLTask:7.getTotalStakes', as: 'total' });
    const r = run(trace('v2', s.list, ACCOUNTS));
    expectAllOk(r);

    expect(findEvent(r, iStartA, 'RoundStarted')).toEqual(taskEv('RoundStarted', { round: String(R0) }));
    expect(findEvent(r, iStartB, 'RoundStarted')).toEqual(taskEv('RoundStarted', { round: String(R0 + 1) }));
    expect(findEvent(r, iStartC, 'RoundStarted')).toEqual(taskEv('RoundStarted', { round: String(R0 + 2) }));
    expect(findEvent(r, iVoteB, 'Voted')).toEqual(taskEv('Voted', { round: String(R0), voter: 'bob', score: '5' }));
    expect(findEvent(r, iVoteD, 'Voted')).toEqual(taskEv('Voted', { round: String(R0), voter: 'dave', score: '-3' }));
    expect(findEvent(r, iFinA, 'RoundFinalized')).toEqual(
      taskEv('RoundFinalized', { round: String(R0), accepted: true, roundReward: '333333333333333333333' }),
    );
    expect(eventsOf(r, iClaimA)).toContainEqual(flock('FLTask:7', 'alice', 99999999999999999999n));
    expect(findEvent(r, iClaimA, 'RewardClaimed')).toEqual(
      taskEv('RewardClaimed', { round: String(R0), user: 'alice', amount: '99999999999999999999' }),
    );
    expect(findEvent(r, iSlashA, 'Slashed')).toEqual(
      taskEv('Slashed', { round: String(R0), participant: 'dave', caller: 'eve', amount: '90000000000000000000' }),
    );
    expect(eventsOf(r, iSlashA)).toContainEqual(flock('FLTask:7', 'eve', 9000000000000000000n));
    expect(findEvent(r, iFinB, 'RoundFinalized')).toEqual(
      taskEv('RoundFinalized', { round: String(R0 + 1), accepted: false, roundReward: '373833333333333333338' }),
    );
    expect(findEvent(r, iSlashB, 'Slashed')).toEqual(
      taskEv('Slashed', { round: String(R0 + 1), participant: 'dave', caller: 'eve', amount: '60000000000000000000' }),
    );
    expect(eventsOf(r, iSlashB)).toContainEqual(flock('FLTask:7', 'eve', 6000000000000000000n));
    expect(findEvent(r, iSlashC, 'Slashed')).toEqual(
      taskEv('Slashed', { round: String(R0 + 1), participant: 'carol', caller: 'bob', amount: '120000000000000000000' }),
    );
    expect(eventsOf(r, iSlashC)).toContainEqual(flock('FLTask:7', 'bob', 12000000000000000000n));
    expect(findEvent(r, iFinC, 'RoundFinalized')).toEqual(
      taskEv('RoundFinalized', { round: String(R0 + 2), accepted: true, roundReward: '535833333333333333343' }),
    );
    expect(r.views.fin).toBe(true);
    expect(r.views.tasks).toEqual([]);
    expect(findEvent(r, iB0, 'RewardClaimed').args.amount).toBe('166666666666666666663');
    expect(findEvent(r, iB1, 'RewardClaimed').args.amount).toBe('219901960784313725487');
    expect(findEvent(r, iB2, 'RewardClaimed').args.amount).toBe('535833333333333333343');
    expect(findEvent(r, iC0, 'RewardClaimed').args.amount).toBe('66666666666666666663');
    expect(findEvent(r, iA1, 'RewardClaimed').args.amount).toBe('153931372549019607846');
    // stakes: alice 350e18+7, bob 500e18, carol 200e18+1-120e18 = 80e18+1, dave 150e18-90e18-60e18 = 0
    expect(viewBig(r, 'total')).toBe(930000000000000000008n);
    const task = st(r).flTasks['FLTask:7'];
    expect(task.rewardPool).toBe('0');
    expect(task.stakes.alice).toBe('350000000000000000007');
    expect(task.stakes.bob).toBe('500000000000000000000');
    expect(task.stakes.carol).toBe('80000000000000000001');
    expect(task.stakes.dave ?? '0').toBe('0');
    // everything owed was claimed, so the task holds exactly the stakes
    expect(st(r).balances.FLOCK['FLTask:7']).toBe('930000000000000000008');
    // eve 1000e18 + 9e18 + 6e18; dave 1000e18 - 150e18
    expect(st(r).balances.FLOCK.eve).toBe('1015000000000000000000');
    expect(st(r).balances.FLOCK.dave).toBe('850000000000000000000');
    // bob 1000e18 - 500e18 + 12e18 + 166666666666666666663 + 219901960784313725487 + 535833333333333333343
    expect(st(r).balances.FLOCK.bob).toBe('1434401960784313725493');
    // alice 1000e18 - (350e18+7) + 99999999999999999999 + 153931372549019607846
    expect(st(r).balances.FLOCK.alice).toBe('903931372549019607838');
    // carol 1000e18 - (200e18+1) + 66666666666666666663
    expect(st(r).balances.FLOCK.carol).toBe('866666666666666666662');
  });

  it('keeps the whole round reward in the pool when no stake is eligible', () => {
    const R0 = firstRoundIndex();
    const s = new Steps();
    s.add({ at: T0, from: 'admin', call: 'FLTaskManager.createTask', args: [7, 2, '100e18', P0, 100000] });
    s.add({ at: T0 + 1, from: 'bob', call: 'FLTask:7.stake', args: ['500e18'] });
    s.add({ at: T0 + 2, from: 'admin', call: 'FLTask:7.startRound', args: [[], ['bob']] });
    // bob does not vote: aggregate 0 -> accept, no proposers, no voter with a vote: nothing eligible.
    // roundReward = (1000e18+1)/2 = 500000000000000000000, and all of it stays.
    const iFin = s.add({ at: T0 + 3, from: 'admin', call: 'FLTask:7.finalizeRound', args: [] });
    s.add({ at: T0 + 4, from: 'bob', call: 'FLTask:7.claimReward', args: [R0], expectRevert: 'Nothing to claim' });
    // bob, a non-voter, is slashable: s = min(500e18*100000/1e6, 500e18) = 50e18; 45e18 to the pool, 5e18 to carol
    const iSl = s.add({ at: T0 + 5, from: 'carol', call: 'FLTask:7.slash', args: ['bob', R0] });
    const r = run(trace('v2', s.list, ACCOUNTS));
    expectAllOk(r);
    expect(findEvent(r, iFin, 'RoundFinalized')).toEqual(
      taskEv('RoundFinalized', { round: String(R0), accepted: true, roundReward: '500000000000000000000' }),
    );
    expect(findEvent(r, iSl, 'Slashed').args.amount).toBe('50000000000000000000');
    // pool = 1000e18+1 + 45e18 = 1045000000000000000001
    expect(st(r).flTasks['FLTask:7'].rewardPool).toBe('1045000000000000000001');
    expect(st(r).flTasks['FLTask:7'].stakes.bob).toBe('450000000000000000000');
    expect(st(r).balances.FLOCK.carol).toBe('1005000000000000000000');
  });
});
