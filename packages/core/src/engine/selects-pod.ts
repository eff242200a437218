import type { CompiledPolicy, PodFacts } from './compile-policy.js';

/**
 * "podSelector selects the pods to which this NetworkPolicy object applies. [...] An empty
 * podSelector selects all pods in this namespace." A policy only ever selects pods of its own
 * namespace.
 */
export function selectsPod(policy: CompiledPolicy, subject: PodFacts): boolean {
  return policy.policy.namespace === subject.namespace && policy.selects(subject.labels);
}
