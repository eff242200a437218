import {
  type AdminPeerTest,
  adminPeerMatches,
  type ClusterModel,
  type CompiledAdminPeer,
  type CompiledAdminPolicy,
  type CompiledCluster,
  type ContainerPortModel,
  compileCluster,
  consultSelectedTier,
  type Direction,
  type PodModel,
  type Protocol,
  selectionHolds,
} from '@netpol/core';
import type { DirectionClassSource } from './class-state.js';
import { type AddressedPod, ClassTables, labelKeyOf, NO_PORTS } from './classify.js';
import { IPV4_LAST, type Ipv4Range, numberToIpv4 } from './ipv4.js';
import { LayeredMap } from './layered-map.js';
import { segmentOf } from './plan-context.js';
import type {
  NamedPorts,
  PeerClass,
  SubjectClass,
  TierContext,
  TierDirectionPlan,
  TierPairVerdict,
  TierSegment,
  TierVerdict,
} from './plan-types.js';
import { namedKey, namedPortsOf } from './ports.js';

/**
 * The admin and baseline tiers (policy.networking.k8s.io, docs/admin-tiers.md) as classes and
 * verdict maps, per direction, beside the NetworkPolicy classes of plan.ts:
 *
 * - a *tier subject class* groups the pods the same admin/baseline policies select (and, for
 *   ingress, with the same numbers for the named ports those rules name);
 * - a *tier peer class* groups the endpoints every admin peer of that direction treats alike
 *   (and, for egress, the same named port numbers); outside addresses are the IPv4 space cut
 *   at every `networks` CIDR and node address;
 * - for each pair, each tier's first-match order is compiled into disjoint
 *   `protocol . port range` segments, each `return` (Accept/Allow: this side is allowed) or
 *   `drop` (Deny); Pass and no match leave no element (the next tier decides).
 *
 * Nothing here decides whether a selector, peer or port matches, nor the order of rules: the
 * core's compiled tiers do (`selectionHolds`, `adminPeerMatches`, `consultSelectedTier`),
 * asked once per class (on a pod or an address of the class) and per port segment (on its
 * first port). The cut points only bound where an answer can change.
 */

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export function buildTierContext(compiled: CompiledCluster, direction: Direction): TierContext | undefined {
  const tiers = compiled.tiers;
  if (!tiers) return undefined;
  const policies = [...tiers.admin, ...tiers.baseline];
  const peers: CompiledAdminPeer[] = [];
  const peerIndex = new Map<CompiledAdminPeer, number>();
  const namedRefs = new Set<string>();
  const cuts = new Set<number>([0, IPV4_LAST + 1]);
  const domainPeers: { test: number; names: readonly string[] }[] = [];
  for (const policy of policies) {
    for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
      for (const peer of rule.peers) {
        if (peerIndex.has(peer)) continue;
        peerIndex.set(peer, peers.length);
        peers.push(peer);
        if (peer.kind === 'names' && peer.model.kind === 'domainNames') {
          domainPeers.push({ test: peers.length - 1, names: peer.model.names });
        }
        if (peer.kind !== 'addresses') continue;
        for (const r of peer.ranges) {
          if (r.family !== 4) continue;
          cuts.add(Number(r.first)).add(Number(r.last) + 1);
        }
      }
      if (rule.model.ports === 'all') continue;
      for (const port of rule.model.ports) {
        if (typeof port.port === 'string') for (const p of PROTOCOLS) namedRefs.add(`${port.port}/${p}`);
      }
    }
  }
  const starts = [...cuts].sort((a, b) => a - b);
  // Each outside segment is judged on its first address: the cuts bound every address peer.
  const segmentTests = starts.slice(0, -1).map((start) => {
    const facts = compiled.facts({ kind: 'external', ip: numberToIpv4(start) });
    return matching(peers, (peer) => adminPeerMatches(peer, facts));
  });
  return {
    direction,
    compiled,
    policies,
    adminCount: tiers.admin.length,
    peers,
    peerIndex,
    namedRefs,
    starts,
    segmentTests,
    groups: new Map(),
    pairMemo: new Map(),
    domainPeers,
  };
}

function matching<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (test(item)) out.push(i);
  });
  return out;
}

/** A pod's tier classes (its group and address segment are asked of the core once). */
export function classifyTierPod(
  context: TierContext,
  tables: ClassTables,
  pod: PodModel,
  address: number,
): { subject?: number; peer: number } {
  const segment = segmentOf(context, address);
  const key = `${pod.namespace}\0${labelKeyOf(pod.labels)}\0${pod.hostNetwork ? 1 : 0}\0${segment}`;
  let info = context.groups.get(key);
  if (!info) {
    const facts = context.compiled.podFacts(pod);
    const namespaceLabels = context.compiled.namespaceLabels(pod.namespace);
    info = {
      tests: matching(context.peers, (peer) => adminPeerMatches(peer, facts)),
      policies: matching(context.policies, (policy) => selectionHolds(policy.subject, pod, namespaceLabels)),
    };
    context.groups.set(key, info);
  }
  const named = context.namedRefs.size > 0 ? namedPortsOf(pod, context.namedRefs) : NO_PORTS;
  return {
    subject:
      info.policies.length > 0
        ? tables.subject(info.policies, context.direction === 'ingress' ? named : NO_PORTS)
        : undefined,
    peer: tables.peer(info.tests, context.direction === 'egress' ? named : NO_PORTS),
  };
}

/** Named ports as the container ports the core resolves them on. */
function portHolder(named: NamedPorts): { ports: ContainerPortModel[] } {
  const ports: ContainerPortModel[] = [];
  for (const [key, numbers] of named) {
    const slash = key.lastIndexOf('/');
    const name = key.slice(0, slash);
    const protocol = key.slice(slash + 1) as Protocol;
    for (const port of numbers) ports.push({ name, protocol, port });
  }
  return { ports };
}

/** Both tiers' segments for a pair of classes (memoized by the classes' signatures). */
export function tierPairVerdict(context: TierContext, subject: SubjectClass, peer: PeerClass): TierPairVerdict {
  const key = `${subject.policies.join(',')}|${namedKey(subject.named)}|${peer.tests.join(',')}|${namedKey(peer.named)}`;
  const memo = context.pairMemo.get(key);
  if (memo) return memo;
  const { direction, policies, adminCount } = context;
  const admin = subject.policies.filter((i) => i < adminCount).map((i) => policies[i] as CompiledAdminPolicy);
  const baseline = subject.policies.filter((i) => i >= adminCount).map((i) => policies[i] as CompiledAdminPolicy);
  const tests = new Set(peer.tests);
  const peerTest: AdminPeerTest = (p) => tests.has(context.peerIndex.get(p) ?? -1);
  // Named ports resolve on the destination: the subject for ingress, the peer for egress.
  const destination = portHolder(direction === 'ingress' ? subject.named : peer.named);
  const cuts: Record<Protocol, Set<number>> = { TCP: new Set([0]), UDP: new Set([0]), SCTP: new Set([0]) };
  for (const policy of [...admin, ...baseline]) {
    for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
      if (rule.model.ports === 'all') continue;
      for (const port of rule.model.ports) {
        if (typeof port.port === 'string') {
          for (const c of destination.ports) if (c.name === port.port) cuts[c.protocol].add(c.port).add(c.port + 1);
        } else if (port.port !== undefined && port.protocol !== undefined) {
          cuts[port.protocol].add(port.port).add((port.endPort ?? port.port) + 1);
        }
      }
    }
  }
  const segments = (tier: readonly CompiledAdminPolicy[]): TierSegment[] => {
    const out: TierSegment[] = [];
    if (tier.length === 0) return out;
    for (const protocol of PROTOCOLS) {
      const starts = [...cuts[protocol]].filter((n) => n <= 65535).sort((a, b) => a - b);
      starts.forEach((first, i) => {
        const last = (starts[i + 1] ?? 65536) - 1;
        const outcome = consultSelectedTier(tier, { direction, peer: peerTest, protocol, port: first, destination });
        const verdict: TierVerdict | undefined = outcome.decided
          ? outcome.decided.action === 'Deny'
            ? 'drop'
            : 'return'
          : undefined;
        if (verdict === undefined) return;
        const previous = out[out.length - 1];
        if (previous && previous.protocol === protocol && previous.verdict === verdict && previous.last + 1 === first) {
          previous.last = last;
        } else out.push({ protocol, first, last, verdict });
      });
    }
    return out;
  };
  const verdict = { admin: segments(admin), baseline: segments(baseline) };
  context.pairMemo.set(key, verdict);
  return verdict;
}

export function planTierDirection(
  compiled: CompiledCluster,
  direction: Direction,
  pods: readonly AddressedPod[],
  reuse: DirectionClassSource | undefined,
): TierDirectionPlan | undefined {
  const context = buildTierContext(compiled, direction);
  if (!context) return undefined;
  const tables = new ClassTables(reuse);
  const netPeers: { range: Ipv4Range; peer: number }[] = [];
  context.segmentTests.forEach((tests, s) => {
    const peer = tables.peer(tests, NO_PORTS);
    const range = { first: context.starts[s] as number, last: (context.starts[s + 1] as number) - 1 };
    const last = netPeers[netPeers.length - 1];
    if (last && last.peer === peer) last.range = { first: last.range.first, last: range.last };
    else netPeers.push({ range, peer });
  });
  const domainSteps = domainClasses(context, tables, new Set(netPeers.map((n) => n.peer)));
  const subjects = new Map<string, number>();
  const podPeers = new Map<string, number>();
  for (const { pod, ip, address } of pods) {
    const classes = classifyTierPod(context, tables, pod, address);
    if (classes.subject !== undefined) subjects.set(ip, classes.subject);
    podPeers.set(ip, classes.peer);
  }
  const pairs = new Map<string, TierPairVerdict>();
  for (const subject of tables.subjects.values()) {
    for (const peer of tables.peers.values()) addPair(context, pairs, subject, peer);
  }
  return {
    direction,
    context,
    subjects,
    podPeers,
    netPeers,
    pairs,
    domainSteps,
    subjectClasses: tables.subjects,
    peerClasses: tables.peers,
  };
}

/**
 * The classes outside addresses move to once the lab's DNS answered them for a `domainNames`
 * peer: whether an address matches such a peer is known only at run time (the engine matches
 * none), so each peer gets a step `class → class with that peer`, over every class the
 * earlier steps can reach. (Pods are never such answers: the lab answers names of outside
 * hosts.)
 */
function domainClasses(context: TierContext, tables: ClassTables, outside: ReadonlySet<number>): Map<number, number>[] {
  if (context.domainPeers.length === 0) return [];
  const byId = new Map<number, PeerClass>();
  const reachable = new Set(outside);
  return context.domainPeers.map(({ test }) => {
    for (const c of tables.peers.values()) byId.set(c.id, c);
    const step = new Map<number, number>();
    for (const id of [...reachable]) {
      const c = byId.get(id) as PeerClass;
      const tests = c.tests.includes(test) ? c.tests : [...c.tests, test].sort((a, b) => a - b);
      const next = tables.peer(tests, c.named);
      step.set(id, next);
      reachable.add(next);
    }
    return step;
  });
}

function addPair(
  context: TierContext,
  pairs: { set(key: string, value: TierPairVerdict): unknown },
  subject: SubjectClass,
  peer: PeerClass,
): string | undefined {
  const verdict = tierPairVerdict(context, subject, peer);
  if (verdict.admin.length === 0 && verdict.baseline.length === 0) return undefined;
  const key = `${subject.id} . ${peer.id}`;
  pairs.set(key, verdict);
  return key;
}

/** `previous` with the changed and removed pods reclassified; new class pairs added. */
export function updateTierDirection(
  previous: TierDirectionPlan,
  changed: readonly AddressedPod[],
  removed: readonly string[],
): { plan: TierDirectionPlan; pairsAdded: string[] } {
  const context = previous.context;
  const tables = new ClassTables(previous);
  const subjects = LayeredMap.over(previous.subjects);
  const podPeers = LayeredMap.over(previous.podPeers);
  const pairs = LayeredMap.over(previous.pairs);
  const pairsAdded: string[] = [];
  for (const ip of removed) {
    subjects.delete(ip);
    podPeers.delete(ip);
  }
  for (const { pod, ip, address } of changed) {
    const classes = classifyTierPod(context, tables, pod, address);
    if (classes.subject !== undefined) subjects.set(ip, classes.subject);
    else subjects.delete(ip);
    podPeers.set(ip, classes.peer);
  }
  // Pairs naming a new class are new elements: new subjects against every peer, new peers
  // against the old subjects.
  const add = (subject: SubjectClass, peer: PeerClass) => {
    const key = addPair(context, pairs, subject, peer);
    if (key) pairsAdded.push(key);
  };
  const fresh = new Set(tables.newSubjects);
  for (const subject of tables.newSubjects) for (const peer of tables.peers.values()) add(subject, peer);
  for (const peer of tables.newPeers) {
    for (const subject of tables.subjects.values()) if (!fresh.has(subject)) add(subject, peer);
  }
  return {
    plan: { ...previous, subjects, podPeers, pairs, subjectClasses: tables.subjects, peerClasses: tables.peers },
    pairsAdded,
  };
}

/**
 * The nft sets the lab DNS fills (`egress_fqdn_<i>`, one per egress `domainNames` peer) and
 * the names each stands for; what `planTierDirection` renders, in the same order.
 */
export function domainNameSets(cluster: ClusterModel): { set: string; names: readonly string[] }[] {
  const context = buildTierContext(compileCluster(cluster), 'egress');
  return (context?.domainPeers ?? []).map((d, i) => ({ set: `egress_fqdn_${i}`, names: d.names }));
}
