import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { atLeast, first } from '../at.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import { clusterFromYaml } from '../test-helpers.js';
import { checkEndpoints } from './check-endpoints.js';
import { parsePortQuery } from './parse-port-query.js';
import { resolveEndpoint } from './resolve-endpoint.js';

const SHOP = readFileSync(new URL('./fixtures/shop.yaml', import.meta.url), 'utf8');

const ONLY_8080 = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-client, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}, podSelector: {matchLabels: {app: client}}}]
      ports: [{port: 8080}]
`;

function check(yaml: string, from: string, to: string, port: string) {
  const cluster = clusterFromYaml(yaml);
  const engine = createReferenceEngine(cluster);
  const f = resolveEndpoint(cluster, from);
  const t = resolveEndpoint(cluster, to);
  const p = parsePortQuery(port);
  assert.ok(f.ok && t.ok && p.ok);
  return checkEndpoints(engine, f.value, t.value, p.value);
}

test('a Service is judged on every backend after targetPort translation', () => {
  const result = check(SHOP + ONLY_8080, 'default/client', 'backend.shop.svc.cluster.local', '80');
  assert.ok(result.ok);
  assert.equal(result.value.allowed, true);
  assert.equal(result.value.servicePort?.targetPort, 'http');
  assert.deepEqual(
    result.value.pairs.map((p) => [
      p.destination.kind === 'pod' && p.destination.pod.id,
      p.verdict.port,
      p.verdict.allowed,
    ]),
    [
      ['shop/backend-0', 8080, true],
      ['shop/backend-1', 8080, true],
    ],
  );
  assert.equal(first(first(result.value.pairs).verdict.ingress.allowedBy).policy.id, 'shop/only-client');
});

test('a Service port can be named', () => {
  const result = check(SHOP + ONLY_8080, 'default/client', 'backend.shop', 'web');
  assert.ok(result.ok && result.value.allowed);
});

test('the other client is denied on every backend', () => {
  const result = check(SHOP + ONLY_8080, 'other/client', 'backend.shop', '80');
  assert.ok(result.ok);
  assert.equal(result.value.allowed, false);
  assert.ok(result.value.pairs.every((p) => !p.verdict.allowed && p.verdict.ingress.isolated));
});

test('asking the pod directly on the Service port is a different question', () => {
  const result = check(SHOP + ONLY_8080, 'default/client', 'shop/backend[Deployment]', '80');
  assert.ok(result.ok && !result.value.allowed);
});

test('an unknown Service port is an error listing the ports', () => {
  const result = check(SHOP, 'default/client', 'backend.shop', '8080');
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'service-port-unknown');
  assert.deepEqual(result.error.candidates, ['80/TCP (web)']);
});

test('a Service without backends is denied with a reason', () => {
  const result = check(SHOP, 'default/client', 'empty.shop', '80');
  assert.ok(result.ok);
  assert.equal(result.value.allowed, false);
  assert.equal(result.value.reason, 'service-no-backends');
  assert.equal(result.value.pairs.length, 0);
});

test('a targetPort name a backend lacks denies that backend', () => {
  const yaml = SHOP.replace('targetPort: http', 'targetPort: metrics');
  const result = check(yaml, 'default/client', 'backend.shop', '80');
  assert.ok(result.ok && !result.value.allowed);
  assert.ok(result.value.pairs.every((p) => p.verdict.note === 'named-port-unresolved'));
});

const HEADLESS = `
---
apiVersion: v1
kind: Service
metadata: {name: backend-headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: backend}
  ports: [{name: web, port: 80, targetPort: http}]
`;

test('a headless Service is not translated: the asked port reaches the pods as is', () => {
  const rows: [port: string, pairPort: number | undefined, allowed: boolean][] = [
    // curl backend-headless:8080 connects to <pod IP>:8080, which only-client admits.
    ['8080', 8080, true],
    // curl backend-headless:80 connects to <pod IP>:80: no DNAT to targetPort, so denied.
    ['80', 80, false],
    // A named port resolves on each pod, as for a pod destination.
    ['http', 8080, true],
  ];
  for (const [port, pairPort, allowed] of rows) {
    const result = check(SHOP + ONLY_8080 + HEADLESS, 'default/client', 'backend-headless.shop', port);
    assert.ok(result.ok, port);
    assert.equal(result.value.allowed, allowed, port);
    assert.deepEqual(
      result.value.pairs.map((p) => p.verdict.port),
      [pairPort, pairPort],
      port,
    );
  }
  // The Service port of that number is still reported.
  const named = check(SHOP + ONLY_8080 + HEADLESS, 'default/client', 'backend-headless.shop', '80');
  assert.ok(named.ok);
  assert.equal(named.value.servicePort?.name, 'web');
});

const DENY_ALL = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec:
  podSelector: {}
`;

test('a workload to itself is judged between two replicas, not as a pod reaching itself', () => {
  const result = check(SHOP + DENY_ALL, 'shop/backend[Deployment]', 'shop/backend[Deployment]', '8080');
  assert.ok(result.ok);
  assert.equal(result.value.reason, 'between-replicas');
  assert.equal(result.value.allowed, false);
  const [pair] = atLeast(result.value.pairs, 1);
  assert.deepEqual(
    [pair.source, pair.destination].map((p) => p.kind === 'pod' && p.pod.id),
    ['shop/backend-0', 'shop/backend-1'],
  );
  assert.deepEqual(
    pair.verdict.ingress.selectedBy.map((p) => p.id),
    ['shop/deny-all'],
  );
  // A pod named to itself stays self-traffic.
  const self = check(SHOP + DENY_ALL, 'shop/backend-0', 'shop/backend-0', '8080');
  assert.ok(self.ok);
  assert.deepEqual(
    [self.value.allowed, self.value.reason, first(self.value.pairs).verdict.note],
    [true, undefined, 'self'],
  );
});
