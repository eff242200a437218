import type { PolicyModel } from '../../model/types.js';
import { canonicalPolicy } from '../canonical.js';
import { whereIs } from '../describe.js';
import type { LintRule } from '../types.js';

/**
 * Two policies with the same namespace/name (the later apply replaces the earlier), or two
 * policies that do exactly the same thing under different names (one is redundant, or a copy
 * whose selector was meant to change).
 */
export const duplicatePolicy: LintRule = {
  id: 'duplicate-policy',
  severity: 'warning',
  summary: 'two policies have the same name, or the same selector and rules',
  help: 'A namespace/name defined twice is one object in the cluster: `kubectl apply` keeps the last one, so the first is silently lost. Two policies with the same selector and rules are redundant; when one is a copy, check whether its podSelector or rules were meant to change.',
  check({ cluster }, report) {
    const byId = new Map<string, PolicyModel>();
    const byContent = new Map<string, PolicyModel>();
    for (const policy of cluster.policies) {
      if (!policy.origin) continue;
      const object = policy.origin.object;
      const first = byId.get(policy.id);
      if (first) {
        report({
          object,
          path: ['metadata', 'name'],
          message: `NetworkPolicy ${policy.id} is defined twice (first at ${whereIs(first, ['metadata', 'name'])}); in a cluster the later one replaces the earlier, so rename one of them or delete the copy`,
        });
        continue;
      }
      byId.set(policy.id, policy);
      const key = canonicalPolicy(policy);
      const same = byContent.get(key);
      if (same) {
        report({
          object,
          path: ['metadata', 'name'],
          message: `same podSelector and rules as ${same.id} (${whereIs(same, ['metadata', 'name'])}), so one of them changes nothing: delete one, or if this copy was meant to differ, change its podSelector or rules`,
        });
        continue;
      }
      byContent.set(key, policy);
    }
  },
};
