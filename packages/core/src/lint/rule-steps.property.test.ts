import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryClusterObjects, manifestText } from '../engine/arbitrary-cluster.js';
import { loadCluster } from '../load-cluster.js';
import { LINT_RULES } from './registry.js';
import { lintRuleByRule, runLint } from './run-lint.js';

/**
 * Rules with `steps` (issue 15: the web worker answers an edit between steps) must find what
 * they find in one step: lint with one unit of work a step (every rule yields wherever it
 * may) against lint with no limit (each rule one step, the computation as it was before it
 * was split), while another cluster is linted between some of the steps (it shares core's caches with
 * the unfinished lint, as the web worker's next state does). On random clusters with what the
 * stepped rules look at: DNS pods and their Service, Services whose port is not the target
 * port, default-deny egress, policies copied under another name and defined twice, ipBlocks
 * over pod addresses. Fails if a stepped rule never took more than one step. Bounded in count.
 */

type Json = Record<string, unknown>;

const EXTRAS: readonly Json[] = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: { containers: [{ name: 'dns', image: 'coredns', ports: [{ containerPort: 53, protocol: 'UDP' }] }] },
    status: { podIP: '10.0.2.53' },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system' },
    spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'x' },
    spec: { clusterIP: '10.0.0.200', selector: { app: 'a' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'named', namespace: 'y' },
    spec: { clusterIP: '10.0.1.100', selector: { tier: 'fe' }, ports: [{ port: 81, targetPort: 'serve' }] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny-egress', namespace: 'x' },
    spec: { podSelector: {}, policyTypes: ['Egress'] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'dns-udp-only', namespace: 'y' },
    spec: {
      podSelector: { matchLabels: { app: 'b' } },
      policyTypes: ['Egress', 'Ingress'],
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }],
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 80 }, { port: 81 }] }],
    },
  },
];

/** A random cluster, some of EXTRAS, and copies of its policies (another name; the same name). */
function lintObjects(): fc.Arbitrary<Json[]> {
  return fc
    .tuple(arbitraryClusterObjects(), fc.subarray([...EXTRAS]), fc.boolean(), fc.boolean())
    .map(([objects, extras, copy, twice]) => {
      const policies = [...objects, ...extras].filter((o) => o.kind === 'NetworkPolicy');
      const renamed = (o: Json | undefined, name: string) =>
        o ? [{ ...o, metadata: { ...(o.metadata as Json), name } }] : [];
      return [
        ...objects,
        ...extras,
        ...(copy ? renamed(policies[0], 'copy') : []),
        ...(twice ? renamed(policies.at(-1), String((policies.at(-1)?.metadata as Json | undefined)?.name)) : []),
      ];
    });
}

function loaded(objects: readonly Json[]) {
  const result = loadCluster([{ name: 'arbitrary.yaml', text: manifestText(objects) }]);
  assert.ok(result.ok, result.issues.map((i) => i.message).join('; '));
  return { cluster: result.value.cluster, objects: result.value.objects };
}

test('lint in steps of one unit of work finds what each rule finds in one step', () => {
  const stepped = LINT_RULES.filter((r) => r.steps).map((r) => r.id);
  assert.ok(stepped.length >= 5, stepped.join(', '));
  // Per stepped rule: the runs where it took more than one step.
  const split = new Map(stepped.map((id) => [id, 0]));
  let findings = 0;
  fc.assert(
    fc.property(lintObjects(), lintObjects(), (objects, otherObjects) => {
      const input = loaded(objects);
      const other = loaded(otherObjects);
      const whole = runLint(input, { stepWork: Number.POSITIVE_INFINITY });
      const steps = lintRuleByRule(input, { stepWork: 1 });
      const ids: string[] = [];
      let step = steps.next();
      for (; !step.done; step = steps.next()) {
        ids.push(step.value);
        if (ids.length % 4 === 0) runLint(other);
      }
      assert.deepEqual(step.value, whole);
      for (const id of stepped) if (ids.filter((x) => x === id).length > 1) split.set(id, (split.get(id) ?? 0) + 1);
      findings += whole.length;
    }),
    { numRuns: 60, seed: 20261203 },
  );
  for (const [id, runs] of split) assert.ok(runs > 10, `${id} took several steps in only ${runs} runs`);
  assert.ok(findings > 200, `only ${findings} findings to compare`);
});

test('with no limit each rule is one step (the reference above), one-sided-allow two (its setup, then the rest)', () => {
  const input = loaded([...EXTRAS]);
  const ids = (stepWork: number) => {
    const steps = lintRuleByRule(input, { stepWork });
    const list: string[] = [];
    for (let step = steps.next(); !step.done; step = steps.next()) list.push(step.value);
    return list;
  };
  const unsplit = ['', ...LINT_RULES.flatMap((r) => (r.id === 'one-sided-allow' ? [r.id, r.id] : [r.id]))];
  assert.deepEqual(ids(Number.POSITIVE_INFINITY), unsplit);
  const split = ids(1);
  assert.ok(split.length > unsplit.length, 'one unit a step split nothing');
  assert.deepEqual(
    split.filter((id, i) => id !== split[i - 1]),
    ['', ...LINT_RULES.map((r) => r.id)],
  );
});
