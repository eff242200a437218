import type { LabelSelector } from '../decode/schema.js';
import type { LoadedObject } from '../load/loaded-object.js';
import type {
  AdminAction,
  AdminPeerModel,
  AdminPolicyKind,
  AdminPolicyModel,
  AdminPortModel,
  AdminRuleModel,
  AdminSelection,
  NodeModel,
} from './admin-types.js';
import { effectOf } from './admin-types.js';
import { buildSelector } from './build-policy.js';
import { formatCidr, parseCidr, parseIp } from './cidr.js';
import { arr, isObj, labelsOf, num, type Obj, obj, str } from './read-fields.js';
import type { Direction, LabelSelectorModel, Protocol } from './types.js';

/**
 * A selector the CRD accepted but metav1.LabelSelectorAsSelector refuses (validation warned):
 * implementations cannot use it, so it matches nothing (`In` over no values).
 */
const MATCHES_NOTHING: LabelSelectorModel = {
  matchLabels: {},
  matchExpressions: [{ key: 'netpol.dev/unusable-selector', operator: 'In', values: [] }],
};

/** Whether metav1.LabelSelectorAsSelector accepts a selector (validation answers it). */
type UsableSelector = (selector: unknown) => boolean;

function selectorOf(value: unknown, usable: UsableSelector): LabelSelectorModel {
  // The CRD schema checked it: it has LabelSelector's shape.
  return usable(value) ? buildSelector(value as LabelSelector) : MATCHES_NOTHING;
}

function selectionOf(value: Obj, usable: UsableSelector): AdminSelection {
  if (isObj(value.pods)) {
    // v1alpha2: an absent namespaceSelector is empty (every namespace); v1alpha1 requires it.
    return {
      kind: 'pods',
      namespaceSelector: selectorOf(value.pods.namespaceSelector, usable),
      podSelector: selectorOf(value.pods.podSelector, usable),
    };
  }
  return { kind: 'namespaces', namespaceSelector: selectorOf(value.namespaces, usable) };
}

/** A validated ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy → its model. */
export function buildAdminPolicy(object: LoadedObject, usable: UsableSelector): AdminPolicyModel {
  const kind = object.kind as AdminPolicyKind;
  const spec = obj(object.value.spec);
  const name = str(obj(object.value.metadata).name) ?? '';
  const tier =
    kind === 'AdminNetworkPolicy' || (kind === 'ClusterNetworkPolicy' && spec.tier === 'Admin') ? 'admin' : 'baseline';
  const model: AdminPolicyModel = {
    id: `${kind}/${name}`,
    kind,
    name,
    tier,
    subject: selectionOf(obj(spec.subject), usable),
    ingress: arr(spec.ingress).map((r, i) => buildAdminRule('ingress', obj(r), i, usable)),
    egress: arr(spec.egress).map((r, i) => buildAdminRule('egress', obj(r), i, usable)),
    origin: { object, path: [] },
  };
  const priority = num(spec.priority);
  if (kind !== 'BaselineAdminNetworkPolicy' && priority !== undefined) model.priority = priority;
  return model;
}

function buildAdminRule(direction: Direction, rule: Obj, index: number, usable: UsableSelector): AdminRuleModel {
  const action = (str(rule.action) ?? 'Deny') as AdminAction;
  const peers = arr(direction === 'ingress' ? rule.from : rule.to).map((p, i) => buildAdminPeer(obj(p), i, usable));
  const portList = rule.protocols !== undefined ? arr(rule.protocols) : arr(rule.ports);
  const ports =
    rule.protocols === undefined && rule.ports === undefined
      ? 'all'
      : portList.flatMap((p, i) => (rule.protocols !== undefined ? protocolPort(obj(p), i) : v1alpha1Port(obj(p), i)));
  const model: AdminRuleModel = { direction, index, action, effect: effectOf(action), peers, ports };
  const name = str(rule.name);
  if (name) model.name = name;
  return model;
}

function buildAdminPeer(peer: Obj, index: number, usable: UsableSelector): AdminPeerModel {
  if (Array.isArray(peer.networks)) {
    const cidrs = peer.networks.map((text) => {
      const cidr = parseCidr(String(text));
      return cidr ? formatCidr(cidr) : String(text);
    });
    return { kind: 'networks', cidrs, index };
  }
  if (isObj(peer.nodes)) return { kind: 'nodes', nodeSelector: selectorOf(peer.nodes, usable), index };
  if (Array.isArray(peer.domainNames)) return { kind: 'domainNames', names: peer.domainNames.map(String), index };
  return { ...selectionOf(peer, usable), index };
}

/** v1alpha2 `protocols[i]`: `tcp|udp|sctp: {destinationPort: {number} | {range}}` or `destinationNamedPort`. */
function protocolPort(entry: Obj, index: number): AdminPortModel {
  const named = str(entry.destinationNamedPort);
  if (named !== undefined) return { port: named, index };
  for (const [key, protocol] of [
    ['tcp', 'TCP'],
    ['udp', 'UDP'],
    ['sctp', 'SCTP'],
  ] as const) {
    if (!isObj(entry[key])) continue;
    const destination = obj(entry[key].destinationPort);
    const number = num(destination.number);
    if (number !== undefined) return { protocol, port: number, index };
    if (isObj(destination.range)) {
      return { protocol, port: num(destination.range.start), endPort: num(destination.range.end), index };
    }
    return { protocol, index };
  }
  return { protocol: 'TCP', index };
}

/** v1alpha1 `ports[i]`: `portNumber`, `portRange` (protocol defaults to TCP) or `namedPort`. */
function v1alpha1Port(entry: Obj, index: number): AdminPortModel {
  const named = str(entry.namedPort);
  if (named !== undefined) return { port: named, index };
  const numbered = isObj(entry.portNumber) ? entry.portNumber : undefined;
  const range = isObj(entry.portRange) ? entry.portRange : undefined;
  const written = str(numbered?.protocol ?? range?.protocol) ?? 'TCP';
  const out: AdminPortModel = { protocol: knownProtocol(written), index };
  if (knownProtocol(written) !== written) out.unknownProtocol = written;
  if (numbered) out.port = num(numbered.port);
  if (range) {
    out.port = num(range.start);
    out.endPort = num(range.end);
  }
  return out;
}

function knownProtocol(text: string): Protocol {
  return text === 'UDP' || text === 'SCTP' || text === 'TCP' ? text : 'TCP';
}

/** A validated `kind: Node` → its labels and IP addresses. */
export function buildNode(object: LoadedObject): NodeModel {
  const meta = obj(object.value.metadata);
  const addresses: string[] = [];
  for (const entry of arr(obj(object.value.status).addresses)) {
    const address = str(obj(entry).address);
    if (address !== undefined && parseIp(address) && !addresses.includes(address)) addresses.push(address);
  }
  return { name: str(meta.name) ?? '', labels: labelsOf(meta.labels), addresses, origin: { object, path: [] } };
}

const KIND_ORDER: Record<AdminPolicyKind, number> = {
  ClusterNetworkPolicy: 0,
  AdminNetworkPolicy: 1,
  BaselineAdminNetworkPolicy: 2,
};

/**
 * The order policies are consulted in (docs/admin-tiers.md "Order"): the admin tier before
 * the baseline tier; in a tier by ascending priority. Upstream leaves equal priorities
 * undefined; netpol's documented choice: ClusterNetworkPolicy before AdminNetworkPolicy, then
 * by name; the BaselineAdminNetworkPolicy (no priority) after every baseline
 * ClusterNetworkPolicy. Lint `admin-priority-tie` flags ties that change a verdict.
 */
export function compareAdminPolicies(a: AdminPolicyModel, b: AdminPolicyModel): number {
  if (a.tier !== b.tier) return a.tier === 'admin' ? -1 : 1;
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
