import { canonicalRule, canonicalSelector } from '../lint/canonical.js';
import { describePeer, describePort, selectorText } from '../lint/describe.js';
import type { PolicyModel, RuleModel } from '../model/types.js';

/**
 * What changed in a policy, in a reviewer's words: "podSelector app=web → {}", "policyTypes
 * [Ingress] → [Ingress, Egress]", "+ingress from pods role=client in namespace shop on TCP 80",
 * "-egress to ipBlock 10.0.0.0/8 on every port". Rules are compared as sets (order has no
 * meaning), so a rule edited in place reads as one removed and one added.
 */
export function describePolicyChange(before: PolicyModel, after: PolicyModel): string[] {
  const out: string[] = [];
  if (canonicalSelector(before.podSelector) !== canonicalSelector(after.podSelector)) {
    out.push(`podSelector ${selectorText(before.podSelector)} → ${selectorText(after.podSelector)}`);
  }
  const types = (p: PolicyModel) =>
    `[${[p.types.ingress ? 'Ingress' : '', p.types.egress ? 'Egress' : ''].filter(Boolean).join(', ')}]`;
  if (types(before) !== types(after)) out.push(`policyTypes ${types(before)} → ${types(after)}`);
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = (p: PolicyModel) => (p.types[direction] ? p[direction] : []);
    const was = new Map(rules(before).map((r) => [canonicalRule(r), r]));
    const now = new Map(rules(after).map((r) => [canonicalRule(r), r]));
    for (const [key, rule] of was) if (!now.has(key)) out.push(`-${describeRule(before, rule)}`);
    for (const [key, rule] of now) if (!was.has(key)) out.push(`+${describeRule(after, rule)}`);
  }
  return out;
}

/** "ingress from pods app=web in namespace shop or ipBlock 10.0.0.0/8 on TCP 80, UDP 53". */
export function describeRule(policy: PolicyModel, rule: RuleModel): string {
  const ingress = rule.direction === 'ingress';
  const peers =
    rule.peers === 'all'
      ? ingress
        ? 'from anywhere'
        : 'to anywhere'
      : `${ingress ? 'from' : 'to'} ${rule.peers.map((p) => describePeer(policy, p)).join(' or ')}`;
  const ports = rule.ports === 'all' ? 'every port' : rule.ports.map(describePort).join(', ');
  return `${rule.direction} ${peers} on ${ports}`;
}
