import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFromYaml } from '../../core/src/test-helpers.js';
import { adminTierLabLimits } from './admin-tier-limits.js';

const cnp = (peer: string) => `
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: p }
spec:
  tier: Admin
  priority: 1
  subject: { namespaces: {} }
  egress: [{ action: Accept, to: [${peer}] }]
`;

describe('adminTierLabLimits', () => {
  it('says how the lab matches domainNames peers (its DNS, the TTL) and that the engine cannot', () => {
    const [limit, ...rest] = adminTierLabLimits(clusterFromYaml(cnp('{ domainNames: [example.org] }')));
    assert.deepEqual(rest, []);
    assert.match(limit ?? '', /^1 admin tier rule has domainNames peers: the lab matches them .*TTL \(5 s\)/);
  });
  it('has nothing to say about peers the lab enforces as the engine does', () => {
    for (const peer of ['{ networks: [10.0.0.0/8] }', '{ nodes: {} }', '{ namespaces: {} }']) {
      assert.deepEqual(adminTierLabLimits(clusterFromYaml(cnp(peer))), [], peer);
    }
  });
});
