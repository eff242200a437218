import type { ClusterModel, Direction, LabelMatcher, Labels, PodModel, PortModel, Protocol } from '@netpol/core';
import type { ClassSource, DirectionClassSource } from './class-state.js';
import { type Ipv4Range, ipv4ToNumber } from './ipv4.js';
import { buildContext, type DirectionContext, groupInfo, segmentOf } from './plan-context.js';
import { namedKey, namedPortsOf, portsOf } from './ports.js';
import { planServices, type ServicePlan, servicesKeyOf } from './services.js';

export type { ClassSource, ClassState, DirectionClassSource } from './class-state.js';
export { classSourceOf, classStateOf } from './class-state.js';
export type { DirectionContext } from './plan-context.js';

/**
 * The dataplane plan: the cluster reduced to equivalence classes, from which the nft text is
 * rendered. Per direction (egress of the source pod, ingress of the destination pod):
 *
 * - a *subject class* groups the pods a direction's check treats alike: the same isolating
 *   policies (and, for ingress, the same numbers for the named ports those policies name,
 *   since ingress resolves named ports on the subject);
 * - a *peer class* groups the endpoints on the other side that every rule of that direction
 *   treats alike: the same matching peers (selector peers by namespace and labels, ipBlock
 *   peers by address) and, for egress, the same numbers for the named ports egress rules name.
 *   Outside addresses are the IPv4 space cut at every ipBlock boundary; pods are /32 keys;
 * - `allow` maps (subject class, peer class) to the port set the rules admit for that pair.
 *
 * A packet's verdict is then a constant number of map lookups, whatever the policy count.
 */

export type PortRange = { protocol: Protocol; first: number; last: number };
/** Named container ports: `name/PROTOCOL` → port numbers. */
export type NamedPorts = ReadonlyMap<string, readonly number[]>;

export interface SubjectClass {
  id: number;
  /** Indices into `cluster.policies` of the policies isolating the pod in this direction. */
  policies: readonly number[];
  named: NamedPorts;
}

export interface PeerClass {
  id: number;
  /** Indices of the direction's peer tests that match this endpoint. */
  tests: readonly number[];
  named: NamedPorts;
}

export interface PeerTest {
  kind: 'selector' | 'ipBlock';
  /** Selector peers: a namespace name (no namespaceSelector) or a namespace matcher. */
  namespace?: string;
  namespaceMatch?: LabelMatcher;
  podMatch?: LabelMatcher;
  /** ipBlock peers: cidr minus except, IPv4 only (an IPv6 block never matches here). */
  ranges?: readonly Ipv4Range[];
}

export interface CompiledRule {
  peers: 'all' | readonly number[];
  ports: 'all' | readonly PortModel[];
}

export interface DirectionPlan {
  direction: Direction;
  /** What only the policies and namespaces decide; shared by plans derived incrementally. */
  context: DirectionContext;
  /** Pod IPv4 → subject class id, for pods isolated in this direction. */
  subjects: Map<string, number>;
  /** Pod IPv4 → peer class id. */
  podPeers: Map<string, number>;
  /** The whole IPv4 space in ranges → peer class id (pods override it by address). */
  netPeers: { range: Ipv4Range; peer: number }[];
  /** `subject . peer` → 'all' (every port and protocol) or a port profile id. */
  allow: Map<string, 'all' | number>;
  /** Classes by signature; kept across incremental updates so ids stay stable. */
  subjectClasses: Map<string, SubjectClass>;
  peerClasses: Map<string, PeerClass>;
}

export type Profiles = Map<string, { id: number; ranges: readonly PortRange[] }>;

export interface DataplanePlan {
  /** Identifies the policies the classes were computed for (class reuse needs equal keys). */
  policyKey: string;
  /** Identifies the namespaces and their labels (the incremental path needs equal keys). */
  namespaceKey: string;
  /** Identifies the Services (the incremental path reuses Service plans when equal). */
  servicesKey: string;
  egress: DirectionPlan;
  ingress: DirectionPlan;
  /** Port profiles by their text; shared by both directions. */
  profiles: Profiles;
  services: ServicePlan[];
  /** `cluster.policies[i].id` (comments only). */
  policyIds: string[];
  /** Pod IPv4 → pod id (comments only). */
  podIds: Map<string, string>;
  /** Pod IPv4 → the pod as planned (to find what changed). */
  pods: Map<string, PodModel>;
  /** Pods the dataplane cannot address (no IPv4 primary address, or an address taken). */
  skippedPods: string[];
}

const NO_PORTS: NamedPorts = new Map();

const policyKeys = new WeakMap<object, string>();
const namespaceKeys = new WeakMap<object, string>();

/** Keyed by the array, so a model that keeps its policies array is not stringified again. */
export function policyKeyOf(cluster: ClusterModel): string {
  let key = policyKeys.get(cluster.policies);
  if (key === undefined) {
    // Rules and selectors are plain data (no origins), so the native stringify needs no replacer.
    key = JSON.stringify(
      cluster.policies.map((p) => [p.namespace, p.name, p.podSelector, p.types, p.ingress, p.egress]),
    );
    policyKeys.set(cluster.policies, key);
  }
  return key;
}

export function namespaceKeyOf(cluster: ClusterModel): string {
  let key = namespaceKeys.get(cluster.namespaces);
  if (key === undefined) {
    key = JSON.stringify([...cluster.namespaces.values()].map((ns) => [ns.name, ns.labels]));
    namespaceKeys.set(cluster.namespaces, key);
  }
  return key;
}

interface AddressedPod {
  pod: PodModel;
  ip: string;
  address: number;
}

/** The pods the dataplane can address: an IPv4 primary address no earlier pod has. */

function addressedPods(cluster: ClusterModel): {
  pods: AddressedPod[];
  podIds: Map<string, string>;
  skipped: string[];
} {
  const pods: AddressedPod[] = [];
  const skipped: string[] = [];
  const podIds = new Map<string, string>();
  for (const pod of cluster.pods) {
    const ip = pod.ips[0];
    const address = ip === undefined ? undefined : ipv4ToNumber(ip);
    if (address === undefined || podIds.has(ip)) {
      skipped.push(pod.id);
      continue;
    }
    podIds.set(ip, pod.id);
    pods.push({ pod, ip, address });
  }
  return { pods, podIds, skipped };
}

/**
 * Plan the dataplane for a cluster. With `previous` computed for the same policies, its
 * classes, ids and port profiles are kept (even classes that lost their last member), so a
 * label change that moves pods between existing classes changes only map elements.
 */
export function planDataplane(cluster: ClusterModel, previous?: ClassSource): DataplanePlan {
  const policyKey = policyKeyOf(cluster);
  const reuse = previous && previous.policyKey === policyKey ? previous : undefined;
  const { pods, podIds, skipped } = addressedPods(cluster);
  const profiles: Profiles = new Map(reuse?.profiles ?? []);
  const groups = groupPods(pods.map((p) => p.pod));
  const podsByIp = new Map(pods.map((p) => [p.ip, p.pod]));
  const egress = planDirection(cluster, 'egress', pods, groups, profiles, reuse?.egress);
  const ingress = planDirection(cluster, 'ingress', pods, groups, profiles, reuse?.ingress);
  return {
    policyKey,
    namespaceKey: namespaceKeyOf(cluster),
    servicesKey: servicesKeyOf(cluster),
    egress,
    ingress,
    profiles,
    services: planServices(cluster, podsByIp),
    policyIds: cluster.policies.map((p) => p.id),
    podIds,
    pods: podsByIp,
    skippedPods: skipped,
  };
}

/**
 * Plan `next` from `previous` touching only the pods that changed, when nothing else the
 * classes depend on did (same policies, same namespaces and labels); undefined otherwise.
 * The result equals `planDataplane(next, previous)` element for element (tests check it), at
 * a cost that grows with the changed pods, not the cluster.
 */
export function planPodChanges(
  previous: DataplanePlan,
  next: ClusterModel,
): { plan: DataplanePlan; touched: Set<string> } | undefined {
  if (namespaceKeyOf(next) !== previous.namespaceKey || policyKeyOf(next) !== previous.policyKey) return undefined;
  const { pods, podIds, skipped } = addressedPods(next);
  const changed: AddressedPod[] = [];
  const podsByIp = new Map<string, PodModel>();
  for (const p of pods) {
    podsByIp.set(p.ip, p.pod);
    const old = previous.pods.get(p.ip);
    if (old !== p.pod && (!old || !samePodForDataplane(old, p.pod))) changed.push(p);
  }
  const removedIps = new Set<string>();
  for (const ip of previous.pods.keys()) if (!podsByIp.has(ip)) removedIps.add(ip);
  const profiles: Profiles = new Map(previous.profiles);
  const egress = updateDirection(previous.egress, changed, removedIps, profiles);
  const ingress = updateDirection(previous.ingress, changed, removedIps, profiles);
  // Services keep their plans unless a changed pod is in their namespace (or they changed).
  const servicesKey = servicesKeyOf(next);
  const namespaces = new Set<string>();
  for (const p of changed) namespaces.add(p.pod.namespace);
  for (const ip of removedIps) namespaces.add(previous.pods.get(ip)?.namespace ?? '');
  for (const p of changed) {
    const old = previous.pods.get(p.ip);
    if (old) namespaces.add(old.namespace);
  }
  const reuse = servicesKey === previous.servicesKey ? { previous: previous.services, namespaces } : undefined;
  const plan: DataplanePlan = {
    ...previous,
    servicesKey,
    egress,
    ingress,
    profiles,
    services: planServices(next, podsByIp, reuse),
    podIds,
    pods: podsByIp,
    skippedPods: skipped,
  };
  return { plan, touched: new Set([...removedIps, ...changed.map((p) => p.ip)]) };
}

function samePodForDataplane(a: PodModel, b: PodModel): boolean {
  if (a.id !== b.id || a.namespace !== b.namespace) return false;
  if (a.labels !== b.labels) {
    const ka = Object.keys(a.labels);
    if (ka.length !== Object.keys(b.labels).length || ka.some((k) => a.labels[k] !== b.labels[k])) return false;
  }
  if (a.ports === b.ports) return true;
  return (
    a.ports.length === b.ports.length &&
    a.ports.every(
      (p, i) => p.name === b.ports[i].name && p.port === b.ports[i].port && p.protocol === b.ports[i].protocol,
    )
  );
}

interface PodGroup {
  index: number;
  key: string;
  namespace: string;
  labels: Labels;
}

function labelKeyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
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

/** Class tables with id counters; a copy of a previous plan's when reusing. */
class ClassTables {
  readonly subjects: Map<string, SubjectClass>;
  readonly peers: Map<string, PeerClass>;
  private nextSubject: number;
  private nextPeer: number;
  readonly newSubjects: SubjectClass[] = [];
  readonly newPeers: PeerClass[] = [];

  constructor(reuse?: DirectionClassSource) {
    this.subjects = new Map(reuse?.subjectClasses ?? []);
    this.peers = new Map(reuse?.peerClasses ?? []);
    this.nextSubject = 1;
    for (const c of this.subjects.values()) this.nextSubject = Math.max(this.nextSubject, c.id + 1);
    this.nextPeer = 1;
    for (const c of this.peers.values()) this.nextPeer = Math.max(this.nextPeer, c.id + 1);
  }

  subject(policies: readonly number[], named: NamedPorts): number {
    const key = `${policies.join(',')}|${namedKey(named)}`;
    let c = this.subjects.get(key);
    if (!c) {
      c = { id: this.nextSubject++, policies, named };
      this.subjects.set(key, c);
      this.newSubjects.push(c);
    }
    return c.id;
  }

  peer(tests: readonly number[], named: NamedPorts): number {
    const key = `${tests.join(',')}|${namedKey(named)}`;
    let c = this.peers.get(key);
    if (!c) {
      c = { id: this.nextPeer++, tests, named };
      this.peers.set(key, c);
      this.newPeers.push(c);
    }
    return c.id;
  }
}

/** A pod's classes in one direction (its group's tests and policies are cached by content). */
function classifyPod(
  context: DirectionContext,
  tables: ClassTables,
  pod: PodModel,
  address: number,
  groupKey: string,
): { subject?: number; peer: number } {
  const info = groupInfo(context, pod.namespace, pod.labels, groupKey);
  const segment = segmentOf(context, address);
  const named = context.namedRefs.size > 0 ? namedPortsOf(pod, context.namedRefs) : NO_PORTS;
  const blockTests = context.segmentTests[segment];
  const peerTests = blockTests.length === 0 ? info.tests : [...info.tests, ...blockTests].sort((a, b) => a - b);
  return {
    subject: info.policies
      ? tables.subject(info.policies, context.direction === 'ingress' ? named : NO_PORTS)
      : undefined,
    peer: tables.peer(peerTests, context.direction === 'egress' ? named : NO_PORTS),
  };
}

function planDirection(
  cluster: ClusterModel,
  direction: Direction,
  pods: readonly AddressedPod[],
  groups: { all: PodGroup[]; byPod: Map<PodModel, PodGroup> },
  profiles: Profiles,
  reuse: DirectionClassSource | undefined,
): DirectionPlan {
  const context = buildContext(cluster, direction);
  const { tests, policiesByNs } = context;

  // Fill the group cache in bulk: selector tests namespace by namespace (most tests name one).
  const groupsByNs = new Map<string, PodGroup[]>();
  for (const g of groups.all) {
    const list = groupsByNs.get(g.namespace) ?? [];
    list.push(g);
    groupsByNs.set(g.namespace, list);
    context.groups.set(g.key, { tests: [] });
  }
  tests.forEach((test, index) => {
    if (test.kind !== 'selector') return;
    const namespaces =
      test.namespace !== undefined
        ? [test.namespace]
        : [...cluster.namespaces.values()].filter((ns) => test.namespaceMatch?.(ns.labels)).map((ns) => ns.name);
    for (const ns of namespaces) {
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

  const tables = new ClassTables(reuse);
  const netPeers: { range: Ipv4Range; peer: number }[] = [];
  for (let s = 0; s < context.starts.length - 1; s++) {
    const peer = tables.peer(context.segmentTests[s], NO_PORTS);
    const last = netPeers[netPeers.length - 1];
    if (last && last.peer === peer) last.range = { first: last.range.first, last: context.starts[s + 1] - 1 };
    else netPeers.push({ range: { first: context.starts[s], last: context.starts[s + 1] - 1 }, peer });
  }

  // Pods with the same group, container ports and ipBlock segment get the same classes
  // (workload replicas share their labels and ports objects, so this is mostly cache hits).
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

  // Allowed ports per (subject class, peer class): each rule adds itself to the peer classes
  // its peers match, then each pair's rule list becomes a port profile.
  const peersByTest: PeerClass[][] = tests.map(() => []);
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

/** `previous` with the changed and removed pods reclassified; the context is shared. */
function updateDirection(
  previous: DirectionPlan,
  changed: readonly AddressedPod[],
  removedIps: ReadonlySet<string>,
  profiles: Profiles,
): DirectionPlan {
  const context = previous.context;
  const tables = new ClassTables(previous);
  const subjects = new Map(previous.subjects);
  const podPeers = new Map(previous.podPeers);
  const allow = new Map(previous.allow);
  for (const ip of removedIps) {
    subjects.delete(ip);
    podPeers.delete(ip);
  }
  for (const { pod, ip, address } of changed) {
    const classes = classifyPod(context, tables, pod, address, `${pod.namespace}\0${labelKeyOf(pod.labels)}`);
    if (classes.subject !== undefined) subjects.set(ip, classes.subject);
    else subjects.delete(ip);
    podPeers.set(ip, classes.peer);
  }
  // Pairs of new classes: new subjects against every peer, new peers against old subjects.
  const pair = (subject: SubjectClass, peer: PeerClass) => {
    const rules: CompiledRule[] = [];
    for (const policyIndex of subject.policies) {
      for (const rule of context.rulesByPolicy[policyIndex] ?? []) {
        if (rule.peers === 'all' || rule.peers.some((t) => peer.tests.includes(t))) rules.push(rule);
      }
    }
    if (rules.length === 0) return;
    const verdict = verdictOf(context, profiles, rules, subject, peer);
    if (verdict !== undefined) allow.set(`${subject.id} . ${peer.id}`, verdict);
  };
  const fresh = new Set(tables.newSubjects);
  for (const subject of tables.newSubjects) for (const peer of tables.peers.values()) pair(subject, peer);
  for (const peer of tables.newPeers) {
    for (const subject of tables.subjects.values()) if (!fresh.has(subject)) pair(subject, peer);
  }
  return {
    ...previous,
    subjects,
    podPeers,
    allow,
    subjectClasses: tables.subjects,
    peerClasses: tables.peers,
  };
}

/** The verdict of the rules admitting a pair: 'all', a port profile id, or none. */
function verdictOf(
  context: DirectionContext,
  profiles: Profiles,
  rules: readonly CompiledRule[],
  subject: SubjectClass,
  peer: PeerClass,
): 'all' | number | undefined {
  // Named ports resolve on the destination: the subject for ingress, the peer for egress.
  const holder = context.direction === 'ingress' ? subject : peer;
  const named = rules.some((r) => r.ports !== 'all' && r.ports.some((p) => typeof p.port === 'string'));
  const memoKey = `${rules.map((r) => context.ruleIds.get(r)).join(',')}|${named ? namedKey(holder.named) : ''}`;
  let memo = context.profileMemo.get(memoKey);
  if (!context.profileMemo.has(memoKey)) {
    memo = portsOf(rules, holder.named);
    context.profileMemo.set(memoKey, memo);
  }
  if (memo === undefined || memo === 'all') return memo;
  let profile = profiles.get(memo.key);
  if (!profile) {
    // Profiles are never dropped (reuse copies them all), so ids are 1..size.
    profile = { id: profiles.size + 1, ranges: memo.ranges };
    profiles.set(memo.key, profile);
  }
  return profile.id;
}
