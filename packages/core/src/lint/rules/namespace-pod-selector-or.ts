import { at } from '../../at.js';
import { peerWords } from '../../format/words.js';
import { isEmptySelector } from '../../model/selector.js';
import type { PeerModel } from '../../model/types.js';
import { effectiveRules, peerPath } from '../rule-helpers.js';
import type { LintRule } from '../types.js';

type SelectorPeer = Extract<PeerModel, { kind: 'selector' }>;

/**
 * The stray-dash trap (seed 002 example 6): `- namespaceSelector` and `- podSelector` as two
 * list items are two peers, ORed, where one peer with both selectors (ANDed) was usually
 * meant. Flagged when a namespace-only peer and a pod-only peer sit next to each other; a
 * `podSelector: {}` neighbour is left alone (ANDed it would change nothing, so OR was meant).
 */
export const namespacePodSelectorOr: LintRule = {
  id: 'namespace-pod-selector-or',
  severity: 'warning',
  summary:
    '`- namespaceSelector` and `- podSelector` are two separate peers (OR) where one peer (AND) was probably meant',
  help: "In a from/to list every `-` starts a new peer, and peers are ORed. `- namespaceSelector: ...` followed by `- podSelector: ...` admits every pod of the matching namespaces OR the matching pods of the policy's own namespace. To admit only the matching pods in the matching namespaces, put both selectors in one item (delete the `-` before podSelector). If OR is intended, disable the rule for this object with the annotation netpol.dev/lint-disable: namespace-pod-selector-or.",
  check({ cluster }, report) {
    for (const policy of cluster.policies) {
      if (!policy.origin) continue;
      for (const rule of effectiveRules(policy)) {
        if (rule.peers === 'all') continue;
        const peers = rule.peers;
        for (let k = 0; k + 1 < peers.length; k++) {
          const a = at(peers, k);
          const b = at(peers, k + 1);
          if (a.kind !== 'selector' || b.kind !== 'selector') continue;
          const ns = namespaceOnly(a) ? a : namespaceOnly(b) ? b : undefined;
          const pod = podOnly(a) ? a : podOnly(b) ? b : undefined;
          if (!ns || !pod || ns === pod) continue;
          const list = rule.direction === 'ingress' ? 'from' : 'to';
          const verb = rule.direction === 'ingress' ? 'admits' : 'allows traffic to';
          // What one peer with both selectors would match (the AND the author probably meant).
          const meant = peerWords({ ...pod, namespaceSelector: ns.namespaceSelector }, policy.namespace);
          report({
            object: policy.origin.object,
            path: peerPath(rule, b),
            message: `${list}[${a.index}] and ${list}[${b.index}] are two peers, so this rule ${verb} ${peerWords(ns, policy.namespace)} OR ${peerWords(pod, policy.namespace)}; if you meant only ${meant}, put namespaceSelector and podSelector in one ${list} item (delete the '-' before the second)`,
          });
          k++; // one finding per pair
        }
      }
    }
  },
};

function namespaceOnly(peer: SelectorPeer): boolean {
  return peer.namespaceSelector !== undefined && peer.podSelector === undefined;
}

function podOnly(peer: SelectorPeer): boolean {
  return peer.podSelector !== undefined && peer.namespaceSelector === undefined && !isEmptySelector(peer.podSelector);
}
