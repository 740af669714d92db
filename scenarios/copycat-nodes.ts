/** A quarter of training nodes resubmit the best model they can see (yesterday's leader) instead of training. */
import { scenario } from '../sim/scenario/schema.js';
import baseline from './baseline.js';

export default scenario({
  ...baseline,
  name: 'copycat-nodes',
  description: '25% of 12 training nodes are copycats; hash-identical copies lose to the earliest submission.',
  populations: {
    ...baseline.populations,
    nodes: { count: 12, mix: { honest: 0.75, copycat: 0.25 } },
  },
});
