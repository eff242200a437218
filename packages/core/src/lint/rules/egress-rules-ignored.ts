import { plural } from '../describe.js';
import type { LintRule } from '../types.js';

/**
 * "Egress rules of a policy whose policyTypes lacks Egress are ignored" (SPEC, defaults.go):
 * the author wrote rules that restrict nothing and allow nothing.
 */
export const egressRulesIgnored: LintRule = {
  id: 'egress-rules-ignored',
  severity: 'error',
  summary: 'spec.egress is present but spec.policyTypes does not list Egress, so the egress rules are ignored',
  help: 'When spec.policyTypes is given, only the listed directions apply. Add `Egress` to spec.policyTypes so the egress rules take effect (this also isolates the selected pods for egress), or delete spec.egress.',
  check({ cluster }, report) {
    for (const policy of cluster.policies) {
      if (!policy.declaredTypes || policy.types.egress || policy.egress.length === 0 || !policy.origin) continue;
      report({
        object: policy.origin.object,
        path: ['spec', 'egress'],
        message: `spec.egress has ${plural(policy.egress.length, 'rule')} but spec.policyTypes is [${policy.declaredTypes.map(cap).join(', ')}]: the egress rules are ignored and this policy does not restrict the pods' egress; add Egress to spec.policyTypes, or delete spec.egress`,
      });
    }
  },
};

export function cap(direction: string): string {
  return direction[0].toUpperCase() + direction.slice(1);
}
