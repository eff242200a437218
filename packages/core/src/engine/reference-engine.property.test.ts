import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster, scenarioPeers } from './arbitrary-cluster.js';
import { compileCluster } from './compile-cluster.js';
import { naiveAllowed } from './naive-evaluator.js';
import { createReferenceEngine } from './reference-engine.js';

/** Bounded in count (runs × pairs × ports), not in time: deterministic seed, same work every run. */
test('reference engine agrees with the naive evaluator on random clusters', () => {
  let pairs = 0;
  let denied = 0;
  let allowedByRule = 0;
  fc.assert(
    fc.property(arbitraryCluster(), (scenario) => {
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
            pairs++;
            if (expected === null) {
              assert.equal(verdict.note, 'external-to-external');
              continue;
            }
            if (verdict.allowed !== expected) {
              assert.fail(
                `${label(source)} -> ${label(destination)} ${port.protocol}/${port.port}: engine ${verdict.allowed}, naive ${expected}\n${scenario.yaml}`,
              );
            }
            if (!verdict.allowed) denied++;
            // Reasons are consistent with the verdict on each side.
            for (const side of [verdict.egress, verdict.ingress]) {
              assert.equal(side.allowed, !side.isolated || side.allowedBy.length > 0);
              if (side.allowedBy.length > 0) allowedByRule++;
            }
          }
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

function label(peer: ReturnType<typeof scenarioPeers>[number]): string {
  return peer.kind === 'pod' ? peer.pod.id : peer.ip;
}
