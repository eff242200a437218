import { type AdminPolicyModel, type ClusterModel, originLocation } from '@netpol/core';
import { type AdminRuleExplanation, explainAdminPolicy } from '@netpol/core/explain';
import { adminDirectionWords, adminPolicyName, adminTierWords, ruleMatchWords } from '@netpol/core/format';
import type { AdminPolicyView, AdminRuleView, SelectionView } from '../protocol.js';

/**
 * The admin and baseline tier policies for the page (the Policies view lists them, the
 * Selection panel explains one) in `netpol explain`'s words (core's explainAdminPolicy and
 * admin-words), so the page and the CLI say the same.
 */

/** Every admin tier policy of the input, in the order they are consulted; `disabled`: toggled off. */
export function adminPolicyViews(cluster: ClusterModel, disabled: ReadonlySet<string>): AdminPolicyView[] | undefined {
  if (!cluster.adminPolicies?.length) return undefined;
  return cluster.adminPolicies.map((p) => ({
    id: p.id,
    kind: p.kind,
    name: p.name,
    tier: p.tier,
    ...(p.priority === undefined ? {} : { priority: p.priority }),
    title: adminPolicyName(p),
    file: originLocation(p.origin, [])?.file,
    enabled: !disabled.has(p.id),
  }));
}

/** The cluster without the toggled-off admin policies (the model as it is when none is off). */
export function withoutAdminPolicies(cluster: ClusterModel, disabled: ReadonlySet<string>): ClusterModel {
  const all = cluster.adminPolicies;
  if (!all?.some((p) => disabled.has(p.id))) return cluster;
  return { ...cluster, adminPolicies: all.filter((p) => !disabled.has(p.id)) };
}

export function findAdminPolicy(cluster: ClusterModel, id: string): AdminPolicyModel | undefined {
  return cluster.adminPolicies?.find((p) => p.id === id);
}

/** What the policy selects and each rule's action, peers and ports (`netpol explain --policy`). */
export function adminSelection(cluster: ClusterModel, policy: AdminPolicyModel): SelectionView {
  const explained = explainAdminPolicy(cluster, policy);
  const where = originLocation(policy.origin, []);
  const rule = (r: AdminRuleExplanation): AdminRuleView => {
    const at = originLocation(policy.origin, r.path);
    return {
      direction: r.direction,
      index: r.index,
      ...(r.name ? { name: r.name } : {}),
      action: r.action,
      text: r.text,
      file: at?.file,
      line: at?.line,
      matches: ruleMatchWords(r.pods, r.external),
      pods: r.pods,
    };
  };
  const side = (direction: 'ingress' | 'egress', rules: AdminRuleExplanation[]) => ({
    words: adminDirectionWords(direction, rules.length),
    rules: rules.map(rule),
  });
  return {
    kind: 'admin',
    id: policy.id,
    title: adminPolicyName(policy),
    tier: adminTierWords(policy),
    file: where?.file,
    line: where?.line,
    subject: explained.subjectText,
    selects: explained.selects.map((p) => p.id),
    ingress: side('ingress', explained.ingress),
    egress: side('egress', explained.egress),
  };
}
