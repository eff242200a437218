import { adminPeerMatches, compileAdminPolicies, selectionHolds } from '../engine/admin-tiers.js';
import { compileCluster } from '../engine/compile-cluster.js';
import { describeAdminPeer, describeAdminPorts, describeAdminRule, describeSelection } from '../format/admin-words.js';
import type { FieldPath } from '../issues.js';
import type { AdminPolicyModel, AdminRuleModel } from '../model/admin-types.js';
import type { ClusterModel, Direction, PodModel } from '../model/types.js';

export interface AdminRuleExplanation {
  direction: Direction;
  index: number;
  /** `['spec', 'egress', 2]`. */
  path: FieldPath;
  name?: string;
  action: AdminRuleModel['action'];
  /** The whole rule in words: "Deny to every pod in namespace kube-system, on every port". */
  text: string;
  peers: string[];
  ports: string[];
  /** Pods of the cluster the rule's peers match, by id. */
  pods: string[];
  /** Whether addresses outside the pods can match (`networks`, `nodes`, `domainNames`). */
  external: boolean;
}

export interface AdminPolicyExplanation {
  policy: AdminPolicyModel;
  /** "every pod in namespaces labelled team=a". */
  subjectText: string;
  /** The pods the subject selects (host-network pods never). */
  selects: PodModel[];
  ingress: AdminRuleExplanation[];
  egress: AdminRuleExplanation[];
}

/** What an admin or baseline tier policy selects and what each rule allows, denies or passes. */
export function explainAdminPolicy(cluster: ClusterModel, policy: AdminPolicyModel): AdminPolicyExplanation {
  const compiled = compileAdminPolicies(cluster).find((p) => p.policy === policy);
  if (!compiled) throw new Error(`explainAdminPolicy: ${policy.id} is not of this cluster`);
  const semantics = compileCluster(cluster);
  const facts = cluster.pods.map((pod) => ({ pod, facts: semantics.podFacts(pod) }));
  const rules = (direction: Direction) =>
    (direction === 'ingress' ? compiled.ingress : compiled.egress).map((rule): AdminRuleExplanation => {
      const out: AdminRuleExplanation = {
        direction,
        index: rule.model.index,
        path: ['spec', direction, rule.model.index],
        action: rule.model.action,
        text: describeAdminRule(rule.model),
        peers: rule.model.peers.map(describeAdminPeer),
        ports: describeAdminPorts(rule.model),
        pods: facts
          .filter(({ facts: f }) => rule.peers.some((peer) => adminPeerMatches(peer, f)))
          .map(({ pod }) => pod.id),
        external: rule.model.peers.some((p) => p.kind === 'networks' || p.kind === 'nodes' || p.kind === 'domainNames'),
      };
      if (rule.model.name) out.name = rule.model.name;
      return out;
    });
  return {
    policy,
    subjectText: describeSelection(policy.subject),
    selects: cluster.pods.filter((pod) =>
      selectionHolds(compiled.subject, pod, semantics.namespaceLabels(pod.namespace)),
    ),
    ingress: rules('ingress'),
    egress: rules('egress'),
  };
}

/** The admin and baseline tier policies whose subject selects the pod, in the order they are consulted. */
export function adminPoliciesOfPod(cluster: ClusterModel, pod: PodModel): AdminPolicyModel[] {
  const semantics = compileCluster(cluster);
  return semantics.tiers?.selecting(pod, semantics.namespaceLabels(pod.namespace)).map((p) => p.policy) ?? [];
}
