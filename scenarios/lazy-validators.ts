/** Baseline network where 30 % of validators report random scores without evaluating. Do they lose reward share? */
import { scenario } from '../sim/scenario/schema.js';
import baseline from './baseline.js';

export default scenario({
  ...baseline,
  name: 'lazy-validators',
  description: '30% of 10 validators are lazy (random scores, no evaluation).',
  populations: {
    ...baseline.populations,
    validators: { count: 10, mix: { honest: 0.7, lazy: 0.3 } },
  },
});
