import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterFromYaml } from '../test-helpers.js';
import { explainPodTraffic } from './pod-traffic.js';

const YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {access: frontend}}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, namespace: web, labels: {app: frontend}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: backend, namespace: shop, labels: {app: backend}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {access: frontend}}, podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: 80}]
    - from: [{podSelector: {matchLabels: {app: nothing}}}]
    - from: [{podSelector: {}}]
      ports: [{port: metrics}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-out, namespace: web}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {app: backend}}}]
      ports: [{port: http}]
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: backend}}}]
`;

const cluster = clusterFromYaml(YAML);
const traffic = (id: string) => {
  const pod = cluster.pods.find((p) => p.id === id);
  assert.ok(pod, id);
  return explainPodTraffic(cluster, pod);
};
const refs = (rules: readonly { policy: { id: string }; direction: string; index: number }[]) =>
  rules.map((r) => `${r.policy.id} ${r.direction}[${r.index}]`);

describe('explainPodTraffic', () => {
  const rows: {
    name: string;
    pod: string;
    side: 'ingress' | 'egress';
    admitting: string[];
    leftOut: number;
    asPeer: string[];
    selects?: string[][];
  }[] = [
    {
      name: "own rules: one matching no pod and one whose named port the pod lacks are left out; the peer's egress rule naming it is listed",
      pod: 'shop/backend',
      side: 'ingress',
      admitting: ['shop/backend-in ingress[0]'],
      leftOut: 2,
      asPeer: ['web/frontend-out egress[0]'],
      selects: [['web/frontend']],
    },
    {
      name: 'not isolated for egress: no own rule; the ingress rule of db admitting it is listed with the pods at its end',
      pod: 'shop/backend',
      side: 'egress',
      admitting: [],
      leftOut: 0,
      asPeer: ['shop/db-in ingress[0]'],
      selects: [['shop/db']],
    },
    {
      name: 'egress rules admit per destination: both kept; the ingress rule that admits it into backend is listed',
      pod: 'web/frontend',
      side: 'egress',
      admitting: ['web/frontend-out egress[0]', 'web/frontend-out egress[1]'],
      leftOut: 0,
      asPeer: ['shop/backend-in ingress[0]'],
    },
    {
      name: 'an egress rule naming the pod but only a named port it lacks admits nothing to it',
      pod: 'shop/db',
      side: 'ingress',
      admitting: ['shop/db-in ingress[0]'],
      leftOut: 0,
      asPeer: ['web/frontend-out egress[1]'],
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const side = traffic(row.pod)[row.side];
      assert.deepEqual(refs(side.admitting), row.admitting);
      assert.equal(side.leftOut, row.leftOut);
      assert.deepEqual(refs(side.asPeer), row.asPeer);
      if (row.selects)
        assert.deepEqual(
          side.asPeer.map((r) => r.selects),
          row.selects,
        );
    });
  }

  test('rule words are the explain wording, named ports resolved on the pod when it is the destination', () => {
    const [rule] = traffic('shop/backend').ingress.asPeer;
    assert.equal(rule?.text, 'pods app=backend in every namespace, on http/TCP (8080 on shop/backend)');
  });
});
