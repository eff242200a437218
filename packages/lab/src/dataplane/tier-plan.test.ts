import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFromYaml } from '../../../core/src/test-helpers.js';
import { evaluatePlan } from './evaluate-plan.js';
import { planDataplane } from './plan.js';
import { renderRuleset } from './render.js';
import { domainNameSets } from './tier-plan.js';

/** domainNames peers: the addresses the lab DNS answered move to classes the core judges with the peer matched. */
const YAML = `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: team, labels: { app: client } }
spec: { containers: [{ name: c, image: x }] }
status: { podIP: 198.18.1.2 }
---
apiVersion: v1
kind: Pod
metadata: { name: db, namespace: data, labels: { app: db } }
spec: { containers: [{ name: c, image: x }] }
status: { podIP: 198.18.1.3 }
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: allowlist }
spec:
  tier: Admin
  priority: 1
  subject: { pods: { podSelector: { matchLabels: { app: client } } } }
  egress:
    - { action: Deny, to: [{ networks: [203.0.113.66/32] }] }
    - { action: Accept, to: [{ domainNames: [example.org] }], protocols: [{ tcp: { destinationPort: { number: 443 } } }] }
    - { action: Accept, to: [{ domainNames: ["*.partner.test"] }] }
    - { action: Deny, to: [{ networks: [0.0.0.0/0] }] }
`;

describe('tier plan: domainNames peers', () => {
  const cluster = clusterFromYaml(YAML);
  const plan = planDataplane(cluster);
  const client = '198.18.1.2';
  const resolvedAs = (sets: string[][]) => sets.map((ips) => new Set(ips));

  it('names one nft set per domainNames peer, in the order the ruleset renders them', () => {
    assert.deepEqual(domainNameSets(cluster), [
      { set: 'egress_fqdn_0', names: ['example.org'] },
      { set: 'egress_fqdn_1', names: ['*.partner.test'] },
    ]);
    const text = renderRuleset(plan, { enforce: true, table: 'netpol' });
    for (const name of ['egress_fqdn_0', 'egress_fqdn_1']) {
      assert.match(text, new RegExp(`set ${name} \\{`));
      assert.match(text, new RegExp(`ip daddr @${name} ct mark set ct mark map @${name}_class`));
    }
  });

  const rows: [string, string, number, string[][], boolean][] = [
    ['nothing resolved: the final Deny', '203.0.113.20', 443, [], false],
    ['example.org answered: its Accept on 443', '203.0.113.20', 443, [['203.0.113.20']], true],
    ['example.org answered: not on 80', '203.0.113.20', 80, [['203.0.113.20']], false],
    ['*.partner.test answered: every port', '203.0.113.20', 80, [[], ['203.0.113.20']], true],
    [
      'both answered: the first matching rule decides (443 by the first)',
      '203.0.113.20',
      443,
      [['203.0.113.20'], ['203.0.113.20']],
      true,
    ],
    [
      'an earlier Deny still wins over an answered name',
      '203.0.113.66',
      443,
      [['203.0.113.66'], ['203.0.113.66']],
      false,
    ],
    ['another address than the answered one', '203.0.113.21', 443, [['203.0.113.20']], false],
    ['a pod sharing the answered address class, not itself answered', '198.18.1.3', 443, [['203.0.113.20']], false],
  ];
  for (const [name, to, port, sets, allowed] of rows) {
    it(name, () => assert.equal(evaluatePlan(plan, client, to, 'TCP', port, resolvedAs(sets)), allowed));
  }
});
