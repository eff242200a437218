import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeast, first } from './at.js';
import { positionOf } from './load/source.js';
import { loadCluster } from './load-cluster.js';

const policy = (name: string, ingress: string, namespace = '') =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}\nspec:\n  podSelector: {}\n  ingress: ${ingress}\n`;

const load = (...texts: string[]) => loadCluster(texts.map((text, i) => ({ name: `f${i}.yaml`, text })));

describe('loadCluster reads what kubectl apply -f would apply', () => {
  it('the last definition of a kind/namespace/name wins, with a warning naming both places', () => {
    const r = load(`${policy('p', '[]')}---\n${policy('q', '[]')}`, policy('p', '[{}]', 'default'));
    assert.equal(r.ok, true);
    const policies = r.value.cluster.policies;
    assert.deepEqual(
      policies.map((p) => [p.id, p.ingress.length, p.origin?.object.source.name]),
      [
        ['default/p', 1, 'f1.yaml'],
        ['default/q', 0, 'f0.yaml'],
      ],
    );
    const warnings = r.issues.filter((i) => i.code === 'duplicate-object');
    assert.equal(warnings.length, 1);
    assert.equal(first(warnings).severity, 'warning');
    assert.equal(first(warnings).file, 'f0.yaml');
    assert.equal(first(warnings).object, 'NetworkPolicy default/p');
    assert.match(first(warnings).message, /defined again at f1\.yaml:1:1/);
    // Every definition stays among the loaded objects (lint's duplicate-policy reads them).
    assert.equal(r.value.objects.length, 3);
  });

  it('the same name in another namespace or of another kind is another object', () => {
    const r = load(policy('p', '[]', 'a'), policy('p', '[]', 'b'));
    assert.deepEqual(
      r.value.cluster.policies.map((p) => p.id),
      ['a/p', 'b/p'],
    );
    assert.deepEqual(
      r.issues.map((i) => i.code),
      [],
    );
  });

  it('the later definition wins inside one file too (position of the first in the warning)', () => {
    const text = `${policy('p', '[{}]')}---\n${policy('p', '[]')}`;
    const r = load(text);
    assert.equal(first(r.value.cluster.policies).ingress.length, 0);
    const [warning] = atLeast(r.issues, 1);
    const source = { name: 'f0.yaml', text };
    assert.deepEqual(positionOf(source, warning.range?.[0] ?? -1), { line: 1, col: 1 });
    assert.match(warning.message, /f0\.yaml:8:1/);
  });
});

describe('loadCluster makes up addresses for clusters of any supported size', () => {
  it('more than 65,536 pods without an address load (they used to fail: "give a larger range")', () => {
    const deployment = (i: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}, namespace: big}\nspec:\n  replicas: 9500\n  selector: {matchLabels: {app: d${i}}}\n  template:\n    metadata: {labels: {app: d${i}}}\n    spec: {containers: [{name: c, image: i}]}\n`;
    const r = load(Array.from({ length: 7 }, (_, i) => deployment(i)).join('---\n'));
    assert.deepEqual(r.issues, []);
    assert.equal(r.value.cluster.pods.length, 66_500);
    assert.deepEqual(r.value.cluster.podRanges, ['240.0.0.0/12']);
    assert.equal(new Set(r.value.cluster.pods.map((p) => p.ips[0])).size, 66_500);
  });

  it('a range given that is too small is an error naming --pod-cidr', () => {
    const pods = Array.from(
      { length: 3 },
      (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec: {containers: [{name: c, image: i}]}\n`,
    ).join('---\n');
    const r = loadCluster([{ name: 'p.yaml', text: pods }], { podCidr: '10.0.0.0/24' });
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.issues.map((i) => i.code),
      ['address-range-full'],
    );
    assert.match(first(r.issues).message, /10\.0\.0\.0\/24 must be an IPv4 CIDR of \/22 or larger/);
  });
});

describe('loadCluster warns when a policy naming no namespace lands where no pod is', () => {
  const pod = (namespace: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${namespace}}\nspec: {containers: [{name: c, image: i}]}\n`;
  const cases: [string, string[], { defaultNamespace?: string }, RegExp | undefined][] = [
    [
      'policies without a namespace, pods elsewhere: one warning for both',
      [policy('a', '[]'), policy('b', '[]'), pod('shop'), pod('web')],
      {},
      /^2 NetworkPolicies name no namespace and were read in namespace default, which has no pods \(the pods are in shop, web\), so they select nothing; .*give -n NAMESPACE/,
    ],
    ['pods in default too (the tutorials)', [policy('a', '[]'), pod('default')], {}, undefined],
    ['-n names the namespace of the pods', [policy('a', '[]'), pod('shop')], { defaultNamespace: 'shop' }, undefined],
    [
      '-n names another namespace',
      [policy('a', '[]'), pod('shop')],
      { defaultNamespace: 'web' },
      /^1 NetworkPolicy names no namespace and was read in namespace web \(-n\), which has no pods/,
    ],
    [
      'check and explain pass default as the namespace: not said to be -n',
      [policy('a', '[]'), pod('shop')],
      { defaultNamespace: 'default' },
      /^1 NetworkPolicy names no namespace and was read in namespace default, which has no pods/,
    ],
    ['no pods at all (policy-only analysis)', [policy('a', '[]')], {}, undefined],
    ['every policy names its namespace', [policy('a', '[]', 'default'), pod('shop')], {}, undefined],
  ];
  for (const [name, texts, options, expected] of cases) {
    it(name, () => {
      const r = loadCluster(
        texts.map((text, i) => ({ name: `f${i}.yaml`, text })),
        options,
      );
      const found = r.issues.filter((i) => i.code === 'namespace-assumed');
      if (!expected) return assert.deepEqual(found, []);
      assert.equal(found.length, 1);
      assert.equal(first(found).severity, 'warning');
      assert.equal(first(found).file, 'f0.yaml');
      assert.match(first(found).message, expected);
    });
  }
});
