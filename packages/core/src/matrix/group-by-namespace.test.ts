import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { at } from '../at.js';
import {
  arbitraryClusterObjects,
  manifestText,
  SCENARIO_EXTERNALS,
  SCENARIO_PORTS,
} from '../engine/arbitrary-cluster.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import type { PortQuery } from '../engine/types.js';
import { loadCluster } from '../load-cluster.js';
import type { ClusterModel } from '../model/types.js';
import { clusterFromYaml } from '../test-helpers.js';
import { computeMatrix } from './compute-matrix.js';
import { groupByNamespace, groupVerdict } from './group-by-namespace.js';
import { cellPeers, listMatrixEndpoints } from './matrix-endpoints.js';

const TCP80: PortQuery = { protocol: 'TCP', port: 80 };

const CLUSTER = `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: a, labels: { role: client } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: b }
spec:
  replicas: 3
  selector: { matchLabels: { role: web } }
  template:
    metadata: { labels: { role: web } }
    spec: { containers: [{ name: c, image: i, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: other, namespace: b, labels: { role: other } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: b }
spec:
  podSelector: { matchLabels: { role: web } }
  ingress:
    - from:
        - { namespaceSelector: {}, podSelector: { matchLabels: { role: client } } }
        - podSelector: { matchLabels: { role: web } }
`;

function grouped(cluster: ClusterModel, options: { perPod?: boolean; externals?: string[] } = {}) {
  const listed = listMatrixEndpoints(cluster, options);
  assert.ok(listed.ok);
  const result = computeMatrix(cluster, { endpoints: listed.value, ports: SCENARIO_PORTS, expand: false });
  return { endpoints: listed.value, grouped: groupByNamespace(result) };
}

describe('groupByNamespace', () => {
  const cluster = clusterFromYaml(CLUSTER);
  // Rows: allowed pairs from a, b, 203.0.113.7 to a, b, 203.0.113.7 on 80/TCP.
  for (const [name, perPod, sizes, rows] of [
    // Workloads: a = {client}, b = {other, web}; into web only from client and web. b→b:
    // other→other, web→other, web→web (a replica to another, allowed); not other→web.
    [
      'workloads',
      false,
      [1, 2, 1],
      [
        [1, 2, 1],
        [2, 3, 2],
        [1, 1, 0],
      ],
    ],
    // Pods: b = {other, web-0..2}: b→b is other→other, 3× web→other, 9× web→web.
    [
      'per pod',
      true,
      [1, 4, 1],
      [
        [1, 4, 1],
        [4, 13, 4],
        [1, 1, 0],
      ],
    ],
  ] as const) {
    test(`${name}: sizes and allowed pairs per namespace`, () => {
      const { grouped: g } = grouped(cluster, { perPod, externals: ['203.0.113.7'] });
      assert.deepEqual(g.groups, ['a', 'b', '203.0.113.7']);
      assert.deepEqual(g.sizes, sizes);
      const p = SCENARIO_PORTS.findIndex((q) => q.port === TCP80.port && q.protocol === TCP80.protocol);
      assert.deepEqual(
        g.groups.map((_, a) => Array.from(g.allowedRow(a, p))),
        rows.map((r) => [...r]),
      );
      assert.equal(g.pairs(2, 2), 0, 'outside to outside is not a pair');
    });
  }

  for (const [allowed, pairs, verdict] of [
    [0, 0, null],
    [0, 4, 'none'],
    [3, 4, 'some'],
    [4, 4, 'all'],
  ] as const) {
    test(`groupVerdict(${allowed}, ${pairs}) is ${verdict}`, () => {
      assert.equal(groupVerdict(allowed, pairs), verdict);
    });
  }

  test('every cell is the count of allowed endpoint pairs by the naive evaluator (random clusters)', () => {
    let someSeen = 0;
    fc.assert(
      fc.property(
        arbitraryClusterObjects(),
        fc.boolean(),
        fc.subarray([...SCENARIO_EXTERNALS]),
        (objects, perPod, externals) => {
          const loaded = loadCluster([{ name: 'arbitrary.yaml', text: manifestText(objects) }]);
          assert.ok(loaded.ok);
          const { endpoints, grouped: g } = grouped(loaded.value.cluster, { perPod, externals });
          const groupOf = endpoints.map((e) => g.groups.indexOf(e.kind === 'external' ? e.id : e.namespace));
          SCENARIO_PORTS.forEach((port, p) => {
            const expected = g.groups.map(() => new Array<number>(g.groups.length).fill(0));
            for (const [i, from] of endpoints.entries()) {
              for (const [j, to] of endpoints.entries()) {
                const verdict = naiveAllowed(loaded.value.cluster, ...cellPeers(from, to), port);
                const row = at(expected, at(groupOf, i));
                if (verdict === true) row[at(groupOf, j)] = at(row, at(groupOf, j)) + 1;
              }
            }
            g.groups.forEach((_, a) => {
              const row = Array.from(g.allowedRow(a, p));
              assert.deepEqual(row, expected[a], `${port.port}/${port.protocol} from ${g.groups[a]}`);
              row.forEach((allowed, b) => {
                if (groupVerdict(allowed, g.pairs(a, b)) === 'some') someSeen++;
              });
            });
          });
        },
      ),
      { numRuns: 100, seed: 1818 },
    );
    assert.ok(someSeen > 0, 'no cell was "some": the counting path never ran');
  });
});
