import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster, scenarioPeers } from './arbitrary-cluster.js';
import { compileCluster } from './compile-cluster.js';
import { naivePeerMatches, naiveSelects } from './naive-evaluator.js';

/**
 * The compiled cluster's building blocks against the naive evaluator's: which policies select
 * each pod, and which endpoints (pods and outside addresses) each peer matches. The verdicts
 * built from them are checked by the reference engine's property test. Bounded in count.
 */
test('compileCluster: policiesSelecting and peerMatches agree with the naive evaluator', () => {
  let selections = 0;
  let peerPairs = 0;
  let peerHits = 0;
  let ipBlockHits = 0;
  fc.assert(
    fc.property(arbitraryCluster(), (scenario) => {
      const { cluster } = scenario;
      const compiled = compileCluster(cluster);
      for (const pod of cluster.pods) {
        const expected = cluster.policies.filter((p) => naiveSelects(p, pod)).map((p) => p.id);
        const got = compiled.policiesSelecting(pod).map((c) => c.policy.id);
        assert.deepEqual(got, expected, pod.id);
        // Kept per pod: the same answer, asked twice (the second time from what was kept).
        assert.deepEqual(
          compiled.policiesSelectingOnce(pod).map((c) => c.policy.id),
          expected,
          pod.id,
        );
        assert.equal(compiled.policiesSelectingOnce(pod), compiled.policiesSelectingOnce(pod));
        selections += got.length;
        for (const policy of cluster.policies)
          assert.equal(compiled.selects(policy, pod), expected.includes(policy.id));
      }
      const endpoints = scenarioPeers(scenario);
      for (const policy of cluster.policies) {
        for (const rule of [...policy.ingress, ...policy.egress]) {
          if (rule.peers === 'all') continue;
          for (const peer of rule.peers) {
            for (const endpoint of endpoints) {
              const expected = naivePeerMatches(cluster, policy, peer, endpoint);
              const got = compiled.peerMatches(policy, peer, compiled.facts(endpoint));
              assert.equal(got, expected, `${policy.id} ${rule.direction}[${rule.index}] peer ${peer.index}`);
              peerPairs++;
              if (got) peerHits++;
              if (got && peer.kind === 'ipBlock') ipBlockHits++;
            }
          }
        }
      }
    }),
    { numRuns: 200, seed: 20261203 },
  );
  assert.ok(selections > 50, `only ${selections} selections`);
  assert.ok(peerHits > peerPairs / 20 && peerHits < peerPairs, `${peerHits} of ${peerPairs} peer pairs match`);
  assert.ok(ipBlockHits > 50, `only ${ipBlockHits} ipBlock matches`);
});

/**
 * A cluster compiled with a donor (compileCluster's `like`: the web UI's input, against which a
 * what-if drops or changes a few policies) selects as the naive evaluator does: a namespace
 * whose policies are the donor's shares its answers, any other is asked again.
 */
test('compileCluster with a donor: policiesSelectingOnce agrees with the naive evaluator', () => {
  let shared = 0;
  let own = 0;
  fc.assert(
    fc.property(arbitraryCluster(), fc.array(fc.boolean(), { maxLength: 12 }), (scenario, drops) => {
      const { cluster } = scenario;
      const donor = compileCluster(cluster);
      // The donor has answered for some pods already (the input's summary asked them all).
      for (const pod of cluster.pods.filter((_, i) => i % 2 === 0)) donor.policiesSelectingOnce(pod);
      const edited = { ...cluster, policies: cluster.policies.filter((_, i) => !drops[i]) };
      const compiled = compileCluster(edited, cluster);
      for (const pod of cluster.pods) {
        const expected = edited.policies.filter((p) => naiveSelects(p, pod)).map((p) => p.id);
        const got = compiled.policiesSelectingOnce(pod);
        assert.deepEqual(
          got.map((c) => c.policy.id),
          expected,
          pod.id,
        );
        if (got === donor.policiesSelectingOnce(pod)) shared++;
        else own++;
      }
    }),
    { numRuns: 200, seed: 20261203 },
  );
  assert.ok(shared > 50 && own > 50, `${shared} answers shared, ${own} found again`);
});
