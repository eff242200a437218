import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { first, loadCluster } from '@netpol/core';
import { applyObjects, deleteObjects, labCluster, objectKey, storeObject } from './lab-cluster.js';
import type { StoredObject } from './lab-state.js';

const pod = (ns: string, name: string, labels: Record<string, string> = {}): StoredObject => ({
  key: objectKey('Pod', ns, name),
  value: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image: 'x' }] },
  },
});
const namespace = (name: string): StoredObject => ({
  key: objectKey('Namespace', undefined, name),
  value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
});

describe('lab objects', () => {
  it('apply replaces by kind/namespace/name and appends new ones', () => {
    const out = applyObjects([pod('a', 'x', { v: '1' }), pod('a', 'y')], [pod('a', 'x', { v: '2' }), pod('b', 'x')]);
    assert.deepEqual(
      out.map((o) => o.key),
      ['Pod/a/x', 'Pod/a/y', 'Pod/b/x'],
    );
    assert.deepEqual((first(out).value.metadata as { labels: unknown }).labels, { v: '2' });
  });
  it('delete removes the objects; deleting a namespace removes what is in it', () => {
    const current = [namespace('a'), pod('a', 'x'), pod('b', 'x'), pod('b', 'y')];
    assert.deepEqual(
      deleteObjects(current, [pod('b', 'y')]).map((o) => o.key),
      ['Namespace//a', 'Pod/a/x', 'Pod/b/x'],
    );
    assert.deepEqual(
      deleteObjects(current, [namespace('a')]).map((o) => o.key),
      ['Pod/b/x', 'Pod/b/y'],
    );
  });
});

describe('labCluster', () => {
  it('keeps Nodes and admin tier policies stored from manifests (cluster-scoped: no namespace added)', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'n1', labels: { role: 'edge' } },
          status: { addresses: [{ type: 'InternalIP', address: '198.18.9.9' }] },
        },
        {
          apiVersion: 'policy.networking.k8s.io/v1alpha2',
          kind: 'ClusterNetworkPolicy',
          metadata: { name: 'deny-edge' },
          spec: {
            tier: 'Admin',
            priority: 1,
            subject: { namespaces: {} },
            egress: [{ action: 'Deny', to: [{ nodes: { matchLabels: { role: 'edge' } } }] }],
          },
        },
      ],
    });
    const loaded = loadCluster([{ name: 'nodes.json', text }]);
    assert.ok(loaded.ok);
    const stored = loaded.value.objects.map(storeObject);
    assert.deepEqual(
      stored.map((o) => [o.key, (o.value.metadata as { namespace?: string }).namespace]),
      [
        ['Node/default/n1', undefined],
        ['ClusterNetworkPolicy/default/deny-edge', undefined],
      ],
    );
    const { cluster } = labCluster(stored);
    assert.deepEqual(
      cluster.nodes?.map((n) => [n.name, n.addresses]),
      [['n1', ['198.18.9.9']]],
    );
    assert.deepEqual(
      cluster.adminPolicies?.map((p) => p.id),
      ['ClusterNetworkPolicy/deny-edge'],
    );
  });
  it('adds a kube-system coredns pod and the kube-dns Service when none is defined', () => {
    const lab = labCluster([pod('a', 'x')]);
    assert.equal(lab.addedDns, true);
    assert.equal(lab.nameserver, '198.19.0.10');
    const dns = lab.cluster.pods.find((p) => p.id === 'kube-system/coredns');
    assert.equal(dns?.labels['k8s-app'], 'kube-dns');
    assert.deepEqual(
      dns?.ports.map((p) => `${p.port}/${p.protocol}`),
      ['53/UDP', '53/TCP'],
    );
    assert.equal(lab.cluster.services.find((s) => s.id === 'kube-system/kube-dns')?.clusterIP, '198.19.0.10');
  });
  it('uses the manifests’ kube-dns pods and Service when defined', () => {
    const own: StoredObject = {
      key: 'Service/kube-system/kube-dns',
      value: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace: 'kube-system' },
        spec: { clusterIP: '198.19.7.7', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] },
      },
    };
    const lab = labCluster([pod('kube-system', 'dns-1', { 'k8s-app': 'kube-dns' }), own]);
    assert.equal(lab.addedDns, false);
    assert.equal(lab.nameserver, '198.19.7.7');
    assert.equal(lab.cluster.pods.filter((p) => p.namespace === 'kube-system').length, 1);
  });
  it('adds only the Service when kube-dns pods exist without one', () => {
    const lab = labCluster([pod('kube-system', 'dns-1', { 'k8s-app': 'kube-dns' })]);
    assert.equal(lab.addedDns, true);
    assert.deepEqual(
      lab.cluster.pods.map((p) => p.id),
      ['kube-system/dns-1'],
    );
    assert.equal(lab.nameserver, '198.19.0.10');
  });
  it('stored objects that no longer load are a lab error, not a smaller cluster', () => {
    // A Node stored with a namespace (an old bug) is refused by the loader: the lab must say so
    // rather than enforce a cluster without it.
    const node: StoredObject = {
      key: 'Node/default/n1',
      value: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'default' } },
    };
    assert.equal(labCluster([pod('a', 'x')]).cluster.pods.length, 2);
    assert.throws(
      () => labCluster([pod('a', 'x'), node]),
      (error: Error) => error.name === 'LabError' && /no longer load \(Node n1/.test(error.message),
    );
  });
});
