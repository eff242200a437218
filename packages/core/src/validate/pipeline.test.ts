import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { first } from '../at.js';
import { loadCluster } from '../load-cluster.js';
import type { PeerModel } from '../model/types.js';

/** What validation lets through, the model builder must take without surprises. */

const load = (text: string, podCidr?: string) => loadCluster([{ name: 'm.yaml', text }], podCidr ? { podCidr } : {});

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec: {containers: [{name: c, image: i}]}
`;

describe('validate → model', () => {
  it('gives the model the network of a sloppy CIDR the API server accepts with a warning', () => {
    const r = load(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.1/8, except: [010.1.0.0/16]}
    - ipBlock: {cidr: '::ffff:192.168.0.0/112'}
`);
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.issues.map((i) => `${i.severity} ${i.path.join('.')}`),
      [
        'warning spec.ingress.0.from.0.ipBlock.cidr',
        'warning spec.ingress.0.from.0.ipBlock.except.0',
        'warning spec.ingress.0.from.1.ipBlock.cidr',
      ],
    );
    const peers = first(first(r.value.cluster.policies).ingress).peers as PeerModel[];
    assert.deepEqual(
      peers.map((p) => (p.kind === 'ipBlock' ? [p.cidr, ...p.except] : [])),
      [['10.0.0.0/8', '10.1.0.0/16'], ['192.168.0.0/16']],
    );
  });

  it('models at most MAX_WORKLOAD_REPLICAS pods of a workload, with a warning', () => {
    const r = load(deployment(20000));
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.issues.map((i) => `${i.code} ${i.path.join('.')}`),
      ['field-warning spec.replicas'],
    );
    assert.equal(r.value.cluster.pods.length, 10000);
  });

  it('reports more pods than the pod range holds as an error, not a crash', () => {
    const r = load(deployment(800), '198.18.0.0/22');
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.issues.map((i) => i.code),
      ['address-range-full'],
    );
  });

  it('leaves out objects with errors and builds the rest', () => {
    const r = load(`${deployment(2)}---
apiVersion: v1
kind: Pod
metadata: {name: broken, labels: {ok: yes}}
spec: {containers: [{name: c, image: i}]}
`);
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.value.cluster.pods.map((p) => p.id),
      ['default/big-0', 'default/big-1'],
    );
    assert.equal(r.value.objects.length, 2);
  });
});

describe('issue locations', () => {
  it('points a clusterIP error (reported at spec.clusterIPs[0], as upstream) at clusterIP', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  clusterIP: 10.0.0.300\n  ports: [{port: 80}]\n';
    const r = load(text);
    assert.deepEqual(
      r.issues.map((i) => [i.path.join('.'), text.slice(i.range?.[0], i.range?.[1])]),
      [['spec.clusterIPs.0', 'clusterIP: 10.0.0.300']],
    );
  });
});

describe('kinds of other API groups', () => {
  it("skips a Calico NetworkPolicy with a warning (another engine's policy); a removed Kubernetes version is refused by --strict, else a warning", () => {
    const text = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico}
spec: {selector: all(), types: [Ingress]}
---
apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: {name: old}
spec: {podSelector: {}}
`;
    const strict = loadCluster([{ name: 'm.yaml', text }], { strict: true });
    assert.deepEqual(
      strict.issues.map((i) => `${i.severity} ${i.code} ${i.object}`),
      ['info unknown-kind NetworkPolicy default/calico', 'error field-not-supported NetworkPolicy default/old'],
    );
    assert.equal(strict.value.cluster.policies.length, 0);
    // The same policy under networking.k8s.io/v1: it means the same, so analysis uses it.
    const r = load(text);
    assert.deepEqual(
      r.issues.map((i) => `${i.severity} ${i.code} ${i.object}`),
      ['info unknown-kind NetworkPolicy default/calico', 'warning field-not-supported NetworkPolicy default/old'],
    );
    assert.deepEqual(
      r.value.cluster.policies.map((p) => p.id),
      ['default/old'],
    );
    assert.match(r.issues[0]?.message ?? '', /another engine's policy, which netpol does not evaluate/);
    // A kind that allows or denies nothing stays a note.
    const configMap = load('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    assert.deepEqual(
      configMap.issues.map((i) => `${i.severity} ${i.code}`),
      ['info unknown-kind'],
    );
  });
});
