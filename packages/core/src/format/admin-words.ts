import type { AdminRuleRef, SideVerdict } from '../engine/types.js';
import type { AdminPolicyModel, AdminRuleModel } from '../model/admin-types.js';
import { originLocation } from '../model/origin-location.js';
import type { Direction } from '../model/types.js';

/**
 * The one wording of the admin tiers (docs/admin-tiers.md) for check, explain, lint and diff:
 * `ClusterNetworkPolicy cluster-guardrails (priority 10)`, `spec.egress[2] Deny`, and a
 * side's deciding tier in a sentence.
 */

/** `ClusterNetworkPolicy cluster-guardrails (priority 10)`; a BANP has no priority. */
export function adminPolicyName(policy: AdminPolicyModel): string {
  return policy.priority === undefined
    ? `${policy.kind} ${policy.name}`
    : `${policy.kind} ${policy.name} (priority ${policy.priority})`;
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
