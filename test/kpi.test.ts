/**
 * The KPI summary and the table `flock-lab run` prints: exact strings of its lines, from small
 * hand-made runs (and a few tiny simulated ones), for the sharp edges of the issue "Sharp edges a
 * researcher hits in the first hour": empty groups, zero emission, mixes that round to nobody,
 * buried reverts, the legend, and delegators that undelegated inside the pool's lock.
 */
import { describe, expect, it } from 'vitest';
import { KPI_LEGEND, kpiTable, revertsLine, summarize } from '../sim/results/kpi.js';
import type { AgentRow, RunOutput } from '../sim/results/recorder.js';
import { mixWarnings } from '../sim/run/population.js';
import { ScenarioSchema, type ScenarioInput } from '../sim/scenario/schema.js';
import { runSimulation } from '../sim/run/simulation.js';

const E18 = 10n ** 18n;

/** One agent's rows over `days` days: `reward` and `stake` whole tokens a day. */
function rows(agent: string, role: string, behaviour: string, reward: number, stake: number, days = 1, entity = agent): AgentRow[] {
  return Array.from({ length: days }, (_, day) => ({
    run: 0,
    seed: 1,
    day,
    agent,
    role,
    behaviour,
    entity,
    stake: BigInt(stake) * E18,
    reward: BigInt(reward) * E18,
    rewardCum: BigInt(reward * (day + 1)) * E18,
  }));
}

function run(agentRows: AgentRow[], extra: Partial<RunOutput> = {}): RunOutput {
  return { seed: 1, run: 0, agentRows, dayRows: [], scoreByBehaviour: {}, copiesByBehaviour: {}, reverts: {}, revertReasons: {}, workload: {}, ...extra };
}

const lines = (table: string) => table.split('\n');

describe('KPI table', () => {
  it('an empty adversarial group is exactly 0 and prints "–" (not −4e-16)', () => {
    // Shares that do not sum to exactly 1 in floating point: 1 − honest was −4e-16 here.
    const r = run([
      ...rows('node-001', 'node', 'honest', 1, 100),
      ...rows('node-002', 'node', 'honest', 1, 100),
      ...rows('node-003', 'node', 'honest', 1, 100),
      ...rows('validator-001', 'validator', 'honest', 7, 300),
    ]);
    const s = summarize([r], 1);
    const node = s.honestVsAdversarial.node;
    expect(Object.is(node.adversarialShare.mean, 0)).toBe(true);
    expect(node.adversarialShare.perSeed).toEqual([0]);
    expect(node.adversarialEntities).toBe(0);
    const t = lines(kpiTable(s));
    expect(t).toContain('node: honest 100.0% of rewards with 100% of the nodes; adversarial –');
    expect(t).toContain('validator: honest 100.0% of rewards with 100% of the validators; adversarial –');
    expect(t.some((l) => l.includes('-0.0%') || l.includes('e-1'))).toBe(false);
  });

  it('an empty honest group prints "–" too, and both sides are their own groups\' sums', () => {
    const r = run([...rows('node-001', 'node', 'lazy', 1, 100), ...rows('node-002', 'node', 'copycat', 3, 100)]);
    const s = summarize([r], 1);
    expect(s.honestVsAdversarial.node.honestShare.mean).toBe(0);
    expect(s.honestVsAdversarial.node.adversarialShare.mean).toBe(1);
    expect(lines(kpiTable(s))).toContain('node: honest – of rewards with 0% of the nodes; adversarial 100.0%');
  });

  it('the table: exact rows, the legend right under them, no line for delegators (they have no mix)', () => {
    const r = run([
      ...rows('node-001', 'node', 'honest', 3, 1000, 2),
      ...rows('node-002', 'node', 'lazy', 1, 1000, 2),
      ...rows('delegator-0001', 'delegator', 'delegator', 1, 500, 2),
    ]);
    const t = lines(kpiTable(summarize([r], 2)));
    expect(t.slice(0, 6)).toEqual([
      'role       behaviour  n  reward share  per-entity vs fair     APR  mean stake   Gini',
      '---------  ---------  -  ------------  ------------------  ------  ----------  -----',
      // APR: 2 tokens on 500 over 2 days = 73 %/yr; 6 on 1000 = 109.5 %; 2 on 1000 = 36.5 %.
      'delegator  delegator  1        100.0%               1.00×   73.0%         500  0.000',
      'node       honest     1         75.0%               1.50×  109.5%        1000  0.000',
      'node       lazy       1         25.0%               0.50×   36.5%        1000  0.000',
      KPI_LEGEND,
    ]);
    expect(KPI_LEGEND).toBe(
      'legend: n = entities (a sybil\'s identities count once); shares and "vs fair" are of the role\'s rewards; APR = reward ÷ mean stake, annualised; ' +
        'mean stake = whole tokens (FLOCK; gmFLOCK on v2) staked in tasks or delegated, per entity, averaged over the days; ' +
        "Gini = of the run's total reward per entity within the group; each a mean over seeds",
    );
    expect(t).toContain('node: honest 75.0% of rewards with 50% of the nodes; adversarial 25.0%');
    expect(t.some((l) => l.startsWith('delegator:'))).toBe(false);
    expect(t.some((l) => l.startsWith('reverts'))).toBe(false);
  });

  it('zero emission: shares and per-entity ratios print "n/a", not 0.00×', () => {
    const r = run([...rows('node-001', 'node', 'honest', 0, 1000), ...rows('node-002', 'node', 'lazy', 0, 1000), ...rows('validator-001', 'validator', 'honest', 0, 3000)]);
    const s = summarize([r], 1);
    const lazy = s.groups.find((g) => g.behaviour === 'lazy')!;
    expect(lazy.relativeRewardPerEntity.mean).toBeNaN();
    expect(lazy.rewardShare.mean).toBeNaN();
    expect(lazy.apr.mean).toBe(0); // no reward on a real stake is a 0 % APR
    const t = lines(kpiTable(s));
    expect(t.slice(2, 5)).toEqual([
      'node       honest     1           n/a                 n/a  0.0%        1000  0.000',
      'node       lazy       1           n/a                 n/a  0.0%        1000  0.000',
      'validator  honest     1           n/a                 n/a  0.0%        3000  0.000',
    ]);
    expect(t).toContain('node: honest n/a of rewards with 50% of the nodes; adversarial n/a');
    expect(t).toContain('node lazy: n/a (no node rewards were paid)');
    expect(t.some((l) => l.includes('0.00×') || l.includes('NaN'))).toBe(false);
    // summary.json writes n/a as null
    expect(JSON.parse(JSON.stringify(lazy.relativeRewardPerEntity)).mean).toBeNull();
  });

  it('zero emission end to end: a tiny run with rewardTokenPerDay = 0', () => {
    const s = ScenarioSchema.parse({
      name: 'zero',
      days: 2,
      params: { rewardTokenPerDay: 0 },
      tasks: [{ startDay: 0, durationDays: 2 }],
      populations: { nodes: { count: 2 }, validators: { count: 2 }, delegators: { count: 2 } },
    });
    const t = lines(kpiTable(summarize([runSimulation(s, { seed: 1, run: 0 })], s.days)));
    const node = t.find((l) => l.startsWith('node '))!;
    expect(node).toMatch(/^node\s+honest\s+2\s+n\/a\s+n\/a\s+0\.0%/);
    expect(t.some((l) => l.includes('0.00×'))).toBe(false);
  });

  it('reverts: a line under the table with each function, its count and its top reason', () => {
    const a = run(rows('node-001', 'node', 'honest', 1, 100), {
      reverts: { setMiniPoolSigma: 3, undelegate: 5 },
      revertReasons: { setMiniPoolSigma: { 'sigma cooldown': 3 }, undelegate: { "You can't undelegate before 1 day": 4, 'User has insufficient token delegated': 1 } },
    });
    const b = run(rows('node-001', 'node', 'honest', 1, 100), { seed: 2, run: 1, reverts: { undelegate: 2 }, revertReasons: { undelegate: { 'User has insufficient token delegated': 2 } } });
    const s = summarize([a, b], 1);
    expect(s.reverts).toEqual({ setMiniPoolSigma: 3, undelegate: 7 });
    expect(s.revertReasons.undelegate).toEqual({ "You can't undelegate before 1 day": 4, 'User has insufficient token delegated': 3 });
    const line = `reverts: undelegate 7 (top reason: "You can't undelegate before 1 day" ×4); setMiniPoolSigma 3 (top reason: "sigma cooldown" ×3)`;
    expect(revertsLine(s)).toBe(line);
    const t = lines(kpiTable(s));
    expect(t.indexOf(line)).toBe(t.indexOf(KPI_LEGEND) + 1);
    expect(revertsLine({ reverts: {}, revertReasons: {} })).toBeNull();
    expect(revertsLine({ reverts: { claim: 2 }, revertReasons: {} })).toBe('reverts: claim 2');
  });

  it('reverts end to end: a run records every revert with its reason, and delegators no longer undelegate inside the lock', () => {
    const s = ScenarioSchema.parse({
      name: 'pinned-v2',
      protocol: 'v2',
      days: 6,
      params: { gamma: 100_000, feePercentage: 80_000, protocolFeePercentage: 145_000, exchangeFeeBps: 513 },
      tasks: [{ startDay: 0, durationDays: 4 }, { startDay: 1, durationDays: 5 }],
      populations: {
        nodes: { count: 6, sigmaStrategy: 'adaptive', claimEveryDays: 2 },
        validators: { count: 4, claimEveryDays: 3 },
        delegators: { count: 14, stake: { min: 500, max: 4000 }, claimEveryDays: 2 },
      },
    } satisfies ScenarioInput);
    const out = runSimulation(s, { seed: 12, run: 0 });
    for (const [fn, n] of Object.entries(out.reverts)) expect(Object.values(out.revertReasons[fn]).reduce((x, y) => x + y, 0), fn).toBe(n);
    expect(out.reverts.undelegate).toBeUndefined(); // was 8 (test/golden/simulation.json v2), all "You can't undelegate before 1 day"
    expect(revertsLine(summarize([out], s.days))).toBe('reverts: setMiniPoolSigma 4 (top reason: "Node pool is freezing" ×4)');
  });
});

describe('mixWarnings', () => {
  const scenario = (over: Partial<ScenarioInput['populations']>) =>
    ScenarioSchema.parse({
      name: 'mix',
      days: 1,
      tasks: [{ startDay: 0, durationDays: 1 }],
      populations: { nodes: { count: 8 }, validators: { count: 6 }, delegators: { count: 1 }, ...over },
    });

  it('names the behaviour, its share, the count and the role when a share rounds to no agent', () => {
    // 7.6 honest and 0.4 copycat: the one seat left goes to the larger remainder, honest.
    expect(mixWarnings(scenario({ nodes: { count: 8, mix: { honest: 0.95, copycat: 0.05 } } }))).toEqual([
      'warning: populations.nodes.mix.copycat = 0.05 of 8 nodes rounds to 0 agents; none will be copycat',
    ]);
    // 7.2, 0.4 and 0.4: the seat left goes to copycat (equal remainders: by name), lazy gets none.
    expect(mixWarnings(scenario({ nodes: { count: 8, mix: { honest: 0.9, copycat: 0.05, lazy: 0.05 } } }))).toEqual([
      'warning: populations.nodes.mix.lazy = 0.05 of 8 nodes rounds to 0 agents; none will be lazy',
    ]);
  });

  it('warns for validators too, and not for a share that rounds up', () => {
    expect(mixWarnings(scenario({ validators: { count: 6, mix: { honest: 0.95, noisy: 0.05 } } }))).toEqual([
      'warning: populations.validators.mix.noisy = 0.05 of 6 validators rounds to 0 agents; none will be noisy',
    ]);
    expect(mixWarnings(scenario({ nodes: { count: 8, mix: { honest: 0.9, lazy: 0.1 } } }))).toEqual([]); // 0.8 → 1 by largest remainder
    expect(mixWarnings(scenario({}))).toEqual([]);
  });
});
