import type { AdminPeerModel, AdminPortModel, AdminSelection } from '../model/admin-types.js';
import { cidrContainsIp, parseCidr, parseIp } from '../model/cidr.js';
import { matchesSelector } from '../model/selector.js';
import type { ClusterModel, PeerModel, PodModel, PolicyModel, PortModel, RuleModel } from '../model/types.js';
import type { Peer, PortQuery } from './types.js';

/**
 * A deliberately naive evaluator: every policy, every rule, every peer, for one pair, with
 * nothing compiled or cached. It exists as the oracle for property tests and as the
 * baseline `npm run bench` measures the real engines against. Keep it obviously correct,
 * never fast. Returns null when both sides are external (no policy side at all).
 */
export function naiveAllowed(cluster: ClusterModel, source: Peer, destination: Peer, query: PortQuery): boolean | null {
  if (source.kind === 'external' && destination.kind === 'external') return null;
  if (source.kind === 'pod' && destination.kind === 'pod' && source.pod.id === destination.pod.id) return true;
  // A named port is resolved on the destination pod.
  let port: number | undefined;
  if (typeof query.port === 'number') port = query.port;
  else if (destination.kind === 'pod') {
    port = destination.pod.ports.find((p) => p.name === query.port && p.protocol === query.protocol)?.port;
  }
  if (port === undefined) return false;
  return (
    sideAllows(cluster, 'egress', source, destination, query.protocol, port) &&
    sideAllows(cluster, 'ingress', destination, source, query.protocol, port)
  );
}

function sideAllows(
  cluster: ClusterModel,
  direction: 'ingress' | 'egress',
  subject: Peer,
  other: Peer,
  protocol: string,
  port: number,
): boolean {
  if (subject.kind === 'external') return true;
  const pod = subject.pod;
  const destination = direction === 'ingress' ? subject : other;
  const admin = naiveTier(cluster, 'admin', direction, pod, other, destination, protocol, port);
  if (admin !== 'pass') return admin === 'allow';
  let isolated = false;
  let allowed = false;
  for (const policy of cluster.policies) {
    if (!naiveSelects(policy, pod)) continue;
    if (!policy.types[direction]) continue;
    isolated = true;
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    for (const rule of rules) {
      const destination = direction === 'ingress' ? subject : other;
      if (ruleAllows(cluster, policy, rule, other, destination, protocol, port)) allowed = true;
    }
  }
  if (isolated) return allowed;
  return naiveTier(cluster, 'baseline', direction, pod, other, destination, protocol, port) !== 'deny';
}

/**
 * One admin tier, spelled out: its policies by priority (ties: ClusterNetworkPolicy, then
 * AdminNetworkPolicy, then by name; the BaselineAdminNetworkPolicy last), those selecting
 * the (non-host-network) pod, their rules of this direction in order; the first rule with a
 * matching port and peer decides. 'pass' when no rule decides or a Pass rule matched.
 */
function naiveTier(
  cluster: ClusterModel,
  tier: 'admin' | 'baseline',
  direction: 'ingress' | 'egress',
  pod: PodModel,
  other: Peer,
  destination: Peer,
  protocol: string,
  port: number,
): 'allow' | 'deny' | 'pass' {
  if (pod.hostNetwork) return 'pass';
  const kindRank = (kind: string) =>
    ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].indexOf(kind);
  const policies = (cluster.adminPolicies ?? [])
    .filter((p) => p.tier === tier)
    .sort((a, b) => {
      const pa = a.priority ?? 1e9;
      const pb = b.priority ?? 1e9;
      if (pa !== pb) return pa - pb;
      if (a.kind !== b.kind) return kindRank(a.kind) - kindRank(b.kind);
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  for (const policy of policies) {
    if (!naiveSelection(cluster, policy.subject, pod)) continue;
    for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
      const portOk = rule.ports === 'all' || rule.ports.some((p) => naiveAdminPort(p, destination, protocol, port));
      const peerOk = rule.peers.some((peer) => naiveAdminPeer(cluster, peer, other));
      if (!portOk || !peerOk) continue;
      return rule.action === 'Deny' ? 'deny' : rule.action === 'Pass' ? 'pass' : 'allow';
    }
  }
  return 'pass';
}

function naiveSelection(cluster: ClusterModel, selection: AdminSelection, pod: PodModel): boolean {
  if (pod.hostNetwork) return false;
  const ns = cluster.namespaces.get(pod.namespace);
  const nsLabels = ns ? ns.labels : { 'kubernetes.io/metadata.name': pod.namespace };
  if (!matchesSelector(selection.namespaceSelector, nsLabels)) return false;
  return selection.kind === 'namespaces' || matchesSelector(selection.podSelector, pod.labels);
}

function naiveAdminPeer(cluster: ClusterModel, peer: AdminPeerModel, other: Peer): boolean {
  const ip = parseIp(other.kind === 'pod' ? (other.pod.ips[0] ?? '') : other.ip);
  switch (peer.kind) {
    case 'namespaces':
    case 'pods':
      return other.kind === 'pod' && naiveSelection(cluster, peer, other.pod);
    case 'networks':
      return peer.cidrs.some((text) => {
        const cidr = parseCidr(text);
        return ip !== undefined && cidr !== undefined && cidrContainsIp(cidr, ip);
      });
    case 'nodes':
      return (cluster.nodes ?? []).some(
        (node) =>
          matchesSelector(peer.nodeSelector, node.labels) &&
          node.addresses.some(
            (a) => ip !== undefined && parseIp(a)?.value === ip.value && parseIp(a)?.family === ip.family,
          ),
      );
    case 'domainNames':
      return false;
  }
}

function naiveAdminPort(rulePort: AdminPortModel, destination: Peer, protocol: string, port: number): boolean {
  if (rulePort.unknownProtocol !== undefined) return false;
  if (typeof rulePort.port === 'string') {
    if (destination.kind !== 'pod') return false;
    return destination.pod.ports.some((p) => p.name === rulePort.port && p.protocol === protocol && p.port === port);
  }
  if (rulePort.protocol !== protocol) return false;
  if (rulePort.port === undefined) return true;
  return port >= rulePort.port && port <= (rulePort.endPort ?? rulePort.port);
}

function ruleAllows(
  cluster: ClusterModel,
  policy: PolicyModel,
  rule: RuleModel,
  other: Peer,
  destination: Peer,
  protocol: string,
  port: number,
): boolean {
  const peerOk = rule.peers === 'all' || rule.peers.some((peer) => naivePeerMatches(cluster, policy, peer, other));
  const portOk = rule.ports === 'all' || rule.ports.some((p) => portAllows(p, destination, protocol, port));
  return peerOk && portOk;
}

/** The policy selects the pod (whatever its policyTypes). */
export function naiveSelects(policy: PolicyModel, pod: PodModel): boolean {
  return policy.namespace === pod.namespace && matchesSelector(policy.podSelector, pod.labels);
}

/** One `from`/`to` entry of the policy matches the endpoint (an ipBlock: the pod's primary IP only). */
export function naivePeerMatches(cluster: ClusterModel, policy: PolicyModel, peer: PeerModel, other: Peer): boolean {
  if (peer.kind === 'ipBlock') {
    const ip = parseIp(other.kind === 'pod' ? (other.pod.ips[0] ?? '') : other.ip);
    const cidr = parseCidr(peer.cidr);
    if (!ip || !cidr || !cidrContainsIp(cidr, ip)) return false;
    return !peer.except.some((e) => {
      const c = parseCidr(e);
      return c !== undefined && cidrContainsIp(c, ip);
    });
  }
  if (other.kind === 'external') return false;
  const pod = other.pod;
  if (peer.namespaceSelector) {
    const ns = cluster.namespaces.get(pod.namespace);
    if (!ns || !matchesSelector(peer.namespaceSelector, ns.labels)) return false;
  } else if (pod.namespace !== policy.namespace) {
    return false;
  }
  return !peer.podSelector || matchesSelector(peer.podSelector, pod.labels);
}

function portAllows(rulePort: PortModel, destination: Peer, protocol: string, port: number): boolean {
  if (rulePort.protocol !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'number') return port >= rulePort.port && port <= (rulePort.endPort ?? rulePort.port);
  if (destination.kind !== 'pod') return false;
  return destination.pod.ports.some((p) => p.name === rulePort.port && p.protocol === protocol && p.port === port);
}
