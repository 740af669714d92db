/**
 * Benchmark (not a test): throughput of the real TensorFlow.js workloads, per task type and
 * backend, with the default real-workload settings (MLP width 64, batch 128, Adam).
 * - training: examples per second of a node's manual training loop on its shard;
 * - validation: evaluations per second, one evaluation = scoring a submission on a whole held-out
 *   set (evalSize examples), as an honest validator does.
 * Each figure is timed for about `seconds` after a warm-up.
 *
 *   node --import tsx bench/workloads.ts [seconds]     (part of npm run bench)
 */
import { stream } from '../sim/engine/rng.js';
import { RealWorkloadSchema } from '../sim/scenario/schema.js';
import { evaluateMlp, trainMlp } from '../sim/workloads/real/model.js';
import { RealWorkload } from '../sim/workloads/real/workload.js';

const seconds = Number(process.argv[2] ?? 2);

function timeLoop(budgetS: number, step: () => number): number {
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetS * 1000) done += step();
  return done / ((performance.now() - t0) / 1000);
}

for (const task of ['lm-bpc', 'tabular'] as const) {
  for (const backend of ['wasm', 'cpu'] as const) {
    const w = new RealWorkload(RealWorkloadSchema.parse({ mode: 'real', task, backend }), 1, 0);
    await w.init();
    const shard = w.task.shard(stream(1, 0, 'bench/shard'), 8000, 0.1);
    const rng = stream(1, 0, 'bench/train');
    let model = w.base(1).honest;
    const chunk = backend === 'wasm' ? 8000 : 2000;
    model = trainMlp(model, shard, { samples: chunk, batchSize: w.cfg.batchSize, learningRate: w.cfg.learningRate, rng }); // warm-up
    const trainRate = timeLoop(seconds, () => {
      model = trainMlp(model, shard, { samples: chunk, batchSize: w.cfg.batchSize, learningRate: w.cfg.learningRate, rng });
      return chunk;
    });
    const A = w.task.evalSets.A;
    evaluateMlp(model, A); // warm-up
    const evalRate = timeLoop(seconds, () => {
      evaluateMlp(model, A);
      return 1;
    });
    const s = w.honestSpec;
    console.log(
      `workloads ${task.padEnd(7)} ${backend.padEnd(4)}: train ${Math.round(trainRate).toLocaleString('en-US')} samples/s, validate ${evalRate.toFixed(1)} evals/s ` +
        `(${(evalRate * A.size).toLocaleString('en-US', { maximumFractionDigits: 0 })} examples/s; MLP ${s.inputDim}→${s.width}→${s.classes}, batch ${w.cfg.batchSize}, eval set ${A.size})`,
    );
  }
}
