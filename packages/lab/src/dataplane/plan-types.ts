import type {
  CompiledAdminPeer,
  CompiledAdminPolicy,
  CompiledCluster,
  Direction,
  LabelMatcher,
  Labels,
  PodModel,
  PortModel,
  Protocol,
} from '@netpol/core';
import type { Ipv4Range } from './ipv4.js';
import type { ServicePlan, ServiceUse } from './services.js';

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
  /** Selector peers: whether the peer reaches pods of a namespace (the compiled cluster's rule). */
  inNamespace?: (namespace: string, labels: Labels) => boolean;
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
  subjects: ReadonlyMap<string, number>;
  /** Pod IPv4 → peer class id. */
  podPeers: ReadonlyMap<string, number>;
  /** The whole IPv4 space in ranges → peer class id (pods override it by address). */
  netPeers: { range: Ipv4Range; peer: number }[];
  /** `subject . peer` → 'all' (every port and protocol) or a port profile id. */
  allow: ReadonlyMap<string, 'all' | number>;
  /** Classes by signature; kept across incremental updates so ids stay stable. */
  subjectClasses: ReadonlyMap<string, SubjectClass>;
  peerClasses: ReadonlyMap<string, PeerClass>;
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
  /** The admin and baseline tiers (tier-plan.ts), when the cluster has admin tier policies. */
  tiers?: { egress: TierDirectionPlan; ingress: TierDirectionPlan };
  /** Port profiles by their text; shared by both directions. */
  profiles: Profiles;
  services: ServicePlan[];
  /** Which NAT chains and hairpin elements the Service ports need. */
  serviceUse: ServiceUse;
  /** `cluster.policies[i].id` (comments only). */
  policyIds: string[];
  /** Pod IPv4 → pod id (comments only). */
  podIds: ReadonlyMap<string, string>;
  /** Pod IPv4 → the pod as planned (equal for the dataplane to the cluster's; to find what changed). */
  pods: ReadonlyMap<string, PodModel>;
  /** Pods the dataplane cannot address (no IPv4 primary address, or an address taken). */
  skippedPods: string[];
}

/**
 * What a direction's checks are made of, decided by the policies and namespaces alone: the
 * peer tests, the compiled rules, the ipBlock segments, and caches keyed by content (groups,
 * port profiles of rule lists), so plans derived from one another can share it.
 */
export interface DirectionContext {
  direction: Direction;
  tests: PeerTest[];
  rulesByPolicy: (readonly CompiledRule[])[];
  ruleIds: Map<CompiledRule, number>;
  /** Named ports the direction's rules name (`name/PROTOCOL`). */
  namedRefs: Set<string>;
  /** Segment starts (the last entry is 2^32) and each segment's ipBlock tests. */
  starts: number[];
  segmentTests: number[][];
  /** The direction's policies per namespace, in index order. */
  policiesByNs: Map<string, { index: number; select: LabelMatcher }[]>;
  nsLabels: Map<string, Labels>;
  /** Group key (namespace and labels) → its selector tests and isolating policies. */
  groups: Map<string, { tests: number[]; policies?: number[] }>;
  /** Rule list (and named-port holder) → the profile text of its ports, 'all' or none. */
  profileMemo: Map<string, { key: string; ranges: PortRange[] } | 'all' | undefined>;
}

/** The admin tiers' classes and verdict maps (tier-plan.ts). */
export type TierVerdict = 'return' | 'drop';
export interface TierSegment {
  protocol: Protocol;
  first: number;
  last: number;
  verdict: TierVerdict;
}
export interface TierPairVerdict {
  admin: readonly TierSegment[];
  baseline: readonly TierSegment[];
}

export interface TierContext {
  direction: Direction;
  compiled: CompiledCluster;
  /** Admin tier policies, then baseline ones, in consult order (class `policies` index this). */
  policies: readonly CompiledAdminPolicy[];
  adminCount: number;
  /** Every peer of this direction's rules (class `tests` index this). */
  peers: readonly CompiledAdminPeer[];
  peerIndex: ReadonlyMap<CompiledAdminPeer, number>;
  /** `name/PROTOCOL` for every named port the direction's rules name (any protocol). */
  namedRefs: ReadonlySet<string>;
  /** Outside segments: starts (the last is 2^32) and each segment's matching peers. */
  starts: number[];
  segmentTests: number[][];
  /** Group (namespace, labels, host network) and segment → matching peers and selecting policies. */
  groups: Map<string, { tests: number[]; policies: number[] }>;
  /** Class signatures → pair verdict (pairs with equal signatures decide alike). */
  pairMemo: Map<string, TierPairVerdict>;
  /** Egress `domainNames` peers (their index in `peers`, their names), in peer order. */
  domainPeers: readonly { test: number; names: readonly string[] }[];
}

export interface TierDirectionPlan {
  direction: Direction;
  context: TierContext;
  /** Pod IPv4 → tier subject class, for pods some admin or baseline policy selects. */
  subjects: ReadonlyMap<string, number>;
  /** Pod IPv4 → tier peer class. */
  podPeers: ReadonlyMap<string, number>;
  netPeers: { range: Ipv4Range; peer: number }[];
  /** `subject . peer` → the pair's segments, for pairs with at least one. */
  pairs: ReadonlyMap<string, TierPairVerdict>;
  /**
   * Per egress `domainNames` peer, in `domainPeers` order: outside peer class → the class of
   * the same addresses once the lab's DNS answered them for one of the peer's names (the peer
   * added to its tests). Applied one after the other, they reach every combination.
   */
  domainSteps: readonly ReadonlyMap<number, number>[];
  subjectClasses: ReadonlyMap<string, SubjectClass>;
  peerClasses: ReadonlyMap<string, PeerClass>;
}
