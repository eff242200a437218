import type { Direction, Protocol } from '../model/types.js';
import type { CompiledPolicy, PeerFacts, PodFacts } from './compile-policy.js';
import type { PortHolder } from './match-port.js';
import { matchRule } from './match-rule.js';
import type { RuleRef, SideVerdict } from './types.js';

/** One side of a connection: the pod whose policies judge it, and what it talks to. */
export interface SideQuery {
  direction: Direction;
  /** The pod this side's policies select (source for egress, destination for ingress). */
  subject: PodFacts;
  /** The other side of the connection, as rules' peers see it. */
  peer: PeerFacts;
  protocol: Protocol;
  /** Destination port number; undefined when a named port did not resolve. */
  port: number | undefined;
  /** The destination pod, on which named rule ports resolve (undefined: outside address). */
  destination: PortHolder | undefined;
}

/**
 * NetworkPolicySpec.ingress: "Traffic is allowed to a pod if there are no NetworkPolicies
 * selecting the pod [...] OR if the traffic matches at least one ingress rule across all of
 * the NetworkPolicy objects whose podSelector matches the pod. If this field is empty then
 * this NetworkPolicy does not allow any traffic (and serves solely to ensure that the pods it
 * selects are isolated by default)." (egress alike.) policyTypes: a policy isolates a
 * direction only when that type is in its (defaulted) policyTypes; rules of a direction
 * it lacks are ignored. `selecting` are the policies that select the subject (any types).
 */
export function combine(selecting: readonly CompiledPolicy[], query: SideQuery): SideVerdict {
  const selectedBy = selecting.filter((p) => p.policy.types[query.direction]);
  const allowedBy: RuleRef[] = [];
  for (const compiled of selectedBy) {
    const rules = query.direction === 'ingress' ? compiled.ingress : compiled.egress;
    for (const rule of rules) {
      const match = matchRule(
        rule,
        compiled.policy.namespace,
        query.peer,
        query.protocol,
        query.port,
        query.destination,
      );
      if (!match) continue;
      const ref: RuleRef = { policy: compiled.policy, direction: query.direction, ruleIndex: rule.model.index };
      if (match.peerIndex >= 0) ref.peerIndex = match.peerIndex;
      if (match.portIndex >= 0) ref.portIndex = match.portIndex;
      allowedBy.push(ref);
    }
  }
  const isolated = selectedBy.length > 0;
  return {
    direction: query.direction,
    applies: true,
    isolated,
    selectedBy: selectedBy.map((p) => p.policy),
    allowedBy,
    allowed: !isolated || allowedBy.length > 0,
  };
}

/**
 * `combine(selecting, query).allowed` without the reasons: stops at the first rule that
 * admits (a what-if edit asks thousands of cells again and needs only the bit).
 */
export function combineAllows(selecting: readonly CompiledPolicy[], query: SideQuery): boolean {
  let isolated = false;
  for (const compiled of selecting) {
    if (!compiled.policy.types[query.direction]) continue;
    isolated = true;
    const rules = query.direction === 'ingress' ? compiled.ingress : compiled.egress;
    for (const rule of rules) {
      if (matchRule(rule, compiled.policy.namespace, query.peer, query.protocol, query.port, query.destination))
        return true;
    }
  }
  return !isolated;
}

/** The side of an outside address: it has no policy side and allows. */
export function externalSide(direction: Direction): SideVerdict {
  return { direction, applies: false, isolated: false, selectedBy: [], allowedBy: [], allowed: true };
}
