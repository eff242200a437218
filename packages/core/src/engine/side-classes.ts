import { canonicalRule } from '../model/canonical.js';
import type { Direction, PodModel, RuleModel } from '../model/types.js';
import type { CompiledCluster } from './compile-cluster.js';

/**
 * Side classes: pods whose `direction` side allows exactly the same connections towards any
 * peer outside both pods' namespaces (or, for two pods of one namespace, towards any peer).
 * One side (`combine`) allows when the pod is not isolated or some rule of the policies
 * isolating it matches; a rule reads the pod's own namespace only through peers without a
 * namespaceSelector ("the policy's own namespace"), and those match no peer outside it. So
 * pods whose isolating policies hold the same rules (`canonicalRule`, as a set) answer alike:
 * the same policy template applied in 3,000 namespaces is one class, not 3,000. An ingress
 * side also resolves named ports on the pod (it is the destination): its container ports are
 * part of the class. With admin tier policies the pod's namespace, labels and host networking
 * decide as well (admin subjects), so the class keeps them. Only `allowed` is shared: which
 * policies isolate (the verdict's `selectedBy`) is each pod's own.
 *
 * Returns the class of a pod (a small integer, per direction), computed once per pod.
 */
export function sideClasses(compiled: CompiledCluster): (pod: PodModel, direction: Direction) => number {
  const ruleTexts = new WeakMap<RuleModel, string>();
  const ruleText = (rule: RuleModel) => {
    let text = ruleTexts.get(rule);
    if (text === undefined) {
      text = canonicalRule(rule);
      ruleTexts.set(rule, text);
    }
    return text;
  };
  const ids = new Map<string, number>();
  const known = { ingress: new WeakMap<PodModel, number>(), egress: new WeakMap<PodModel, number>() };
  return (pod, direction) => {
    let id = known[direction].get(pod);
    if (id !== undefined) return id;
    const isolating = compiled.policiesSelecting(pod).filter((p) => p.policy.types[direction]);
    const rules = new Set<string>();
    for (const p of isolating) for (const rule of p.policy[direction]) rules.add(ruleText(rule));
    let key = `${isolating.length > 0 ? 'isolated' : 'open'}\u0000${[...rules].sort().join('\u0000')}`;
    if (direction === 'ingress') {
      key += `\u0001${pod.ports.map((c) => `${c.name ?? ''}:${c.port}/${c.protocol}`).join(',')}`;
    }
    if (compiled.tiers) {
      const labels = Object.entries(pod.labels)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`);
      key += `\u0001${pod.namespace}\u0001${labels.join('\u0000')}\u0001${pod.hostNetwork}`;
    }
    id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    known[direction].set(pod, id);
    return id;
  };
}
