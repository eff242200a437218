import type {
  LabelSelector,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from '../decode/schema.js';
import type { DecodedOf } from '../load/decoded-object.js';
import { protocolOf } from './build-pods.js';
import { readCidr } from './sloppy-cidr.js';
import type {
  Direction,
  LabelSelectorModel,
  PeerModel,
  PolicyModel,
  PortModel,
  RuleModel,
  SelectorOperator,
} from './types.js';

/** A decoded NetworkPolicy → its defaulted model. */
export function buildPolicy(policy: DecodedOf<'NetworkPolicy'>, namespace: string): PolicyModel {
  const spec = policy.value.spec ?? {};
  const name = policy.value.metadata?.name ?? '';
  const ingress = (spec.ingress ?? []).map((rule, i) => buildRule('ingress', rule, i));
  const egress = (spec.egress ?? []).map((rule, i) => buildRule('egress', rule, i));
  const declared = (spec.policyTypes ?? []).filter((t) => t === 'Ingress' || t === 'Egress');
  const declaredTypes = declared.length > 0 ? declared.map((t) => t.toLowerCase() as Direction) : undefined;
  // pkg/apis/networking/v1/defaults.go: absent or empty policyTypes means Ingress, plus
  // Egress when the policy has at least one egress rule.
  const types = declaredTypes
    ? { ingress: declaredTypes.includes('ingress'), egress: declaredTypes.includes('egress') }
    : { ingress: true, egress: egress.length > 0 };
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    podSelector: buildSelector(spec.podSelector),
    types,
    declaredTypes,
    ingress,
    egress,
    origin: { object: policy.object, path: [] },
  };
}

/** The expressions of a selector that has none (most): one shared empty list. */
const NO_EXPRESSIONS: LabelSelectorModel['matchExpressions'] = Object.freeze([]);

export function buildSelector(selector: LabelSelector | undefined): LabelSelectorModel {
  const expressions = selector?.matchExpressions;
  return {
    matchLabels: selector?.matchLabels ?? {},
    matchExpressions: !expressions?.length
      ? NO_EXPRESSIONS
      : expressions.map((e) => ({
          key: e.key ?? '',
          operator: (e.operator ?? 'Exists') as SelectorOperator,
          values: e.values ?? [],
        })),
  };
}

function buildRule(
  direction: Direction,
  rule: NetworkPolicyIngressRule & NetworkPolicyEgressRule,
  index: number,
): RuleModel {
  const peerList = (direction === 'ingress' ? rule.from : rule.to) ?? [];
  const portList = rule.ports ?? [];
  return {
    direction,
    index,
    peers: peerList.length === 0 ? 'all' : peerList.map(buildPeer),
    ports: portList.length === 0 ? 'all' : portList.map(buildPort),
  };
}

function buildPeer(peer: NetworkPolicyPeer, index: number): PeerModel {
  if (peer.ipBlock) {
    return {
      kind: 'ipBlock',
      cidr: canonicalCidr(peer.ipBlock.cidr ?? ''),
      except: (peer.ipBlock.except ?? []).map(canonicalCidr),
      index,
    };
  }
  return {
    kind: 'selector',
    podSelector: peer.podSelector ? buildSelector(peer.podSelector) : undefined,
    namespaceSelector: peer.namespaceSelector ? buildSelector(peer.namespaceSelector) : undefined,
    index,
  };
}

/**
 * The network a CNI sees: the API server accepts sloppy CIDRs (host bits, leading zeros,
 * IPv4-mapped IPv6) with a warning; Go's ParseCIDR reads them as their network.
 */
function canonicalCidr(text: string): string {
  return readCidr(text).network;
}

function buildPort(port: NetworkPolicyPort, index: number): PortModel {
  const value = port.port;
  return {
    protocol: protocolOf(port.protocol),
    port: typeof value === 'number' || (typeof value === 'string' && value !== '') ? value : undefined,
    endPort: port.endPort,
    index,
  };
}
