import { plural } from '../../format/words.js';
import type { Direction } from '../../model/types.js';
import type { LintRule } from '../types.js';

/**
 * "Egress rules of a policy whose policyTypes lacks Egress are ignored" (SPEC, defaults.go),
 * and the mirror for ingress: the author wrote rules that restrict nothing and allow nothing.
 */
function rulesIgnored(direction: Direction): LintRule {
  const Type = cap(direction);
  return {
    id: `${direction}-rules-ignored`,
    severity: 'error',
    summary: `spec.${direction} is present but spec.policyTypes does not list ${Type}, so the ${direction} rules are ignored`,
    help: `When spec.policyTypes is given, only the listed directions apply. Add \`${Type}\` to spec.policyTypes so the ${direction} rules take effect (this also isolates the selected pods for ${direction}), or delete spec.${direction}.`,
    check({ cluster }, report) {
      for (const policy of cluster.policies) {
        const rules = policy[direction];
        if (!policy.declaredTypes || policy.types[direction] || rules.length === 0 || !policy.origin) continue;
        report({
          object: policy.origin.object,
          path: ['spec', direction],
          message: `spec.${direction} has ${plural(rules.length, 'rule')} but spec.policyTypes is [${policy.declaredTypes.map(cap).join(', ')}]: the ${direction} rules are ignored and this policy does not restrict the pods' ${direction}; add ${Type} to spec.policyTypes, or delete spec.${direction}`,
        });
      }
    },
  };
}

export const egressRulesIgnored = rulesIgnored('egress');
export const ingressRulesIgnored = rulesIgnored('ingress');

function cap(direction: string): string {
  return direction.charAt(0).toUpperCase() + direction.slice(1);
}
