import type { Protocol } from '../model/types.js';
import type { CompiledRule, PeerFacts } from './compile-policy.js';
import { matchPeer } from './match-peer.js';
import { matchPort, type PortHolder } from './match-port.js';

/** Which peer and port of a rule matched (-1 = the rule admits every peer / every port). */
export interface RuleMatch {
  peerIndex: number;
  portIndex: number;
}

/**
 * NetworkPolicyIngressRule / EgressRule: "ports [...] Each item in this list is combined
 * using a logical OR. If this field is empty or missing, this rule matches all ports
 * (traffic not restricted by port). If this field is present and contains at least one
 * item, then this rule allows traffic only if the traffic matches at least one port in the
 * list." / "from [to] is a list of sources [destinations] [...] Items in this list are
 * combined using a logical OR operation. If this field is empty or missing, this rule
 * matches all sources [destinations] (traffic not restricted by source [destination])."
 * Returns undefined when the rule does not match.
 */
export function matchRule(
  rule: CompiledRule,
  policyNamespace: string,
  peer: PeerFacts,
  protocol: Protocol,
  port: number | undefined,
  destination: PortHolder | undefined,
): RuleMatch | undefined {
  let peerIndex = -1;
  if (rule.peers !== 'all') {
    const matched = rule.peers.find((p) => matchPeer(p, policyNamespace, peer));
    if (!matched) return undefined;
    peerIndex = matched.index;
  }
  let portIndex = -1;
  if (rule.ports !== 'all') {
    const matched = rule.ports.find((p) => matchPort(p, protocol, port, destination));
    if (!matched) return undefined;
    portIndex = matched.index;
  }
  return { peerIndex, portIndex };
}
