import type { CompiledPeer, PeerFacts } from './compile-policy.js';
import { rangesContain } from './ip-block.js';

/**
 * NetworkPolicyPeer: "podSelector [...] If namespaceSelector is also set, then the
 * NetworkPolicyPeer as a whole selects the pods matching podSelector in the Namespaces
 * selected by NamespaceSelector. Otherwise it selects the pods matching podSelector in the
 * policy's own namespace." / "namespaceSelector [...] If podSelector is also set, then the
 * NetworkPolicyPeer as a whole selects the pods matching podSelector in the namespaces
 * selected by namespaceSelector. Otherwise it selects all pods in the namespaces selected by
 * namespaceSelector." / IPBlock: see `ipBlockRanges`. An ipBlock sees pod addresses too (the
 * pod's primary IP only, as `PeerFacts.ip` carries it).
 */
export function matchPeer(peer: CompiledPeer, policyNamespace: string, other: PeerFacts): boolean {
  if (peer.kind === 'ipBlock') return other.ip !== undefined && rangesContain(peer.ranges, other.ip);
  const pod = other.pod;
  if (!pod) return false; // selectors only ever select pods
  if (!peerScopesNamespace(peer, policyNamespace, pod.namespace, other.namespaceLabels ?? {})) return false;
  return !peer.pods || peer.pods(pod.labels);
}

/** The namespace half of a selector peer: its namespaceSelector, else the policy's own namespace. */
export function peerScopesNamespace(
  peer: Extract<CompiledPeer, { kind: 'selector' }>,
  policyNamespace: string,
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>>,
): boolean {
  return peer.namespaces ? peer.namespaces(namespaceLabels) : namespace === policyNamespace;
}
