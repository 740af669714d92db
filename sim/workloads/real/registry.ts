/**
 * Submitted models by content hash: what a validator downloads when it is handed a submission
 * (the stand-in for a Hugging Face repository pinned at a commit, docs/model.md#validator-score). Storing a
 * model under a hash that does not match its weights is refused.
 */
import { hashMlp, type Mlp } from './model.js';

export class ModelRegistry {
  private readonly byHash = new Map<string, Mlp>();

  /** Stores `m` (frozen: later changes to the caller's arrays cannot alter it) and returns its hash. */
  put(m: Mlp): string {
    const hash = hashMlp(m);
    if (!this.byHash.has(hash)) this.byHash.set(hash, { spec: { ...m.spec }, weights: m.weights.map((w) => w.slice()) as Mlp['weights'] });
    return hash;
  }

  get(hash: string): Mlp | undefined {
    return this.byHash.get(hash);
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get size(): number {
    return this.byHash.size;
  }
}
