import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { at } from '../at.js';
import { arbitraryAdminCluster } from '../engine/arbitrary-admin.js';
import { arbitraryCluster, type ClusterScenario } from '../engine/arbitrary-cluster.js';
import { adminPoliciesOfPod } from '../explain/explain-admin.js';
import { explainPod } from '../explain/explain-pod.js';
import type { ClusterModel } from '../model/types.js';
import { clusterFromYaml, policiesOnly } from '../test-helpers.js';
import { explainSymbolicPods, type SymbolicPodGroup } from './explain-symbolic.js';
import { parseSymbolicEndpoint, type SymbolicEndpoint } from './symbolic-endpoint.js';
import { computeSymbolicSpace } from './symbolic-space.js';

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {role: client}}}]
      ports: [{port: http}]
  egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-out, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: In, values: [db]}]}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-prod, namespace: web}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {env: prod}}}]}]
`;

function pods(text: string): Extract<SymbolicEndpoint, { kind: 'pods' }> {
  const parsed = parseSymbolicEndpoint(text);
  assert.ok(parsed.ok && parsed.value.kind === 'pods', text);
  return parsed.value;
}

/** Each group as `pods: ingress by ...; egress by ...; ignored ...`, the rules as policy:path. */
function groupsOf(cluster: ClusterModel, endpoint: string): string[] {
  const result = explainSymbolicPods(cluster, pods(endpoint));
  assert.ok(result.ok, endpoint);
  return result.value.groups.map((g) => {
    const side = (d: typeof g.explanation.ingress) =>
      `${d.direction} ${d.isolated ? `by ${d.selectedBy.map((p) => p.id).join(',')} [${d.rules.map((r) => `${r.policy.id}:${r.path.join('.')}`).join(' ')}]` : 'open'}${d.selectedWithout.length > 0 ? ` (also ${d.selectedWithout.map((p) => p.id).join(',')})` : ''}`;
    return `${g.pods}: ${side(g.explanation.ingress)}; ${side(g.explanation.egress)}`;
  });
}

describe('explainSymbolicPods: explain --pod on a class of pods', () => {
  const cluster = clusterFromYaml(POLICIES);
  const rows: { endpoint: string; groups: string[] }[] = [
    {
      endpoint: 'shop/{app=api}',
      groups: [
        'shop/{app=api,tier!=db}: ingress by shop/api-in [shop/api-in:spec.ingress.0]; egress open (also shop/api-in)',
        'shop/{app=api,tier=db}: ingress by shop/api-in [shop/api-in:spec.ingress.0] (also shop/deny-out); egress by shop/deny-out [] (also shop/api-in)',
      ],
    },
    {
      endpoint: 'shop/{app!=api,tier=db}',
      groups: ['shop/{app!=api,tier=db}: ingress open (also shop/deny-out); egress by shop/deny-out []'],
    },
    {
      endpoint: 'other/{}',
      groups: ['other/{}: ingress open; egress open'],
    },
    // web's namespace labels are unknown: with env=prod and without, the same policy (never a copy `web~2/…`).
    {
      endpoint: 'web/{}',
      groups: ['web/{}: ingress by web/from-prod [web/from-prod:spec.ingress.0]; egress open (also web/from-prod)'],
    },
  ];
  for (const row of rows) {
    it(row.endpoint, () => {
      assert.deepEqual(groupsOf(cluster, row.endpoint), row.groups);
    });
  }

  it('a named port stays a name (a possible pod may give it any number); rule pods are the input pods', () => {
    const result = explainSymbolicPods(cluster, pods('shop/{app=api}'));
    assert.ok(result.ok);
    const rule = at(at(result.value.groups, 0).explanation.ingress.rules, 0);
    assert.deepEqual([rule.ports, rule.pods, rule.external], [['http/TCP'], [], false]);
  });

  it('selectors that contradict each other: not ok', () => {
    assert.deepEqual(explainSymbolicPods(cluster, pods('shop/{app=api,app!=api}')), { ok: false });
  });

  it('a namespace with label variants: every group names the input policies, never a variant copy', () => {
    const result = explainSymbolicPods(cluster, pods('*/{}'));
    assert.ok(result.ok);
    const ids = result.value.groups.flatMap((g) =>
      [g.explanation.ingress, g.explanation.egress].flatMap((d) => [...d.selectedBy, ...d.selectedWithout]),
    );
    assert.ok(ids.length > 0);
    for (const p of ids) assert.ok(cluster.policies.includes(p), p.id);
  });
});

/**
 * Every concrete pod of a scenario falls in a class of one group of `*\/{}` on the policies
 * alone, and that group names the policies explain --pod names for the pod itself.
 */
function sameAsEachPod(scenario: ClusterScenario): void {
  const concrete = { ...scenario.cluster, pods: scenario.cluster.pods.filter((p) => !p.hostNetwork) };
  const alone = policiesOnly(concrete);
  const endpoint = pods('*/{}');
  const result = explainSymbolicPods(alone, endpoint);
  assert.ok(result.ok);
  // The same space explainSymbolicPods cuts: the class of each pod, by its id.
  const space = computeSymbolicSpace([alone], { atoms: { pods: [endpoint.atom], ipBlocks: [] } });
  const ids = (list: readonly { id: string }[]) => list.map((p) => p.id);
  for (const pod of concrete.pods) {
    const c = space.classOf({
      namespace: pod.namespace,
      namespaceLabels: concrete.namespaces.get(pod.namespace)?.labels ?? {},
      labels: pod.labels,
      ip: pod.ips[0],
    });
    assert.notEqual(c, undefined, pod.id);
    const id = at(space.classes, c as number).id;
    const group: SymbolicPodGroup | undefined = result.value.groups.find((g) => g.classes.includes(id));
    assert.ok(group, `${pod.id}: class ${id} in no group`);
    const real = explainPod(concrete, pod);
    // Rules by place (a pod's own explanation resolves named ports on it; a class's cannot).
    const seen = (d: typeof real.ingress) => [
      ids(d.selectedBy),
      ids(d.selectedWithout),
      d.rules.map((r) => `${r.policy.id}:${r.path.join('.')}`),
    ];
    for (const d of ['ingress', 'egress'] as const) {
      assert.deepEqual(seen(group.explanation[d]), seen(real[d]), `${pod.id} ${d} (class ${id})`);
    }
    assert.deepEqual(ids(group.adminPolicies), ids(adminPoliciesOfPod(concrete, pod)), pod.id);
  }
}

test('property: each pod of a cluster is explained as its class explains it (NetworkPolicies)', () => {
  fc.assert(fc.property(arbitraryCluster(), sameAsEachPod), { numRuns: 60 });
});

test('property: each pod of a cluster is explained as its class explains it (admin tiers)', () => {
  fc.assert(fc.property(arbitraryAdminCluster(), sameAsEachPod), { numRuns: 25 });
});
