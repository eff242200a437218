import type { IpAddress } from '../model/cidr.js';
import { compileSelector, type LabelMatcher } from '../model/selector.js';
import type { Labels, PeerModel, PolicyModel, PortModel, RuleModel } from '../model/types.js';
import { type AddressRange, ipBlockRanges } from './ip-block.js';

/**
 * Policies compiled once: selectors become matchers, ipBlocks become address ranges. The
 * input is validated and defaulted, so nothing here accepts on error.
 */
export type CompiledPeer =
  | { kind: 'selector'; model: PeerModel; pods?: LabelMatcher; namespaces?: LabelMatcher; index: number }
  | { kind: 'ipBlock'; model: PeerModel; ranges: readonly AddressRange[]; index: number };

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

/**
 * What selectors see of a pod: a real pod, a workload's pod template, or a class of pods
 * that share a namespace and labels.
 */
export interface PodFacts {
  namespace: string;
  labels: Labels;
}

/** What the semantics knows about the other side of a connection when matching a peer. */
export interface PeerFacts {
  /** Absent for an outside address. */
  pod?: PodFacts;
  /** Labels of the pod's namespace. */
  namespaceLabels?: Labels;
  /** The address rules see: a pod's primary IP (`ips[0]`), or the outside address. */
  ip?: IpAddress;
}

export function compilePeer(peer: PeerModel): CompiledPeer {
  if (peer.kind === 'ipBlock') {
    return { kind: 'ipBlock', model: peer, ranges: ipBlockRanges(peer.cidr, peer.except), index: peer.index };
  }
  return {
    kind: 'selector',
    model: peer,
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
