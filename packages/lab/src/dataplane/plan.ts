import {
  at,
  type ClusterModel,
  type CompiledCluster,
  compileCluster,
  type Direction,
  type Labels,
  type PodModel,
} from '@netpol/core';
import type { ClassSource, DirectionClassSource } from './class-state.js';
import {
  type AddressedPod,
  addressedPods,
  ClassTables,
  classifyPod,
  labelKeyOf,
  NO_PORTS,
  verdictOf,
} from './classify.js';
import type { Ipv4Range } from './ipv4.js';
import { buildContext, segmentOf } from './plan-context.js';
import type {
  CompiledRule,
  DataplanePlan,
  DirectionContext,
  DirectionPlan,
  PeerClass,
  Profiles,
} from './plan-types.js';
import { planServices, servicesKeyOf, serviceUseOf } from './services.js';
import { planTierDirection } from './tier-plan.js';

export type { ClassSource, ClassState, DirectionClassSource } from './class-state.js';
export { classSourceOf, classStateOf } from './class-state.js';
export type {
  CompiledRule,
  DataplanePlan,
  DirectionContext,
  DirectionPlan,
  NamedPorts,
  PeerClass,
  PeerTest,
  PortRange,
  Profiles,
  SubjectClass,
} from './plan-types.js';

const policyKeys = new WeakMap<object, string>();
const namespaceKeys = new WeakMap<object, string>();

/**
 * Keyed by the array, so a model that keeps its policies array is not stringified again. The
 * admin tier policies and the Nodes (whose addresses `nodes` peers match) are part of it.
 */
export function policyKeyOf(cluster: ClusterModel): string {
  let key = policyKeys.get(cluster.policies);
  if (key === undefined) {
    // Rules and selectors are plain data (no origins), so the native stringify needs no replacer.
    key = JSON.stringify(
      cluster.policies.map((p) => [p.namespace, p.name, p.podSelector, p.types, p.ingress, p.egress]),
    );
    policyKeys.set(cluster.policies, key);
  }
  const admin = cluster.adminPolicies ?? [];
  const nodes = cluster.nodes ?? [];
  if (admin.length === 0 && nodes.length === 0) return key;
  let tierKey = tierKeys.get(admin)?.get(nodes);
  if (tierKey === undefined) {
    tierKey = JSON.stringify([
      admin.map((p) => [p.id, p.tier, p.priority, p.subject, p.ingress, p.egress]),
      nodes.map((n) => [n.name, n.labels, n.addresses]),
    ]);
    const byNodes = tierKeys.get(admin) ?? new WeakMap();
    byNodes.set(nodes, tierKey);
    tierKeys.set(admin, byNodes);
  }
  return `${key}|tiers:${tierKey}`;
}
const tierKeys = new WeakMap<object, WeakMap<object, string>>();

export function namespaceKeyOf(cluster: ClusterModel): string {
  let key = namespaceKeys.get(cluster.namespaces);
  if (key === undefined) {
    key = JSON.stringify([...cluster.namespaces.values()].map((ns) => [ns.name, ns.labels]));
    namespaceKeys.set(cluster.namespaces, key);
  }
  return key;
}

/**
 * Plan the dataplane for a cluster. With `previous` computed for the same policies, its
 * classes, ids and port profiles are kept (even classes that lost their last member), so a
 * label change that moves pods between existing classes changes only map elements.
 */
export function planDataplane(cluster: ClusterModel, previous?: ClassSource): DataplanePlan {
  const policyKey = policyKeyOf(cluster);
  const reuse = previous && previous.policyKey === policyKey ? previous : undefined;
  const compiled = compileCluster(cluster);
  const { pods, podIds, skipped } = addressedPods(cluster);
  const profiles: Profiles = new Map(reuse?.profiles ?? []);
  const groups = groupPods(pods.map((p) => p.pod));
  const podsByIp = new Map(pods.map((p) => [p.ip, p.pod]));
  const egress = planDirection(compiled, 'egress', pods, groups, profiles, reuse?.egress);
  const ingress = planDirection(compiled, 'ingress', pods, groups, profiles, reuse?.ingress);
  const services = planServices(cluster, podsByIp);
  const tierEgress = planTierDirection(compiled, 'egress', pods, reuse?.tiers?.egress);
  const tierIngress = planTierDirection(compiled, 'ingress', pods, reuse?.tiers?.ingress);
  return {
    policyKey,
    namespaceKey: namespaceKeyOf(cluster),
    servicesKey: servicesKeyOf(cluster),
    egress,
    ingress,
    ...(tierEgress && tierIngress ? { tiers: { egress: tierEgress, ingress: tierIngress } } : {}),
    profiles,
    services,
    serviceUse: serviceUseOf(services),
    policyIds: cluster.policies.map((p) => p.id),
    podIds,
    pods: podsByIp,
    skippedPods: skipped,
  };
}

interface PodGroup {
  index: number;
  key: string;
  namespace: string;
  labels: Labels;
}

/** Pods with the same namespace and labels match the same selectors. */
function groupPods(pods: readonly PodModel[]): { all: PodGroup[]; byPod: Map<PodModel, PodGroup> } {
  const byKey = new Map<string, PodGroup>();
  const byPod = new Map<PodModel, PodGroup>();
  // Replicas share their labels object: look groups up by it first.
  const byLabels = new Map<Labels, Map<string, PodGroup>>();
  for (const pod of pods) {
    let perNs = byLabels.get(pod.labels);
    if (!perNs) {
      perNs = new Map();
      byLabels.set(pod.labels, perNs);
    }
    let group = perNs.get(pod.namespace);
    if (!group) {
      const key = `${pod.namespace}\0${labelKeyOf(pod.labels)}`;
      group = byKey.get(key);
      if (!group) {
        group = { index: byKey.size, key, namespace: pod.namespace, labels: pod.labels };
        byKey.set(key, group);
      }
      perNs.set(pod.namespace, group);
    }
    byPod.set(pod, group);
  }
  return { all: [...byKey.values()], byPod };
}

type PodGroups = { all: PodGroup[]; byPod: Map<PodModel, PodGroup> };

function planDirection(
  compiled: CompiledCluster,
  direction: Direction,
  pods: readonly AddressedPod[],
  groups: PodGroups,
  profiles: Profiles,
  reuse: DirectionClassSource | undefined,
): DirectionPlan {
  const context = buildContext(compiled, direction);
  fillGroups(context, groups);
  const tables = new ClassTables(reuse);
  const netPeers = netPeerRanges(context, tables);
  const { subjects, podPeers } = classifyPods(context, tables, pods, groups);
  const allow = allowedPairs(context, tables, profiles);
  return {
    direction,
    context,
    subjects,
    podPeers,
    netPeers,
    allow,
    subjectClasses: tables.subjects,
    peerClasses: tables.peers,
  };
}

/** Fill the group cache in bulk: selector tests namespace by namespace (most tests name one). */
function fillGroups(context: DirectionContext, groups: PodGroups): void {
  const { tests, policiesByNs } = context;
  const groupsByNs = new Map<string, PodGroup[]>();
  for (const g of groups.all) {
    const list = groupsByNs.get(g.namespace) ?? [];
    list.push(g);
    groupsByNs.set(g.namespace, list);
    context.groups.set(g.key, { tests: [] });
  }
  tests.forEach((test, index) => {
    if (test.kind !== 'selector') return;
    const namespaces = [...context.nsLabels].filter(([name, labels]) => test.inNamespace?.(name, labels));
    for (const [ns] of namespaces) {
      for (const g of groupsByNs.get(ns) ?? []) {
        if (!test.podMatch || test.podMatch(g.labels)) context.groups.get(g.key)?.tests.push(index);
      }
    }
  });
  for (const [ns, policies] of policiesByNs) {
    for (const g of groupsByNs.get(ns) ?? []) {
      const selecting = policies.filter((p) => p.select(g.labels)).map((p) => p.index);
      const info = context.groups.get(g.key);
      if (info && selecting.length > 0) info.policies = selecting;
    }
  }
}

/** The address space's peer classes, adjacent segments of one class merged into one range. */
function netPeerRanges(context: DirectionContext, tables: ClassTables): { range: Ipv4Range; peer: number }[] {
  const netPeers: { range: Ipv4Range; peer: number }[] = [];
  for (let s = 0; s < context.starts.length - 1; s++) {
    const peer = tables.peer(at(context.segmentTests, s), NO_PORTS);
    const last = netPeers[netPeers.length - 1];
    if (last && last.peer === peer) last.range = { first: last.range.first, last: at(context.starts, s + 1) - 1 };
    else netPeers.push({ range: { first: at(context.starts, s), last: at(context.starts, s + 1) - 1 }, peer });
  }
  return netPeers;
}

/**
 * Each pod's subject and peer class by IP. Pods with the same group, container ports and
 * ipBlock segment get the same classes (workload replicas share their labels and ports
 * objects, so this is mostly cache hits).
 */
function classifyPods(
  context: DirectionContext,
  tables: ClassTables,
  pods: readonly AddressedPod[],
  groups: PodGroups,
): { subjects: Map<string, number>; podPeers: Map<string, number> } {
  const subjects = new Map<string, number>();
  const podPeers = new Map<string, number>();
  const portsIds = new Map<readonly unknown[], number>();
  const cache = new Map<string, { subject?: number; peer: number }>();
  for (const { pod, ip, address } of pods) {
    const group = groups.byPod.get(pod) as PodGroup;
    let portsId = portsIds.get(pod.ports);
    if (portsId === undefined) {
      portsId = portsIds.size;
      portsIds.set(pod.ports, portsId);
    }
    const cacheKey = `${group.index},${portsId},${segmentOf(context, address)}`;
    let classes = cache.get(cacheKey);
    if (!classes) {
      classes = classifyPod(context, tables, pod, address, group.key);
      cache.set(cacheKey, classes);
    }
    if (classes.subject !== undefined) subjects.set(ip, classes.subject);
    podPeers.set(ip, classes.peer);
  }
  return { subjects, podPeers };
}

/**
 * Allowed ports per (subject class, peer class): each rule adds itself to the peer classes
 * its peers match, then each pair's rule list becomes a port profile.
 */
function allowedPairs(context: DirectionContext, tables: ClassTables, profiles: Profiles): Map<string, 'all' | number> {
  const peersByTest: PeerClass[][] = context.tests.map(() => []);
  const allPeers = [...tables.peers.values()];
  for (const c of allPeers) for (const t of c.tests) peersByTest[t]?.push(c);
  const rulePeers = new Map<CompiledRule, readonly PeerClass[]>();
  const allow = new Map<string, 'all' | number>();
  for (const subject of tables.subjects.values()) {
    const admitted = new Map<PeerClass, CompiledRule[]>();
    for (const policyIndex of subject.policies) {
      for (const rule of context.rulesByPolicy[policyIndex] ?? []) {
        let targets = rulePeers.get(rule);
        if (!targets) {
          targets = rule.peers === 'all' ? allPeers : [...new Set(rule.peers.flatMap((t) => peersByTest[t] ?? []))];
          rulePeers.set(rule, targets);
        }
        for (const peer of targets) {
          const list = admitted.get(peer);
          if (list) list.push(rule);
          else admitted.set(peer, [rule]);
        }
      }
    }
    for (const [peer, rules] of admitted) {
      const verdict = verdictOf(context, profiles, rules, subject, peer);
      if (verdict !== undefined) allow.set(`${subject.id} . ${peer.id}`, verdict);
    }
  }
  return allow;
}
