import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, atLeast, first } from '../at.js';
import type { PeerModel } from '../model/types.js';
import { clusterFromYaml } from '../test-helpers.js';
import { compileCluster } from './compile-cluster.js';

const cluster = clusterFromYaml(`
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.0.5, podIPs: [{ip: 10.0.0.5}, {ip: 'fd00::5'}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: other, labels: {app: db}}
spec: {containers: [{name: c, image: postgres}]}
status: {podIP: 10.0.1.7}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from:
        - ipBlock: {cidr: 'fd00::/64'}
        - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}
        - podSelector: {}
      ports: [{port: http}]
`);
const compiled = compileCluster(cluster);
const [web, db] = atLeast(
  ['shop/web', 'other/db'].map((id) => {
    const pod = cluster.pods.find((p) => p.id === id);
    assert.ok(pod);
    return pod;
  }),
  2,
);
assert.deepEqual(web.ips, ['10.0.0.5', 'fd00::5']);
const [policy] = atLeast(cluster.policies, 1);
const [rule] = atLeast(policy.ingress, 1);
const peers = rule.peers as readonly PeerModel[];

describe('compileCluster', () => {
  test('policiesSelecting: only the own namespace, by podSelector', () => {
    assert.deepEqual(
      compiled.policiesSelecting(web).map((c) => c.policy.id),
      ['shop/p'],
    );
    assert.deepEqual(compiled.policiesSelecting(db), []);
    // Anything shaped like a pod: a class of pods with no address.
    assert.equal(compiled.selects(policy, { namespace: 'shop', labels: { app: 'web', tier: 'x' } }), true);
  });

  const rows: { name: string; peer: number; endpoint: Parameters<typeof compiled.facts>[0]; want: boolean }[] = [
    {
      name: 'ipBlock sees a dual-stack pod by its primary IP only',
      peer: 0,
      endpoint: { kind: 'pod', pod: web },
      want: false,
    },
    { name: 'IPv6 ipBlock, outside IPv6 address', peer: 0, endpoint: { kind: 'external', ip: 'fd00::9' }, want: true },
    { name: 'ipBlock with except: inside', peer: 1, endpoint: { kind: 'pod', pod: web }, want: true },
    { name: 'ipBlock with except: in the hole', peer: 1, endpoint: { kind: 'pod', pod: db }, want: false },
    {
      name: 'namespaceSelector by the name label of an implicit namespace',
      peer: 2,
      endpoint: { kind: 'pod', pod: db },
      want: true,
    },
    {
      name: 'selectors never match outside addresses',
      peer: 2,
      endpoint: { kind: 'external', ip: '10.0.1.7' },
      want: false,
    },
    { name: 'podSelector {} alone: the own namespace', peer: 3, endpoint: { kind: 'pod', pod: web }, want: true },
    { name: 'podSelector {} alone: not another namespace', peer: 3, endpoint: { kind: 'pod', pod: db }, want: false },
  ];
  for (const row of rows) {
    test(`peerMatches: ${row.name}`, () => {
      assert.equal(compiled.peerMatches(policy, at(peers, row.peer), compiled.facts(row.endpoint)), row.want);
    });
  }

  test('ruleAdmits names the first matching peer and port; a named port resolves on the destination', () => {
    assert.deepEqual(compiled.ruleAdmits(policy, rule, compiled.facts({ kind: 'pod', pod: db }), 'TCP', 8080, web), {
      peerIndex: 2,
      portIndex: 0,
    });
    assert.equal(
      compiled.ruleAdmits(policy, rule, compiled.facts({ kind: 'pod', pod: db }), 'TCP', 80, web),
      undefined,
    );
    assert.equal(
      compiled.ruleAdmits(policy, rule, compiled.facts({ kind: 'pod', pod: db }), 'TCP', 8080, db),
      undefined,
    );
  });

  test('verdict: isolated ingress with its deciding rule', () => {
    const verdict = compiled.verdict(
      { kind: 'pod', pod: db },
      { kind: 'pod', pod: web },
      { protocol: 'TCP', port: 'http' },
    );
    assert.equal(verdict.allowed, true);
    assert.equal(verdict.port, 8080);
    assert.deepEqual(
      verdict.ingress.allowedBy.map((r) => [r.policy.id, r.ruleIndex, r.peerIndex, r.portIndex]),
      [['shop/p', 0, 2, 0]],
    );
    assert.equal(verdict.egress.isolated, false);
  });

  test('namespaceLabels: defined namespaces keep theirs; others get the name label', () => {
    assert.deepEqual(compiled.namespaceLabels('shop'), { team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    assert.deepEqual(compiled.namespaceLabels('nowhere'), { 'kubernetes.io/metadata.name': 'nowhere' });
  });

  test('rules shared between policies are judged in each policy', () => {
    // A policy copied into another namespace keeps its rule objects (policy-only analysis does this).
    const copy = { ...policy, namespace: 'other', id: 'other/p' };
    const both = compileCluster({ ...cluster, policies: [policy, copy] });
    const own = at(peers, 3); // podSelector {}: the policy's own namespace
    assert.equal(both.peerMatches(policy, own, both.facts({ kind: 'pod', pod: web })), true);
    assert.equal(both.peerMatches(copy, own, both.facts({ kind: 'pod', pod: web })), false);
    assert.equal(both.peerMatches(copy, own, both.facts({ kind: 'pod', pod: db })), true);
  });

  test('model objects of another cluster are refused, not silently unmatched', () => {
    const other = clusterFromYaml(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: {podSelector: {}}',
    );
    assert.throws(() => compiled.selects(first(other.policies), web), /not of this cluster/);
  });
});
