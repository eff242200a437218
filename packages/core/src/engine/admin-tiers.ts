import type {
  AdminPeerModel,
  AdminPolicyModel,
  AdminPortModel,
  AdminRuleModel,
  AdminSelection,
  NodeModel,
} from '../model/admin-types.js';
import { parseCidr, parseIp } from '../model/cidr.js';
import { compileSelector, type LabelMatcher } from '../model/selector.js';
import type { ClusterModel, Labels, Protocol } from '../model/types.js';
import type { SideQuery } from './combine.js';
import type { PeerFacts, PodFacts } from './compile-policy.js';
import { type AddressRange, rangesContain } from './ip-block.js';
import type { PortHolder } from './match-port.js';
import type { AdminRuleRef, SideVerdict } from './types.js';

/**
 * The admin tiers of policy.networking.k8s.io around the NetworkPolicy tier, per direction
 * (docs/admin-tiers.md): (1) the admin tier — policies selecting the subject pod by
 * ascending priority, rules in written order, the first rule whose ports and one of whose
 * peers match decides: Accept/Allow allows, Deny denies, Pass skips the rest of the tier;
 * (2) NetworkPolicy — if any isolates the pod in this direction, its verdict is final;
 * (3) the baseline tier, the same way (Pass there skips to the default); (4) allowed.
 * "host-networked pods are not included in subject selection" nor in pod peers.
 */

interface CompiledSelection {
  namespaces: LabelMatcher;
  pods?: LabelMatcher;
}

export type CompiledAdminPeer =
  | { kind: 'pods'; model: AdminPeerModel; selection: CompiledSelection }
  | { kind: 'addresses'; model: AdminPeerModel; ranges: readonly AddressRange[] }
  /** domainNames: the engine has no DNS; it matches no address (lint says so). */
  | { kind: 'names'; model: AdminPeerModel };

export interface CompiledAdminRule {
  model: AdminRuleModel;
  peers: readonly CompiledAdminPeer[];
}

export interface CompiledAdminPolicy {
  policy: AdminPolicyModel;
  subject: CompiledSelection;
  ingress: readonly CompiledAdminRule[];
  egress: readonly CompiledAdminRule[];
}

/** Facts the tiers need beyond what NetworkPolicy selectors see. */
interface HostNetworkFact {
  hostNetwork?: boolean;
}

function isHostNetwork(pod: PodFacts | undefined): boolean {
  return (pod as (PodFacts & HostNetworkFact) | undefined)?.hostNetwork === true;
}

function compileSelection(selection: AdminSelection): CompiledSelection {
  return {
    namespaces: compileSelector(selection.namespaceSelector),
    pods: selection.kind === 'pods' ? compileSelector(selection.podSelector) : undefined,
  };
}

/** Whether a subject or pod peer selects a pod (never a host-network one). */
export function selectionHolds(selection: CompiledSelection, pod: PodFacts, namespaceLabels: Labels): boolean {
  return (
    !isHostNetwork(pod) && selection.namespaces(namespaceLabels) && (!selection.pods || selection.pods(pod.labels))
  );
}

function addressRanges(texts: readonly string[]): AddressRange[] {
  const ranges: AddressRange[] = [];
  for (const text of texts) {
    const cidr = text.includes('/') ? parseCidr(text) : undefined;
    if (cidr) ranges.push({ family: cidr.family, first: cidr.first, last: cidr.last });
    const ip = cidr ? undefined : parseIp(text);
    if (ip) ranges.push({ family: ip.family, first: ip.value, last: ip.value });
  }
  return ranges;
}

/** The addresses of the nodes a `nodes` selector picks (`status.addresses`). */
export function nodeAddresses(nodes: readonly NodeModel[], selector: LabelMatcher): string[] {
  return nodes.filter((node) => selector(node.labels)).flatMap((node) => node.addresses);
}

function compilePeer(peer: AdminPeerModel, nodes: readonly NodeModel[]): CompiledAdminPeer {
  switch (peer.kind) {
    case 'namespaces':
    case 'pods':
      return { kind: 'pods', model: peer, selection: compileSelection(peer) };
    case 'networks':
      return { kind: 'addresses', model: peer, ranges: addressRanges(peer.cidrs) };
    case 'nodes':
      return {
        kind: 'addresses',
        model: peer,
        ranges: addressRanges(nodeAddresses(nodes, compileSelector(peer.nodeSelector))),
      };
    case 'domainNames':
      return { kind: 'names', model: peer };
  }
}

export function compileAdminPolicies(model: ClusterModel): CompiledAdminPolicy[] {
  const nodes = model.nodes ?? [];
  const rule = (r: AdminRuleModel): CompiledAdminRule => ({
    model: r,
    peers: r.peers.map((p) => compilePeer(p, nodes)),
  });
  return (model.adminPolicies ?? []).map((policy) => ({
    policy,
    subject: compileSelection(policy.subject),
    ingress: policy.ingress.map(rule),
    egress: policy.egress.map(rule),
  }));
}

/**
 * Whether a `domainNames` entry matches a DNS name (CNP-types `DomainName`, network-policy-api
 * main 0eec1b0e): exact, or `*.` + suffix where "'*' [...] matches one or more entire labels"
 * (`*.kubernetes.io` matches `www.kubernetes.io` and `latest.blog.kubernetes.io`, not
 * `kubernetes.io`). Case-insensitive, a final dot ignored, as DNS names compare. The engine
 * has no DNS; the lab's DNS asks this when it answers.
 */
export function domainNameMatches(pattern: string, name: string): boolean {
  const norm = (text: string) => text.toLowerCase().replace(/\.$/, '');
  const p = norm(pattern);
  const n = norm(name);
  if (!p.startsWith('*.')) return p === n;
  const suffix = p.slice(1);
  return n.length > suffix.length && n.endsWith(suffix) && !n.slice(0, -suffix.length).endsWith('.');
}

/**
 * Peers: "namespaces"/"pods" select pods (never host-networked ones); "networks" match an
 * address in a CIDR, pod addresses included ("cluster-internal traffic will be checked
 * against the rule as well"); "nodes" match the selected nodes' addresses.
 */
export function adminPeerMatches(peer: CompiledAdminPeer, other: PeerFacts): boolean {
  switch (peer.kind) {
    case 'pods':
      return other.pod !== undefined && selectionHolds(peer.selection, other.pod, other.namespaceLabels ?? {});
    case 'addresses':
      return other.ip !== undefined && rangesContain(peer.ranges, other.ip);
    case 'names':
      return false;
  }
}

/**
 * Ports: without `ports`/`protocols` every port; a number or an inclusive range of its
 * protocol; a named port is the destination pod's container port of that name (any
 * protocol). `port` undefined (a named port asked did not resolve): only port-less entries.
 */
export function adminPortMatches(
  rulePort: AdminPortModel,
  protocol: Protocol,
  port: number | undefined,
  destination: PortHolder | undefined,
): boolean {
  if (rulePort.unknownProtocol !== undefined) return false;
  if (typeof rulePort.port === 'string') {
    const name = rulePort.port;
    return (
      port !== undefined &&
      (destination?.ports ?? []).some((p) => p.name === name && p.protocol === protocol && p.port === port)
    );
  }
  if (rulePort.protocol !== protocol) return false;
  if (rulePort.port === undefined) return true;
  return port !== undefined && port >= rulePort.port && port <= (rulePort.endPort ?? rulePort.port);
}

/** Whether a compiled peer matches the other side (the engine asks `adminPeerMatches`). */
export type AdminPeerTest = (peer: CompiledAdminPeer) => boolean;

/** The first peer and port of a rule that match, or undefined. */
export function adminRuleMatches(
  rule: CompiledAdminRule,
  other: PeerFacts | AdminPeerTest,
  protocol: Protocol,
  port: number | undefined,
  destination: PortHolder | undefined,
): { peerIndex: number; portIndex?: number } | undefined {
  let portIndex: number | undefined;
  if (rule.model.ports !== 'all') {
    const hit = rule.model.ports.find((p) => adminPortMatches(p, protocol, port, destination));
    if (!hit) return undefined;
    portIndex = hit.index;
  }
  const matches: AdminPeerTest = typeof other === 'function' ? other : (p) => adminPeerMatches(p, other);
  const peer = rule.peers.find(matches);
  if (!peer) return undefined;
  return portIndex === undefined ? { peerIndex: peer.model.index } : { peerIndex: peer.model.index, portIndex };
}

/** Outcome of one tier: the rule that decided, and the Pass rule that skipped the rest. */
export interface TierOutcome {
  decided?: AdminRuleRef;
  passed?: AdminRuleRef;
}

/** What one tier is asked: the other side as facts or as a peer test (the lab's peer classes). */
export interface TierQuery {
  direction: SideQuery['direction'];
  peer: PeerFacts | AdminPeerTest;
  protocol: Protocol;
  port: number | undefined;
  destination: PortHolder | undefined;
}

/**
 * One tier for a subject the given policies select (in consult order): the first rule of
 * this direction whose ports and one of whose peers match decides, or passes. The engine and
 * the lab's dataplane (which asks it once per class pair and port segment) share it.
 */
export function consultSelectedTier(policies: readonly CompiledAdminPolicy[], query: TierQuery): TierOutcome {
  for (const compiled of policies) {
    const rules = query.direction === 'ingress' ? compiled.ingress : compiled.egress;
    for (const rule of rules) {
      const match = adminRuleMatches(rule, query.peer, query.protocol, query.port, query.destination);
      if (!match) continue;
      const ref: AdminRuleRef = {
        policy: compiled.policy,
        direction: query.direction,
        ruleIndex: rule.model.index,
        action: rule.model.action,
        peerIndex: match.peerIndex,
      };
      if (match.portIndex !== undefined) ref.portIndex = match.portIndex;
      // Pass: "Skips all further ClusterNetworkPolicy rules in the current tier".
      return rule.model.effect === 'pass' ? { passed: ref } : { decided: ref };
    }
  }
  return {};
}

function consultTier(
  policies: readonly CompiledAdminPolicy[],
  subjectNamespaceLabels: Labels,
  query: SideQuery,
): TierOutcome {
  const selecting = policies.filter((p) => selectionHolds(p.subject, query.subject, subjectNamespaceLabels));
  return consultSelectedTier(selecting, query);
}

export interface AdminTiers {
  /** Admin tier policies, then baseline tier policies, in consult order. */
  readonly admin: readonly CompiledAdminPolicy[];
  readonly baseline: readonly CompiledAdminPolicy[];
  /** The policies of both tiers that select a pod, in consult order. */
  selecting(pod: PodFacts, namespaceLabels: Labels): CompiledAdminPolicy[];
  /** One side through every tier; `networkPolicy` is that side's NetworkPolicy verdict. */
  side(query: SideQuery, subjectNamespaceLabels: Labels, networkPolicy: SideVerdict): SideVerdict;
}

export function createAdminTiers(model: ClusterModel): AdminTiers {
  const compiled = compileAdminPolicies(model);
  const admin = compiled.filter((p) => p.policy.tier === 'admin');
  const baseline = compiled.filter((p) => p.policy.tier === 'baseline');
  return {
    admin,
    baseline,
    selecting: (pod, labels) => compiled.filter((p) => selectionHolds(p.subject, pod, labels)),
    side(query, labels, networkPolicy) {
      const passedBy: AdminRuleRef[] = [];
      const decide = (tier: 'admin' | 'baseline', ref: AdminRuleRef): SideVerdict => ({
        ...networkPolicy,
        allowed: ref.action !== 'Deny',
        tier,
        adminRule: ref,
        ...(passedBy.length > 0 ? { passedBy } : {}),
      });
      const first = consultTier(admin, labels, query);
      if (first.decided) return decide('admin', first.decided);
      if (first.passed) passedBy.push(first.passed);
      if (networkPolicy.isolated) {
        return { ...networkPolicy, tier: 'networkpolicy', ...(passedBy.length > 0 ? { passedBy } : {}) };
      }
      const second = consultTier(baseline, labels, query);
      if (second.decided) return decide('baseline', second.decided);
      if (second.passed) passedBy.push(second.passed);
      return { ...networkPolicy, allowed: true, tier: 'default', ...(passedBy.length > 0 ? { passedBy } : {}) };
    },
  };
}
