import type { LoadedObject } from '../load/loaded-object.js';
import { goNetworkString, parseCidrSloppy } from '../validate/sloppy-cidr.js';
import { arr, isObj, labelsOf, num, type Obj, obj, protocolOf, str } from './read-fields.js';
import type {
  Direction,
  LabelSelectorModel,
  PeerModel,
  PolicyModel,
  PortModel,
  RuleModel,
  SelectorOperator,
} from './types.js';

/** A validated NetworkPolicy object → its defaulted model. */
export function buildPolicy(object: LoadedObject, namespace: string): PolicyModel {
  const spec = obj(object.value.spec);
  const name = str(obj(object.value.metadata).name) ?? '';
  const ingress = arr(spec.ingress).map((r, i) => buildRule('ingress', obj(r), i));
  const egress = arr(spec.egress).map((r, i) => buildRule('egress', obj(r), i));
  const declared = arr(spec.policyTypes).filter((t): t is string => t === 'Ingress' || t === 'Egress');
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
    origin: { object, path: [] },
  };
}

export function buildSelector(value: unknown): LabelSelectorModel {
  const sel = obj(value);
  return {
    matchLabels: labelsOf(sel.matchLabels),
    matchExpressions: arr(sel.matchExpressions).map((e) => {
      const expr = obj(e);
      return {
        key: str(expr.key) ?? '',
        operator: (str(expr.operator) ?? 'Exists') as SelectorOperator,
        values: arr(expr.values).map((v) => String(v)),
      };
    }),
  };
}

function buildRule(direction: Direction, rule: Obj, index: number): RuleModel {
  const peerList = arr(direction === 'ingress' ? rule.from : rule.to);
  const portList = arr(rule.ports);
  return {
    direction,
    index,
    peers: peerList.length === 0 ? 'all' : peerList.map((p, i) => buildPeer(obj(p), i)),
    ports: portList.length === 0 ? 'all' : portList.map((p, i) => buildPort(obj(p), i)),
  };
}

function buildPeer(peer: Obj, index: number): PeerModel {
  if (isObj(peer.ipBlock)) {
    return {
      kind: 'ipBlock',
      cidr: canonicalCidr(str(peer.ipBlock.cidr) ?? ''),
      except: arr(peer.ipBlock.except).map((e) => canonicalCidr(String(e))),
      index,
    };
  }
  return {
    kind: 'selector',
    podSelector: isObj(peer.podSelector) ? buildSelector(peer.podSelector) : undefined,
    namespaceSelector: isObj(peer.namespaceSelector) ? buildSelector(peer.namespaceSelector) : undefined,
    index,
  };
}

/**
 * The network a CNI sees: the API server accepts sloppy CIDRs (host bits, leading zeros,
 * IPv4-mapped IPv6) with a warning; Go's ParseCIDR reads them as their network.
 */
function canonicalCidr(text: string): string {
  const parsed = parseCidrSloppy(text);
  return parsed ? goNetworkString(parsed) : text;
}

function buildPort(port: Obj, index: number): PortModel {
  const value = port.port;
  return {
    protocol: protocolOf(port.protocol),
    port: typeof value === 'number' || (typeof value === 'string' && value !== '') ? value : undefined,
    endPort: num(port.endPort),
    index,
  };
}
