/**
 * The FL Alliance KPIs of a run set (docs/fl-alliance.md#kpis), each a mean over seeds with a 95 %
 * Student-t interval: the global model's true held-out quality per round (start, after every
 * round, final) and its improvement; the share of rounds accepted and of poisoned rounds accepted;
 * per FL node behaviour, reward per unit stake and stake lost to slashing per unit stake, measured
 * from the run (never assumed); the watchers' take and cost; and what each task still holds at
 * the end (its pool, stakes and unclaimed rewards, in wei). Absent for runs without FL tasks.
 */
import { mean, sampleStandardDeviation, tDistributionValue } from './stats.js';
import type { FlRoundRow, FlRunSummary } from './flRows.js';

export interface FlEstimate {
  mean: number;
  ci95: number;
  perSeed: number[];
}

function est(xs: number[]): FlEstimate {
  const ok = xs.filter(Number.isFinite);
  const m = ok.length === xs.length ? mean(xs) : NaN;
  const ci95 = ok.length < 2 || ok.length !== xs.length ? 0 : (tDistributionValue(ok.length - 1) * sampleStandardDeviation(ok)) / Math.sqrt(ok.length);
  return { mean: m, ci95, perSeed: xs };
}

/** What the FL KPIs need of a run (a RunOutput, or a run's summary from a pool thread). */
export interface FlRunInput {
  seed: number;
  flRounds?: FlRoundRow[];
  fl?: FlRunSummary;
}

export interface FlKpis {
  /** Per task and round: the global model's held-out quality after it (nats, lower is better). */
  qualityByRound: { task: number; round: number; quality: FlEstimate; accepted: FlEstimate; poisoned: FlEstimate }[];
  startQuality: FlEstimate;
  finalQuality: FlEstimate;
  /** start − final (nats): > 0 means the global model got better. */
  improvement: FlEstimate;
  acceptedShare: FlEstimate;
  /** Of the rounds with a poisoned proposal, the share accepted (NaN on a seed without any). */
  poisonedAcceptedShare: FlEstimate;
  poisonedRounds: FlEstimate;
  /** Per FL node behaviour: rewards ÷ stake put in, and stake slashed ÷ stake put in. */
  behaviours: Record<string, { nodes: number; rewardPerStake: FlEstimate; slashedPerStake: FlEstimate }>;
  stakeSlashed: FlEstimate;
  watchers: { calls: FlEstimate; collected: FlEstimate; net: FlEstimate };
  slashesSkipped: FlEstimate;
  /** What every task holds at the end of each seed's run (wei): pool + stakes + owed = balance. */
  holdings: { seed: number; task: number; finished: boolean; rewardPool: string; stakes: string; owed: string; balance: string }[];
  findings: string[];
}

/** The FL KPIs, or undefined when no run had an FL task. */
export function flSummary(runs: readonly FlRunInput[]): FlKpis | undefined {
  const withFl = runs.filter((r) => r.fl);
  if (!withFl.length) return undefined;
  const rows = withFl.map((r) => r.flRounds ?? []);
  const keys = [...new Set(rows.flatMap((rs) => rs.map((x) => `${x.task}|${x.round}`)))]
    .map((k) => k.split('|').map(Number))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const qualityByRound = keys.map(([task, round]) => {
    const at = rows.map((rs) => rs.find((x) => x.task === task && x.round === round));
    return {
      task,
      round,
      quality: est(at.map((x) => x?.quality ?? NaN)),
      accepted: est(at.map((x) => (x ? Number(x.accepted) : NaN))),
      poisoned: est(at.map((x) => (x ? Number(x.poisoned) : NaN))),
    };
  });
  const tasksOf = (r: FlRunInput) => r.fl!.tasks;
  const startQuality = est(withFl.map((r) => mean(tasksOf(r).map((t) => t.startQuality))));
  const finalQuality = est(withFl.map((r) => mean(tasksOf(r).map((t) => t.finalQuality))));
  const improvement = est(withFl.map((r) => mean(tasksOf(r).map((t) => t.startQuality - t.finalQuality))));
  const share = (rs: FlRoundRow[], f: (x: FlRoundRow) => boolean) => (rs.length ? rs.filter(f).length / rs.length : NaN);
  const behaviourNames = [...new Set(withFl.flatMap((r) => Object.keys(r.fl!.behaviours)))].sort();
  const behaviours: FlKpis['behaviours'] = {};
  for (const b of behaviourNames) {
    const per = withFl.map((r) => r.fl!.behaviours[b]);
    behaviours[b] = {
      nodes: per.find((x) => x)?.nodes ?? 0,
      rewardPerStake: est(per.map((x) => (x && x.staked > 0 ? x.rewards / x.staked : NaN))),
      slashedPerStake: est(per.map((x) => (x && x.staked > 0 ? x.slashed / x.staked : NaN))),
    };
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const kpis: FlKpis = {
    qualityByRound,
    startQuality,
    finalQuality,
    improvement,
    acceptedShare: est(rows.map((rs) => share(rs, (x) => x.accepted))),
    poisonedAcceptedShare: est(rows.map((rs) => share(rs.filter((x) => x.poisoned), (x) => x.accepted))),
    poisonedRounds: est(rows.map((rs) => rs.filter((x) => x.poisoned).length)),
    behaviours,
    stakeSlashed: est(withFl.map((r) => sum(Object.values(r.fl!.behaviours).map((x) => x.slashed)))),
    watchers: {
      calls: est(withFl.map((r) => sum(r.fl!.watchers.map((w) => w.calls)))),
      collected: est(withFl.map((r) => sum(r.fl!.watchers.map((w) => w.collected)))),
      net: est(withFl.map((r) => sum(r.fl!.watchers.map((w) => w.collected - w.cost)))),
    },
    slashesSkipped: est(withFl.map((r) => r.fl!.slashesSkipped)),
    holdings: withFl.flatMap((r) => r.fl!.tasks.map((t) => ({ seed: r.seed, task: t.task, finished: t.finished, ...t.holdings }))),
    findings: [],
  };
  kpis.findings = flFindings(kpis);
  return kpis;
}

/** The summary's FL part: `{ fl }` with FL tasks, nothing at all without (summary.json unchanged). */
export function flSummaryPart(runs: readonly FlRunInput[]): { fl?: FlKpis } {
  const fl = flSummary(runs);
  return fl ? { fl } : {};
}

const f3 = (e: FlEstimate) => (Number.isFinite(e.mean) ? `${e.mean.toFixed(3)}${e.ci95 ? ` ±${e.ci95.toFixed(3)}` : ''}` : 'n/a');
const pc = (e: FlEstimate) => (Number.isFinite(e.mean) ? `${(e.mean * 100).toFixed(1)}%${e.ci95 ? ` ±${(e.ci95 * 100).toFixed(1)}` : ''}` : 'n/a');

/** Plain statements of what the FL runs measured: each behaviour's reward per unit stake against honest nodes'. */
function flFindings(k: FlKpis): string[] {
  const out: string[] = [];
  const honest = k.behaviours.honest?.rewardPerStake;
  for (const [b, x] of Object.entries(k.behaviours)) {
    if (b === 'honest' || !honest) continue;
    const diffs = x.rewardPerStake.perSeed.map((v, i) => v - honest.perSeed[i]);
    const d = est(diffs);
    const verdict = !Number.isFinite(d.mean)
      ? 'n/a'
      : d.mean - d.ci95 > 0
        ? 'earns MORE per unit stake than an honest node'
        : d.mean + d.ci95 < 0
          ? 'earns less per unit stake than an honest node'
          : 'earns as much per unit stake as an honest node (not distinguishable over these seeds)';
    out.push(`fl-node ${b}: reward per unit stake ${f3(x.rewardPerStake)} vs honest ${f3(honest)} (paired difference ${f3(d)}): ${verdict}`);
  }
  const better = k.improvement.mean - k.improvement.ci95 > 0;
  out.push(
    `global model: held-out loss ${f3(k.startQuality)} → ${f3(k.finalQuality)} nats: ${better ? 'improved' : 'not better than the start'} (95% CI of the improvement ${f3(k.improvement)})`,
  );
  return out;
}

/** The FL lines under the KPI table. */
export function flKpiLines(k: FlKpis): string[] {
  const lines = ['FL Alliance (docs/fl-alliance.md#kpis; means over seeds, 95% CI):'];
  lines.push(`  global model held-out loss (nats, lower is better): start ${f3(k.startQuality)}, final ${f3(k.finalQuality)}, improvement ${f3(k.improvement)}`);
  lines.push(`  per round: ${k.qualityByRound.map((r) => `${r.round}:${r.quality.mean.toFixed(3)}`).join(' ')}`);
  lines.push(`  rounds accepted ${pc(k.acceptedShare)}; poisoned rounds ${f3(k.poisonedRounds)} per run, of which accepted ${pc(k.poisonedAcceptedShare)}`);
  for (const [b, x] of Object.entries(k.behaviours))
    lines.push(`  ${b.padEnd(10)} (${x.nodes}): reward per unit stake ${f3(x.rewardPerStake)}, slashed per unit stake ${f3(x.slashedPerStake)}`);
  lines.push(`  stake slashed ${f3(k.stakeSlashed)} FLOCK; watchers: ${f3(k.watchers.calls)} slash calls, collected ${f3(k.watchers.collected)} FLOCK, net of cost ${f3(k.watchers.net)}; slashes nobody found worth a call ${f3(k.slashesSkipped)}`);
  const h = k.holdings[0];
  if (h)
    lines.push(
      `  task ${h.task} holds at the end (seed ${h.seed}${h.finished ? ', finished' : ''}): pool ${h.rewardPool} + stakes ${h.stakes} + owed ${h.owed} = ${h.balance} wei (docs/fl-alliance.md#what-a-finished-task-keeps)`,
    );
  for (const f of k.findings) lines.push(`  ${f}`);
  return lines;
}

/** The FL KPIs of one run as the experiments compare them (sim/experiments/kpis.ts): one number each. */
export function flRunKpis(k: FlKpis): { key: string; label: string; unit: 'nats' | '%' | '×'; value: number }[] {
  const out: { key: string; label: string; unit: 'nats' | '%' | '×'; value: number }[] = [
    { key: 'fl.improvement', label: 'FL held-out improvement', unit: 'nats', value: k.improvement.mean },
    { key: 'fl.finalQuality', label: 'FL final held-out loss', unit: 'nats', value: k.finalQuality.mean },
    { key: 'fl.accepted', label: 'FL rounds accepted', unit: '%', value: k.acceptedShare.mean },
    { key: 'fl.poisonedAccepted', label: 'FL poisoned rounds accepted', unit: '%', value: k.poisonedAcceptedShare.mean },
  ];
  for (const [b, x] of Object.entries(k.behaviours)) out.push({ key: `fl-node/${b}.rewardPerStake`, label: `${b} FL reward per stake`, unit: '×', value: x.rewardPerStake.mean });
  return out;
}
