/**
 * A proposal written as a settlement block: burn the protocol's collected fees every day.
 * Claim fees and exchange fees are sent to the FLOCK token contract's own address, where they sit
 * until an admin calls `burnNetworkFees` (docs/model.md#supply-cap). The proposal burns them at
 * the end of each daily settlement, before the invariant check. Compare with `baseline.ts`:
 * rewards are unchanged, `burned` grows and the circulating `supply` falls (the `days` table).
 *
 *   npx flock-lab run scenarios/burn-fees.ts
 *
 * A scenario that exports `settlement` has a scenarioHash that covers this file's source too.
 */
import { scenario } from '../sim/scenario/schema.js';
import type { SettlementEdit } from '../sim/run/settlement.js';
import { mustSucceed } from '../sim/run/errors.js';
import { ADMIN } from '../contracts-mirror/genesis.js';
import baseline from './baseline.js';

export default scenario({
  ...baseline,
  name: 'burn-fees',
  description: 'Baseline, with the FLOCK collected as claim and exchange fees burned at every settlement.',
});

export const settlement: SettlementEdit = (blocks) =>
  blocks.insertBefore('invariants', {
    name: 'burnFees',
    description: 'Burn the fees collected at the FLOCK token address (proposal)',
    calls: ['FLOCK.burnNetworkFees'],
    source: 'docs/model.md#supply-cap',
    run: (w, day) => mustSucceed(day.day, 'burnNetworkFees', w.chain.tx('burnNetworkFees', () => w.d.flock.burnNetworkFees(ADMIN))),
  });
