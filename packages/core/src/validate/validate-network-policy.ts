import type { FieldPath, Issue } from '../issues.js';
import { isObj, type Obj, obj, str } from '../model/read-fields.js';
import { isStrictSubset, readCidr, type SloppyCidr } from '../model/sloppy-cidr.js';
import { isValidPortName, isValidPortNum } from './formats.js';
import {
  forbidden,
  goLiteral,
  invalid,
  invalidEach,
  notSupported,
  type PathStack,
  quote,
  required,
  warning,
} from './messages.js';
import { labelSelectorInto } from './validate-label-selector.js';
import { metadataInto, NAMESPACED_SUBDOMAIN } from './validate-meta.js';

/**
 * ValidateNetworkPolicy of k8s.io/kubernetes pkg/apis/networking/validation, on create:
 * object meta (name a DNS-1123 subdomain), spec.podSelector, every port and peer of every
 * rule, and policyTypes. `policy` is already decoded (every field has its Go type).
 */
export function validateNetworkPolicy(policy: Obj): Issue[] {
  const out: Issue[] = [];
  const path: PathStack = [];
  metadataInto(obj(policy.metadata), NAMESPACED_SUBDOMAIN, path, out);
  path.push('spec');
  networkPolicySpecInto(obj(policy.spec), path, out);
  path.pop();
  return out;
}

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const POLICY_TYPES = ['Ingress', 'Egress'];

export function validateNetworkPolicySpec(spec: Obj, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  networkPolicySpecInto(spec, [...path], out);
  return out;
}

function networkPolicySpecInto(spec: Obj, path: PathStack, out: Issue[]): void {
  path.push('podSelector');
  labelSelectorInto(spec.podSelector, path, out);
  path.pop();
  rulesInto(spec.ingress, 'ingress', 'from', path, out);
  rulesInto(spec.egress, 'egress', 'to', path, out);
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map((t) => str(t) ?? '') : [];
  if (types.length > POLICY_TYPES.length) {
    // Upstream prints the slice with %#v.
    const literal = `[]networking.PolicyType{${types.map(quote).join(', ')}}`;
    out.push(invalid([...path, 'policyTypes'], goLiteral(literal), 'may not specify more than two policyTypes'));
    return;
  }
  types.forEach((type, i) => {
    // Duplicates (`[Ingress, Ingress]`) are accepted, as the API server accepts them.
    if (!POLICY_TYPES.includes(type)) out.push(notSupported([...path, 'policyTypes', i], type, POLICY_TYPES));
  });
}

/** The ports and peers of every rule of one direction. */
function rulesInto(
  rules: unknown,
  key: 'ingress' | 'egress',
  peersKey: 'from' | 'to',
  path: PathStack,
  out: Issue[],
): void {
  if (!Array.isArray(rules)) return;
  for (let i = 0; i < rules.length; i++) {
    const rule = obj(rules[i]);
    path.push(key, i);
    const { ports } = rule;
    if (Array.isArray(ports)) {
      for (let j = 0; j < ports.length; j++) {
        path.push('ports', j);
        networkPolicyPortInto(obj(ports[j]), path, out);
        path.length -= 2;
      }
    }
    const peers = rule[peersKey];
    if (Array.isArray(peers)) {
      for (let j = 0; j < peers.length; j++) {
        path.push(peersKey, j);
        networkPolicyPeerInto(obj(peers[j]), path, out);
        path.length -= 2;
      }
    }
    path.length -= 2;
  }
}

/** ValidateNetworkPolicyPort. */
export function validateNetworkPolicyPort(port: Obj, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  networkPolicyPortInto(port, path, out);
  return out;
}

function networkPolicyPortInto(port: Obj, path: FieldPath, out: Issue[]): void {
  const protocol = port.protocol;
  if (typeof protocol === 'string' && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    out.push(notSupported([...path, 'protocol'], protocol, PROTOCOLS));
  }
  const value = port.port;
  const endPort = typeof port.endPort === 'number' ? port.endPort : undefined;
  if (typeof value === 'number') {
    invalidEach(out, isValidPortNum(value), value, path, 'port');
    if (endPort !== undefined) {
      if (endPort < value) out.push(invalid([...path, 'endPort'], endPort, 'must be greater than or equal to `port`'));
      invalidEach(out, isValidPortNum(endPort), endPort, path, 'endPort');
    }
  } else if (typeof value === 'string') {
    if (endPort !== undefined) {
      out.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric'));
    }
    invalidEach(out, isValidPortName(value), value, path, 'port');
  } else if (endPort !== undefined) {
    out.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified'));
  }
}

/** ValidateNetworkPolicyPeer: exactly one kind of peer, or the two selectors together. */
export function validateNetworkPolicyPeer(peer: Obj, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  networkPolicyPeerInto(peer, [...path], out);
  return out;
}

function networkPolicyPeerInto(peer: Obj, path: PathStack, out: Issue[]): void {
  let count = 0;
  if (isObj(peer.podSelector)) {
    count++;
    path.push('podSelector');
    labelSelectorInto(peer.podSelector, path, out);
    path.pop();
  }
  if (isObj(peer.namespaceSelector)) {
    count++;
    path.push('namespaceSelector');
    labelSelectorInto(peer.namespaceSelector, path, out);
    path.pop();
  }
  const hasIpBlock = isObj(peer.ipBlock);
  if (hasIpBlock) {
    count++;
    path.push('ipBlock');
    ipBlockInto(obj(peer.ipBlock), path, out);
    path.pop();
  }
  if (count === 0) out.push(required(path, 'must specify a peer'));
  else if (count > 1 && hasIpBlock) out.push(forbidden(path, 'may not specify both ipBlock and another peer'));
}

/**
 * ValidateIPBlock: `cidr` required and a CIDR (sloppy parse, as upstream with the
 * StrictIPCIDRValidation gate off); each `except` a CIDR strictly inside `cidr`.
 * Values a stricter API server will refuse get GetWarningsForCIDR's warnings.
 */
export function validateIPBlock(block: Obj, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  ipBlockInto(block, path, out);
  return out;
}

function ipBlockInto(block: Obj, path: FieldPath, out: Issue[]): void {
  const cidrText = str(block.cidr) ?? '';
  if (cidrText === '') {
    out.push(required([...path, 'cidr']));
    return;
  }
  const cidr = checkCidr(cidrText, path, 'cidr', out);
  if (!cidr) return;
  const except = block.except;
  if (!Array.isArray(except)) return;
  for (let i = 0; i < except.length; i++) {
    const text = str(except[i]) ?? '';
    const inner = checkCidr(text, path, i, out);
    if (inner && !isStrictSubset(cidr, inner))
      out.push(invalid([...path, 'except', i], text, 'must be a strict subset of `cidr`'));
  }
}

/** `text` at `path.cidr` (`key` 'cidr') or `path.except[key]`. */
function checkCidr(text: string, path: FieldPath, key: 'cidr' | number, out: Issue[]): SloppyCidr | undefined {
  const { parsed, warnings } = readCidr(text);
  if (!parsed) {
    out.push(invalid(cidrPath(path, key), text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    return undefined;
  }
  for (const message of warnings) out.push(warning(cidrPath(path, key), message));
  return parsed;
}

function cidrPath(path: FieldPath, key: 'cidr' | number): FieldPath {
  return key === 'cidr' ? [...path, 'cidr'] : [...path, 'except', key];
}
