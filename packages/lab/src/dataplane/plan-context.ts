import {
  at,
  type CompiledCluster,
  type Direction,
  type LabelMatcher,
  type Labels,
  peerScopesNamespace,
} from '@netpol/core';
import { IPV4_LAST } from './ipv4.js';
import type { CompiledRule, DirectionContext, PeerTest } from './plan-types.js';

/** Every match (selection, peers, ipBlock ranges) is the compiled cluster's; this only indexes it. */
export function buildContext(compiled: CompiledCluster, direction: Direction): DirectionContext {
  const cluster = compiled.model;
  // Peer tests, deduplicated; rules refer to them by index.
  const tests: PeerTest[] = [];
  const testIndex = new Map<string, number>();
  const testOf = (key: string, make: () => PeerTest) => {
    let index = testIndex.get(key);
    if (index === undefined) {
      index = tests.length;
      tests.push(make());
      testIndex.set(key, index);
    }
    return index;
  };
  const rulesByPolicy: (readonly CompiledRule[])[] = [];
  const namedRefs = new Set<string>();
  const policiesByNs = new Map<string, { index: number; select: LabelMatcher }[]>();
  compiled.policies.forEach((compiledPolicy, policyIndex) => {
    const policy = compiledPolicy.policy;
    if (!policy.types[direction]) return;
    const list = policiesByNs.get(policy.namespace) ?? [];
    list.push({ index: policyIndex, select: compiledPolicy.selects });
    policiesByNs.set(policy.namespace, list);
    const rules = direction === 'ingress' ? compiledPolicy.ingress : compiledPolicy.egress;
    rulesByPolicy[policyIndex] = rules.map((rule) => {
      if (rule.ports !== 'all') {
        for (const p of rule.ports) if (typeof p.port === 'string') namedRefs.add(`${p.port}/${p.protocol}`);
      }
      const peers =
        rule.peers === 'all'
          ? ('all' as const)
          : rule.peers.map((peer) => {
              const model = peer.model;
              if (peer.kind === 'ipBlock' || model.kind === 'ipBlock') {
                if (peer.kind !== 'ipBlock' || model.kind !== 'ipBlock') throw new Error('compiled peer kind mismatch');
                const except = [...model.except].sort();
                return testOf(`ip|${model.cidr}|${except.join(',')}`, () => ({
                  kind: 'ipBlock',
                  // The dataplane classifies IPv4 only: an IPv6 block never matches here.
                  ranges: peer.ranges
                    .filter((r) => r.family === 4)
                    .map((r) => ({ first: Number(r.first), last: Number(r.last) })),
                }));
              }
              const ns = model.namespaceSelector ? JSON.stringify(model.namespaceSelector) : `=${policy.namespace}`;
              const pod = model.podSelector ? JSON.stringify(model.podSelector) : '*';
              return testOf(`sel|${ns}|${pod}`, () => ({
                kind: 'selector',
                inNamespace: (namespace, labels) => peerScopesNamespace(peer, policy.namespace, namespace, labels),
                podMatch: peer.pods,
              }));
            });
      return { peers, ports: rule.ports };
    });
  });
  const ruleIds = new Map<CompiledRule, number>();
  for (const rule of rulesByPolicy.flat()) ruleIds.set(rule, ruleIds.size);

  // The IPv4 space cut at every ipBlock boundary; each segment knows its ipBlock tests.
  const cuts = new Set<number>([0, IPV4_LAST + 1]);
  for (const test of tests) for (const r of test.ranges ?? []) cuts.add(r.first).add(r.last + 1);
  const starts = [...cuts].sort((a, b) => a - b);
  const segmentTests: number[][] = starts.slice(0, -1).map(() => []);
  const context: DirectionContext = {
    direction,
    tests,
    rulesByPolicy,
    ruleIds,
    namedRefs,
    starts,
    segmentTests,
    policiesByNs,
    nsLabels: new Map([...cluster.namespaces.keys()].map((name) => [name, compiled.namespaceLabels(name)])),
    groups: new Map(),
    profileMemo: new Map(),
  };
  tests.forEach((test, index) => {
    for (const r of test.ranges ?? []) {
      for (let s = segmentOf(context, r.first); s < starts.length - 1 && at(starts, s) <= r.last; s++) {
        at(segmentTests, s).push(index);
      }
    }
  });
  return context;
}

export function segmentOf(context: { readonly starts: readonly number[] }, address: number): number {
  const starts = context.starts;
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at(starts, mid) <= address) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Selector tests and isolating policies of a group not seen before (one group at a time). */
export function groupInfo(context: DirectionContext, namespace: string, labels: Labels, key: string) {
  let info = context.groups.get(key);
  if (info) return info;
  const nsLabels = context.nsLabels.get(namespace) ?? {};
  const tests: number[] = [];
  context.tests.forEach((test, index) => {
    if (test.kind !== 'selector') return;
    if (!test.inNamespace?.(namespace, nsLabels)) return;
    if (!test.podMatch || test.podMatch(labels)) tests.push(index);
  });
  const policies = (context.policiesByNs.get(namespace) ?? []).filter((p) => p.select(labels)).map((p) => p.index);
  info = { tests, policies: policies.length > 0 ? policies : undefined };
  context.groups.set(key, info);
  return info;
}
