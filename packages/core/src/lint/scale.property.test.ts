import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryAdminObjects } from '../engine/arbitrary-admin.js';
import { arbitraryClusterObjects, manifestText } from '../engine/arbitrary-cluster.js';
import { compileCluster } from '../engine/compile-cluster.js';
import { naivePeerMatches } from '../engine/naive-evaluator.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import { serviceSelectsPod } from '../engine/service-selects-pod.js';
import { sideClasses } from '../engine/side-classes.js';
import { listSome } from '../format/words.js';
import { formatPath } from '../issues.js';
import { loadCluster } from '../load-cluster.js';
import { type EndpointSample, listEndpointSamples } from '../matrix/endpoint-samples.js';
import { parseCidr } from '../model/cidr.js';
import { isEmptySelector } from '../model/selector.js';
import type { ClusterModel, Direction, PeerModel, PolicyModel } from '../model/types.js';
import { peerEndpointIndex } from './peer-endpoints.js';
import { effectiveRules, ipBlockPeers, peerPath } from './rule-helpers.js';
import { coversFinding, ipblockCoversPodRange } from './rules/ipblock-covers-pod-range.js';
import { ipblockServiceIp, serviceIpFinding } from './rules/ipblock-service-ip.js';
import { firstBlocked, type Hit, oneSidedAllow, oneSidedMessage, otherSideJudge } from './rules/one-sided-allow.js';
import type { LintOptions } from './run-lint.js';
import { runLint } from './run-lint.js';
import type { LintRule } from './types.js';

/**
 * Lint at scale (issue 18) asks once per side class, per canonical peer and per distinct
 * ipBlock. These properties compare it with the algorithm it replaced on random clusters where
 * that sharing happens (`scaleObjects`: policy texts and look-alike pods in several namespaces,
 * with differences) and where it must not (a remote among the rule's own pods, a namespace
 * that opens one direction, named ports that differ). The references ask pair by pair and
 * match peers with the naive evaluator over every endpoint; the wording is the rules' own.
 * Bounded in count.
 */

type Json = Record<string, unknown>;

function service(namespace: string, name: string, selector: Record<string, string> | undefined, clusterIP: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { clusterIP, ...(selector ? { selector } : {}), ports: [{ port: 80, targetPort: 'http' }] },
  };
}

function denyAll(namespace: string, policyTypes: readonly string[]) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny', namespace },
    spec: { podSelector: {}, policyTypes },
  };
}

function openTo(namespace: string, type: 'Ingress' | 'Egress') {
  const rule = { [type === 'Ingress' ? 'from' : 'to']: [{ namespaceSelector: {} }], ports: [{ port: 80 }] };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'open', namespace },
    spec: { podSelector: {}, policyTypes: [type], [type === 'Ingress' ? 'ingress' : 'egress']: [rule] },
  };
}

/** ClusterIPs inside the arbitrary ipBlocks (10.0.0.0/24, 10.0.1.0/24, 203.0.113.0/24) and outside. */
const SERVICES: readonly Json[] = [
  service('x', 'sa', { app: 'a' }, '10.0.0.200'),
  service('y', 'sb', { tier: 'fe' }, '10.0.1.100'),
  service('x', 'sc', undefined, '10.0.0.15'),
  service('y', 'sd', { app: 'b' }, '203.0.113.10'),
  service('x', 'se', { app: 'c' }, '192.0.2.7'),
];

/** A policy that names pods elsewhere (most random policies select or match nothing). */
function crossPolicy(index: number): fc.Arbitrary<Json> {
  const app = fc.constantFrom('a', 'b', 'c');
  const podSelector = fc.oneof(
    fc.constant({}),
    app.map((a) => ({ matchLabels: { app: a } })),
  );
  const peer = fc.oneof(
    app.map((a) => ({ podSelector: { matchLabels: { app: a } } })),
    fc
      .tuple(app, fc.constantFrom({}, { matchLabels: { team: 'a' } }))
      .map(([a, namespaceSelector]) => ({ namespaceSelector, podSelector: { matchLabels: { app: a } } })),
    fc.constant({ namespaceSelector: {} }),
  );
  const ports = fc.constantFrom(undefined, [{ port: 80 }], [{ port: 'http' }], [{ port: 53, protocol: 'UDP' }]);
  return fc
    .record({ namespace: fc.constantFrom('x', 'y'), podSelector, ingress: fc.boolean(), peer, ports })
    .map((p) => {
      const rule = { [p.ingress ? 'from' : 'to']: [p.peer], ...(p.ports ? { ports: p.ports } : {}) };
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `cross${index}`, namespace: p.namespace },
        spec: {
          podSelector: p.podSelector,
          policyTypes: [p.ingress ? 'Ingress' : 'Egress'],
          [p.ingress ? 'ingress' : 'egress']: [rule],
        },
      };
    });
}

/**
 * Objects of a random cluster (sometimes with admin tiers) and policies naming pods elsewhere,
 * over one more namespace (w): its pods copied into the other namespaces (maybe), its policies
 * too (each copy maybe, so namespaces differ in places), default deny in every namespace
 * (maybe), a namespace or two opening one direction to all, and some Services.
 */
function scaleObjects(): fc.Arbitrary<Json[]> {
  return fc
    .tuple(
      fc.oneof({ weight: 3, arbitrary: arbitraryClusterObjects() }, { weight: 1, arbitrary: arbitraryAdminObjects() }),
      fc.tuple(crossPolicy(0), crossPolicy(1), crossPolicy(2)),
      fc.constantFrom({}, { team: 'a' }, { team: 'b', env: 'dev' }),
      fc.boolean(),
      fc.oneof(fc.constant('all' as const), fc.array(fc.boolean(), { minLength: 7, maxLength: 7 })),
      fc.subarray(['Ingress', 'Egress']),
      fc.subarray([...SERVICES]),
      fc.subarray(['x', 'y', 'w'], { maxLength: 2 }),
    )
    .map(([base, cross, wLabels, copyPods, copyPolicies, denied, services, open]) => {
      const objects = [
        ...base,
        ...cross,
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w', labels: wLabels } },
      ];
      const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => (o.metadata as Json).name as string);
      const copyInto = (kind: string, decide: (i: number) => boolean, edit: (o: Json, i: number) => Json = (o) => o) =>
        objects
          .filter((o) => o.kind === kind)
          .flatMap((o) => {
            const metadata = o.metadata as Json;
            return namespaces
              .filter((ns) => ns !== metadata.namespace)
              .map((ns) => ({ ...o, metadata: { ...metadata, name: `${metadata.name}-${ns}`, namespace: ns } }));
          })
          .filter((_, i) => decide(i))
          .map(edit);
      const pods = copyInto(
        'Pod',
        () => copyPods,
        (pod, i) => ({ ...pod, status: { podIP: `10.0.2.${i + 1}`, podIPs: [{ ip: `10.0.2.${i + 1}` }] } }),
      );
      const policies = copyInto(
        'NetworkPolicy',
        (i) => copyPolicies === 'all' || !!copyPolicies[i % copyPolicies.length],
      );
      // Default deny in every namespace: the other side of most rules then blocks (one-sided).
      const deny = denied.length === 0 ? [] : namespaces.map((ns) => denyAll(ns, denied));
      // A namespace or two that opens one direction to every namespace: look-alikes elsewhere stay denied.
      const opened = open.map((ns, i) => openTo(ns, i === 0 ? 'Egress' : 'Ingress'));
      return [...objects, ...pods, ...policies, ...services, ...deny, ...opened];
    });
}

function load(objects: readonly Json[]): ClusterModel {
  const result = loadCluster([{ name: 'scale.yaml', text: manifestText(objects) }]);
  if (!result.ok) throw new Error(`invalid scale scenario: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.value.cluster;
}

function naivePeerEndpoints(
  cluster: ClusterModel,
  endpoints: readonly EndpointSample[],
  policy: PolicyModel,
  peer: PeerModel,
): EndpointSample[] {
  return endpoints.filter((e) => naivePeerMatches(cluster, policy, peer, { kind: 'pod', pod: e.pod }));
}

/** one-sided-allow before side classes: each remote's first blocked local, asked pair by pair. */
const pairByPairOneSidedAllow: LintRule = {
  ...oneSidedAllow,
  check({ cluster, endpoints, selectedBy, engine }, report) {
    const isolated = { ingress: new Set<string>(), egress: new Set<string>() };
    for (const policy of cluster.policies) {
      for (const e of selectedBy(policy)) {
        if (policy.types.ingress) isolated.ingress.add(e.id);
        if (policy.types.egress) isolated.egress.add(e.id);
      }
    }
    for (const policy of cluster.policies) {
      const locals = selectedBy(policy);
      if (!policy.origin || locals.length === 0) continue;
      for (const rule of effectiveRules(policy)) {
        if (rule.peers === 'all') continue;
        const other: Direction = rule.direction === 'ingress' ? 'egress' : 'ingress';
        const judge = otherSideJudge(engine, other);
        for (const peer of rule.peers) {
          if (peer.kind !== 'selector') continue;
          const remotes = naivePeerEndpoints(cluster, endpoints, policy, peer);
          if (remotes.length === 0) continue;
          const broad = !peer.podSelector || isEmptySelector(peer.podSelector);
          if (broad && !remotes.every((r) => isolated[other].has(r.id))) continue;
          const blocked: Hit[] = [];
          for (const remote of remotes) {
            if (!isolated[other].has(remote.id)) continue;
            const hit = firstBlocked(rule, remote, locals, judge);
            if (hit) blocked.push(hit);
            else if (broad) break;
          }
          const [first] = blocked;
          if (first === undefined || (broad && blocked.length < remotes.length)) continue;
          const message = oneSidedMessage(
            policy,
            rule,
            peer,
            locals,
            blocked.map((b) => b.remote),
            first,
          );
          report({ object: policy.origin.object, path: peerPath(rule, peer), message });
        }
      }
    }
  },
};

/** ipblock-covers-pod-range over every endpoint (every arbitrary pod has a status.podIP: all observed). */
const everyEndpointCoversPodRange: LintRule = {
  ...ipblockCoversPodRange,
  check({ cluster, endpoints }, report) {
    for (const found of ipBlockPeers(cluster)) {
      const pods = naivePeerEndpoints(cluster, endpoints, found.policy, found.peer);
      if (pods.length > 0) report(coversFinding(found, { count: pods.length, names: listSome(pods.map((e) => e.id)) }));
    }
  },
};

/** ipblock-service-ip asking every Service of every block. */
const everyServiceIpblockServiceIp: LintRule = {
  ...ipblockServiceIp,
  check({ cluster, endpoints }, report) {
    for (const found of ipBlockPeers(cluster)) {
      if (parseCidr(found.peer.cidr)?.prefix === 0) continue;
      const inBlock = new Set(naivePeerEndpoints(cluster, endpoints, found.policy, found.peer));
      const hit = cluster.services.filter(
        (s) =>
          s.clusterIP !== undefined &&
          naivePeerMatches(cluster, found.policy, found.peer, { kind: 'external', ip: s.clusterIP }) &&
          !endpoints.some((e) => e.namespace === s.namespace && serviceSelectsPod(s, e.pod) && inBlock.has(e)),
      );
      if (hit.length > 0) report(serviceIpFinding(found, hit));
    }
  },
};

function lint(cluster: ClusterModel, rules: readonly LintRule[], createEngine?: LintOptions['createEngine']) {
  return runLint({ cluster }, { rules, ...(createEngine ? { createEngine } : {}) }).map((f) => ({
    code: f.code,
    severity: f.severity,
    object: f.object,
    path: formatPath(f.path),
    message: f.message,
  }));
}

test('one-sided-allow and the ipBlock rules find what the pair-by-pair, every-endpoint algorithm finds', () => {
  const counts = new Map<string, number>();
  let sharedClasses = 0;
  fc.assert(
    fc.property(scaleObjects(), (objects) => {
      const cluster = load(objects);
      const fast = lint(cluster, [oneSidedAllow, ipblockCoversPodRange, ipblockServiceIp]);
      const reference = lint(cluster, [
        pairByPairOneSidedAllow,
        everyEndpointCoversPodRange,
        everyServiceIpblockServiceIp,
      ]);
      assert.deepEqual(fast, reference);
      for (const f of fast) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
      // The sharing the fast path relies on: isolated pods of different namespaces in one side class.
      const compiled = compileCluster(cluster);
      const classOf = sideClasses(compiled);
      for (const direction of ['ingress', 'egress'] as const) {
        const namespacesOf = new Map<number, Set<string>>();
        for (const pod of cluster.pods) {
          if (!compiled.policiesSelecting(pod).some((p) => p.policy.types[direction])) continue;
          const set = namespacesOf.get(classOf(pod, direction)) ?? new Set<string>();
          namespacesOf.set(classOf(pod, direction), set.add(pod.namespace));
        }
        for (const set of namespacesOf.values()) if (set.size > 1) sharedClasses++;
      }
    }),
    { numRuns: 200, seed: 20261218 },
  );
  for (const code of ['one-sided-allow', 'ipblock-covers-pod-range', 'ipblock-service-ip']) {
    assert.ok((counts.get(code) ?? 0) > 20, `only ${counts.get(code) ?? 0} ${code} findings`);
  }
  assert.ok(sharedClasses > 50, `only ${sharedClasses} side classes spanning namespaces`);
});

test('peerEndpoints matches what the naive evaluator matches over every endpoint', () => {
  let sharedAnswers = 0;
  fc.assert(
    fc.property(scaleObjects(), (objects) => {
      const cluster = load(objects);
      const endpoints = listEndpointSamples(cluster);
      const endpointsIn = (ns: string) => endpoints.filter((e) => e.namespace === ns);
      const peerEndpoints = peerEndpointIndex(compileCluster(cluster), endpoints, endpointsIn);
      const answered = new Set<readonly EndpointSample[]>();
      for (const policy of cluster.policies) {
        for (const rule of [...policy.ingress, ...policy.egress]) {
          for (const peer of rule.peers === 'all' ? [] : rule.peers) {
            const found = peerEndpoints(policy, peer);
            assert.deepEqual(
              found.map((e) => e.id),
              naivePeerEndpoints(cluster, endpoints, policy, peer).map((e) => e.id),
              `${policy.id} ${rule.direction}[${rule.index}] peer ${peer.index}`,
            );
            if (answered.has(found) && found.length > 0) sharedAnswers++;
            answered.add(found);
          }
        }
      }
    }),
    { numRuns: 200, seed: 20261219 },
  );
  assert.ok(sharedAnswers > 50, `only ${sharedAnswers} answers shared between peers`);
});

/**
 * The reference engine, except that the egress of the pods named in `open` allows everything:
 * they then answer otherwise than the rest of their side class, which the real engine never
 * does (that is sideClasses' promise). One-sided-allow must still answer pair by pair.
 */
function egressOpenFor(open: readonly string[]): LintOptions['createEngine'] {
  return (cluster, compiled) => {
    const engine = createReferenceEngine(cluster, compiled);
    return {
      cluster,
      check(source, destination, query) {
        const v = engine.check(source, destination, query);
        if (source.kind !== 'pod' || !open.includes(source.pod.id)) return v;
        return { ...v, allowed: v.ingress.allowed, egress: { ...v.egress, allowed: true } };
      },
    };
  };
}

test('one-sided-allow: remotes of one side class that answer apart are judged pair by pair, not a crash', () => {
  const client = (ns: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: ns, labels: { app: 'c' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  const clientsIn = (ns: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
    podSelector: { matchLabels: { app: 'c' } },
  });
  const everyClient = { namespaceSelector: {}, podSelector: { matchLabels: { app: 'c' } } };
  const namespaceB = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } };
  const objectsWith = (from: readonly object[]) => [
    ...['a', 'b', 'c', 'srv'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    client('a'),
    client('b'),
    client('c'),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'server', namespace: 'srv', labels: { app: 's' } },
      spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] },
    },
    // One template in a, b and c: the three clients are one egress side class.
    ...['a', 'b', 'c'].map((ns) => denyAll(ns, ['Egress'])),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'srv' },
      spec: {
        podSelector: { matchLabels: { app: 's' } },
        policyTypes: ['Ingress'],
        ingress: [{ from, ports: [{ port: 80 }] }],
      },
    },
  ];
  // Each row: the class answers "blocked" first (for a client that is), then a client whose
  // egress is open comes first among a peer's blocked remotes: the disagreement is seen there.
  const rows = [
    {
      name: 'open client first of a selective peer',
      from: [clientsIn('b'), everyClient],
      open: ['a/client'],
      paths: ['spec.ingress[0].from[0]', 'spec.ingress[0].from[1]'],
    },
    {
      // Seen at from[2]; from[1] (a, b, c, judged by the class as all blocked) is judged again.
      name: 'open client alone in a broad peer, after a peer that holds it too',
      from: [clientsIn('a'), everyClient, namespaceB],
      open: ['b/client'],
      paths: ['spec.ingress[0].from[0]', 'spec.ingress[0].from[1]'],
    },
    {
      name: 'no client open (the class holds)',
      from: [clientsIn('a'), everyClient, namespaceB],
      open: [],
      paths: ['spec.ingress[0].from[0]', 'spec.ingress[0].from[1]', 'spec.ingress[0].from[2]'],
    },
  ];
  for (const { name, from, open, paths } of rows) {
    const cluster = load(objectsWith(from));
    const createEngine = egressOpenFor(open);
    const fast = lint(cluster, [oneSidedAllow], createEngine);
    assert.deepEqual(fast, lint(cluster, [pairByPairOneSidedAllow], createEngine), name);
    assert.deepEqual(
      fast.map((f) => f.path),
      paths,
      name,
    );
    for (const f of fast) {
      for (const id of open) assert.doesNotMatch(f.message, new RegExp(`\\b${id}\\b`), name);
    }
  }
});
