import { listSome, peerWords } from '../../format/words.js';
import { effectiveRules, peerPath } from '../rule-helpers.js';
import type { LintRule } from '../types.js';

/**
 * The NetworkPolicy concept page leaves hostNetwork pods undefined: a CNI may treat them like
 * any pod, or may not tell them from the node, ignoring them when matching podSelector and
 * namespaceSelector (their traffic is the node's address). netpol judges them as ordinary
 * pods, as the first kind of CNI does; this says where the answer depends on the CNI.
 */
export const hostNetworkPod: LintRule = {
  id: 'host-network-pod',
  severity: 'warning',
  summary:
    'a policy selects, or a from/to peer matches, a hostNetwork pod: whether that is enforced depends on the CNI',
  help: "A pod with spec.hostNetwork: true shares the node's network namespace and address. The Kubernetes docs leave NetworkPolicy for such pods undefined: many CNIs cannot tell their traffic from the node's, so a policy selecting them does not isolate them, and a podSelector/namespaceSelector peer does not match them (allow the node addresses with an ipBlock instead). Check what your CNI documents; netpol's verdicts assume it treats them as ordinary pods.",
  check({ cluster, compiled }, report) {
    const hostPods = cluster.pods.filter((p) => p.hostNetwork);
    if (hostPods.length === 0) return;
    for (const policy of cluster.policies) {
      if (!policy.origin) continue;
      const object = policy.origin.object;
      const selected = hostPods.filter((p) => compiled.selects(policy, p)).map((p) => p.id);
      if (selected.length > 0) {
        report({
          object,
          path: ['spec', 'podSelector'],
          message: `selects hostNetwork pod ${listSome(selected)}: many CNIs do not enforce NetworkPolicy on pods that use the node's network, so it may not be isolated`,
        });
      }
      for (const rule of effectiveRules(policy)) {
        if (rule.peers === 'all') continue;
        for (const peer of rule.peers) {
          if (peer.kind !== 'selector') continue;
          const matched = hostPods
            .filter((p) => compiled.peerMatches(policy, peer, compiled.podFacts(p)))
            .map((p) => p.id);
          if (matched.length === 0) continue;
          report({
            object,
            path: peerPath(rule, peer),
            message: `${peerWords(peer, policy.namespace)} matches hostNetwork pod ${listSome(matched)}: many CNIs see its traffic as the node's address, so this peer may not admit it (an ipBlock with the node addresses does)`,
          });
        }
      }
    }
  },
};
