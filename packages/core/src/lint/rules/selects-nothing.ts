import { listSome, plural, selectorWords } from '../../format/words.js';
import { isEmptySelector } from '../../model/selector.js';
import { selectorContradiction } from '../../symbolic/label-space.js';
import { nearMiss } from '../rule-helpers.js';
import type { LintRule } from '../types.js';

/**
 * A policy whose podSelector matches no pod of its namespace has no effect, usually a label
 * typo. `{}` selects every pod (never flagged); with no pods in the input (or none in that
 * namespace) netpol cannot tell, so it says so as info; a selector whose requirements
 * exclude each other can match no pod at all, pods or not (a warning).
 */
export const selectsNothing: LintRule = {
  id: 'selects-nothing',
  severity: 'warning',
  summary: "the policy's podSelector matches no pod in its namespace, so the policy has no effect",
  help: "A NetworkPolicy applies only to pods of its own namespace whose labels match spec.podSelector. Check the labels for typos against `kubectl get pods -n NS --show-labels` (a pod template's labels, not the Deployment's), and check metadata.namespace. Run lint with the pods in the input (e.g. `kubectl get pods -A -o yaml`) for a reliable answer.",
  check({ cluster, compiled, endpoints, endpointsIn, selectedBy, hasPods }, report) {
    for (const policy of cluster.policies) {
      if (!policy.origin || isEmptySelector(policy.podSelector)) continue;
      if (selectedBy(policy).length > 0) continue;
      const inNamespace = endpointsIn(policy.namespace);
      const object = policy.origin.object;
      const sel = selectorWords(policy.podSelector);
      // Not a pod of any input could match: the selector contradicts itself (issue 13).
      const contradiction = selectorContradiction(policy.podSelector);
      if (contradiction !== undefined) {
        report({
          object,
          path: ['spec', 'podSelector'],
          message: `podSelector ${sel} can match no pod at all: its requirements on ${contradiction} exclude each other, so this policy never applies`,
        });
        continue;
      }
      if (!hasPods) {
        report({
          object,
          path: ['spec', 'podSelector'],
          severity: 'info',
          message: `podSelector ${sel} matches nothing that exists: the input has no pods (a pod could match it); add the workloads (or kubectl get pods -A -o yaml) to check it`,
        });
        continue;
      }
      // The pods it would select were it in their namespace.
      const elsewhere = endpoints.filter(
        (e) => e.namespace !== policy.namespace && compiled.selects(policy, { ...e.pod, namespace: policy.namespace }),
      );
      const where = [...new Set(elsewhere.map((e) => e.namespace))];
      if (elsewhere.length > 0) {
        const declared = typeof (object.value.metadata as Record<string, unknown> | undefined)?.namespace === 'string';
        report({
          object,
          path: declared ? ['metadata', 'namespace'] : ['metadata'],
          message: `podSelector ${sel} selects only pods of namespace ${policy.namespace}, and none there matches; the pods it matches (${listSome(elsewhere.map((e) => e.id))}) are in namespace ${listSome(where)}: ${declared ? 'is metadata.namespace right?' : 'set metadata.namespace (without it the policy lands in the namespace kubectl applies to)'}`,
        });
        continue;
      }
      if (inNamespace.length === 0) {
        report({
          object,
          path: ['spec', 'podSelector'],
          severity: 'info',
          message: `podSelector ${sel} selects no pod: the input has no pods in namespace ${policy.namespace}`,
        });
        continue;
      }
      const miss = nearMiss(
        policy.podSelector,
        inNamespace.map((e) => e.pod.labels),
        'pod',
      );
      report({
        object,
        path:
          miss.key && miss.key in policy.podSelector.matchLabels
            ? ['spec', 'podSelector', 'matchLabels', miss.key]
            : ['spec', 'podSelector'],
        message: `podSelector ${sel} matches none of the ${plural(inNamespace.length, 'pod')} in namespace ${policy.namespace}, so this policy has no effect: ${miss.hint}`,
      });
    }
  },
};
