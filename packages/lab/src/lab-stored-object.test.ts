import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ClusterModel, loadCluster, loadDocuments } from '@netpol/core';
import { storeObject } from './lab-cluster.js';
import { randomClusterObjects } from './lab-test-support.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** Everything a verdict or the lab reads of a cluster, in a comparable form. */
function essence(cluster: ClusterModel): unknown {
  return JSON.parse(
    JSON.stringify({
      namespaces: [...cluster.namespaces.values()].map((n) => [n.name, n.labels]),
      pods: cluster.pods.map((p) => [p.id, p.labels, p.ports, p.ips, p.hostNetwork, p.workload?.id]),
      services: cluster.services.map((s) => [s.id, s.clusterIP, s.ports, s.selector]),
      policies: cluster.policies.map((p) => [p.id, p.types, p.podSelector, p.ingress, p.egress]),
    }),
  );
}

function storedCluster(text: string, name: string): ClusterModel {
  const objects = loadDocuments({ name, text }).value.map(storeObject);
  const list = { apiVersion: 'v1', kind: 'List', items: objects.map((o) => o.value) };
  return loadCluster([{ name: 'stored.json', text: JSON.stringify(list) }]).value.cluster;
}

describe('what the lab stores of an object (issue 16, items 3 and 4)', () => {
  it('keeps no env value, command, annotation, Secret data or unknown field', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'db',
            labels: { app: 'db' },
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'LAST-APPLIED', 'netpol.dev/x': '1' },
          },
          spec: {
            containers: [
              {
                name: 'db',
                image: 'postgres',
                env: [{ name: 'DB_PASSWORD', value: 'S3CRET-ENV' }],
                command: ['S3CRET-CMD'],
                ports: [{ containerPort: 5432, name: 'pg' }],
              },
            ],
            volumes: [{ name: 'S3CRET-VOL' }],
          },
          status: { podIP: '198.18.4.4', conditions: ['S3CRET-STATUS'] },
          unknownField: Array.from({ length: 100 }, () => 'UNKNOWN'),
        },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'S3CRET-DATA' } },
      ],
    });
    const stored = JSON.stringify(loadDocuments({ name: 'db.json', text }).value.map(storeObject));
    for (const secret of ['S3CRET', 'LAST-APPLIED', 'UNKNOWN', 'DB_PASSWORD'])
      assert.ok(!stored.includes(secret), secret);
    for (const kept of ['netpol.dev/x', '5432', 'pg', '198.18.4.4', 'app']) assert.ok(stored.includes(kept), kept);
  });

  it('builds the same cluster as the whole manifests, for every example and random clusters', () => {
    const inputs: [string, string][] = [];
    for (const dir of readdirSync(EXAMPLES).filter((d) => /^\d{3}-/.test(d))) {
      for (const file of readdirSync(`${EXAMPLES}${dir}`).filter((f) => /\.ya?ml$/.test(f) && f !== 'expect.yaml')) {
        inputs.push([`${dir}/${file}`, readFileSync(`${EXAMPLES}${dir}/${file}`, 'utf8')]);
      }
    }
    for (let seed = 1; seed <= 20; seed++) {
      const items = randomClusterObjects(seed).map((o) => o.value);
      inputs.push([`random ${seed}`, JSON.stringify({ apiVersion: 'v1', kind: 'List', items })]);
    }
    assert.ok(inputs.length > 30);
    let pods = 0;
    for (const [name, text] of inputs) {
      const whole = loadCluster([{ name, text }]).value.cluster;
      pods += whole.pods.length;
      assert.deepEqual(essence(storedCluster(text, name)), essence(whole), name);
    }
    assert.ok(pods > 50, `${pods} pods compared`);
  });
});
