import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { first } from '../at.js';
import { arbitraryAdminObjects } from '../engine/arbitrary-admin.js';
import { manifestText } from '../engine/arbitrary-cluster.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import type { Peer } from '../engine/types.js';
import { listEndpointSamples } from '../matrix/endpoint-samples.js';
import { isAdminPolicyKind } from '../model/admin-types.js';
import type { ClusterModel, Protocol } from '../model/types.js';
import { clusterFromYaml } from '../test-helpers.js';
import { diffClusters } from './diff-clusters.js';

type Json = Record<string, unknown>;
const adminOrNode = (o: Json) => isAdminPolicyKind(String(o.kind)) || o.kind === 'Node';

/**
 * Asserts that diffClusters(base, head) reports exactly the naive verdicts that changed
 * between the endpoints of both versions (and the outside addresses it asked about); returns
 * how many changed.
 */
function assertAgreesWithNaive(base: ClusterModel, head: ClusterModel): number {
  const result = diffClusters(base, head);
  const samples = listEndpointSamples(base);
  const peers = new Map<string, { base: Peer; head: Peer }>();
  for (const s of samples) {
    const other = head.pods.find((p) => p.id === s.pod.id);
    if (other) peers.set(s.id, { base: { kind: 'pod', pod: s.pod }, head: { kind: 'pod', pod: other } });
  }
  for (const x of result.externals)
    peers.set(x.ip, { base: { kind: 'external', ip: x.ip }, head: { kind: 'external', ip: x.ip } });
  const reported = (list: typeof result.opened, from: string, to: string, protocol: Protocol, port: number) =>
    list.some(
      (c) =>
        c.from === from && c.to === to && c.protocol === protocol && c.spans.some(([x, y]) => port >= x && port <= y),
    );
  let changed = 0;
  for (const [from, f] of peers) {
    for (const [to, t] of peers) {
      if (from === to) continue;
      for (const protocol of ['TCP', 'UDP'] as const) {
        for (const port of [53, 80, 81, 8080, 9000]) {
          const before = naiveAllowed(base, f.base, t.base, { protocol, port });
          const after = naiveAllowed(head, f.head, t.head, { protocol, port });
          if (before === null || after === null) continue;
          const label = `${from} -> ${to} ${port}/${protocol}: ${before} -> ${after}`;
          assert.equal(reported(result.opened, from, to, protocol, port), !before && after, `opened ${label}`);
          assert.equal(reported(result.closed, from, to, protocol, port), before && !after, `closed ${label}`);
          if (before !== after) changed++;
        }
      }
    }
  }
  return changed;
}

describe('diff with admin tiers', () => {
  it('opened/closed agree with the naive evaluator when admin policies change (random clusters)', () => {
    let changed = 0;
    fc.assert(
      fc.property(arbitraryAdminObjects(), arbitraryAdminObjects(), (a, b) => {
        const base = clusterFromYaml(manifestText(a));
        const head = clusterFromYaml(manifestText([...a.filter((o) => !adminOrNode(o)), ...b.filter(adminOrNode)]));
        changed += assertAgreesWithNaive(base, head);
      }),
      { numRuns: 25, seed: 20261203 },
    );
    assert.ok(changed > 200, `only ${changed} verdicts changed`);
  });

  // The admin tiers unchanged: diff compares in full only the pairs whose NetworkPolicy masks
  // differ (compareSides), trusting the tiers to answer the same for the others.
  it('agree with the naive evaluator when NetworkPolicies and pod labels change under the same admin tiers', () => {
    let changed = 0;
    fc.assert(
      fc.property(arbitraryAdminObjects(), arbitraryAdminObjects(), fc.boolean(), (a, b, relabel) => {
        const isPolicy = (o: Json) => o.kind === 'NetworkPolicy';
        const objects = [...a.filter((o) => !isPolicy(o)), ...b.filter(isPolicy)];
        const donor = b.find((o) => o.kind === 'Pod') as { metadata: { labels?: Json } } | undefined;
        const i = objects.findIndex((o) => o.kind === 'Pod');
        if (relabel && donor && i >= 0) {
          const pod = objects[i] as { metadata: Json };
          objects[i] = { ...objects[i], metadata: { ...pod.metadata, labels: donor.metadata.labels ?? {} } };
        }
        changed += assertAgreesWithNaive(clusterFromYaml(manifestText(a)), clusterFromYaml(manifestText(objects)));
      }),
      { numRuns: 25, seed: 20261204 },
    );
    assert.ok(changed > 100, `only ${changed} verdicts changed`);
  });

  it('tier changes in words: priority, action flip, tier, rules added', () => {
    const cnp = (priority: number, tier: string, action: string, extra = '') => `
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: guard }
spec:
  tier: ${tier}
  priority: ${priority}
  subject: { namespaces: {} }
  egress:
  - { action: ${action}, to: [{ networks: [10.0.0.0/8] }] }${extra}
`;
    const base = clusterFromYaml(cnp(10, 'Admin', 'Deny'));
    const head = clusterFromYaml(cnp(5, 'Baseline', 'Accept', '\n  - { action: Pass, to: [{ namespaces: {} }] }'));
    const { policies } = diffClusters(base, head);
    assert.deepEqual(policies.changed, ['ClusterNetworkPolicy/guard']);
    assert.deepEqual(first(policies.details).changes, [
      'tier Admin → Baseline',
      'priority 10 → 5',
      'spec.egress[0] Deny → Accept (to networks 10.0.0.0/8 on every port)',
      '+spec.egress[1] Pass to every pod in every namespace on every port',
    ]);
  });
});
