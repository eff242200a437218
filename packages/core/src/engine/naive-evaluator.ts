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
  return !isolated || allowed;
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
    const ip = parseIp(other.kind === 'pod' ? other.pod.ips[0] : other.ip);
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
