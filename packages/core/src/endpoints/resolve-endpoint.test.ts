import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { clusterFromYaml } from '../test-helpers.js';
import { resolveEndpoint } from './resolve-endpoint.js';

const SHOP = readFileSync(new URL('./fixtures/shop.yaml', import.meta.url), 'utf8');

describe('resolveEndpoint', () => {
  const cluster = clusterFromYaml(SHOP);
  const rows: { input: string; kind: string; id: string; pod?: string }[] = [
    { input: 'default/client', kind: 'pod', id: 'default/client', pod: 'default/client' },
    { input: 'client', kind: 'pod', id: 'default/client', pod: 'default/client' },
    { input: 'lonely', kind: 'pod', id: 'other/lonely', pod: 'other/lonely' },
    { input: 'shop/backend[Deployment]', kind: 'pod', id: 'shop/backend[Deployment]', pod: 'shop/backend-0' },
    { input: 'shop/backend[deployment]', kind: 'pod', id: 'shop/backend[Deployment]', pod: 'shop/backend-0' },
    { input: 'backend[Deployment]', kind: 'pod', id: 'shop/backend[Deployment]', pod: 'shop/backend-0' },
    { input: 'shop/backend-1', kind: 'pod', id: 'shop/backend-1', pod: 'shop/backend-1' },
    {
      input: 'shop/backend[StatefulSet]',
      kind: 'pod',
      id: 'shop/backend[StatefulSet]',
      pod: 'shop/backend[StatefulSet]',
    },
    { input: '198.18.5.5', kind: 'pod', id: 'default/client', pod: 'default/client' },
    { input: '203.0.113.10', kind: 'external', id: '203.0.113.10' },
    { input: '2001:db8::1', kind: 'external', id: '2001:db8::1' },
    { input: '198.19.0.20', kind: 'service', id: 'backend.shop.svc.cluster.local' },
    { input: 'backend.shop.svc.cluster.local', kind: 'service', id: 'backend.shop.svc.cluster.local' },
    { input: 'backend.shop.svc.cluster.local.', kind: 'service', id: 'backend.shop.svc.cluster.local' },
    { input: 'backend.shop.svc', kind: 'service', id: 'backend.shop.svc.cluster.local' },
    { input: 'backend.shop', kind: 'service', id: 'backend.shop.svc.cluster.local' },
  ];
  for (const row of rows) {
    test(`${row.input} → ${row.kind} ${row.id}`, () => {
      const result = resolveEndpoint(cluster, row.input);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
      const endpoint = result.value;
      assert.equal(endpoint.kind, row.kind);
      assert.equal(endpoint.id, row.id);
      if (row.pod) assert.equal(endpoint.kind === 'pod' && endpoint.pod.id, row.pod);
    });
  }

  test('a Service lists its backing pods', () => {
    const result = resolveEndpoint(cluster, 'backend.shop');
    assert.ok(result.ok && result.value.kind === 'service');
    assert.deepEqual(
      result.value.backends.map((p) => p.id),
      ['shop/backend-0', 'shop/backend-1'],
    );
  });

  test('a workload with no replicas is judged on its template (no address)', () => {
    const result = resolveEndpoint(cluster, 'shop/backend[StatefulSet]');
    assert.ok(result.ok && result.value.kind === 'pod');
    assert.deepEqual(result.value.pod.labels, { app: 'db' });
    assert.deepEqual(result.value.pod.ips, []);
  });

  const errors: { input: string; code: string; candidates?: string[] }[] = [
    { input: 'default/clinet', code: 'endpoint-unknown', candidates: ['default/client'] },
    { input: 'shop/backend[DaemonSet]', code: 'endpoint-unknown' },
    {
      input: 'backnd.shop.svc.cluster.local',
      code: 'endpoint-unknown',
      candidates: ['backend.shop.svc.cluster.local'],
    },
    {
      input: 'shop/backend',
      code: 'endpoint-ambiguous',
      candidates: ['shop/backend[Deployment]', 'shop/backend[StatefulSet]'],
    },
    { input: 'nobody', code: 'endpoint-unknown' },
    { input: '', code: 'endpoint-invalid' },
    { input: 'a/b/c', code: 'endpoint-invalid' },
  ];
  for (const row of errors) {
    test(`${JSON.stringify(row.input)} → ${row.code}`, () => {
      const result = resolveEndpoint(cluster, row.input);
      assert.ok(!result.ok);
      assert.equal(result.error.code, row.code);
      if (row.candidates) assert.deepEqual(result.error.candidates.slice(0, row.candidates.length), row.candidates);
    });
  }

  test('bare name[Kind] uses the given default namespace first', () => {
    const result = resolveEndpoint(cluster, 'backend[Deployment]', { defaultNamespace: 'shop' });
    assert.ok(result.ok);
    assert.equal(result.value.id, 'shop/backend[Deployment]');
    const missing = resolveEndpoint(cluster, 'backend[DaemonSet]', { defaultNamespace: 'shop' });
    assert.ok(!missing.ok);
    assert.equal(missing.error.code, 'endpoint-unknown');
  });

  // kubectl's TYPE/NAME (in the default namespace) and NS/TYPE/NAME: quoting-free in every shell.
  const typed: { input: string; ns?: string; kind: string; id: string }[] = [
    { input: 'deploy/backend', ns: 'shop', kind: 'pod', id: 'shop/backend[Deployment]' },
    { input: 'deployment/backend', ns: 'shop', kind: 'pod', id: 'shop/backend[Deployment]' },
    { input: 'Deployments/backend', ns: 'shop', kind: 'pod', id: 'shop/backend[Deployment]' },
    { input: 'sts/backend', ns: 'shop', kind: 'pod', id: 'shop/backend[StatefulSet]' },
    { input: 'shop/deploy/backend', kind: 'pod', id: 'shop/backend[Deployment]' },
    { input: 'shop/statefulset/backend', kind: 'pod', id: 'shop/backend[StatefulSet]' },
    { input: 'pod/client', kind: 'pod', id: 'default/client' },
    { input: 'po/client', ns: 'other', kind: 'pod', id: 'other/client' },
    { input: 'other/pod/lonely', kind: 'pod', id: 'other/lonely' },
    { input: 'svc/backend', ns: 'shop', kind: 'service', id: 'backend.shop.svc.cluster.local' },
    { input: 'shop/service/backend', kind: 'service', id: 'backend.shop.svc.cluster.local' },
  ];
  for (const row of typed) {
    test(`${row.input}${row.ns ? ` -n ${row.ns}` : ''} → ${row.kind} ${row.id}`, () => {
      const result = resolveEndpoint(cluster, row.input, { defaultNamespace: row.ns });
      assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
      assert.equal(result.value.kind, row.kind);
      assert.equal(result.value.id, row.id);
    });
  }

  test('TYPE/NAME names only that type, in the default namespace (no guessing elsewhere)', () => {
    for (const [input, ns] of [
      ['deploy/backend', 'default'],
      ['ds/backend', 'shop'],
      ['pod/backend', 'shop'],
      ['shop/svc/nothing', 'default'],
    ] as const) {
      const result = resolveEndpoint(cluster, input, { defaultNamespace: ns });
      assert.ok(!result.ok, input);
      assert.equal(result.error.code, 'endpoint-unknown', input);
    }
  });

  test('ns/name keeps its meaning when a namespace is named like a resource type', () => {
    const withDeployNamespace = clusterFromYaml(
      'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: deploy }\nspec: { containers: [{ name: c, image: i }] }\n',
    );
    const result = resolveEndpoint(withDeployNamespace, 'deploy/web');
    assert.ok(result.ok);
    assert.equal(result.value.id, 'deploy/web');
  });

  test('bare name uses the given default namespace', () => {
    const result = resolveEndpoint(cluster, 'client', { defaultNamespace: 'other' });
    assert.ok(result.ok);
    assert.equal(result.value.id, 'other/client');
  });
});
