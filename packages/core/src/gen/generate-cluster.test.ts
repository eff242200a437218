import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { first } from '../at.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import type { PortQuery } from '../engine/types.js';
import { loadCluster } from '../load-cluster.js';
import { computeMatrix } from '../matrix/compute-matrix.js';
import { cellPeers, listMatrixEndpoints } from '../matrix/matrix-endpoints.js';
import { type GenOptions, generateCluster, genOptionsForPods } from './generate-cluster.js';
import { renderGenerated } from './render-generated.js';

const SMALL: GenOptions = { namespaces: 4, workloadsPerNamespace: 5, replicas: 2, policies: 40, seed: 7 };

function load(text: string, name = 'gen.json') {
  const result = loadCluster([{ name, text }]);
  assert.deepEqual(
    result.issues.filter((i) => i.severity === 'error'),
    [],
  );
  return result.value.cluster;
}

describe('generateCluster', () => {
  test('same seed gives byte-identical output; another seed differs', () => {
    for (const format of ['json', 'yaml'] as const) {
      const a = renderGenerated(generateCluster(SMALL), format);
      assert.equal(renderGenerated(generateCluster(SMALL), format), a);
      assert.notEqual(renderGenerated(generateCluster({ ...SMALL, seed: 8 }), format), a);
    }
  });

  test('sizes: namespaces x workloads x replicas, plus the system workloads; policies as asked', () => {
    const cluster = load(renderGenerated(generateCluster(SMALL), 'json'));
    assert.equal(cluster.pods.length, 4 * 5 * 2 + 3 * 2);
    assert.equal(cluster.workloads.length, 4 * 5 + 3);
    assert.equal(cluster.policies.length, 40);
    assert.equal(new Set(cluster.policies.map((p) => p.id)).size, 40);
    const coredns = cluster.workloads.find((w) => w.id === 'kube-system/coredns[Deployment]');
    assert.equal(coredns?.labels['k8s-app'], 'kube-dns');
    assert.equal(cluster.services.find((s) => s.id === 'kube-system/kube-dns')?.clusterIP, '198.19.0.10');
  });

  test('uses every feature the benchmark should exercise', () => {
    const text = renderGenerated(generateCluster(SMALL), 'json');
    for (const needle of ['"endPort"', '"except"', '"NotIn"', '"Exists"', '"In"', '"namespaceSelector"', '"UDP"']) {
      assert.ok(text.includes(needle), needle);
    }
    const cluster = load(text);
    assert.ok(cluster.policies.some((p) => p.types.egress && p.types.ingress));
  });

  test('YAML and JSON describe the same cluster', () => {
    const fromJson = load(renderGenerated(generateCluster(SMALL), 'json'));
    const fromYaml = load(renderGenerated(generateCluster(SMALL), 'yaml'), 'gen.yaml');
    assert.deepEqual(
      fromYaml.pods.map((p) => [p.id, p.labels, p.ips]),
      fromJson.pods.map((p) => [p.id, p.labels, p.ips]),
    );
    assert.deepEqual(
      fromYaml.policies.map((p) => [p.id, p.ingress, p.egress]),
      fromJson.policies.map((p) => [p.id, p.ingress, p.egress]),
    );
  });

  test('genOptionsForPods: 10 Deployments of 5 replicas per namespace, 10 policies each', () => {
    assert.deepEqual(genOptionsForPods(10000), {
      namespaces: 200,
      workloadsPerNamespace: 10,
      replicas: 5,
      policies: 2000,
      seed: 1,
    });
    assert.equal(genOptionsForPods(10, { seed: 3 }).namespaces, 1);
  });

  test('the policies mean what they say: DNS open, tiers wired, the rest denied', () => {
    const cluster = load(renderGenerated(generateCluster(SMALL), 'json'));
    const listed = listMatrixEndpoints(cluster, {});
    assert.ok(listed.ok);
    const eps = listed.value;
    const ports: PortQuery[] = [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 'grpc' },
      { protocol: 'TCP', port: 5432 },
    ];
    const m = computeMatrix(cluster, { endpoints: eps, ports });
    const at = (suffix: string, ns: string) => eps.findIndex((e) => e.id === `${ns}/${suffix}`);
    const ns = first(eps.find((e) => e.id.endsWith('/frontend-0[Deployment]'))!.id.split('/'));
    const dns = at('coredns[Deployment]', 'kube-system');
    assert.equal(m.allowed(at('frontend-0[Deployment]', ns), dns, 0), true);
    assert.equal(m.allowed(at('frontend-0[Deployment]', ns), at('api-1[Deployment]', ns), 1), true);
    assert.equal(m.allowed(at('frontend-0[Deployment]', ns), at('db-4[Deployment]', ns), 2), false);
    // and the whole matrix agrees with the oracle
    ports.forEach((port, p) => {
      for (const [i, from] of eps.entries()) {
        for (const [j, to] of eps.entries()) {
          assert.equal(m.allowed(i, j, p), naiveAllowed(cluster, ...cellPeers(from, to), port));
        }
      }
    });
  });
});
