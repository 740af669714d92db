/**
 * Benchmark (not a test): the event kernel on an M/M/1 queue and radCAD's benchmark model, with
 * their default parameters. Exits 1 if a bench's own check fails.
 *
 *   node --import tsx bench/engine.ts
 */
import mm1 from '../scenarios/bench-mm1.js';
import radcad from '../scenarios/bench-radcad.js';

let ok = true;
for (const line of [mm1.run({ ...mm1.params }), radcad.run({ ...radcad.params })].map((r) => {
  if (r.ok === false) ok = false;
  return r.line;
})) {
  console.log(line);
}
if (!ok) process.exitCode = 1;
