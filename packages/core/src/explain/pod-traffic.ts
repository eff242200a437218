import { compileCluster } from '../engine/compile-cluster.js';
import { admittedPorts, type PortHolder } from '../engine/match-port.js';
import { ruleWords } from '../format/words.js';
import type { FieldPath } from '../issues.js';
import type { ClusterModel, Direction, PodModel, PolicyModel, RuleModel } from '../model/types.js';
import { explainPod, type PodRuleExplanation } from './explain-pod.js';

/**
 * A rule of another pod's policy whose peers match the pod, with the pods that policy
 * selects (its other peers are not listed: on a busy pod such as DNS, hundreds of rules name
 * it, and listing each one's peers would test every pod against each).
 */
export interface PeerRuleExplanation {
  policy: PolicyModel;
  direction: Direction;
  index: number;
  /** `['spec', 'egress', 0]`: where the rule is in its policy object. */
  path: FieldPath;
  /** The whole rule in words, without the `from`/`to` word (named ports resolved on the pod when it is the destination). */
  text: string;
  /** The pods at the rule's own end: those its policy selects (by id). */
  selects: string[];
}

export interface PodTrafficSide {
  /** `ingress`: traffic to the pod; `egress`: traffic from it. */
  direction: Direction;
  /** Some policy selects the pod for this direction. */
  isolated: boolean;
  /** The policies that isolate the pod for this direction, sorted as in explainPod. */
  selectedBy: PolicyModel[];
  /**
   * The rules of the isolating policies that admit anything to (from) the pod: a rule whose
   * peers match no pod and no address, or whose ports are all named ports the pod lacks
   * (ingress), admits nothing and is left out.
   */
  admitting: PodRuleExplanation[];
  /** How many rules of the isolating policies were left out because they admit nothing. */
  leftOut: number;
  /**
   * Rules of other policies whose peers match the pod: egress rules that let their pods
   * reach it (ingress side), ingress rules that admit it into their pods (egress side).
   * Only rules that can count: their policy isolates that direction and selects some pod.
   */
  asPeer: PeerRuleExplanation[];
}

export interface PodTraffic {
  pod: PodModel;
  ingress: PodTrafficSide;
  egress: PodTrafficSide;
}

/**
 * The rules that admit traffic to and from one pod, on both ends: its own policies' rules
 * that admit something (explainPod lists every rule of them), and the rules of other pods'
 * policies that name it as a peer. Matching is the compiled cluster's (`peerMatches`,
 * `admittedPorts`), never decided here.
 */
export function explainPodTraffic(cluster: ClusterModel, pod: PodModel): PodTraffic {
  const compiled = compileCluster(cluster);
  const facts = compiled.podFacts(pod);
  const own = explainPod(cluster, pod);
  const byNamespace = new Map<string, PodModel[]>();
  for (const p of cluster.pods) {
    const list = byNamespace.get(p.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.namespace, [p]);
  }
  const selected = (policy: PolicyModel) =>
    (byNamespace.get(policy.namespace) ?? []).filter((p) => compiled.selects(policy, p));
  /** Some port of the rule admits a number towards the destination (undefined: decided per destination). */
  const anyPort = (rule: RuleModel, destination: PortHolder | undefined) =>
    rule.ports === 'all' || rule.ports.some((port) => admittedPorts(port, destination).length > 0);
  const matchesPod = (policy: PolicyModel, rule: RuleModel) =>
    rule.peers === 'all' || rule.peers.some((peer) => compiled.peerMatches(policy, peer, facts));

  const side = (direction: Direction): PodTrafficSide => {
    const mine = own[direction];
    const admitting = mine.rules.filter(
      (rule) =>
        (rule.pods.length > 0 || rule.external) &&
        (direction === 'egress' || anyPort(policyRule(rule.policy, direction, rule.index), pod)),
    );
    // The other end's rules: their direction is the opposite of the pod's side.
    const theirs: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    const asPeer: PeerRuleExplanation[] = [];
    for (const policy of cluster.policies) {
      if (!policy.types[theirs]) continue;
      for (const rule of theirs === 'ingress' ? policy.ingress : policy.egress) {
        if (!matchesPod(policy, rule)) continue;
        // Named ports resolve on the destination: the pod for an egress rule towards it, the
        // policy's own pods for an ingress rule admitting it.
        const ends = selected(policy).filter((end) => anyPort(rule, theirs === 'egress' ? pod : end));
        if (ends.length === 0) continue;
        asPeer.push({
          policy,
          direction: rule.direction,
          index: rule.index,
          path: ['spec', rule.direction, rule.index],
          text: ruleWords(rule, policy.namespace, theirs === 'egress' ? pod : undefined),
          selects: ends.map((end) => end.id),
        });
      }
    }
    return {
      direction,
      isolated: mine.isolated,
      selectedBy: mine.selectedBy,
      admitting,
      leftOut: mine.rules.length - admitting.length,
      asPeer,
    };
  };
  return { pod, ingress: side('ingress'), egress: side('egress') };
}

function policyRule(policy: PolicyModel, direction: Direction, index: number): RuleModel {
  const rule = (direction === 'ingress' ? policy.ingress : policy.egress).find((r) => r.index === index);
  if (!rule) throw new Error(`explainPodTraffic: ${policy.id} has no ${direction}[${index}]`);
  return rule;
}
