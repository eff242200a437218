import {
  type ClusterModel,
  compileSelector,
  type Direction,
  type LabelMatcher,
  type Labels,
  type PodModel,
  type PortModel,
  type Protocol,
} from '@netpol/core';
import { IPV4_LAST, type Ipv4Range, ipv4Cidr, ipv4ToNumber, subtractRanges } from './ipv4.js';
import { planServices, type ServicePlan } from './services.js';

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

interface CompiledRule {
  peers: 'all' | readonly number[];
  ports: 'all' | readonly PortModel[];
}

export interface DirectionPlan {
  direction: Direction;
  tests: PeerTest[];
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

export interface DataplanePlan {
  /** Identifies the policies the classes were computed for (class reuse needs equal keys). */
  policyKey: string;
  egress: DirectionPlan;
  ingress: DirectionPlan;
  /** Port profiles by their text; shared by both directions. */
  profiles: Map<string, { id: number; ranges: readonly PortRange[] }>;
  services: ServicePlan[];
  /** `cluster.policies[i].id` (comments only). */
  policyIds: string[];
  /** Pod IPv4 → pod id (comments only). */
  podIds: Map<string, string>;
  /** Pods the dataplane cannot address (no IPv4 primary address). */
  skippedPods: string[];
}

const PROTOCOL_ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

export function policyKeyOf(cluster: ClusterModel): string {
  return JSON.stringify(
    cluster.policies.map((p) => [p.namespace, p.name, p.podSelector, p.types, p.ingress, p.egress]),
    (key, value) => (key === 'origin' ? undefined : value),
  );
}

/**
 * Plan the dataplane for a cluster. With `previous` computed for the same policies, its
 * classes, ids and port profiles are kept (even classes that lost their last member), so a
 * label change that moves pods between existing classes changes only map elements.
 */
export function planDataplane(cluster: ClusterModel, previous?: DataplanePlan): DataplanePlan {
  const policyKey = policyKeyOf(cluster);
  const reuse = previous && previous.policyKey === policyKey ? previous : undefined;
  const pods: { pod: PodModel; ip: string; address: number }[] = [];
  const skippedPods: string[] = [];
  const podIds = new Map<string, string>();
  for (const pod of cluster.pods) {
    const ip = pod.ips[0];
    const address = ip === undefined ? undefined : ipv4ToNumber(ip);
    if (address === undefined || podIds.has(ip)) {
      skippedPods.push(pod.id);
      continue;
    }
    podIds.set(ip, pod.id);
    pods.push({ pod, ip, address });
  }
  const profiles = new Map<string, { id: number; ranges: readonly PortRange[] }>(reuse?.profiles ?? []);
  const groups = groupPods(pods.map((p) => p.pod));
  const egress = planDirection(cluster, 'egress', pods, groups, profiles, reuse?.egress);
  const ingress = planDirection(cluster, 'ingress', pods, groups, profiles, reuse?.ingress);
  return {
    policyKey,
    egress,
    ingress,
    profiles,
    services: planServices(cluster),
    policyIds: cluster.policies.map((p) => p.id),
    podIds,
    skippedPods,
  };
}

interface PodGroup {
  index: number;
  namespace: string;
  labels: Labels;
  pods: PodModel[];
}

/** Pods with the same namespace and labels match the same selectors. */
function groupPods(pods: readonly PodModel[]): { all: PodGroup[]; byPod: Map<PodModel, PodGroup> } {
  const byKey = new Map<string, PodGroup>();
  const byPod = new Map<PodModel, PodGroup>();
  const labelKeys = new Map<Labels, string>();
  for (const pod of pods) {
    let labelKey = labelKeys.get(pod.labels);
    if (labelKey === undefined) {
      labelKey = JSON.stringify(Object.entries(pod.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
      labelKeys.set(pod.labels, labelKey);
    }
    const key = `${pod.namespace}\0${labelKey}`;
    let group = byKey.get(key);
    if (!group) {
      group = { index: byKey.size, namespace: pod.namespace, labels: pod.labels, pods: [] };
      byKey.set(key, group);
    }
    group.pods.push(pod);
    byPod.set(pod, group);
  }
  return { all: [...byKey.values()], byPod };
}

function planDirection(
  cluster: ClusterModel,
  direction: Direction,
  pods: readonly { pod: PodModel; ip: string; address: number }[],
  groups: { all: PodGroup[]; byPod: Map<PodModel, PodGroup> },
  profiles: Map<string, { id: number; ranges: readonly PortRange[] }>,
  reuse: DirectionPlan | undefined,
): DirectionPlan {
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
  const rulesByPolicy: CompiledRule[][] = [];
  /** Named ports the direction's rules name (`name/PROTOCOL`). */
  const namedRefs = new Set<string>();
  cluster.policies.forEach((policy, policyIndex) => {
    if (!policy.types[direction]) return;
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    rulesByPolicy[policyIndex] = rules.map((rule) => {
      if (rule.ports !== 'all') {
        for (const p of rule.ports) if (typeof p.port === 'string') namedRefs.add(`${p.port}/${p.protocol}`);
      }
      const peers =
        rule.peers === 'all'
          ? ('all' as const)
          : rule.peers.map((peer) => {
              if (peer.kind === 'ipBlock') {
                const except = [...peer.except].sort();
                return testOf(`ip|${peer.cidr}|${except.join(',')}`, () => {
                  const base = ipv4Cidr(peer.cidr);
                  const holes = except.map(ipv4Cidr).filter((r): r is Ipv4Range => r !== undefined);
                  return { kind: 'ipBlock', ranges: base ? subtractRanges(base, holes) : [] };
                });
              }
              const ns = peer.namespaceSelector ? JSON.stringify(peer.namespaceSelector) : `=${policy.namespace}`;
              const pod = peer.podSelector ? JSON.stringify(peer.podSelector) : '*';
              return testOf(`sel|${ns}|${pod}`, () => ({
                kind: 'selector',
                namespace: peer.namespaceSelector ? undefined : policy.namespace,
                namespaceMatch: peer.namespaceSelector ? compileSelector(peer.namespaceSelector) : undefined,
                podMatch: peer.podSelector ? compileSelector(peer.podSelector) : undefined,
              }));
            });
      return { peers, ports: rule.ports };
    });
  });

  // Selector tests per pod group (namespace first: most tests name one namespace).
  const groupsByNs = new Map<string, PodGroup[]>();
  for (const g of groups.all) {
    const list = groupsByNs.get(g.namespace) ?? [];
    list.push(g);
    groupsByNs.set(g.namespace, list);
  }
  const groupTests = new Map<PodGroup, number[]>();
  tests.forEach((test, index) => {
    if (test.kind !== 'selector') return;
    const namespaces =
      test.namespace !== undefined
        ? [test.namespace]
        : [...cluster.namespaces.values()].filter((ns) => test.namespaceMatch?.(ns.labels)).map((ns) => ns.name);
    for (const ns of namespaces) {
      for (const g of groupsByNs.get(ns) ?? []) {
        if (test.podMatch && !test.podMatch(g.labels)) continue;
        const list = groupTests.get(g) ?? [];
        list.push(index);
        groupTests.set(g, list);
      }
    }
  });

  // The IPv4 space cut at every ipBlock boundary; each segment knows its ipBlock tests.
  const cuts = new Set<number>([0, IPV4_LAST + 1]);
  for (const test of tests) for (const r of test.ranges ?? []) cuts.add(r.first).add(r.last + 1);
  const starts = [...cuts].sort((a, b) => a - b);
  const segmentTests: number[][] = starts.slice(0, -1).map(() => []);
  const segmentOf = (address: number) => {
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= address) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  tests.forEach((test, index) => {
    for (const r of test.ranges ?? []) {
      for (let s = segmentOf(r.first); s < starts.length - 1 && starts[s] <= r.last; s++) segmentTests[s].push(index);
    }
  });

  // Classes, keyed by signature; reused ids stay, new ones count on from the largest.
  const subjectClasses = new Map<string, SubjectClass>(reuse?.subjectClasses ?? []);
  const peerClasses = new Map<string, PeerClass>(reuse?.peerClasses ?? []);
  let nextSubject = Math.max(0, ...[...subjectClasses.values()].map((c) => c.id)) + 1;
  let nextPeer = Math.max(0, ...[...peerClasses.values()].map((c) => c.id)) + 1;
  const subjectClass = (policies: number[], named: NamedPorts) => {
    const key = `${policies.join(',')}|${namedKey(named)}`;
    let c = subjectClasses.get(key);
    if (!c) {
      c = { id: nextSubject++, policies, named };
      subjectClasses.set(key, c);
    }
    return c.id;
  };
  const peerClass = (tests: number[], named: NamedPorts) => {
    const key = `${tests.join(',')}|${namedKey(named)}`;
    let c = peerClasses.get(key);
    if (!c) {
      c = { id: nextPeer++, tests, named };
      peerClasses.set(key, c);
    }
    return c.id;
  };
  const noPorts: NamedPorts = new Map();

  const netPeers: { range: Ipv4Range; peer: number }[] = [];
  for (let s = 0; s < starts.length - 1; s++) {
    const peer = peerClass(segmentTests[s], noPorts);
    const last = netPeers[netPeers.length - 1];
    if (last && last.peer === peer) last.range = { first: last.range.first, last: starts[s + 1] - 1 };
    else netPeers.push({ range: { first: starts[s], last: starts[s + 1] - 1 }, peer });
  }

  const subjectPolicies = new Map<PodGroup, number[]>();
  cluster.policies.forEach((policy, policyIndex) => {
    if (!policy.types[direction]) return;
    const select = compileSelector(policy.podSelector);
    for (const g of groupsByNs.get(policy.namespace) ?? []) {
      if (!select(g.labels)) continue;
      const list = subjectPolicies.get(g) ?? [];
      list.push(policyIndex);
      subjectPolicies.set(g, list);
    }
  });

  // Pods with the same group, container ports and ipBlock segment get the same classes
  // (workload replicas share their labels and ports objects, so this is mostly cache hits).
  const subjects = new Map<string, number>();
  const podPeers = new Map<string, number>();
  const portsIds = new Map<readonly unknown[], number>();
  const cache = new Map<string, { subject?: number; peer: number }>();
  for (const { pod, ip, address } of pods) {
    const group = groups.byPod.get(pod) as PodGroup;
    const segment = segmentOf(address);
    let portsId = portsIds.get(pod.ports);
    if (portsId === undefined) {
      portsId = portsIds.size;
      portsIds.set(pod.ports, portsId);
    }
    const cacheKey = `${group.index}|${portsId}|${segment}`;
    let classes = cache.get(cacheKey);
    if (!classes) {
      const named = namedRefs.size > 0 ? namedPortsOf(pod, namedRefs) : noPorts;
      const policies = subjectPolicies.get(group);
      const selectorTests = groupTests.get(group) ?? [];
      const blockTests = segmentTests[segment];
      const peerTests =
        blockTests.length === 0 ? selectorTests : [...selectorTests, ...blockTests].sort((a, b) => a - b);
      classes = {
        subject: policies ? subjectClass(policies, direction === 'ingress' ? named : noPorts) : undefined,
        peer: peerClass(peerTests, direction === 'egress' ? named : noPorts),
      };
      cache.set(cacheKey, classes);
    }
    if (classes.subject !== undefined) subjects.set(ip, classes.subject);
    podPeers.set(ip, classes.peer);
  }

  // Allowed ports per (subject class, peer class): each rule adds its ports to the peer
  // classes its peers match.
  const peersByTest: PeerClass[][] = tests.map(() => []);
  const allPeers = [...peerClasses.values()];
  for (const c of allPeers) for (const t of c.tests) peersByTest[t]?.push(c);
  // Per pair, the rules that admit it; the port profile of a rule list is computed once (per
  // named-port holder when a rule names ports: ingress resolves on the subject, egress on the peer).
  const ruleIds = new Map<CompiledRule, number>();
  const allRules = rulesByPolicy.flat();
  allRules.forEach((rule, i) => ruleIds.set(rule, i));
  const rulePeers = new Map<CompiledRule, readonly PeerClass[]>();
  const profileMemo = new Map<string, 'all' | number | undefined>();
  const allow = new Map<string, 'all' | number>();
  for (const subject of subjectClasses.values()) {
    const admitted = new Map<PeerClass, CompiledRule[]>();
    for (const policyIndex of subject.policies) {
      for (const rule of rulesByPolicy[policyIndex] ?? []) {
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
      const holder = direction === 'ingress' ? subject : peer;
      const named = rules.some((r) => r.ports !== 'all' && r.ports.some((p) => typeof p.port === 'string'));
      const memoKey = `${rules.map((r) => ruleIds.get(r)).join(',')}|${named ? `${direction === 'ingress' ? 's' : 'p'}${holder.id}` : ''}`;
      let verdict = profileMemo.get(memoKey);
      if (!profileMemo.has(memoKey)) {
        verdict = profileOf(rules, holder.named, profiles);
        profileMemo.set(memoKey, verdict);
      }
      if (verdict !== undefined) allow.set(`${subject.id} . ${peer.id}`, verdict);
    }
  }
  return { direction, tests, subjects, podPeers, netPeers, allow, subjectClasses, peerClasses };
}

/** The port profile of the rules admitting a pair: 'all', a profile id, or undefined (none). */
function profileOf(
  rules: readonly CompiledRule[],
  named: NamedPorts,
  profiles: Map<string, { id: number; ranges: readonly PortRange[] }>,
): 'all' | number | undefined {
  const ports: PortRange[] = [];
  for (const rule of rules) {
    if (rule.ports === 'all') return 'all';
    for (const p of rule.ports) ports.push(...portRanges(p, named));
  }
  if (ports.length === 0) return undefined;
  const ranges = mergeRanges(ports);
  const key = ranges.map((r) => `${r.protocol}:${r.first}-${r.last}`).join(',');
  let profile = profiles.get(key);
  if (!profile) {
    // Profiles are never dropped (reuse copies them all), so ids are 1..size.
    profile = { id: profiles.size + 1, ranges };
    profiles.set(key, profile);
  }
  return profile.id;
}

function namedPortsOf(pod: PodModel, refs: ReadonlySet<string>): NamedPorts {
  const out = new Map<string, number[]>();
  for (const p of pod.ports) {
    if (p.name === undefined) continue;
    const key = `${p.name}/${p.protocol}`;
    if (!refs.has(key)) continue;
    const list = out.get(key) ?? [];
    if (!list.includes(p.port)) list.push(p.port);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

function namedKey(named: NamedPorts): string {
  return [...named.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v.join('+')}`)
    .join(';');
}

/** A rule port as ranges; a named port resolves on the destination pod (`named`). */
function portRanges(port: PortModel, named: NamedPorts): PortRange[] {
  const protocol = port.protocol;
  if (port.port === undefined) return [{ protocol, first: 0, last: 65535 }];
  if (typeof port.port === 'number') return [{ protocol, first: port.port, last: port.endPort ?? port.port }];
  return (named.get(`${port.port}/${protocol}`) ?? []).map((n) => ({ protocol, first: n, last: n }));
}

function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort(
    (a, b) => PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.first - b.first,
  );
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.protocol === r.protocol && r.first <= last.last + 1) {
      last.last = Math.max(last.last, r.last);
    } else out.push({ ...r });
  }
  return out;
}
