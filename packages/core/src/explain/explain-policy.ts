import { compileRule, type PeerFacts } from '../engine/compile-policy.js';
import { matchPeer } from '../engine/match-peer.js';
import type { FieldPath } from '../issues.js';
import { parseIp } from '../model/cidr.js';
import { compileSelector } from '../model/selector.js';
import type { ClusterModel, Direction, PodModel, PolicyModel, RuleModel } from '../model/types.js';
import { describePeers, describePods, describePorts, describeRule } from './describe-rule.js';

export interface RuleExplanation {
  direction: Direction;
  index: number;
  /** `['spec', 'ingress', 0]`: where the rule is in its policy object. */
  path: FieldPath;
  /** The whole rule in words, without the `from`/`to` word. */
  text: string;
  peers: string[];
  ports: string[];
  /** Pods of the cluster the rule's peers match, by id. */
  pods: string[];
  /** Whether outside addresses can match (no `from`/`to`, or an ipBlock). */
  external: boolean;
}

export interface PolicyDirectionExplanation {
  direction: Direction;
  /** The direction is in the policy's (defaulted) policyTypes: selected pods are isolated. */
  isolates: boolean;
  /** Rules are written but ignored because policyTypes lacks the direction. */
  ignored: boolean;
  rules: RuleExplanation[];
}

export interface PolicyExplanation {
  policy: PolicyModel;
  /** "pods labelled app=web in namespace shop". */
  selectorText: string;
  selects: PodModel[];
  ingress: PolicyDirectionExplanation;
  egress: PolicyDirectionExplanation;
}

/** What a rule's peers match among the cluster's pods, and whether outside addresses can. */
export function rulePods(
  cluster: ClusterModel,
  policy: PolicyModel,
  rule: RuleModel,
): { pods: string[]; external: boolean } {
  if (rule.peers === 'all') return { pods: cluster.pods.map((p) => p.id), external: true };
  const compiled = compileRule(rule);
  const peers = compiled.peers === 'all' ? [] : compiled.peers;
  const pods = cluster.pods.filter((pod) => {
    const facts: PeerFacts = {
      pod,
      namespaceLabels: cluster.namespaces.get(pod.namespace)?.labels,
      ip: pod.ips.length > 0 ? parseIp(pod.ips[0]) : undefined,
    };
    return peers.some((peer) => matchPeer(peer, policy.namespace, facts));
  });
  return { pods: pods.map((p) => p.id), external: rule.peers.some((p) => p.kind === 'ipBlock') };
}

export function explainRule(
  cluster: ClusterModel,
  policy: PolicyModel,
  rule: RuleModel,
  on?: PodModel,
): RuleExplanation {
  return {
    direction: rule.direction,
    index: rule.index,
    path: ['spec', rule.direction, rule.index],
    text: describeRule(rule, policy.namespace, on),
    peers: describePeers(rule, policy.namespace),
    ports: describePorts(rule, on),
    ...rulePods(cluster, policy, rule),
  };
}

export function explainPolicy(cluster: ClusterModel, policy: PolicyModel): PolicyExplanation {
  const selects = compileSelector(policy.podSelector);
  const direction = (d: Direction): PolicyDirectionExplanation => {
    const rules = d === 'ingress' ? policy.ingress : policy.egress;
    return {
      direction: d,
      isolates: policy.types[d],
      ignored: !policy.types[d] && rules.length > 0,
      rules: rules.map((rule) => explainRule(cluster, policy, rule)),
    };
  };
  return {
    policy,
    selectorText: `${describePods(policy.podSelector)} in namespace ${policy.namespace}`,
    selects: cluster.pods.filter((pod) => pod.namespace === policy.namespace && selects(pod.labels)),
    ingress: direction('ingress'),
    egress: direction('egress'),
  };
}
