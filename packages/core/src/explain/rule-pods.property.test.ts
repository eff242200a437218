import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster } from '../engine/arbitrary-cluster.js';
import { compileRule } from '../engine/compile-policy.js';
import { matchPeer } from '../engine/match-peer.js';
import { parseIp } from '../model/cidr.js';
import { rulePods } from './explain-policy.js';

/**
 * rulePods skips namespaces no peer can reach; it must still list exactly the pods some peer
 * of the rule matches. Oracle: every pod tested against every peer, nothing skipped.
 */
test('rulePods lists exactly the pods some peer matches', () => {
  let rules = 0;
  let matched = 0;
  let partial = 0;
  fc.assert(
    fc.property(arbitraryCluster(), ({ cluster }) => {
      for (const policy of cluster.policies) {
        for (const rule of [...policy.ingress, ...policy.egress]) {
          const compiled = compileRule(rule);
          const peers = compiled.peers === 'all' ? undefined : compiled.peers;
          const expected = cluster.pods
            .filter((pod) => {
              if (!peers) return true;
              const facts = {
                pod,
                namespaceLabels: cluster.namespaces.get(pod.namespace)?.labels,
                ip: parseIp(pod.ips[0]),
              };
              return peers.some((peer) => matchPeer(peer, policy.namespace, facts));
            })
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
