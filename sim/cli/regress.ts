/**
 * `flock-lab regress`: the CI guard of the reward formulas (README, "Regression"). Replays every
 * shipped trace against its pinned result and runs every baseline under reports/baselines/ against
 * its pinned KPI summary and resultsHash (sim/experiments/regress.ts); a drift is listed field by
 * field and is exit 1. `--update` re-pins, on purpose only: the reason goes in ASSUMPTIONS.md and
 * the commit message.
 */
import type { Command } from 'commander';
import { ScenarioError } from '../scenario/error.js';
import { SimulationError } from '../run/errors.js';
import { JobFailed } from '../experiments/failure.js';
import { describeDifference, regress, RegressInputError, type Check } from '../experiments/regress.js';
import { defaultWorkers } from '../experiments/pool.js';
import { checkAttacks, shareWords, type AttackCheck } from '../attacks/regress.js';
import { StudyThreads } from '../attacks/threads.js';

interface RegressFlags {
  update?: boolean;
  tracesOnly?: boolean;
  baselinesOnly?: boolean;
  attacks: boolean;
  maxDiffs: string;
}

/**
 * The attack guard (sim/attacks/regress.ts): the CI families of reports/baselines/attacks.json. Returns
 * its lines and whether an attack got cheaper (a failure, naming the family).
 */
async function attackGuard(update: boolean): Promise<{ text: string; worse: AttackCheck[] }> {
  const checks = await checkAttacks({
    executor: new StudyThreads(Math.max(1, defaultWorkers())),
    update,
    onStart: (f) => process.stderr.write(`attack ${f}: searching the coalition share grid…\n`),
    onCheck: (c) => process.stderr.write(`attack ${c.family}: minimum profitable share ${shareWords(c.now)} (${c.seconds.toFixed(1)} s)\n`),
  });
  const lines = checks.map((c) => {
    const was = `pinned ${shareWords(c.pinned)}, now ${shareWords(c.now)}`;
    if (c.status === 'identical') return `attack ${c.family}: minimum profitable coalition share unchanged (${shareWords(c.now)})`;
    if (c.status === 'lower') return `${update ? 'updated' : 'DRIFT'} attack ${c.family}: the attack got cheaper, its minimum profitable coalition share fell (${was})`;
    return `${update ? 'updated' : 'improvement:'} attack ${c.family}: the attack got dearer, its minimum profitable coalition share rose (${was})`;
  });
  return { text: lines.map((l) => l + '\n').join(''), worse: checks.filter((c) => c.status === 'lower') };
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

function report(c: Check, max: number, verb: string): string {
  const what = `${c.kind} ${c.name} (${c.pinned})`;
  const lines = [`${verb} ${what}: ${c.differences.length ? plural(c.differences.length, 'field') + ' differ' : 'see below'}`];
  for (const d of c.differences.slice(0, max)) lines.push(`  ${describeDifference(d)}`);
  if (c.differences.length > max) lines.push(`  … and ${c.differences.length - max} more (--max-diffs ${c.differences.length} shows them all)`);
  for (const n of c.notes) lines.push(`  ${n}`);
  return lines.join('\n') + '\n';
}

export async function regressCommand(f: RegressFlags): Promise<number> {
  try {
    const max = Number(f.maxDiffs);
    if (!Number.isInteger(max) || max < 1) throw new RegressInputError(`--max-diffs: expected a positive integer, got "${f.maxDiffs}"`);
    if (f.tracesOnly && f.baselinesOnly) throw new RegressInputError('use one of --traces-only and --baselines-only');
    const update = f.update === true;
    const { checks, seconds } = await regress({
      update,
      traces: !f.baselinesOnly,
      baselines: !f.tracesOnly,
      onStart: (kind, name, i, n) => {
        if (kind === 'baseline') process.stderr.write(`[${i + 1}/${n}] baseline ${name}: running…\n`);
      },
      onCheck: (c, i, n) => process.stderr.write(`[${i + 1}/${n}] ${c.kind} ${c.name}: ${c.notOk ? 'did not behave as written' : c.status === 'new' ? 'pinned (new)' : c.status} (${c.seconds.toFixed(1)} s)\n`),
    });
    const attacks = f.attacks && !f.tracesOnly ? await attackGuard(update) : null;
    if (attacks) process.stdout.write(attacks.text);
    const attacksWorse = update ? 0 : (attacks?.worse.length ?? 0);
    const traces = checks.filter((c) => c.kind === 'trace').length;
    const baselines = checks.length - traces;
    const counted = [traces ? plural(traces, 'trace') : '', baselines ? plural(baselines, 'baseline') : ''].filter(Boolean).join(' and ');
    // process.uptime(): what CI waits for, loading the lab through tsx included.
    const time = `${seconds.toFixed(1)} s, ${process.uptime().toFixed(1)} s with start-up`;
    const broken = checks.filter((c) => c.notOk);
    const brokenText = broken.map((c) => `${c.kind} ${c.name}: a step did not behave as written, or an invariant broke (see "status" in its steps: flock-lab replay contracts-mirror/traces/${c.name}.json); not pinned\n`).join('');
    if (update) {
      const moved = checks.filter((c) => c.status !== 'identical' && !c.notOk);
      for (const c of moved) process.stdout.write(c.status === 'new' ? `pinned ${c.kind} ${c.name} (${c.pinned}): new\n` : report(c, max, 'updated'));
      process.stdout.write(moved.length ? `regress --update: ${plural(moved.length, 'pin')} rewritten of ${counted} (${time}); give the reason in ASSUMPTIONS.md and the commit message\n` : `regress --update: nothing changed (${counted}, ${time})\n`);
      if (broken.length) {
        process.stdout.write(brokenText);
        return 1;
      }
      return 0;
    }
    const drift = checks.filter((c) => c.status === 'drift');
    if (!drift.length && !broken.length && attacksWorse) {
      process.stdout.write(`\nregress: ${counted} identical to their pins, but ${plural(attacksWorse, 'attack family', 'attack families')} got cheaper (${attacks?.worse.map((c) => c.family).join(', ')}); if the rule change means it, re-pin with \`flock-lab regress --update\` and say why in ASSUMPTIONS.md\n`);
      return 1;
    }
    if (!drift.length && !broken.length) {
      process.stdout.write(`regress: ${counted}, all identical to their pins (${time})\n`);
      return 0;
    }
    for (const c of drift) process.stdout.write(report(c, max, 'DRIFT'));
    process.stdout.write(brokenText);
    const dt = drift.filter((c) => c.kind === 'trace').length;
    const db = drift.length - dt;
    const where = [traces ? `${dt} of ${plural(traces, 'trace')}` : '', baselines ? `${db} of ${plural(baselines, 'baseline')}` : ''].filter(Boolean).join(' and ');
    process.stdout.write(
      `\nregress: drift in ${where}${broken.length ? `, ${plural(broken.length, 'trace')} not behaving as written` : ''} (${time}).\n` +
        'If the change is intended, check the new numbers by hand, then re-pin with `flock-lab regress --update` and give the reason in ASSUMPTIONS.md and the commit message.\n',
    );
    return 1;
  } catch (e) {
    const cause = e instanceof JobFailed ? e.cause : e;
    if (cause instanceof RegressInputError || cause instanceof ScenarioError) {
      process.stderr.write(`error: ${cause.message}\n`);
      return 2;
    }
    if (cause instanceof SimulationError) {
      process.stderr.write(`regress: a baseline run failed: ${cause.message}\n`);
      return 1;
    }
    throw cause;
  }
}

export function registerRegress(program: Command): void {
  program
    .command('regress')
    .description(
      'Guard the reward formulas: replay every trace in contracts-mirror/traces/ and compare its result byte for byte with the pinned X.result.json, and run every baseline in reports/baselines/<name>/ (scenario.json at its own seeds, in this process) and compare its KPI summary and resultsHash exactly with the pinned summary.json and pin.json. A drift is listed field by field: the trace or baseline, the path, old → new and the relative change.\n' +
        'Exit 0: everything identical (with --update: pins rewritten); 1: a drift, a trace that did not behave as written, or a baseline run that failed; 2: bad input (a malformed or missing pin, an invalid trace or scenario).',
    )
    .option('--update', 'rewrite the pins that moved (trace results, baseline summaries and resultsHashes) and print what changed; only on purpose, with the reason in ASSUMPTIONS.md and the commit message')
    .option('--traces-only', 'only the traces')
    .option('--baselines-only', 'only the baselines')
    .option('--no-attacks', 'skip the attack guard (the minimum profitable coalition share of the families pinned in reports/baselines/attacks.json)')
    .option('--max-diffs <n>', 'differing fields listed per trace or baseline', '10')
    .action(async (f: RegressFlags) => {
      process.exitCode = await regressCommand(f);
    });
}
