import { type Cidr, type IpAddress, parseCidr } from '../model/cidr.js';
import { compileSelector, type LabelMatcher } from '../model/selector.js';
import type { Labels, PeerModel, PodModel, PolicyModel, PortModel, RuleModel } from '../model/types.js';

/**
 * Policies compiled once for the reference engine: selectors become matchers, CIDRs become
 * bigint ranges. The input is validated and defaulted, so nothing here accepts on error.
 */

export type CompiledPeer =
  | { kind: 'selector'; pods?: LabelMatcher; namespaces?: LabelMatcher; index: number }
  | { kind: 'ipBlock'; cidr: Cidr | undefined; except: readonly Cidr[]; index: number };

export interface CompiledRule {
  model: RuleModel;
  peers: readonly CompiledPeer[] | 'all';
  ports: readonly PortModel[] | 'all';
}

export interface CompiledPolicy {
  policy: PolicyModel;
  selects: LabelMatcher;
  ingress: readonly CompiledRule[];
  egress: readonly CompiledRule[];
}

/** What the engine knows about the other side of a connection when matching a peer. */
export interface PeerFacts {
  /** Absent for an outside address. */
  pod?: PodModel;
  /** Labels of the pod's namespace. */
  namespaceLabels?: Labels;
  /** The address rules see: a pod's primary IP (`ips[0]`), or the outside address. */
  ip?: IpAddress;
}

export function compilePeer(peer: PeerModel): CompiledPeer {
  if (peer.kind === 'ipBlock') {
    return {
      kind: 'ipBlock',
      cidr: parseCidr(peer.cidr),
      except: peer.except.map(parseCidr).filter((c): c is Cidr => c !== undefined),
      index: peer.index,
    };
  }
  return {
    kind: 'selector',
    pods: peer.podSelector ? compileSelector(peer.podSelector) : undefined,
    namespaces: peer.namespaceSelector ? compileSelector(peer.namespaceSelector) : undefined,
    index: peer.index,
  };
}

export function compileRule(rule: RuleModel): CompiledRule {
  return { model: rule, peers: rule.peers === 'all' ? 'all' : rule.peers.map(compilePeer), ports: rule.ports };
}

export function compilePolicy(policy: PolicyModel): CompiledPolicy {
  return {
    policy,
    selects: compileSelector(policy.podSelector),
    ingress: policy.ingress.map(compileRule),
    egress: policy.egress.map(compileRule),
  };
}
