import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterFromYaml } from '../test-helpers.js';
import { defaultMatrixPorts } from './default-ports.js';
import { listMatrixEndpoints } from './matrix-endpoints.js';

test('defaultMatrixPorts: container ports and single policy ports, TCP first; 80/TCP when none', () => {
  const cluster = clusterFromYaml(`
apiVersion: v1
kind: Pod
metadata: { name: a, namespace: ns1 }
spec: { containers: [{ name: c, image: i, ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: UDP }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: ns1 }
spec:
  podSelector: {}
  ingress: [{ ports: [{ port: 443 }, { port: 1000, endPort: 2000 }, { port: http }] }]
`);
  const listed = listMatrixEndpoints(cluster);
  assert.ok(listed.ok);
  assert.deepEqual(defaultMatrixPorts(cluster, listed.value), [
    { protocol: 'TCP', port: 443 },
    { protocol: 'TCP', port: 8080 },
    { protocol: 'UDP', port: 53 },
  ]);
  const bare = clusterFromYaml(
    'apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec: { containers: [{ name: c, image: i }] }\n',
  );
  assert.deepEqual(defaultMatrixPorts(bare, []), [{ protocol: 'TCP', port: 80 }]);
});
