/**
 * gmFLOCK (docs/contracts.md#gmflock-stand-in) and gmFlockExchange (verified V2 source;
 * docs/model.md#lock-multiplier) driven through traces. Genesis exchange params (docs/contracts.md#default-parameters):
 *   t0 = 30 days = 2592000, t1 = 365 days = 31536000, epsilon = 21900, base = 10000, protocolFee = 0.
 * multiplier(L) = base                              if L <= t0
 *               = epsilon*(min(L,t1) - t0)/t1 + base otherwise (divides by t1, not t1 - t0)
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, T0, e18, failures, run, trace, viewBig, Steps, expectAllOk, eventsOf, st } from './traceKit.js';

const ZERO = '0x0000000000000000000000000000000000000000';
const T0_LOCK = 30 * DAY; // 2592000
const T1_LOCK = 365 * DAY; // 31536000




const tok = (contract: 'FLOCK' | 'gmFLOCK', from: string, to: string, value: bigint | string): ResultEvent => ({
  contract,
  name: 'Transfer',
  args: { from, to, value: value.toString() },
});


describe('getExchangeMultiplier (division by t1)', () => {
  it('returns base up to t0, the floored linear bonus above, and clamps at t1', () => {
    const s = new Steps();
    const periods: Record<string, number> = {
      m0: 0,
      mT0: T0_LOCK,
      mT0p1: T0_LOCK + 1,
      m100d7: 100 * DAY + 7,
      m200d: 200 * DAY + 12345,
      m365: T1_LOCK,
      m400: 400 * DAY,
    };
    for (const [as, L] of Object.entries(periods)) s.add({ at: T0, view: 'Exchange.getExchangeMultiplier', args: [L], as });
    const r = run(trace('v2', s.list));
    expectAllOk(r);
    // L = 0 and L = t0: L <= t0 -> base = 10000
    expect(viewBig(r, 'm0')).toBe(10000n);
    expect(viewBig(r, 'mT0')).toBe(10000n);
    // L = t0 + 1: 21900*1/31536000 = 0 (floor) -> 10000
    expect(viewBig(r, 'mT0p1')).toBe(10000n);
    // L = 100d+7 = 8640007: 21900*(8640007-2592000) = 21900*6048007 = 132451353300;
    // /31536000 = 4200.0048 -> 4200; +10000 = 14200. (Dividing by t1-t0 = 28944000 would give 14576.)
    expect(viewBig(r, 'm100d7')).toBe(14200n);
    // L = 200d+12345 = 17292345: 21900*14700345 = 321937555500; /31536000 = 10208.57 -> 10208; +10000 = 20208.
    expect(viewBig(r, 'm200d')).toBe(20208n);
    // L = 365d: 21900*28944000/31536000 = 21900*335/365 = 20100; +10000 = 30100 (the docs' 3.01x).
    expect(viewBig(r, 'm365')).toBe(30100n);
    // L = 400d > t1 is clamped to t1 -> 30100.
    expect(viewBig(r, 'm400')).toBe(30100n);
  });

  it('follows setExchangeParams, and rejects t0 >= t1', () => {
    const s = new Steps();
    s.add({
      at: T0,
      from: 'admin',
      call: 'Exchange.setExchangeParams',
      args: [T1_LOCK, T1_LOCK, 21900, 10000],
      expectRevert: 't0 must be less than t1',
    });
    s.add({
      at: T0,
      from: 'admin',
      call: 'Exchange.setExchangeParams',
      args: [40 * DAY, 30 * DAY, 21900, 10000],
      expectRevert: 't0 must be less than t1',
    });
    s.add({ at: T0, from: 'bob', call: 'Exchange.setExchangeParams', args: [1000, 5000, 3333, 7], expectRevert: '' });
    s.add({ at: T0 + 1, from: 'admin', call: 'Exchange.setExchangeParams', args: [1000, 5000, 3333, 7] });
    s.add({ at: T0 + 1, view: 'Exchange.getExchangeMultiplier', args: [1000], as: 'atT0' });
    s.add({ at: T0 + 1, view: 'Exchange.getExchangeMultiplier', args: [3001], as: 'mid' });
    s.add({ at: T0 + 1, view: 'Exchange.getExchangeMultiplier', args: [9999], as: 'clamped' });
    s.add({ at: T0 + 2, from: 'alice', call: 'Exchange.exchangeFlock', args: [1000003, 3001, 'alice'] });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '1e18' } }));
    expectAllOk(r);
    // L = t0 = 1000 -> base = 7
    expect(viewBig(r, 'atT0')).toBe(7n);
    // 3333*(3001-1000)/5000 = 6669333/5000 = 1333 (floor) + 7 = 1340
    expect(viewBig(r, 'mid')).toBe(1340n);
    // 9999 clamps to 5000: 3333*4000/5000 = 13332000/5000 = 2666 (floor 2666.4) + 7 = 2673
    expect(viewBig(r, 'clamped')).toBe(2673n);
    // gm = 1000003*1340/7 = 1340004020/7 = 191429145 (floor of 191429145.71)
    expect(st(r).balances.gmFLOCK.alice).toBe('191429145');
  });
});

/**
 * The id the exchange gives its first lock. The exchange's documented interface names `currentLockInfoId`
 * but does not state the first value, so the behavioural tests below read it from the engine and use B, B+1, B+2.
 * The deployed source's value is pinned separately in 'lock ids start at currentLockInfoId = 0'.
 */
function lockIdBase(): number {
  const s = new Steps();
  const i = s.add({ at: T0, from: 'alice', call: 'Exchange.exchangeFlock', args: [1, 1, 'alice'] });
  const r = run(trace('v2', s.list, { alice: { FLOCK: '1' } }));
  expectAllOk(r);
  const fe = eventsOf(r, i).find((e) => e.name === 'FlockExchanged');
  if (!fe) throw new Error('no FlockExchanged');
  return Number(fe.args.id);
}

describe('exchangeFlock with a 513 bps fee, and redemption', () => {
  // Amounts (wei) and their derivations:
  //  lock B:   A0 = 1234567891234567891234, L = t0 -> mult 10000 -> gm0 = A0*10000/10000 = A0
  //            fee0 = A0*513/10000 = 633333328203333328203042/10000 = 63333332820333332820 (floor)
  //            net0 = A0 - fee0 = 1171234558414234558414
  //  lock B+1: A1 = 777777777777777777777, L = 100d+7 -> mult 14200
  //            gm1 = A1*14200/10000 = 11044444444444444444433400/10000 = 1104444444444444444443 (floor)
  //            fee1 = A1*513/10000 = 398999999999999999999601/10000 = 39899999999999999999
  //            net1 = 737877777777777777778
  //  lock B+2: A2 = 1000000000000000000003, L = 200d+12345 -> mult 20208
  //            gm2 = A2*20208/10000 = 20208000000000000000060624/10000 = 2020800000000000000006
  //            fee2 = A2*513/10000 = 513000000000000000001539/10000 = 51300000000000000000
  //            net2 = 948700000000000000003
  const A0 = '1234567891234567891234';
  const A1 = '777777777777777777777';
  const A2 = '1000000000000000000003';
  const L0 = T0_LOCK;
  const L1 = 100 * DAY + 7;
  const L2 = 200 * DAY + 12345;
  const gm0 = 1234567891234567891234n;
  const gm1 = 1104444444444444444443n;
  const gm2 = 2020800000000000000006n;
  const fee1 = 39899999999999999999n;
  const net0 = 1171234558414234558414n;
  const net1 = 737877777777777777778n;
  const net2 = 948700000000000000003n;
  const U0 = T0 + L0; // 1738281600
  const U1 = T0 + 5 + L1; // 1744329612
  const U2 = T0 + 9 + L2; // 1752981954

  function openingSteps(s: Steps) {
    const iFee = s.add({ at: T0, from: 'admin', call: 'Exchange.setProtocolFee', args: [513] });
    // alice is not admin: her "bob" beneficiary is overridden with alice
    const i0 = s.add({ at: T0, from: 'alice', call: 'Exchange.exchangeFlock', args: [A0, L0, 'bob'] });
    const i1 = s.add({ at: T0 + 5, from: 'alice', call: 'Exchange.exchangeFlock', args: [A1, L1, 'alice'] });
    const i2 = s.add({ at: T0 + 9, from: 'alice', call: 'Exchange.exchangeFlock', args: [A2, L2, 'alice'] });
    return { iFee, i0, i1, i2 };
  }

  it('takes the fee from the deposited FLOCK, records flockAmount - fee, mints gmFLOCK on the gross amount', () => {
    const B = lockIdBase();
    const s = new Steps();
    const { i1 } = openingSteps(s);
    s.add({ at: T0 + 9, view: 'Exchange.getUserLocks', args: ['alice'], as: 'locks' });
    s.add({ at: T0 + 9, view: 'Exchange.getUserLocks', args: ['bob'], as: 'bobLocks' });
    s.add({ at: T0 + 9, view: 'Exchange.lockInfoMap', args: [B], as: 'lock0' });
    s.add({ at: T0 + 9, view: 'Exchange.lockInfoMap', args: [B + 1], as: 'lock1' });
    s.add({ at: T0 + 9, view: 'Exchange.protocolFee', as: 'fee' });
    s.add({ at: T0 + 9, from: 'alice', view: 'Exchange.getUnlockedAmounts', args: [U1], as: 'unl' });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '10000e18' } }));
    expectAllOk(r);
    // exchangeFlock: pull the gross A1, send fee1 to the FLOCK token address, mint gm1 to alice, then the event.
    expect(eventsOf(r, i1)).toEqual([
      tok('FLOCK', 'alice', 'Exchange', A1),
      tok('FLOCK', 'Exchange', 'FLOCK', fee1),
      tok('gmFLOCK', ZERO, 'alice', gm1),
      {
        contract: 'Exchange',
        name: 'FlockExchanged',
        // flockAmount is the function argument (gross); unlockTime = (T0+5) + 8640007 = 1744329612
        args: { user: 'alice', flockAmount: A1, gmFlockAmount: gm1.toString(), unlockTime: String(U1), id: String(B + 1) },
      },
    ]);
    // consecutive ids, filed under msg.sender
    expect(r.views.locks).toEqual([String(B), String(B + 1), String(B + 2)]);
    expect(r.views.bobLocks).toEqual([]);
    expect(viewBig(r, 'fee')).toBe(513n);
    // the lock records the net FLOCK; the beneficiary was forced to alice
    expect(r.views.lock0).toEqual({
      id: String(B),
      flockAmount: net0.toString(),
      gmFlockAmount: gm0.toString(),
      unlockTime: String(U0),
      beneficiary: 'alice',
    });
    expect(r.views.lock1).toEqual({
      id: String(B + 1),
      flockAmount: net1.toString(),
      gmFlockAmount: gm1.toString(),
      unlockTime: String(U1),
      beneficiary: 'alice',
    });
    // getUnlockedAmounts(U1) for alice: the first two locks mature by U1 -> net0+net1, gm0+gm1
    //   net0+net1 = 1171234558414234558414 + 737877777777777777778 = 1909112336192012336192
    //   gm0+gm1   = 1234567891234567891234 + 1104444444444444444443 = 2339012335679012335677
    expect(r.views.unl).toEqual({
      totalFlock: '1909112336192012336192',
      totalgmFlock: '2339012335679012335677',
    });
    // fees: 63333332820333332820 + 39899999999999999999 + 51300000000000000000 = 154533332820333332819 at the token address
    expect(st(r).balances.FLOCK.FLOCK).toBe('154533332820333332819');
    // Exchange holds net0+net1+net2 = 2857812336192012336195
    expect(st(r).balances.FLOCK.Exchange).toBe('2857812336192012336195');
    // alice: 10000e18 - (A0+A1+A2) = 6987654330987654330986 FLOCK; gm0+gm1+gm2 = 4359812335679012335683 gmFLOCK
    expect(st(r).balances.FLOCK.alice).toBe('6987654330987654330986');
    expect(st(r).balances.gmFLOCK.alice).toBe('4359812335679012335683');
    expect(st(r).balances.gmFLOCK.bob).toBeUndefined();
    expect(st(r).exchange.alice).toEqual({
      lockedFlock: '2857812336192012336195',
      gmFlock: '4359812335679012335683',
    });
    // fees are a balance of the token address, not a burn
    expect(st(r).burned?.FLOCK ?? '0').toBe('0');
  });

  it('redeems by time and by ids, with every revert, including the stale lockIndexMap after claimUnlockedFlock', () => {
    const B = lockIdBase();
    const s = new Steps();
    openingSteps(s);
    s.add({
      at: T0 + 10,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlock',
      args: [T0 + 11],
      expectRevert: 'Cannot claim for future time',
    });
    s.add({
      at: U0 - 1,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlock',
      args: [U0 - 1],
      expectRevert: 'No claimable tokens',
    });
    s.add({
      at: U0,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlock',
      args: [U0 - 1],
      expectRevert: 'No claimable tokens',
    });
    s.add({
      at: U0,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B + 1]],
      expectRevert: 'Cannot claim for future time',
    });
    // id B+99 does not exist: lockIndexMap defaults to 0 < 3, and locks[0] = B != B+99
    s.add({
      at: U0,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B + 99]],
      expectRevert: 'Invalid lock ID at index',
    });
    s.add({
      at: U0,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[]],
      expectRevert: 'No claimable tokens',
    });
    // bob has no locks: index 0 is not < 0
    s.add({
      at: U0,
      from: 'bob',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B]],
      expectRevert: 'Invalid lock index',
    });
    const iSweep = s.add({ at: U0, from: 'alice', call: 'Exchange.claimUnlockedFlock', args: [U0] });
    s.add({ at: U0, view: 'Exchange.getUserLocks', args: ['alice'], as: 'afterSweep' });
    s.add({ at: U0, view: 'Exchange.lockIndexMap', args: ['alice', B + 2], as: 'staleIdx2' });
    // lockIndexMap[alice][B+2] is still 2 but the list has length 2 -> "Invalid lock index" (checked before maturity)
    s.add({
      at: U1,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B + 2]],
      expectRevert: 'Invalid lock index',
    });
    const iById = s.add({ at: U1, from: 'alice', call: 'Exchange.claimUnlockedFlockByIds', args: [[B + 1]] });
    s.add({ at: U1, view: 'Exchange.getUserLocks', args: ['alice'], as: 'afterById' });
    // still index 2 >= length 1: the lock can no longer be claimed by id
    s.add({
      at: U2,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B + 2]],
      expectRevert: 'Invalid lock index',
    });
    const iLast = s.add({ at: U2, from: 'alice', call: 'Exchange.claimUnlockedFlock', args: [U2] });
    s.add({ at: U2, view: 'Exchange.getUserLocks', args: ['alice'], as: 'end' });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '10000e18' } }));
    expectAllOk(r);
    // sweep at U0: only lock B matured. Event, then burn of gm0 from alice, then net0 FLOCK back.
    expect(eventsOf(r, iSweep)).toEqual([
      {
        contract: 'Exchange',
        name: 'gmFlockClaimed',
        args: { user: 'alice', flockAmount: net0.toString(), gmFlockAmount: gm0.toString(), id: String(B) },
      },
      tok('gmFLOCK', 'alice', ZERO, gm0),
      tok('FLOCK', 'Exchange', 'alice', net0),
    ]);
    // swap-pop of index 0 in [B, B+1, B+2] moves B+2 to index 0 -> [B+2, B+1]
    expect(r.views.afterSweep).toEqual([String(B + 2), String(B + 1)]);
    expect(viewBig(r, 'staleIdx2')).toBe(2n);
    expect(eventsOf(r, iById)).toEqual([
      {
        contract: 'Exchange',
        name: 'gmFlockClaimed',
        args: { user: 'alice', flockAmount: net1.toString(), gmFlockAmount: gm1.toString(), id: String(B + 1) },
      },
      tok('gmFLOCK', 'alice', ZERO, gm1),
      tok('FLOCK', 'Exchange', 'alice', net1),
    ]);
    expect(r.views.afterById).toEqual([String(B + 2)]);
    expect(eventsOf(r, iLast)).toEqual([
      {
        contract: 'Exchange',
        name: 'gmFlockClaimed',
        args: { user: 'alice', flockAmount: net2.toString(), gmFlockAmount: gm2.toString(), id: String(B + 2) },
      },
      tok('gmFLOCK', 'alice', ZERO, gm2),
      tok('FLOCK', 'Exchange', 'alice', net2),
    ]);
    expect(r.views.end).toEqual([]);
    // alice ends with 10000e18 - fees = 10000e18 - 154533332820333332819 = 9845466667179666667181
    expect(st(r).balances.FLOCK.alice).toBe('9845466667179666667181');
    expect(st(r).balances.FLOCK.Exchange).toBeUndefined();
    expect(st(r).balances.gmFLOCK.alice).toBeUndefined();
    // every gmFLOCK minted was burned: gm0+gm1+gm2 = 4359812335679012335683
    expect(st(r).burned.gmFLOCK).toBe('4359812335679012335683');
    expect(st(r).totalMinted.gmFLOCK).toBe('4359812335679012335683');
  });

  it('an admin may name a beneficiary: the lock is filed under the admin, only the beneficiary may claim it by id', () => {
    const B = lockIdBase();
    const s = new Steps();
    // gm = (2000e18+1)*30100/10000 = 60200000000000000000030100/10000 = 6020000000000000000003
    const iEx = s.add({ at: T0, from: 'admin', call: 'Exchange.exchangeFlock', args: ['2000000000000000000001', T1_LOCK, 'bob'] });
    s.add({ at: T0, view: 'Exchange.getUserLocks', args: ['admin'], as: 'adminLocks' });
    s.add({ at: T0, view: 'Exchange.getUserLocks', args: ['bob'], as: 'bobLocks' });
    s.add({ at: T0, view: 'gmFLOCK.balanceOf', args: ['bob'], as: 'bobGm' });
    s.add({
      at: T0 + T1_LOCK,
      from: 'admin',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B]],
      expectRevert: 'Not the beneficiary',
    });
    s.add({
      at: T0 + T1_LOCK,
      from: 'bob',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B]],
      expectRevert: 'Invalid lock index',
    });
    // claimUnlockedFlock has no beneficiary check and burns from the caller, who holds no gmFLOCK
    s.add({
      at: T0 + T1_LOCK,
      from: 'admin',
      call: 'Exchange.claimUnlockedFlock',
      args: [T0 + T1_LOCK],
      expectRevert: 'ERC20: burn amount exceeds balance',
    });
    const r = run(trace('v2', s.list, { admin: { FLOCK: '5000e18' } }));
    expectAllOk(r);
    expect(r.views.adminLocks).toEqual([String(B)]);
    expect(r.views.bobLocks).toEqual([]);
    expect(viewBig(r, 'bobGm')).toBe(6020000000000000000003n);
    const fe = eventsOf(r, iEx).find((e) => e.name === 'FlockExchanged');
    // the event's user is msg.sender (admin); unlockTime = T0 + 31536000 = 1767225600
    expect(fe).toEqual({
      contract: 'Exchange',
      name: 'FlockExchanged',
      args: {
        user: 'admin',
        flockAmount: '2000000000000000000001',
        gmFlockAmount: '6020000000000000000003',
        unlockTime: String(T0 + T1_LOCK),
        id: String(B),
      },
    });
  });

  it('rejects zero amounts, zero periods, fees above 10000 bps and non-DAO callers', () => {
    const B = lockIdBase();
    const s = new Steps();
    s.add({ at: T0, from: 'bob', call: 'Exchange.setProtocolFee', args: [1], expectRevert: 'Restricted to dao admin' });
    s.add({ at: T0, from: 'admin', call: 'Exchange.setProtocolFee', args: [10001], expectRevert: 'Invalid protocol fee' });
    s.add({
      at: T0,
      from: 'alice',
      call: 'Exchange.exchangeFlock',
      args: [0, 100, 'alice'],
      expectRevert: 'Amount must be greater than zero',
    });
    // the amount is checked first
    s.add({
      at: T0,
      from: 'alice',
      call: 'Exchange.exchangeFlock',
      args: [0, 0, 'alice'],
      expectRevert: 'Amount must be greater than zero',
    });
    s.add({
      at: T0,
      from: 'alice',
      call: 'Exchange.exchangeFlock',
      args: [1, 0, 'alice'],
      expectRevert: 'Lock-up period must be greater than zero',
    });
    // 10000 bps is the largest accepted fee: all of the deposit goes to the token address
    s.add({ at: T0 + 1, from: 'admin', call: 'Exchange.setProtocolFee', args: [10000] });
    const iEx = s.add({ at: T0 + 2, from: 'alice', call: 'Exchange.exchangeFlock', args: ['5000000000000000003', DAY, 'alice'] });
    s.add({ at: T0 + 2, view: 'Exchange.lockInfoMap', args: [B], as: 'lock' });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '6e18' } }));
    expectAllOk(r);
    // fee = x*10000/10000 = x = 5e18+3; gm = x*10000/10000 (DAY <= t0)
    expect(eventsOf(r, iEx).slice(0, 3)).toEqual([
      tok('FLOCK', 'alice', 'Exchange', 5000000000000000003n),
      tok('FLOCK', 'Exchange', 'FLOCK', 5000000000000000003n),
      tok('gmFLOCK', ZERO, 'alice', 5000000000000000003n),
    ]);
    expect(r.views.lock).toEqual({
      id: String(B),
      flockAmount: '0',
      gmFlockAmount: '5000000000000000003',
      unlockTime: String(T0 + 2 + DAY),
      beneficiary: 'alice',
    });
    expect(st(r).balances.gmFLOCK.alice).toBe('5000000000000000003');
    // alice 6e18 - (5e18+3) = 999999999999999997
    expect(st(r).balances.FLOCK.alice).toBe('999999999999999997');
  });
});

/*
 * Points the documented interface leaves implicit, pinned to the deployed gmFlockExchangeUpgradeable
 * (ASSUMPTIONS.md A-ex-ids, A-ex-fee, A-ex-claim): `lockInfoMap[currentLockInfoId] = LockInfo(currentLockInfoId, ...); currentLockInfoId++`,
 * an unconditional `require(transfer(flockTokenAddress, fee), "Fee transfer failed")`, and
 * `require(totalFlock > 0, "No claimable tokens")` on the summed FLOCK.
 */
describe('exchange details pinned to the deployed source', () => {
  it('lock ids start at currentLockInfoId = 0, and currentLockInfoId counts the locks', () => {
    const s = new Steps();
    const i0 = s.add({ at: T0, from: 'alice', call: 'Exchange.exchangeFlock', args: ['1e18', DAY, 'alice'] });
    s.add({ at: T0 + 1, from: 'alice', call: 'Exchange.exchangeFlock', args: ['1e18', DAY, 'alice'] });
    s.add({ at: T0 + 1, view: 'Exchange.currentLockInfoId', as: 'next' });
    s.add({ at: T0 + 1, view: 'Exchange.getUserLocks', args: ['alice'], as: 'locks' });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '2e18' } }));
    expectAllOk(r);
    expect(eventsOf(r, i0).find((e) => e.name === 'FlockExchanged')?.args.id).toBe('0');
    expect(r.views.locks).toEqual(['0', '1']);
    expect(viewBig(r, 'next')).toBe(2n);
  });

  it('transfers the fee to the token address even when it is zero', () => {
    const s = new Steps();
    // protocolFee = 0 (genesis): fee = 3e18*0/10000 = 0; gm = 3e18 (DAY <= t0)
    const iEx = s.add({ at: T0, from: 'alice', call: 'Exchange.exchangeFlock', args: ['3e18', DAY, 'alice'] });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '3e18' } }));
    expectAllOk(r);
    expect(eventsOf(r, iEx).slice(0, 3)).toEqual([
      tok('FLOCK', 'alice', 'Exchange', e18(3)),
      tok('FLOCK', 'Exchange', 'FLOCK', 0n),
      tok('gmFLOCK', ZERO, 'alice', e18(3)),
    ]);
  });

  it('a lock whose redeemable FLOCK is 0 (100% fee) cannot be claimed: "No claimable tokens"', () => {
    const B = lockIdBase();
    const s = new Steps();
    s.add({ at: T0, from: 'admin', call: 'Exchange.setProtocolFee', args: [10000] });
    s.add({ at: T0 + 2, from: 'alice', call: 'Exchange.exchangeFlock', args: ['5000000000000000003', DAY, 'alice'] });
    // totalFlock = 0 although totalgmFlock = 5e18+3
    s.add({
      at: T0 + 2 + DAY,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlock',
      args: [T0 + 2 + DAY],
      expectRevert: 'No claimable tokens',
    });
    s.add({
      at: T0 + 2 + DAY,
      from: 'alice',
      call: 'Exchange.claimUnlockedFlockByIds',
      args: [[B]],
      expectRevert: 'No claimable tokens',
    });
    const r = run(trace('v2', s.list, { alice: { FLOCK: '6e18' } }));
    expectAllOk(r);
    expect(st(r).balances.gmFLOCK.alice).toBe('5000000000000000003');
  });
});


describe('gmFLOCK transfer rule, minter and registrar', () => {
  it('forbids transfers between unregistered accounts before checking the balance; mint/burn/setRegistered are gated', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'bob', call: 'gmFLOCK.transfer', args: ['carol', '1e18'], expectRevert: 'gmFLOCK: transfer not allowed' });
    // eve holds nothing: the rule is checked before the balance
    s.add({ at: T0, from: 'eve', call: 'gmFLOCK.transfer', args: ['carol', '5e18'], expectRevert: 'gmFLOCK: transfer not allowed' });
    s.add({ at: T0, from: 'bob', call: 'gmFLOCK.approve', args: ['carol', '10e18'] });
    s.add({
      at: T0,
      from: 'carol',
      call: 'gmFLOCK.transferFrom',
      args: ['bob', 'dave', '1e18'],
      expectRevert: 'gmFLOCK: transfer not allowed',
    });
    s.add({ at: T0 + 1, from: 'bob', call: 'gmFLOCK.mint', args: ['bob', 1], expectRevert: 'gmFLOCK: not minter' });
    s.add({ at: T0 + 1, from: 'bob', call: 'gmFLOCK.burn', args: ['carol', 1], expectRevert: 'gmFLOCK: not minter' });
    const iMint = s.add({ at: T0 + 2, from: 'admin', call: 'gmFLOCK.mint', args: ['dave', '7000000000000000001'] });
    const iBurn = s.add({ at: T0 + 2, from: 'admin', call: 'gmFLOCK.burn', args: ['dave', '1e18'] });
    s.add({
      at: T0 + 3,
      from: 'bob',
      call: 'gmFLOCK.setRegistered',
      args: ['carol', true],
      expectRevert: 'gmFLOCK: not registrar',
    });
    const iReg = s.add({ at: T0 + 4, from: 'admin', call: 'gmFLOCK.setRegistered', args: ['carol', true] });
    s.add({ at: T0 + 4, view: 'gmFLOCK.registered', args: ['carol'], as: 'carolReg' });
    s.add({ at: T0 + 4, view: 'gmFLOCK.registered', args: ['dave'], as: 'daveReg' });
    s.add({ at: T0 + 4, view: 'gmFLOCK.registered', args: ['Exchange'], as: 'exReg' });
    s.add({ at: T0 + 4, view: 'gmFLOCK.registered', args: ['TaskManager'], as: 'tmReg' });
    // a registered recipient or sender makes the transfer legal
    const iToCarol = s.add({ at: T0 + 5, from: 'bob', call: 'gmFLOCK.transfer', args: ['carol', '2e18'] });
    s.add({ at: T0 + 5, from: 'carol', call: 'gmFLOCK.transfer', args: ['dave', '3e18'] });
    s.add({ at: T0 + 5, from: 'dave', call: 'gmFLOCK.transfer', args: ['bob', 1], expectRevert: 'gmFLOCK: transfer not allowed' });
    // with a registered recipient, an empty sender hits the ERC-20 balance check
    s.add({
      at: T0 + 6,
      from: 'eve',
      call: 'gmFLOCK.transfer',
      args: ['carol', 1],
      expectRevert: 'ERC20: transfer amount exceeds balance',
    });
    // the pool manager registers every new pool
    const iPool = s.add({ at: T0 + 7, from: 'alice', call: 'PoolManager.createMiniPool', args: [400000] });
    s.add({ at: T0 + 7, view: 'gmFLOCK.registered', args: ['Pool:alice'], as: 'poolReg' });
    s.add({ at: T0 + 8, from: 'admin', call: 'gmFLOCK.setRegistered', args: ['carol', false] });
    s.add({ at: T0 + 9, from: 'carol', call: 'gmFLOCK.transfer', args: ['dave', 1], expectRevert: 'gmFLOCK: transfer not allowed' });
    s.add({ at: T0 + 9, view: 'gmFLOCK.totalMinted', as: 'minted' });
    const r = run(trace('v2', s.list, { bob: { gmFLOCK: '100e18' }, carol: { gmFLOCK: '50e18' } }));
    expectAllOk(r);
    expect(eventsOf(r, iMint)).toEqual([tok('gmFLOCK', ZERO, 'dave', 7000000000000000001n)]);
    expect(eventsOf(r, iBurn)).toEqual([tok('gmFLOCK', 'dave', ZERO, e18(1))]);
    expect(eventsOf(r, iReg)).toEqual([
      { contract: 'gmFLOCK', name: 'Registered', args: { addr: 'carol', status: true } },
    ]);
    expect(r.views.carolReg).toBe(true);
    expect(r.views.daveReg).toBe(false);
    // genesis registers the task manager and the exchange
    expect(r.views.exReg).toBe(true);
    expect(r.views.tmReg).toBe(true);
    expect(eventsOf(r, iToCarol)).toEqual([tok('gmFLOCK', 'bob', 'carol', e18(2))]);
    expect(eventsOf(r, iPool)).toContainEqual({
      contract: 'gmFLOCK',
      name: 'Registered',
      args: { addr: 'Pool:alice', status: true },
    });
    expect(r.views.poolReg).toBe(true);
    // totalMinted = genesis 100e18 + 50e18 + admin mint 7e18+1 (burns do not reduce it) = 157000000000000000001
    expect(viewBig(r, 'minted')).toBe(157000000000000000001n);
    expect(st(r).totalMinted.gmFLOCK).toBe('157000000000000000001');
    expect(st(r).burned.gmFLOCK).toBe('1000000000000000000');
    // bob 100e18 - 2e18 = 98e18; carol 50e18 + 2e18 - 3e18 = 49e18; dave 7e18+1 - 1e18 + 3e18 = 9e18+1
    expect(st(r).balances.gmFLOCK.bob).toBe('98000000000000000000');
    expect(st(r).balances.gmFLOCK.carol).toBe('49000000000000000000');
    expect(st(r).balances.gmFLOCK.dave).toBe('9000000000000000001');
  });
});
