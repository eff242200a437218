import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { liveSandbox } from './test-helpers.js';

const { manifests, netpol, liveCluster } = liveSandbox('netpol-live-admin-');

/** An admin tier Deny from namespace web to namespace shop (docs/admin-tiers.md). */
const guardrail = `---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: web-not-shop}
spec:
  tier: Admin
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: web}}}
  egress:
  - {action: Deny, to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
status: {addresses: [{type: InternalIP, address: 10.1.0.1}, {type: Hostname, address: node-1}]}
`;

const check = ['check', '--from', 'web/frontend[Deployment]', '--to', 'backend.shop.svc.cluster.local', '--port', '80'];

describe('--cluster reads the policy.networking.k8s.io kinds and nodes', () => {
  test('a ClusterNetworkPolicy on the server decides the verdict', async () => {
    const { kubeconfig, api } = await liveCluster({ manifests: `${manifests}${guardrail}` });
    const r = await netpol([...check, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.out,
      /admin: ClusterNetworkPolicy web-not-shop \(priority 5\) spec\.egress\[0\] Deny \(cluster:test\/clusternetworkpolicies:\d+\)/,
    );
    assert.ok(
      api.requests.some((x) => x.url.startsWith('/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies')),
    );
    assert.ok(api.requests.some((x) => x.url.startsWith('/api/v1/nodes')));
    // The fixture cluster has one finished Job pod: left out with a note.
    assert.equal(
      r.err,
      'note: left out 1 pod that takes no traffic: 1 finished (status.phase Succeeded or Failed): shop/migrate-x1\n',
    );
  });

  test('a CRD that is not installed (404) is a note; forbidden nodes (403) are a note; the run goes on', async () => {
    const { kubeconfig } = await liveCluster({
      missing: ['clusternetworkpolicies', 'adminnetworkpolicies', 'baselineadminnetworkpolicies'],
      forbidden: ['nodes'],
    });
    const r = await netpol([...check, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /^cluster:test\/clusternetworkpolicies: note: the server does not serve policy\.networking\.k8s\.io\/v1alpha2 ClusterNetworkPolicy \(404 on GET /m,
    );
    assert.match(r.err, /^cluster:test\/baselineadminnetworkpolicies: note: the server does not serve /m);
    assert.match(
      r.err,
      /^cluster:test\/nodes: note: forbidden: cannot list nodes .*; admin policies' nodes peers match no node address$/m,
    );
  });
});
