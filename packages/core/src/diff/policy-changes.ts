import { peersWords, peerWord, portsWords, selectorWords } from '../format/words.js';
import { canonicalRule, canonicalSelector } from '../model/canonical.js';
import type { PolicyModel, RuleModel } from '../model/types.js';

/**
 * What changed in a policy, in a reviewer's words: "podSelector app=web → {}", "policyTypes
 * [Ingress] → [Ingress, Egress]", "+ingress from pods role=client in namespace shop, on 80/TCP",
 * "-egress to ipBlock 10.0.0.0/8, on every port". Rules are compared as sets (order has no
 * meaning), so a rule edited in place reads as one removed and one added.
 */
export function describePolicyChange(before: PolicyModel, after: PolicyModel): string[] {
  const out: string[] = [];
  if (canonicalSelector(before.podSelector) !== canonicalSelector(after.podSelector)) {
    out.push(`podSelector ${selectorWords(before.podSelector)} → ${selectorWords(after.podSelector)}`);
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

/** "ingress from pods app=web in namespace shop or ipBlock 10.0.0.0/8, on 80/TCP, 53/UDP". */
export function describeRule(policy: PolicyModel, rule: RuleModel): string {
  const peers = rule.peers === 'all' ? 'anywhere' : peersWords(rule, policy.namespace).join(' or ');
  return `${rule.direction} ${peerWord(rule.direction)} ${peers}, on ${portsWords(rule).join(', ')}`;
}
