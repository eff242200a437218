import { cidrContainsIp } from '../model/cidr.js';
import type { CompiledPeer, PeerFacts } from './compile-policy.js';

/**
 * NetworkPolicyPeer: "podSelector [...] If namespaceSelector is also set, then the
 * NetworkPolicyPeer as a whole selects the pods matching podSelector in the Namespaces
 * selected by NamespaceSelector. Otherwise it selects the pods matching podSelector in the
 * policy's own namespace." / "namespaceSelector [...] If podSelector is also set, then the
 * NetworkPolicyPeer as a whole selects the pods matching podSelector in the namespaces
 * selected by namespaceSelector. Otherwise it selects all pods in the namespaces selected by
 * namespaceSelector." / IPBlock: "a particular CIDR [...] that is allowed to the pods matched
 * by a NetworkPolicySpec's podSelector. The except entry describes CIDRs that should not be
 * included within this rule." An ipBlock sees pod addresses too (the pod's primary IP).
 */
export function matchPeer(peer: CompiledPeer, policyNamespace: string, other: PeerFacts): boolean {
  if (peer.kind === 'ipBlock') {
    const ip = other.ip;
    if (!ip || !peer.cidr || !cidrContainsIp(peer.cidr, ip)) return false;
    return !peer.except.some((except) => cidrContainsIp(except, ip));
  }
  const pod = other.pod;
  if (!pod) return false; // selectors only ever select pods
  if (peer.namespaces) {
    if (!peer.namespaces(other.namespaceLabels ?? {})) return false;
  } else if (pod.namespace !== policyNamespace) {
    return false;
  }
  return !peer.pods || peer.pods(pod.labels);
}
