import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster } from './arbitrary-cluster.js';
import { judgedPairs } from './test-helpers.js';

/** Bounded in count (runs × pairs × ports), not in time: deterministic seed, same work every run. */
test('reference engine agrees with the naive evaluator on random clusters', () => {
  let pairs = 0;
  let denied = 0;
  let allowedByRule = 0;
  fc.assert(
    fc.property(arbitraryCluster(), (scenario) => {
      for (const { verdict, expected } of judgedPairs(scenario)) {
        pairs++;
        if (expected === null) {
          assert.equal(verdict.note, 'external-to-external');
          continue;
        }
        if (!verdict.allowed) denied++;
        // Reasons are consistent with the verdict on each side.
        for (const side of [verdict.egress, verdict.ingress]) {
          assert.equal(side.allowed, !side.isolated || side.allowedBy.length > 0);
          if (side.allowedBy.length > 0) allowedByRule++;
        }
      }
    }),
    { numRuns: 400, seed: 20261125 },
  );
  // The generator must produce interesting clusters, not only all-allowed ones.
  assert.ok(pairs > 50_000, `only ${pairs} pairs`);
  assert.ok(denied > pairs / 20, `only ${denied} of ${pairs} denied`);
  assert.ok(allowedByRule > pairs / 100, `only ${allowedByRule} allowed by a rule`);
});
