import { adminPolicyName, describeAdminPeer, describeAdminPorts, describeSelection } from '../format/admin-words.js';
import type { AdminPolicyModel, AdminRuleModel } from '../model/admin-types.js';
import type { ClusterModel } from '../model/types.js';

/**
 * What changed in an admin tier policy, in a reviewer's words: "tier Admin → Baseline",
 * "priority 10 → 5", "spec.egress[1] Deny → Accept", "+spec.ingress[2] Pass from ...". Rules
 * are compared by position: in these kinds the written order decides (first match wins), so a
 * moved rule is a change.
 */
export function describeAdminPolicyChange(before: AdminPolicyModel, after: AdminPolicyModel): string[] {
  const out: string[] = [];
  if (before.tier !== after.tier) out.push(`tier ${tierWord(before)} → ${tierWord(after)}`);
  if (before.priority !== after.priority)
    out.push(`priority ${before.priority ?? 'none'} → ${after.priority ?? 'none'}`);
  const subject = (p: AdminPolicyModel) => describeSelection(p.subject);
  if (subject(before) !== subject(after)) out.push(`subject ${subject(before)} → ${subject(after)}`);
  for (const direction of ['ingress', 'egress'] as const) {
    const was = before[direction];
    const now = after[direction];
    for (let i = 0; i < Math.max(was.length, now.length); i++) {
      const b = was[i];
      const a = now[i];
      const at = `spec.${direction}[${i}]`;
      if (!a) {
        if (b) out.push(`-${at} ${ruleWords(b)}`);
      } else if (!b) out.push(`+${at} ${ruleWords(a)}`);
      else if (matchWords(b) !== matchWords(a)) out.push(`${at} ${ruleWords(b)} → ${ruleWords(a)}`);
      else if (b.action !== a.action) out.push(`${at} ${b.action} → ${a.action} (${matchWords(a)})`);
    }
  }
  return out;
}

function tierWord(policy: AdminPolicyModel): string {
  return policy.tier === 'admin' ? 'Admin' : 'Baseline';
}

function matchWords(rule: AdminRuleModel): string {
  const word = rule.direction === 'ingress' ? 'from' : 'to';
  return `${word} ${rule.peers.map(describeAdminPeer).join(' or ')} on ${describeAdminPorts(rule).join(', ')}`;
}

function ruleWords(rule: AdminRuleModel): string {
  return `${rule.action} ${matchWords(rule)}`;
}

/** Admin tier policies by id: added, removed, changed (in what they do), with the changes in words. */
export function diffAdminPolicies(base: ClusterModel, head: ClusterModel) {
  const before = new Map((base.adminPolicies ?? []).map((p) => [p.id, p]));
  const after = new Map((head.adminPolicies ?? []).map((p) => [p.id, p]));
  const details: { id: string; changes: string[] }[] = [];
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b) continue;
    const changes = describeAdminPolicyChange(b, a);
    if (changes.length > 0) details.push({ id, changes });
  }
  return {
    added: [...after.keys()].filter((id) => !before.has(id)).sort(),
    removed: [...before.keys()].filter((id) => !after.has(id)).sort(),
    changed: details.map((d) => d.id).sort(),
    details: details.sort((x, y) => (x.id < y.id ? -1 : 1)),
    names: new Map([...before, ...after].map(([id, p]) => [id, adminPolicyName(p)])),
  };
}
