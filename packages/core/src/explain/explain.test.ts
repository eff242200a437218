import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, atLeast, first } from '../at.js';
import { portWords, ruleWords } from '../format/words.js';
import { clusterFromYaml } from '../test-helpers.js';
import { explainPod } from './explain-pod.js';
import { explainPolicy } from './explain-policy.js';

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
metadata: {name: other, namespace: web, labels: {app: other}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: backend, namespace: shop, labels: {app: backend}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-frontend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {access: frontend}}
          podSelector: {matchLabels: {app: frontend}}
      ports: [{port: 80}, {port: http}]
    - from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]
  egress:
    - to: [{podSelector: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lock-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
`;

describe('explainPolicy', () => {
  const cluster = clusterFromYaml(YAML);
  const policy = cluster.policies.find((p) => p.id === 'shop/allow-frontend');
  assert.ok(policy);
  const explanation = explainPolicy(cluster, policy);

  test('lists the pods it selects', () => {
    assert.deepEqual(
      explanation.selects.map((p) => p.id),
      ['shop/backend'],
    );
  });

  test('flags the ignored egress section', () => {
    assert.equal(explanation.ingress.isolates, true);
    assert.equal(explanation.ingress.ignored, false);
    assert.equal(explanation.egress.isolates, false);
    assert.equal(explanation.egress.ignored, true);
  });

  test('lists, per rule, the pods it admits and whether outside addresses can match', () => {
    assert.deepEqual(
      explanation.ingress.rules.map((r) => ({ path: r.path, pods: r.pods, external: r.external })),
      [
        { path: ['spec', 'ingress', 0], pods: ['web/frontend'], external: false },
        { path: ['spec', 'ingress', 1], pods: [], external: true },
      ],
    );
  });

  test('a rule in plain words', () => {
    assert.equal(
      first(explanation.ingress.rules).text,
      'pods app=frontend in namespaces access=frontend, on 80/TCP, http/TCP',
    );
    assert.equal(
      at(explanation.ingress.rules, 1).text,
      'ipBlock 203.0.113.0/24 except 203.0.113.128/25, on every port',
    );
  });
});

describe('explainPod', () => {
  const cluster = clusterFromYaml(YAML);
  const backend = cluster.pods.find((p) => p.id === 'shop/backend');
  assert.ok(backend);
  const explanation = explainPod(cluster, backend);

  test('names the policies that select it per direction', () => {
    assert.deepEqual(
      explanation.ingress.selectedBy.map((p) => p.id),
      ['shop/allow-frontend'],
    );
    assert.deepEqual(
      explanation.egress.selectedBy.map((p) => p.id),
      ['shop/lock-egress'],
    );
    assert.deepEqual(
      explanation.egress.selectedWithout.map((p) => p.id),
      ['shop/allow-frontend'],
    );
    assert.equal(explanation.egress.isolated, true);
    assert.equal(explanation.egress.rules.length, 0);
  });

  test('ingress rules resolve named ports on the pod itself', () => {
    assert.deepEqual(first(explanation.ingress.rules).ports, ['80/TCP', 'http/TCP (8080 on shop/backend)']);
  });

  test('an unselected pod is not isolated', () => {
    const frontend = cluster.pods.find((p) => p.id === 'web/frontend');
    assert.ok(frontend);
    const e = explainPod(cluster, frontend);
    assert.deepEqual([e.ingress.isolated, e.egress.isolated], [false, false]);
  });
});

describe('describe', () => {
  test('ports', () => {
    assert.equal(portWords({ protocol: 'TCP', port: 8000, endPort: 8080, index: 0 }), '8000-8080/TCP');
    assert.equal(portWords({ protocol: 'UDP', index: 0 }), 'every UDP port');
  });
  test('rules with every peer and namespace by name', () => {
    const cluster = clusterFromYaml(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: a}
spec:
  podSelector: {}
  egress:
    - {}
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}]
    - to: [{podSelector: {}}, {namespaceSelector: {}}]
`);
    const [policy] = atLeast(cluster.policies, 1);
    assert.deepEqual(
      policy.egress.map((r) => ruleWords(r, policy.namespace)),
      [
        'any destination (every pod and every outside address), on every port',
        'pods k8s-app=kube-dns in namespace kube-system, on 53/UDP',
        'every pod in namespace a or every pod in every namespace, on every port',
      ],
    );
  });
});
