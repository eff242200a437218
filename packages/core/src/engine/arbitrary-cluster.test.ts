import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster, scenarioPeers } from './arbitrary-cluster.js';

test('arbitrary clusters load and cover the features they promise', () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(arbitraryCluster(), (scenario) => {
      const { cluster } = scenario;
      assert.ok(cluster.pods.length >= 2 && cluster.pods.length <= 6);
      assert.ok(cluster.policies.length <= 4);
      assert.ok(scenarioPeers(scenario).length === cluster.pods.length + scenario.externals.length);
      for (const policy of cluster.policies) {
        if (policy.types.egress) seen.add('egress-type');
        if (policy.declaredTypes === undefined) seen.add('types-absent');
        for (const rule of [...policy.ingress, ...policy.egress]) {
          if (rule.peers === 'all') seen.add('peers-all');
          if (rule.ports === 'all') seen.add('ports-all');
          for (const peer of rule.peers === 'all' ? [] : rule.peers) {
            if (peer.kind === 'ipBlock') seen.add(peer.except.length > 0 ? 'ipblock-except' : 'ipblock');
            else if (peer.podSelector && peer.namespaceSelector) seen.add('peer-both');
            else if (peer.namespaceSelector) seen.add('peer-ns');
            else seen.add('peer-pod');
            for (const s of [peer.kind === 'selector' ? peer.podSelector : undefined]) {
              for (const e of s?.matchExpressions ?? []) seen.add(`op-${e.operator}`);
            }
          }
          for (const port of rule.ports === 'all' ? [] : rule.ports) {
            if (typeof port.port === 'string') seen.add('port-named');
            else if (port.endPort !== undefined) seen.add('port-range');
            else if (port.port === undefined) seen.add('port-absent');
            if (port.protocol === 'UDP') seen.add('udp');
          }
        }
      }
    }),
    { numRuns: 300, seed: 42 },
  );
  for (const feature of [
    'egress-type',
    'types-absent',
    'peers-all',
    'ports-all',
    'ipblock',
    'ipblock-except',
    'peer-both',
    'peer-ns',
    'peer-pod',
    'op-In',
    'op-NotIn',
    'op-Exists',
    'op-DoesNotExist',
    'port-named',
    'port-range',
    'port-absent',
    'udp',
  ]) {
    assert.ok(seen.has(feature), `never generated: ${feature}`);
  }
});
