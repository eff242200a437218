import type { PodModel } from '../model/types.js';
import type { CompiledPolicy } from './compile-policy.js';

/**
 * "podSelector selects the pods to which this NetworkPolicy object applies. [...] An empty
 * podSelector selects all pods in this namespace." A policy only ever selects pods of its own
 * namespace.
 */
export function selectsPod(policy: CompiledPolicy, subject: PodModel): boolean {
  return policy.policy.namespace === subject.namespace && policy.selects(subject.labels);
}
