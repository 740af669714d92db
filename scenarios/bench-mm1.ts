/**
 * Bench: an M/M/1 queue on the event kernel, written the way a user would write it: a source
 * process spawns one process per customer, each waits for the single server (a Resource), is
 * served for an exponential time and leaves. Arrival rate λ, service rate μ; with λ=0.9, μ=1.0
 * queueing theory gives a mean wait in queue Wq = λ/(μ(μ−λ)) = 9.0 s.
 *
 * Figures: customers/s and kernel events/s (SimPy 4 publishes ≈240k events/s on M/M/1,
 * a published figure, not measured here), and the mean wait against theory. Each customer costs 4 events (arrival timeout,
 * process start, server grant, service timeout).
 *
 *   npx flock-lab bench scenarios/bench-mm1.ts --set customers=1000000
 */
import type { BenchScenario } from '../sim/cli/bench.js';
import { Environment, Resource, type ProcessBody } from '../sim/engine/env.js';
import { stream } from '../sim/engine/rng.js';

const params = {
  /** Customers to serve. */
  customers: 200_000,
  /** Arrival rate λ (customers per second). */
  lambda: 0.9,
  /** Service rate μ (customers per second); must exceed λ. */
  mu: 1.0,
  /** Seed of the random streams ("arrivals", "service"). */
  seed: 'bench-mm1',
  /** Run index of the random streams. */
  run: 0,
};
type Params = typeof params;

/** Simulates the queue; returns the summed and mean waits and the event count. */
export function simulateMM1(p: Params): { served: number; meanWait: number; events: number; endTime: number } {
  if (!Number.isInteger(p.customers) || p.customers < 1) throw new RangeError(`customers must be an integer ≥ 1, got ${p.customers}`);
  if (!(p.lambda > 0)) throw new RangeError(`lambda must be > 0, got ${p.lambda}`);
  if (!(p.mu > p.lambda)) throw new RangeError(`mu must be > lambda (a stable queue), got mu=${p.mu}, lambda=${p.lambda}`);

  const env = new Environment({ start: 0 });
  const server = new Resource(env, 1);
  const arrivals = stream(p.seed, p.run, 'arrivals');
  const service = stream(p.seed, p.run, 'service');
  let waited = 0;
  let served = 0;

  function* customer(): ProcessBody {
    const arrived = env.now;
    yield server.request();
    waited += env.now - arrived;
    yield service.exponential(p.mu);
    server.release();
    served++;
  }

  function* source(): ProcessBody {
    for (let i = 0; i < p.customers; i++) {
      env.process(customer());
      if (i + 1 < p.customers) yield arrivals.exponential(p.lambda);
    }
  }

  env.process(source());
  env.run();
  return { served, meanWait: waited / served, events: env.processed, endTime: env.now };
}

const scenario = {
  kind: 'bench',
  name: 'mm1',
  params,
  run(p: Params) {
    const t0 = performance.now();
    const r = simulateMM1(p);
    const seconds = (performance.now() - t0) / 1000;
    const theory = p.lambda / (p.mu * (p.mu - p.lambda));
    const customersPerSecond = r.served / seconds;
    const eventsPerSecond = r.events / seconds;
    return {
      line:
        `mm1: ${r.served} customers in ${seconds.toFixed(2)} s = ${Math.round(customersPerSecond)} customers/s; ` +
        `mean wait ${r.meanWait.toFixed(2)} (theory ${theory.toFixed(2)}); ` +
        `${r.events} events = ${Math.round(eventsPerSecond)} events/s`,
      ok: r.served === p.customers,
      customers: r.served,
      seconds,
      customersPerSecond,
      events: r.events,
      eventsPerSecond,
      meanWait: r.meanWait,
      theoryWait: theory,
    };
  },
} satisfies BenchScenario<Params>;

export default scenario;
