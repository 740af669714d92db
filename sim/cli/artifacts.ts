/**
 * `flock-lab artifacts DIR`: which of DIR's compiled contracts the EVM engine would run for each
 * kind, and why every other file in DIR is not used, without running anything
 * (docs/contracts.md#bring-your-own-artifacts). Also what `replay --engine evm` and `parity` say on
 * stderr before they run with `--artifacts`.
 */
import type { Command } from 'commander';
import type { ArtifactSet, Inspection } from '../../contracts-mirror/evmEngine/artifacts.js';

/**
 * Scans and checks `dir` and says on stderr, before anything runs, which kinds come from it and
 * which from the project. Returns the artifacts, or null after printing the error (exit 2).
 */
export async function announceArtifacts(dir: string, opts: { strict?: boolean } = {}): Promise<ArtifactSet | null> {
  const { inspectArtifacts } = await import('../../contracts-mirror/evmEngine/artifacts.js');
  let ins: Inspection;
  try {
    ins = await inspectArtifacts(dir, opts);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return null;
  }
  process.stderr.write(`${header(ins)}\n${ins.lines.join('\n')}\n`);
  for (const w of ins.warnings) process.stderr.write(`warning: ${w}\n`);
  return ins.set;
}

function header(ins: Inspection): string {
  // a factory-made kind counts as DIR's when its factory is (artifacts.ts describeKinds)
  const swapped = ins.lines.filter((l) => /^\s+\S+\s+DIR\b/.test(l)).length;
  return `artifacts: ${swapped} kind(s) from ${ins.scan.dir} (DIR), the others from the project:`;
}

export function registerArtifacts(program: Command): void {
  program
    .command('artifacts')
    .description(
      'Show which compiled contracts of DIR (a Hardhat or Foundry build folder, or flat <Kind>.json files) --artifacts would use for each kind, and why each other file is ignored. Runs nothing.\n' +
        'Exit 0: usable; 2: not usable (two artifacts for one kind, unlinked libraries, a function the lab calls missing, a bad flock-lab.artifacts.json; with --strict, an artifact that matches no kind).',
    )
    .argument('<dir>', 'build folder')
    .option('--strict', 'an artifact with bytecode that matches no kind is an error, not a warning')
    .action(async (dir: string, o: { strict?: boolean }) => {
      const { inspectArtifacts } = await import('../../contracts-mirror/evmEngine/artifacts.js');
      let ins: Inspection;
      try {
        ins = await inspectArtifacts(dir, { strict: o.strict });
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const out = [header(ins), ...ins.lines];
      if (ins.scan.ignored.length) {
        out.push(`ignored (${ins.scan.ignored.length}):`);
        for (const i of ins.scan.ignored) out.push(`  ${i.file}: ${i.why}`);
      }
      process.stdout.write(out.join('\n') + '\n');
      for (const w of ins.warnings) process.stderr.write(`warning: ${w}\n`);
    });

  // `replay` is declared in main.ts; its --strict belongs with the rest of the artifact handling here
  program.commands.find((c) => c.name() === 'replay')?.option('--strict', 'with --artifacts: an artifact with bytecode that matches no kind is an error (exit 2), not a warning');
}
