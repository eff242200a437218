import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster } from '../engine/arbitrary-cluster.js';
import { naivePeerMatches, naiveSelects } from '../engine/naive-evaluator.js';
import { explainPod } from './explain-pod.js';
import { explainPolicy, rulePods } from './explain-policy.js';

/**
 * rulePods skips namespaces no peer can reach; it must still list exactly the pods some peer
 * of the rule matches. Oracle: the naive evaluator, every pod against every peer.
 */
test('rulePods lists exactly the pods some peer matches (naive oracle)', () => {
  let rules = 0;
  let matched = 0;
  let partial = 0;
  fc.assert(
    fc.property(arbitraryCluster(), ({ cluster }) => {
      for (const policy of cluster.policies) {
        for (const rule of [...policy.ingress, ...policy.egress]) {
          const peers = rule.peers;
          const expected = cluster.pods
            .filter(
              (pod) =>
                peers === 'all' || peers.some((peer) => naivePeerMatches(cluster, policy, peer, { kind: 'pod', pod })),
            )
            .map((p) => p.id);
          const got = rulePods(cluster, policy, rule).pods;
          assert.deepEqual(got, expected, `${policy.id} spec.${rule.direction}[${rule.index}]`);
          rules++;
          matched += got.length;
          if (got.length > 0 && got.length < cluster.pods.length) partial++;
        }
      }
    }),
    { numRuns: 150, seed: 20261125 },
  );
  assert.ok(rules > 100, `only ${rules} rules`);
  assert.ok(partial > rules / 10, `only ${partial} of ${rules} rules match some but not all pods`);
  assert.ok(matched > 0);
});

test('explainPod and explainPolicy name exactly the selecting policies and selected pods (naive oracle)', () => {
  let isolated = 0;
  fc.assert(
    fc.property(arbitraryCluster(), ({ cluster }) => {
      for (const pod of cluster.pods) {
        const explanation = explainPod(cluster, pod);
        for (const direction of ['ingress', 'egress'] as const) {
          const expected = cluster.policies.filter((p) => naiveSelects(p, pod) && p.types[direction]).map((p) => p.id);
          assert.deepEqual(
            explanation[direction].selectedBy.map((p) => p.id),
            expected,
          );
          if (expected.length > 0) isolated++;
        }
      }
      for (const policy of cluster.policies) {
        assert.deepEqual(
          explainPolicy(cluster, policy).selects.map((p) => p.id),
          cluster.pods.filter((pod) => naiveSelects(policy, pod)).map((p) => p.id),
        );
      }
    }),
    { numRuns: 100, seed: 20261203 },
  );
  assert.ok(isolated > 50, `only ${isolated} isolated pod sides`);
});
