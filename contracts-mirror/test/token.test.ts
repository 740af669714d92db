/**
 * FLOCK (`FlockTokenUpgradeable`, verified source; docs/model.md#supply-cap) driven through traces.
 * Every expected number is derived by hand from the deployed source and docs/contracts.md#genesis; the derivation sits above each assertion.
 */
import { describe, expect, it } from 'vitest';
import type { ResultEvent, TraceResult, TraceStep } from '../replay/types.js';
import { DAY, T0, e18, failures, run, trace, viewBig, Steps, expectAllOk, eventsOf, st } from './traceKit.js';

const ZERO = '0x0000000000000000000000000000000000000000';
const MAX = (2n ** 256n - 1n).toString();




function statusOf(r: TraceResult, i: number): string {
  const s = r.steps.find((x) => x.i === i);
  if (!s) throw new Error(`no result for step ${i}`);
  return s.status;
}

const transfer = (from: string, to: string, value: bigint | string): ResultEvent => ({
  contract: 'FLOCK',
  name: 'Transfer',
  args: { from, to, value: value.toString() },
});
const approval = (owner: string, spender: string, value: bigint | string): ResultEvent => ({
  contract: 'FLOCK',
  name: 'Approval',
  args: { owner, spender, value: value.toString() },
});


describe('FLOCK basics and genesis', () => {
  it('has 18 decimals, name/symbol from initialize, genesis balances count as minted, genesis allowances are 2^256-1 to protocol contracts only', () => {
    const s = new Steps();
    s.add({ at: T0, view: 'FLOCK.decimals', as: 'dec' });
    s.add({ at: T0, view: 'FLOCK.name', as: 'name' });
    s.add({ at: T0, view: 'FLOCK.symbol', as: 'sym' });
    s.add({ at: T0, view: 'FLOCK.balanceOf', args: ['bob'], as: 'bobBal' });
    s.add({ at: T0, view: 'FLOCK.currentMinted', as: 'minted' });
    s.add({ at: T0, view: 'FLOCK.totalSupply', as: 'supply' });
    s.add({ at: T0, view: 'FLOCK.maxTotalSupply', as: 'cap' });
    s.add({ at: T0, view: 'FLOCK.allowance', args: ['bob', 'TaskManager'], as: 'allowTM' });
    s.add({ at: T0, view: 'FLOCK.allowance', args: ['bob', 'PoolManager'], as: 'allowPM' });
    s.add({ at: T0, view: 'FLOCK.allowance', args: ['bob', 'carol'], as: 'allowCarol' });
    const r = run(trace('v1', s.list, { bob: { FLOCK: '1000e18' }, carol: { FLOCK: '7' } }));
    expectAllOk(r);
    // deployed source: 18 decimals; docs/contracts.md#deployment-order: initialize(0, "FLock Token", "FLOCK").
    expect(r.views.dec).toBe('18');
    expect(r.views.name).toBe('FLock Token');
    expect(r.views.sym).toBe('FLOCK');
    expect(viewBig(r, 'bobBal')).toBe(e18(1000));
    // docs/contracts.md#balances-and-allowances: genesis balances are minted by admin and count as minted supply:
    // currentMinted = 1000e18 + 7 = 1000000000000000000007.
    expect(viewBig(r, 'minted')).toBe(1000000000000000000007n);
    expect(viewBig(r, 'supply')).toBe(1000000000000000000007n);
    // maxTotalSupply = 1_000_000_000 * 10^18.
    expect(viewBig(r, 'cap')).toBe(10n ** 27n);
    // docs/contracts.md#balances-and-allowances: 2^256-1 to every protocol contract; nothing between accounts.
    expect(r.views.allowTM).toBe(MAX);
    expect(r.views.allowPM).toBe(MAX);
    expect(r.views.allowCarol).toBe('0');
    expect(st(r).totalMinted.FLOCK).toBe('1000000000000000000007');
  });

  it('is also 18 decimals with the same mint counter under v2', () => {
    const s = new Steps();
    s.add({ at: T0, view: 'FLOCK.decimals', as: 'dec' });
    s.add({ at: T0, view: 'FLOCK.currentMinted', as: 'minted' });
    s.add({ at: T0, view: 'FLOCK.allowance', args: ['bob', 'Exchange'], as: 'allowEx' });
    const r = run(trace('v2', s.list, { bob: { FLOCK: '3.5e18', gmFLOCK: '2e18' } }));
    expectAllOk(r);
    expect(r.views.dec).toBe('18');
    // only the FLOCK genesis balance counts: 3.5e18 = 3500000000000000000.
    expect(viewBig(r, 'minted')).toBe(3500000000000000000n);
    expect(r.views.allowEx).toBe(MAX);
  });
});

describe('FLOCK mint cap via currentMinted (burns never free headroom)', () => {
  it('mints exactly up to the cap, refuses 1 wei more, and still refuses after burnNetworkFees', () => {
    const s = new Steps();
    const iMint = s.add({ at: T0, from: 'admin', call: 'FLOCK.mint', args: ['carol', '1000e18'] });
    s.add({ at: T0, view: 'FLOCK.currentMinted', as: 'mintedAtCap' });
    s.add({
      at: T0 + 1,
      from: 'admin',
      call: 'FLOCK.mint',
      args: ['carol', 1],
      expectRevert: 'Minting exceeds the max total supply',
    });
    s.add({ at: T0 + 2, from: 'bob', call: 'FLOCK.mint', args: ['bob', 1], expectRevert: '' });
    // carol sends "fees" to the token's own address, then admin burns them.
    const iFee = s.add({ at: T0 + 3, from: 'carol', call: 'FLOCK.transfer', args: ['FLOCK', '10000000000000000003'] });
    s.add({ at: T0 + 4, from: 'bob', call: 'FLOCK.burnNetworkFees', args: [], expectRevert: '' });
    const iBurn = s.add({ at: T0 + 5, from: 'admin', call: 'FLOCK.burnNetworkFees', args: [] });
    s.add({ at: T0 + 5, view: 'FLOCK.currentMinted', as: 'mintedAfterBurn' });
    s.add({ at: T0 + 5, view: 'FLOCK.totalSupply', as: 'supplyAfterBurn' });
    s.add({
      at: T0 + 6,
      from: 'admin',
      call: 'FLOCK.mint',
      args: ['carol', 1],
      expectRevert: 'Minting exceeds the max total supply',
    });
    // a second fee batch and burn: burned grows cumulatively.
    s.add({ at: T0 + 7, from: 'carol', call: 'FLOCK.transfer', args: ['FLOCK', 5] });
    const iBurn2 = s.add({ at: T0 + 8, from: 'admin', call: 'FLOCK.burnNetworkFees', args: [] });
    s.add({ at: T0 + DAY, view: 'FLOCK.balanceOf', args: ['FLOCK'], as: 'tokenOwnBal' });
    const r = run(trace('v1', s.list, { whale: { FLOCK: '999999000e18' } }));
    expectAllOk(r);
    // mint emits the ERC-20 mint Transfer from address(0).
    expect(eventsOf(r, iMint)).toEqual([transfer(ZERO, 'carol', e18(1000))]);
    // genesis 999,999,000e18 + 1,000e18 = 1e27 = maxTotalSupply, so currentMinted + 1 > cap.
    expect(viewBig(r, 'mintedAtCap')).toBe(10n ** 27n);
    expect(eventsOf(r, iFee)).toEqual([transfer('carol', 'FLOCK', 10000000000000000003n)]);
    // burnNetworkFees burns the token contract's OWN balance (10e18 + 3): Transfer(FLOCK -> 0x0).
    expect(eventsOf(r, iBurn)).toEqual([transfer('FLOCK', ZERO, 10000000000000000003n)]);
    // currentMinted is a lifetime counter: still 1e27; totalSupply = 1e27 - (10e18 + 3).
    expect(viewBig(r, 'mintedAfterBurn')).toBe(10n ** 27n);
    expect(viewBig(r, 'supplyAfterBurn')).toBe(10n ** 27n - 10000000000000000003n);
    expect(eventsOf(r, iBurn2)).toEqual([transfer('FLOCK', ZERO, 5n)]);
    expect(viewBig(r, 'tokenOwnBal')).toBe(0n);
    // state.burned.FLOCK = (10e18 + 3) + 5 = 10000000000000000008; totalMinted stays 1e27.
    expect(st(r).burned.FLOCK).toBe('10000000000000000008');
    expect(st(r).totalMinted.FLOCK).toBe('1000000000000000000000000000');
    // the token's own zero balance is omitted; carol holds 1000e18 - (10e18 + 3) - 5 = 989999999999999999992.
    expect(st(r).balances.FLOCK.FLOCK).toBeUndefined();
    expect(st(r).balances.FLOCK.carol).toBe('989999999999999999992');
    expect(st(r).balances.FLOCK.whale).toBe('999999000000000000000000000');
  });
});

describe('FLOCK blacklist', () => {
  it('blocks a blacklisted sender on transfer and a blacklisted `from` on transferFrom, never the recipient or the spender', () => {
    const s = new Steps();
    const iBl = s.add({ at: T0, from: 'admin', call: 'FLOCK.addBatchToBlacklist', args: [['bob', 'eve']] });
    s.add({
      at: T0 + 1,
      from: 'bob',
      call: 'FLOCK.transfer',
      args: ['carol', 1],
      expectRevert: 'BlacklistedToken: account is blacklisted',
    });
    // the recipient is not checked
    const iToBob = s.add({ at: T0 + 2, from: 'carol', call: 'FLOCK.transfer', args: ['bob', '5e18'] });
    // approve is not restricted
    s.add({ at: T0 + 3, from: 'bob', call: 'FLOCK.approve', args: ['carol', '50e18'] });
    s.add({
      at: T0 + 4,
      from: 'carol',
      call: 'FLOCK.transferFrom',
      args: ['bob', 'carol', '1e18'],
      expectRevert: 'BlacklistedToken: account is blacklisted',
    });
    // bob as the spender of carol's allowance is fine: only `from` is checked
    s.add({ at: T0 + 5, from: 'carol', call: 'FLOCK.approve', args: ['bob', '7e18'] });
    const iSpend = s.add({ at: T0 + 6, from: 'bob', call: 'FLOCK.transferFrom', args: ['carol', 'dave', '2e18'] });
    // a protocol pull from a blacklisted account bubbles the token's reason
    s.add({ at: T0 + 7, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    s.add({
      at: T0 + 8,
      from: 'bob',
      call: 'Pool:alice.delegate',
      args: ['1e18'],
      expectRevert: 'BlacklistedToken: account is blacklisted',
    });
    const iUn = s.add({ at: T0 + 9, from: 'admin', call: 'FLOCK.removeBatchFromBlacklist', args: [['bob']] });
    const iOk = s.add({ at: T0 + 10, from: 'bob', call: 'FLOCK.transfer', args: ['carol', 1] });
    s.add({
      at: T0 + 11,
      from: 'eve',
      call: 'FLOCK.transfer',
      args: ['carol', 0],
      expectRevert: 'BlacklistedToken: account is blacklisted',
    });
    s.add({ at: T0 + 12, from: 'carol', call: 'FLOCK.addBatchToBlacklist', args: [['dave']], expectRevert: '' });
    const r = run(trace('v1', s.list, { bob: { FLOCK: '100e18' }, carol: { FLOCK: '100e18' } }));
    expectAllOk(r);
    expect(eventsOf(r, iBl)).toEqual([
      { contract: 'FLOCK', name: 'Blacklisted', args: { account: 'bob' } },
      { contract: 'FLOCK', name: 'Blacklisted', args: { account: 'eve' } },
    ]);
    expect(eventsOf(r, iToBob)).toEqual([transfer('carol', 'bob', e18(5))]);
    // finite allowance 7e18 -> spend 2e18: OZ 4.9.6 emits Approval(carol, bob, 5e18) before Transfer.
    expect(eventsOf(r, iSpend)).toEqual([approval('carol', 'bob', e18(5)), transfer('carol', 'dave', e18(2))]);
    expect(eventsOf(r, iUn)).toEqual([{ contract: 'FLOCK', name: 'Unblacklisted', args: { account: 'bob' } }]);
    expect(eventsOf(r, iOk)).toEqual([transfer('bob', 'carol', 1n)]);
    // bob: 100e18 + 5e18 - 1 ; carol: 100e18 - 5e18 - 2e18 + 1 ; dave: 2e18.
    expect(st(r).balances.FLOCK.bob).toBe('104999999999999999999');
    expect(st(r).balances.FLOCK.carol).toBe('93000000000000000001');
    expect(st(r).balances.FLOCK.dave).toBe('2000000000000000000');
  });
});

describe('FLOCK ERC-20 reverts and allowance events', () => {
  it('reverts on balance and allowance, and emits Approval then Transfer on a finite-allowance transferFrom', () => {
    const s = new Steps();
    s.add({
      at: T0,
      from: 'bob',
      call: 'FLOCK.transfer',
      args: ['carol', '100000000000000000001'],
      expectRevert: 'ERC20: transfer amount exceeds balance',
    });
    const iAppr = s.add({ at: T0 + 1, from: 'bob', call: 'FLOCK.approve', args: ['carol', '3000000000000000005'] });
    s.add({
      at: T0 + 2,
      from: 'carol',
      call: 'FLOCK.transferFrom',
      args: ['bob', 'dave', '3000000000000000006'],
      expectRevert: 'ERC20: insufficient allowance',
    });
    const iTf = s.add({ at: T0 + 3, from: 'carol', call: 'FLOCK.transferFrom', args: ['bob', 'dave', '1e18'] });
    s.add({ at: T0 + 3, view: 'FLOCK.allowance', args: ['bob', 'carol'], as: 'left' });
    s.add({
      at: T0 + 4,
      from: 'carol',
      call: 'FLOCK.transferFrom',
      args: ['bob', 'dave', '2000000000000000006'],
      expectRevert: 'ERC20: insufficient allowance',
    });
    // dave was never approved by bob (genesis allowances are only to contracts)
    s.add({
      at: T0 + 5,
      from: 'dave',
      call: 'FLOCK.transferFrom',
      args: ['bob', 'dave', 1],
      expectRevert: 'ERC20: insufficient allowance',
    });
    // allowance large enough but balance too small: the balance check reverts
    s.add({ at: T0 + 6, from: 'bob', call: 'FLOCK.approve', args: ['carol', '1000e18'] });
    s.add({
      at: T0 + 7,
      from: 'carol',
      call: 'FLOCK.transferFrom',
      args: ['bob', 'carol', '99000000000000000001'],
      expectRevert: 'ERC20: transfer amount exceeds balance',
    });
    s.add({ at: T0 + 7, view: 'FLOCK.allowance', args: ['bob', 'carol'], as: 'afterFailed' });
    // an explicit 2^256-1 approval is never decreased and emits no Approval on use
    s.add({ at: T0 + 8, from: 'bob', call: 'FLOCK.approve', args: ['erin', MAX] });
    const iInf = s.add({ at: T0 + 9, from: 'erin', call: 'FLOCK.transferFrom', args: ['bob', 'erin', 5] });
    s.add({ at: T0 + 9, view: 'FLOCK.allowance', args: ['bob', 'erin'], as: 'infLeft' });
    const r = run(trace('v1', s.list, { bob: { FLOCK: '100e18' } }));
    expectAllOk(r);
    expect(eventsOf(r, iAppr)).toEqual([approval('bob', 'carol', 3000000000000000005n)]);
    // allowance 3e18+5 - 1e18 = 2e18+5; Approval is emitted by _spendAllowance before _transfer's Transfer.
    expect(eventsOf(r, iTf)).toEqual([
      approval('bob', 'carol', 2000000000000000005n),
      transfer('bob', 'dave', e18(1)),
    ]);
    expect(viewBig(r, 'left')).toBe(2000000000000000005n);
    // the reverted transferFrom left the 1000e18 allowance untouched
    expect(viewBig(r, 'afterFailed')).toBe(e18(1000));
    expect(eventsOf(r, iInf)).toEqual([transfer('bob', 'erin', 5n)]);
    expect(r.views.infLeft).toBe(MAX);
    // bob: 100e18 - 1e18 - 5 = 98999999999999999995
    expect(st(r).balances.FLOCK.bob).toBe('98999999999999999995');
    expect(st(r).balances.FLOCK.dave).toBe('1000000000000000000');
    expect(st(r).balances.FLOCK.erin).toBe('5');
  });

  it('a protocol pull against the genesis 2^256-1 allowance emits only Transfer (no Approval) and leaves the allowance at max', () => {
    const s = new Steps();
    s.add({ at: T0, from: 'alice', call: 'PoolManager.createMiniPool', args: [0] });
    // the pool is created at T0: from that moment dave's allowance to it is 2^256-1
    s.add({ at: T0, view: 'FLOCK.allowance', args: ['dave', 'Pool:alice'], as: 'before' });
    const iFund = s.add({ at: T0 + 1, from: 'dave', call: 'Pool:alice.fundPool', args: ['7000000000000000001'] });
    s.add({ at: T0 + 1, view: 'FLOCK.allowance', args: ['dave', 'Pool:alice'], as: 'after' });
    const r = run(trace('v1', s.list, { dave: { FLOCK: '10e18' } }));
    expectAllOk(r);
    expect(r.views.before).toBe(MAX);
    // FlockMiniPool.fundPool: transferFrom(dave, pool, x) then Fund(x); no Approval against an infinite allowance.
    expect(eventsOf(r, iFund)).toEqual([
      transfer('dave', 'Pool:alice', 7000000000000000001n),
      { contract: 'Pool:alice', name: 'Fund', args: { _amount: '7000000000000000001' } },
    ]);
    expect(r.views.after).toBe(MAX);
    expect(statusOf(r, iFund)).toBe('ok');
  });
});
