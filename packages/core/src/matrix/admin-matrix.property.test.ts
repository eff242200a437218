import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { at } from '../at.js';
import { arbitraryAdminObjects } from '../engine/arbitrary-admin.js';
import { manifestText, SCENARIO_EXTERNALS, SCENARIO_PORTS } from '../engine/arbitrary-cluster.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import { loadCluster } from '../load-cluster.js';
import { computeMatrix } from './compute-matrix.js';
import { cellPeers, listMatrixEndpoints } from './matrix-endpoints.js';

/** A Deployment of 3 replicas beside the random pods, so classes really group endpoints. */
const replicas = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'x' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'a' } },
    template: {
      metadata: { labels: { app: 'a' } },
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 80 }] }] },
    },
  },
};

test('with admin tiers, the fast matrix agrees with the naive evaluator (classes split on admin subjects and peers)', () => {
  let endpointsSeen = 0;
  let classesSeen = 0;
  let compared = 0;
  let denied = 0;
  fc.assert(
    fc.property(arbitraryAdminObjects(), fc.boolean(), (objects, expand) => {
      const loaded = loadCluster([{ name: 'arbitrary.yaml', text: manifestText([...objects, replicas]) }]);
      assert.ok(loaded.ok, loaded.issues.map((i) => i.message).join('; '));
      const cluster = loaded.value.cluster;
      const listed = listMatrixEndpoints(cluster, { perPod: true, externals: SCENARIO_EXTERNALS });
      assert.ok(listed.ok);
      const eps = listed.value;
      const result = computeMatrix(cluster, { endpoints: eps, ports: SCENARIO_PORTS, expand });
      SCENARIO_PORTS.forEach((port, p) => {
        for (let i = 0; i < eps.length; i++) {
          for (let j = 0; j < eps.length; j++) {
            const expected = naiveAllowed(cluster, ...cellPeers(at(eps, i), at(eps, j)), port);
            const actual = result.allowed(i, j, p);
            if (actual !== expected) {
              assert.fail(
                `${at(eps, i).id} -> ${at(eps, j).id} on ${port.port}/${port.protocol}: fast ${actual}, naive ${expected}\n${manifestText(objects)}`,
              );
            }
            compared++;
            if (actual === false) denied++;
          }
        }
      });
      endpointsSeen += eps.length;
      classesSeen += result.stats.podClasses + result.stats.externalClasses;
    }),
    { numRuns: 120, seed: 20261203 },
  );
  assert.ok(classesSeen < endpointsSeen, `classes ${classesSeen} endpoints ${endpointsSeen}`);
  assert.ok(denied > compared / 10, `only ${denied} of ${compared} denied`);
});
