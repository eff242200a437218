import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryAdminCluster } from './arbitrary-admin.js';
import { judgedPairs } from './test-helpers.js';
import type { DecidingTier } from './types.js';

/** Bounded in count (runs × pairs × ports): deterministic seed, same work every run. */
test('with admin tiers, the reference engine agrees with the naive evaluator', () => {
  const tiers: Record<DecidingTier, number> = { admin: 0, networkpolicy: 0, baseline: 0, default: 0 };
  let pairs = 0;
  let passed = 0;
  let denied = 0;
  fc.assert(
    fc.property(arbitraryAdminCluster(), (scenario) => {
      for (const { verdict, expected } of judgedPairs(scenario)) {
        if (expected === null) continue;
        pairs++;
        if (!verdict.allowed) denied++;
        for (const side of [verdict.egress, verdict.ingress]) {
          if (!side.applies) continue;
          assert.ok(side.tier, 'every pod side names its deciding tier');
          tiers[side.tier]++;
          if (side.passedBy) passed++;
          // The reasons agree with the verdict.
          if (side.tier === 'admin' || side.tier === 'baseline') {
            assert.equal(side.adminRule?.policy.tier, side.tier);
            assert.equal(side.allowed, side.adminRule?.action !== 'Deny');
          }
          if (side.tier === 'networkpolicy') assert.equal(side.allowed, side.allowedBy.length > 0);
          if (side.tier === 'default') assert.equal(side.allowed, true);
        }
      }
    }),
    { numRuns: 150, seed: 20261203 },
  );
  // Every tier must have decided often, and Pass must have happened.
  for (const [tier, count] of Object.entries(tiers))
    assert.ok(count > pairs / 50, `tier ${tier} decided only ${count} of ${pairs}`);
  assert.ok(passed > pairs / 100, `only ${passed} passed`);
  assert.ok(denied > pairs / 10, `only ${denied} of ${pairs} denied`);
});
