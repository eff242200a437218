import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryAdminCluster } from './arbitrary-admin.js';
import { scenarioPeers } from './arbitrary-cluster.js';
import { compileCluster } from './compile-cluster.js';
import { naiveAllowed } from './naive-evaluator.js';
import { createReferenceEngine } from './reference-engine.js';
import type { DecidingTier } from './types.js';

/** Bounded in count (runs × pairs × ports): deterministic seed, same work every run. */
test('with admin tiers, the reference engine agrees with the naive evaluator', () => {
  const tiers: Record<DecidingTier, number> = { admin: 0, networkpolicy: 0, baseline: 0, default: 0 };
  let pairs = 0;
  let passed = 0;
  let denied = 0;
  fc.assert(
    fc.property(arbitraryAdminCluster(), (scenario) => {
      const engine = createReferenceEngine(scenario.cluster);
      const compiled = compileCluster(scenario.cluster);
      const peers = scenarioPeers(scenario);
      for (const source of peers) {
        for (const destination of peers) {
          for (const port of scenario.ports) {
            const expected = naiveAllowed(scenario.cluster, source, destination, port);
            const verdict = engine.check(source, destination, port);
            // The bit alone (what a what-if edit asks again) is the verdict's.
            assert.equal(compiled.allowed(source, destination, port), verdict.allowed);
            assert.equal(compiled.allowed(source, destination, port, true), verdict.allowed, 'ingress first');
            if (expected === null) continue;
            pairs++;
            if (verdict.allowed !== expected) {
              const name = (p: typeof source) => (p.kind === 'pod' ? p.pod.id : p.ip);
              assert.fail(
                `${name(source)} -> ${name(destination)} ${port.protocol}/${port.port}: engine ${verdict.allowed}, naive ${expected}\n${scenario.yaml}`,
              );
            }
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
