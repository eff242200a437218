import { compileCluster } from '../engine/compile-cluster.js';
import type { ClusterModel, Direction, PodModel, PolicyModel } from '../model/types.js';
import { explainRule, type RuleExplanation } from './explain-policy.js';

export interface PodRuleExplanation extends RuleExplanation {
  policy: PolicyModel;
}

export interface PodDirectionExplanation {
  direction: Direction;
  /** Some policy selects the pod with this direction in its policyTypes. */
  isolated: boolean;
  /** The policies that isolate the pod for this direction, sorted by id. */
  selectedBy: PolicyModel[];
  /** Policies that select the pod but leave this direction alone (their rules, if any, are ignored). */
  selectedWithout: PolicyModel[];
  /** Every rule of the isolating policies: the union is what the pod may receive / send. */
  rules: PodRuleExplanation[];
}

export interface PodExplanation {
  pod: PodModel;
  ingress: PodDirectionExplanation;
  egress: PodDirectionExplanation;
}

/**
 * What selects a pod per direction and, when isolated, which rules admit traffic: who may
 * reach it (ingress, named rule ports resolved on the pod itself) and what it may reach
 * (egress, named ports resolve on each destination).
 */
export function explainPod(cluster: ClusterModel, pod: PodModel): PodExplanation {
  const selecting = compileCluster(cluster)
    .policiesSelecting(pod)
    .map((c) => c.policy);
  const direction = (d: Direction): PodDirectionExplanation => {
    const selectedBy = selecting.filter((p) => p.types[d]);
    return {
      direction: d,
      isolated: selectedBy.length > 0,
      selectedBy,
      selectedWithout: selecting.filter((p) => !p.types[d]),
      rules: selectedBy.flatMap((policy) =>
        (d === 'ingress' ? policy.ingress : policy.egress).map((rule) => ({
          policy,
          ...explainRule(cluster, policy, rule, d === 'ingress' ? pod : undefined),
        })),
      ),
    };
  };
  return { pod, ingress: direction('ingress'), egress: direction('egress') };
}
