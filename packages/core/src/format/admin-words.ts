import type { AdminRuleRef, SideVerdict } from '../engine/types.js';
import type {
  AdminPeerModel,
  AdminPolicyModel,
  AdminPortModel,
  AdminRuleModel,
  AdminSelection,
} from '../model/admin-types.js';
import { originLocation } from '../model/origin-location.js';
import { formatSelector, isEmptySelector } from '../model/selector.js';
import type { Direction, PodModel } from '../model/types.js';
import { namespacesWords, podsWords } from './words.js';

/**
 * The one wording of the admin tiers (docs/admin-tiers.md) for check, explain, lint and diff:
 * `ClusterNetworkPolicy cluster-guardrails (priority 10)`, `spec.egress[2] Deny`, a side's
 * deciding tier in a sentence, and rules in the wording of words.ts: "pods app=web in
 * namespaces team=a", "networks 10.0.0.0/8" (as "ipBlock 10.0.0.0/8"), "the addresses of
 * nodes role=control", "53/UDP".
 */

/** `ClusterNetworkPolicy cluster-guardrails (priority 10)`; a BANP has no priority. */
export function adminPolicyName(policy: AdminPolicyModel): string {
  return policy.priority === undefined
    ? `${policy.kind} ${policy.name}`
    : `${policy.kind} ${policy.name} (priority ${policy.priority})`;
}

/** Where a policy's tier sits among the tiers: `admin tier: before NetworkPolicies`. */
export function adminTierWords(policy: AdminPolicyModel): string {
  return policy.tier === 'admin' ? 'admin tier: before NetworkPolicies' : 'baseline tier: after NetworkPolicies';
}

/** How a direction of an admin policy decides: `the first rule that matches decides:`, or that it has no rules. */
export function adminDirectionWords(direction: Direction, rules: number): string {
  return rules === 0 ? `no rules (${direction} is left to the next tiers)` : 'the first rule that matches decides:';
}

/** `admin` / `baseline`: the tier a policy sits in, as reports name it. */
export function tierName(policy: AdminPolicyModel): string {
  return policy.tier;
}

/** `spec.egress[2] "block-metadata" Deny (guardrails.yaml:20)`. */
export function adminRuleWords(policy: AdminPolicyModel, direction: Direction, rule: AdminRuleModel): string {
  const where = originLocation(policy.origin, ['spec', direction, rule.index]);
  const name = rule.name ? ` "${rule.name}"` : '';
  return `spec.${direction}[${rule.index}]${name} ${rule.action}${where ? ` (${where.file}:${where.line})` : ''}`;
}

/** `admin: ClusterNetworkPolicy cluster-guardrails (priority 10) spec.egress[2] Deny (f.yaml:20)`. */
export function describeAdminRef(ref: AdminRuleRef): string {
  const rules = ref.direction === 'ingress' ? ref.policy.ingress : ref.policy.egress;
  const rule = rules.find((r) => r.index === ref.ruleIndex);
  const words = rule
    ? adminRuleWords(ref.policy, ref.direction, rule)
    : `spec.${ref.direction}[${ref.ruleIndex}] ${ref.action}`;
  return `${ref.policy.tier}: ${adminPolicyName(ref.policy)} ${words}`;
}

/**
 * The admin part of a side's reason, around the NetworkPolicy words (`networkPolicy`):
 * decided by an admin rule; passed on, then decided by NetworkPolicy or baseline; or allowed
 * by default when no tier decides.
 */
export function describeTierDecision(side: SideVerdict, networkPolicy: string): string {
  const passed = (side.passedBy ?? []).map((ref) => `passed by ${describeAdminRef(ref)}, then `).join('');
  switch (side.tier) {
    case 'admin':
      return side.adminRule ? describeAdminRef(side.adminRule) : networkPolicy;
    case 'baseline':
      return `${passed}${networkPolicy}; ${side.adminRule ? describeAdminRef(side.adminRule) : 'baseline'}`;
    case 'default':
      return `${passed}${networkPolicy}; no admin or baseline rule decides: allowed by default`;
    case 'networkpolicy':
      return `${passed}${networkPolicy}`;
    default:
      return networkPolicy;
  }
}

/** A subject or a `namespaces`/`pods` peer (never host-network pods). */
export function describeSelection(selection: AdminSelection): string {
  const where = namespacesWords(selection.namespaceSelector);
  if (selection.kind === 'namespaces') return `every pod in ${where}`;
  return `${podsWords(selection.podSelector)} in ${where}`;
}

export function describeAdminPeer(peer: AdminPeerModel): string {
  switch (peer.kind) {
    case 'namespaces':
    case 'pods':
      return describeSelection(peer);
    case 'networks':
      return `networks ${peer.cidrs.join(', ')}`;
    case 'nodes':
      return isEmptySelector(peer.nodeSelector)
        ? 'the addresses of every node'
        : `the addresses of nodes ${formatSelector(peer.nodeSelector)}`;
    case 'domainNames':
      return `the names ${peer.names.join(', ')} (resolved by DNS; netpol's engine matches no address)`;
  }
}

/** `80/TCP`, `8000-8100/TCP`, `every UDP port`, `http (named)`; with `on`, what the name is there. */
export function describeAdminPort(port: AdminPortModel, on?: PodModel): string {
  if (port.unknownProtocol !== undefined) return `protocol ${port.unknownProtocol} (matches nothing)`;
  if (typeof port.port === 'string') {
    const text = `${port.port} (named)`;
    if (!on) return text;
    const found = on.ports.find((p) => p.name === port.port);
    return `${text} (${found ? `${found.port}/${found.protocol} on ${on.id}` : `no such port on ${on.id}`})`;
  }
  if (port.port === undefined) return `every ${port.protocol} port`;
  const range = port.endPort !== undefined && port.endPort !== port.port ? `-${port.endPort}` : '';
  const empty = port.endPort !== undefined && port.endPort < port.port ? ' (an empty range: matches nothing)' : '';
  return `${port.port}${range}/${port.protocol}${empty}`;
}

export function describeAdminPorts(rule: AdminRuleModel, on?: PodModel): string[] {
  if (rule.ports === 'all') return ['every port'];
  return rule.ports.map((port) => describeAdminPort(port, on));
}

/** "Deny to every pod in namespace kube-system, on every port". */
export function describeAdminRule(rule: AdminRuleModel, on?: PodModel): string {
  const word = rule.direction === 'ingress' ? 'from' : 'to';
  return `${rule.action} ${word} ${rule.peers.map(describeAdminPeer).join(' or ')}, on ${describeAdminPorts(rule, on).join(', ')}`;
}
