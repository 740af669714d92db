/**
 * A small CMA-ES (covariance matrix adaptation evolution strategy; Hansen, "The CMA Evolution
 * Strategy: A Tutorial", 2016, with its default constants) for the continuous parameters of an
 * attack family (docs/attacks.md#search). It minimises over the unit box [0, 1]^n: samples are
 * repaired into the box by clamping, and the repaired points are what is told back. Seeded: the
 * same seed, dimension and answers give the same sequence of points on any machine.
 */
import { RandomStream } from '../engine/rng.js';

type Vec = number[];
type Mat = number[][];

const zeros = (n: number): Vec => Array.from({ length: n }, () => 0);
const eye = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const norm = (v: Vec) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (n is a handful here, so
 * the simple method is exact enough and easy to check): returns eigenvalues and column eigenvectors.
 */
export function symmetricEigen(a0: Mat): { values: Vec; vectors: Mat } {
  const n = a0.length;
  const a = a0.map((r) => [...r]);
  const v = eye(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}

export interface CmaOptions {
  /** Start point in [0, 1]^n (default: the centre). */
  mean?: Vec;
  /** Initial step size in box units (default 0.3). */
  sigma?: number;
  /** Population size λ (default 4 + ⌊3 ln n⌋). */
  lambda?: number;
  seed: number | string;
}

export class CmaEs {
  readonly n: number;
  readonly lambda: number;
  private readonly mu: number;
  private readonly weights: Vec;
  private readonly mueff: number;
  private readonly cc: number;
  private readonly cs: number;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly damps: number;
  private readonly chiN: number;
  private readonly rng: RandomStream;
  mean: Vec;
  sigma: number;
  private C: Mat;
  private B: Mat;
  private D: Vec;
  private pc: Vec;
  private ps: Vec;
  generation = 0;

  constructor(n: number, o: CmaOptions) {
    if (!(n >= 1)) throw new RangeError(`CmaEs: dimension must be ≥ 1, got ${n}`);
    this.n = n;
    this.lambda = o.lambda ?? 4 + Math.floor(3 * Math.log(n));
    this.mu = Math.floor(this.lambda / 2);
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log(this.mu + 0.5) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / sum);
    this.mueff = 1 / this.weights.reduce((a, w) => a + w * w, 0);
    const { mueff } = this;
    this.cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
    this.cs = (mueff + 2) / (n + mueff + 5);
    this.c1 = 2 / ((n + 1.3) ** 2 + mueff);
    this.cmu = Math.min(1 - this.c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
    this.damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + this.cs;
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.rng = new RandomStream(o.seed, 0, 'attack/cmaes');
    this.mean = (o.mean ?? Array.from({ length: n }, () => 0.5)).map(clamp01);
    this.sigma = o.sigma ?? 0.3;
    this.C = eye(n);
    this.B = eye(n);
    this.D = Array.from({ length: n }, () => 1);
    this.pc = zeros(n);
    this.ps = zeros(n);
  }

  /** λ new points in [0, 1]^n. */
  ask(): Vec[] {
    const out: Vec[] = [];
    for (let k = 0; k < this.lambda; k++) {
      const z = Array.from({ length: this.n }, () => this.rng.normal(0, 1));
      const y = this.B.map((row) => row.reduce((a, bij, j) => a + bij * this.D[j] * z[j], 0));
      out.push(this.mean.map((m, i) => clamp01(m + this.sigma * y[i])));
    }
    return out;
  }

  /** Updates the distribution from λ points and their values (lower is better; NaN is worst). */
  tell(points: Vec[], values: number[]): void {
    const { n, mu, weights, mueff, cc, cs, c1, cmu, damps, chiN } = this;
    if (points.length !== this.lambda || values.length !== this.lambda) throw new RangeError(`CmaEs.tell: expected ${this.lambda} points and values`);
    const order = values.map((v, i) => ({ v: Number.isNaN(v) ? Infinity : v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
    const best = order.slice(0, mu).map((o) => points[o.i]);
    const old = this.mean;
    this.mean = zeros(n).map((_, i) => best.reduce((a, x, k) => a + weights[k] * x[i], 0));
    const yw = this.mean.map((m, i) => (m - old[i]) / this.sigma);
    // C^(−1/2)·yw = B·D⁻¹·Bᵀ·yw
    const bty = zeros(n).map((_, j) => this.B.reduce((a, row, i) => a + row[j] * yw[i], 0));
    const invSqrt = this.B.map((row) => row.reduce((a, bij, j) => a + (bij * bty[j]) / this.D[j], 0));
    this.ps = this.ps.map((p, i) => (1 - cs) * p + Math.sqrt(cs * (2 - cs) * mueff) * invSqrt[i]);
    this.generation += 1;
    const hsig = norm(this.ps) / Math.sqrt(1 - (1 - cs) ** (2 * this.generation)) / chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    this.pc = this.pc.map((p, i) => (1 - cc) * p + hsig * Math.sqrt(cc * (2 - cc) * mueff) * yw[i]);
    const ys = best.map((x) => x.map((xi, i) => (xi - old[i]) / this.sigma));
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const rankMu = ys.reduce((a, y, k) => a + weights[k] * y[i] * y[j], 0);
        this.C[i][j] = (1 - c1 - cmu) * this.C[i][j] + c1 * (this.pc[i] * this.pc[j] + (1 - hsig) * cc * (2 - cc) * this.C[i][j]) + cmu * rankMu;
      }
    this.sigma *= Math.exp((cs / damps) * (norm(this.ps) / chiN - 1));
    // Keep the box scale: a step larger than the box only samples its faces.
    this.sigma = Math.min(this.sigma, 1);
    const e = symmetricEigen(this.C);
    this.B = e.vectors;
    this.D = e.values.map((v) => Math.sqrt(Math.max(v, 1e-20)));
  }
}
