import type { FieldPath, Issue } from '../issues.js';
import { arr, isObj, type Obj, obj, str } from '../model/read-fields.js';
import { cidrWarnings, isStrictSubset, parseCidrSloppy } from '../model/sloppy-cidr.js';
import { isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './formats.js';
import { forbidden, goLiteral, invalid, notSupported, quote, required, warning } from './messages.js';
import { validateLabelSelector } from './validate-label-selector.js';
import { validateObjectMeta } from './validate-meta.js';

/**
 * ValidateNetworkPolicy of k8s.io/kubernetes pkg/apis/networking/validation, on create:
 * object meta (name a DNS-1123 subdomain), spec.podSelector, every port and peer of every
 * rule, and policyTypes. `policy` is already decoded (every field has its Go type).
 */
export function validateNetworkPolicy(policy: Obj): Issue[] {
  return [
    ...validateObjectMeta(obj(policy.metadata), { namespaced: true, nameRule: nameIsDNSSubdomain }),
    ...validateNetworkPolicySpec(obj(policy.spec), ['spec']),
  ];
}

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const POLICY_TYPES = ['Ingress', 'Egress'];

export function validateNetworkPolicySpec(spec: Obj, path: FieldPath): Issue[] {
  const issues = validateLabelSelector(spec.podSelector, [...path, 'podSelector']);
  for (const [key, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    arr(spec[key]).forEach((item, i) => {
      const rule = obj(item);
      const rulePath = [...path, key, i];
      arr(rule.ports).forEach((port, j) => {
        issues.push(...validateNetworkPolicyPort(obj(port), [...rulePath, 'ports', j]));
      });
      arr(rule[peersKey]).forEach((peer, j) => {
        issues.push(...validateNetworkPolicyPeer(obj(peer), [...rulePath, peersKey, j]));
      });
    });
  }
  const types = arr(spec.policyTypes).map((t) => str(t) ?? '');
  if (types.length > POLICY_TYPES.length) {
    // Upstream prints the slice with %#v.
    const literal = `[]networking.PolicyType{${types.map(quote).join(', ')}}`;
    issues.push(invalid([...path, 'policyTypes'], goLiteral(literal), 'may not specify more than two policyTypes'));
    return issues;
  }
  types.forEach((type, i) => {
    // Duplicates (`[Ingress, Ingress]`) are accepted, as the API server accepts them.
    if (!POLICY_TYPES.includes(type)) issues.push(notSupported([...path, 'policyTypes', i], type, POLICY_TYPES));
  });
  return issues;
}

/** ValidateNetworkPolicyPort. */
export function validateNetworkPolicyPort(port: Obj, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  const protocol = port.protocol;
  if (typeof protocol === 'string' && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    issues.push(notSupported([...path, 'protocol'], protocol, PROTOCOLS));
  }
  const value = port.port;
  const endPort = typeof port.endPort === 'number' ? port.endPort : undefined;
  if (typeof value === 'number') {
    for (const msg of isValidPortNum(value)) issues.push(invalid([...path, 'port'], value, msg));
    if (endPort !== undefined) {
      if (endPort < value)
        issues.push(invalid([...path, 'endPort'], endPort, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(endPort)) issues.push(invalid([...path, 'endPort'], endPort, msg));
    }
  } else if (typeof value === 'string') {
    if (endPort !== undefined) {
      issues.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric'));
    }
    for (const msg of isValidPortName(value)) issues.push(invalid([...path, 'port'], value, msg));
  } else if (endPort !== undefined) {
    issues.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified'));
  }
  return issues;
}

/** ValidateNetworkPolicyPeer: exactly one kind of peer, or the two selectors together. */
export function validateNetworkPolicyPeer(peer: Obj, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  let count = 0;
  if (isObj(peer.podSelector)) {
    count++;
    issues.push(...validateLabelSelector(peer.podSelector, [...path, 'podSelector']));
  }
  if (isObj(peer.namespaceSelector)) {
    count++;
    issues.push(...validateLabelSelector(peer.namespaceSelector, [...path, 'namespaceSelector']));
  }
  const hasIpBlock = isObj(peer.ipBlock);
  if (hasIpBlock) {
    count++;
    issues.push(...validateIPBlock(obj(peer.ipBlock), [...path, 'ipBlock']));
  }
  if (count === 0) issues.push(required(path, 'must specify a peer'));
  else if (count > 1 && hasIpBlock) issues.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return issues;
}

/**
 * ValidateIPBlock: `cidr` required and a CIDR (sloppy parse, as upstream with the
 * StrictIPCIDRValidation gate off); each `except` a CIDR strictly inside `cidr`.
 * Values a stricter API server will refuse get GetWarningsForCIDR's warnings.
 */
export function validateIPBlock(block: Obj, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  const cidrText = str(block.cidr) ?? '';
  if (cidrText === '') {
    issues.push(required([...path, 'cidr']));
    return issues;
  }
  const cidr = checkCidr(cidrText, [...path, 'cidr'], issues);
  if (!cidr) return issues;
  arr(block.except).forEach((item, i) => {
    const text = str(item) ?? '';
    const exceptPath = [...path, 'except', i];
    const except = checkCidr(text, exceptPath, issues);
    if (except && !isStrictSubset(cidr, except))
      issues.push(invalid(exceptPath, text, 'must be a strict subset of `cidr`'));
  });
  return issues;
}

function checkCidr(text: string, path: FieldPath, issues: Issue[]) {
  const parsed = parseCidrSloppy(text);
  if (!parsed) {
    issues.push(invalid(path, text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    return undefined;
  }
  for (const message of cidrWarnings(text, parsed)) issues.push(warning(path, message));
  return parsed;
}
