import { plural } from '../describe.js';
import type { LintRule } from '../types.js';
import { cap } from './egress-rules-ignored.js';

/** The mirror of egress-rules-ignored: `ingress` rules under `policyTypes: [Egress]`. */
export const ingressRulesIgnored: LintRule = {
  id: 'ingress-rules-ignored',
  severity: 'error',
  summary: 'spec.ingress is present but spec.policyTypes does not list Ingress, so the ingress rules are ignored',
  help: 'When spec.policyTypes is given, only the listed directions apply. Add `Ingress` to spec.policyTypes so the ingress rules take effect (this also isolates the selected pods for ingress), or delete spec.ingress.',
  check({ cluster }, report) {
    for (const policy of cluster.policies) {
      if (!policy.declaredTypes || policy.types.ingress || policy.ingress.length === 0 || !policy.origin) continue;
      report({
        object: policy.origin.object,
        path: ['spec', 'ingress'],
        message: `spec.ingress has ${plural(policy.ingress.length, 'rule')} but spec.policyTypes is [${policy.declaredTypes.map(cap).join(', ')}]: the ingress rules are ignored and this policy does not restrict the pods' ingress; add Ingress to spec.policyTypes, or delete spec.ingress`,
      });
    }
  },
};
