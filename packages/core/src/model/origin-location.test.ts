import assert from 'node:assert/strict';
import { test } from 'node:test';
import { first } from '../at.js';
import { clusterFromYaml } from '../test-helpers.js';
import { originLocation } from './origin-location.js';

const YAML = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: a}
spec:
  podSelector: {}
  ingress:
    - from: [{podSelector: {}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i}]}
`;

test('originLocation: a field of a model element, relative to its origin, as file:line:col', () => {
  const cluster = clusterFromYaml(YAML);
  const policy = first(cluster.policies);
  const rows: [what: string, location: ReturnType<typeof originLocation>, expected: [number, number]][] = [
    ['the policy object', originLocation(policy.origin), [1, 1]],
    ['spec.ingress[0]', originLocation(policy.origin, ['spec', 'ingress', 0]), [7, 7]],
    ['an absent field: its nearest ancestor', originLocation(policy.origin, ['spec', 'egress']), [4, 1]],
    // A replica's origin is its workload's pod template: paths are relative to the template.
    ['a replica, at metadata.labels', originLocation(first(cluster.pods).origin, ['metadata', 'labels']), [15, 16]],
  ];
  for (const [what, location, [line, col]] of rows) {
    assert.deepEqual(location, { file: 'test.yaml', line, col }, what);
  }
  assert.equal(originLocation(undefined), undefined);
});
