import { type CompiledCluster, compileCluster } from '../engine/compile-cluster.js';
import type { PeerFacts } from '../engine/compile-policy.js';
import { peerScopesNamespace } from '../engine/match-peer.js';
import { peersWords, podsWords, portsWords, ruleWords } from '../format/words.js';
import type { FieldPath } from '../issues.js';
import type { ClusterModel, Direction, Labels, PodModel, PolicyModel, RuleModel } from '../model/types.js';

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
  /** "pods app=web in namespace shop" (format/words.ts). */
  selectorText: string;
  selects: PodModel[];
  ingress: PolicyDirectionExplanation;
  egress: PolicyDirectionExplanation;
}

/** The cluster's pods grouped by namespace (in cluster order), with what peers see of each. */
interface PodIndex {
  namespaces: { name: string; labels: Labels; pods: { pod: PodModel; facts: PeerFacts }[] }[];
  byNamespace: Map<string, PodModel[]>;
}

/** Per compiled cluster (weakly held: it goes when the cluster goes). */
const podIndexes = new WeakMap<CompiledCluster, PodIndex>();

function podIndex(compiled: CompiledCluster): PodIndex {
  let index = podIndexes.get(compiled);
  if (index) return index;
  const groups = new Map<string, PodIndex['namespaces'][number]>();
  const byNamespace = new Map<string, PodModel[]>();
  for (const pod of compiled.model.pods) {
    let group = groups.get(pod.namespace);
    if (!group) {
      group = { name: pod.namespace, labels: compiled.namespaceLabels(pod.namespace), pods: [] };
      groups.set(pod.namespace, group);
      byNamespace.set(pod.namespace, []);
    }
    group.pods.push({ pod, facts: compiled.podFacts(pod) });
    byNamespace.get(pod.namespace)?.push(pod);
  }
  index = { namespaces: [...groups.values()], byNamespace };
  podIndexes.set(compiled, index);
  return index;
}

/**
 * What a rule's peers match among the cluster's pods (in cluster order), and whether outside
 * addresses can. Namespaces no peer can reach are skipped whole, so explaining every policy
 * of a 10k-pod cluster does not test every pod against every rule.
 */
export function rulePods(
  cluster: ClusterModel,
  policy: PolicyModel,
  rule: RuleModel,
): { pods: string[]; external: boolean } {
  const compiled = compileCluster(cluster);
  if (rule.peers === 'all') return { pods: cluster.pods.map((p) => p.id), external: true };
  const compiledRule = compiled.rule(policy, rule);
  const peers = compiledRule.peers === 'all' ? [] : compiledRule.peers;
  const pods: string[] = [];
  for (const group of podIndex(compiled).namespaces) {
    const active = peers.filter(
      (peer) => peer.kind === 'ipBlock' || peerScopesNamespace(peer, policy.namespace, group.name, group.labels),
    );
    if (active.length === 0) continue;
    for (const { pod, facts } of group.pods) {
      if (active.some((peer) => compiled.peerMatches(policy, peer.model, facts))) pods.push(pod.id);
    }
  }
  return { pods, external: rule.peers.some((p) => p.kind === 'ipBlock') };
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
    text: ruleWords(rule, policy.namespace, on),
    peers: peersWords(rule, policy.namespace),
    ports: portsWords(rule, on),
    ...rulePods(cluster, policy, rule),
  };
}

export function explainPolicy(cluster: ClusterModel, policy: PolicyModel): PolicyExplanation {
  const compiled = compileCluster(cluster);
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
    selectorText: `${podsWords(policy.podSelector)} in namespace ${policy.namespace}`,
    selects: (podIndex(compiled).byNamespace.get(policy.namespace) ?? []).filter((pod) =>
      compiled.selects(policy, pod),
    ),
    ingress: direction('ingress'),
    egress: direction('egress'),
  };
}
