/**
 * Some training nodes split one stake over three identities, each submitting a variant of the
 * same model. Under rank-geometric rewards, does splitting pay? The summary's
 * `relativeRewardPerEntity` for sybil vs honest answers it; test/sybil.test.ts pins the measured effect.
 */
import { scenario } from '../sim/scenario/schema.js';
import baseline from './baseline.js';

export default scenario({
  ...baseline,
  name: 'sybil-split',
  description: '3 of 12 training-node entities split their stake over 3 identities each.',
  populations: {
    ...baseline.populations,
    nodes: { count: 12, mix: { honest: 0.75, sybil: 0.25 }, sybilIdentities: 3, stake: { min: 9000, max: 9000 } },
  },
  workload: { skillSpread: 0 },
});
