/**
 * The attack store (docs/attacks.md#the-run-directory): `attack.duckdb` in an attack's run
 * directory, table `attack_evals` with one row per evaluated strategy and its paired gain. Each
 * batch of evaluations is committed in its own transaction, so a killed search leaves whole
 * evaluations only; `--resume` replays the search (it is deterministic) and takes every
 * evaluation it finds here instead of simulating it again.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Evaluation } from './evaluate.js';
import type { StrategyPoint } from './families.js';

export const ATTACK_STORE = 'attack.duckdb';

const SCHEMA = `CREATE TABLE IF NOT EXISTS attack_evals (
  family VARCHAR NOT NULL,
  phase VARCHAR NOT NULL,        -- search | fresh | grid-search | grid-fresh
  share DOUBLE NOT NULL,         -- the coalition's share of each attacked role's population
  idx INTEGER NOT NULL,          -- position in its phase at this share
  point VARCHAR NOT NULL,        -- the strategy, JSON
  words VARCHAR NOT NULL,
  seeds VARCHAR NOT NULL,        -- JSON list
  gains VARCHAR NOT NULL,        -- per-seed paired gain, JSON list (APR points as a fraction)
  gain DOUBLE,                   -- mean paired gain
  gain_lo DOUBLE,                -- 95 % paired t interval
  gain_hi DOUBLE,
  stake_share DOUBLE,            -- realised coalition stake share
  coalition INTEGER,             -- coalition entities (first seed)
  attack_return DOUBLE,
  honest_return DOUBLE,
  PRIMARY KEY (family, phase, share, idx)
)`;

export interface StoredEval extends Evaluation {
  phase: string;
  idx: number;
  words: string;
}

const key = (family: string, phase: string, share: number, idx: number) => `${family}/${phase}/${share}/${idx}`;
const num = (x: unknown) => (x === null || x === undefined ? NaN : Number(x));
const orNull = (x: number) => (Number.isFinite(x) ? x : null);

export class AttackStore {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly c: DuckDBConnection,
    private readonly have: Map<string, StoredEval>,
  ) {}

  static async open(file: string): Promise<AttackStore> {
    const db = await DuckDBInstance.create(file);
    const c = await db.connect();
    await c.run(SCHEMA);
    const have = new Map<string, StoredEval>();
    const rows = (await c.runAndReadAll('SELECT family, phase, share, idx, point, words, seeds, gains, gain, gain_lo, gain_hi, stake_share, coalition, attack_return, honest_return FROM attack_evals')).getRowObjects();
    for (const r of rows) {
      const gains = (JSON.parse(String(r.gains)) as (number | null)[]).map(num);
      const e: StoredEval = {
        family: String(r.family),
        phase: String(r.phase),
        share: Number(r.share),
        idx: Number(r.idx),
        point: JSON.parse(String(r.point)) as StrategyPoint,
        words: String(r.words),
        seeds: JSON.parse(String(r.seeds)) as number[],
        gains,
        gain: { mean: num(r.gain), lo: num(r.gain_lo), hi: num(r.gain_hi), n: gains.length },
        stakeShare: num(r.stake_share),
        coalition: Number(r.coalition),
        attackReturn: num(r.attack_return),
        honestReturn: num(r.honest_return),
      };
      have.set(key(e.family, e.phase, e.share, e.idx), e);
    }
    return new AttackStore(db, c, have);
  }

  /** The stored evaluation at this place, if it is of this point on these seeds. */
  find(family: string, phase: string, share: number, idx: number, point: StrategyPoint, seeds: number[]): StoredEval | undefined {
    const e = this.have.get(key(family, phase, share, idx));
    if (!e) return undefined;
    if (JSON.stringify(e.point) !== JSON.stringify(point) || JSON.stringify(e.seeds) !== JSON.stringify(seeds)) return undefined;
    return e;
  }

  get size(): number {
    return this.have.size;
  }

  /** Stores a batch in one transaction. */
  async add(evals: StoredEval[]): Promise<void> {
    if (!evals.length) return;
    await this.c.run('BEGIN TRANSACTION');
    try {
      for (const e of evals) {
        await this.c.run('INSERT OR REPLACE INTO attack_evals VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)', [
          e.family,
          e.phase,
          e.share,
          e.idx,
          JSON.stringify(e.point),
          e.words,
          JSON.stringify(e.seeds),
          JSON.stringify(e.gains.map(orNull)),
          orNull(e.gain.mean),
          orNull(e.gain.lo),
          orNull(e.gain.hi),
          orNull(e.stakeShare),
          e.coalition,
          orNull(e.attackReturn),
          orNull(e.honestReturn),
        ]);
      }
      await this.c.run('COMMIT');
    } catch (err) {
      await this.c.run('ROLLBACK').catch(() => {});
      throw err;
    }
    for (const e of evals) this.have.set(key(e.family, e.phase, e.share, e.idx), e);
  }

  close(): void {
    this.c.closeSync();
    this.db.closeSync();
  }
}
