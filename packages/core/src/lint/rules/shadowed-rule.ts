import { canonicalPeer, canonicalSelector } from '../../model/canonical.js';
import { cidrContainsCidr, parseCidr } from '../../model/cidr.js';
import { isEmptySelector } from '../../model/selector.js';
import type { LabelSelectorModel, PeerModel, PortModel, RuleModel } from '../../model/types.js';
import { rulePath } from '../rule-helpers.js';
import type { LintRule } from '../types.js';

/**
 * A rule that another rule of the same policy and direction already allows entirely (every
 * peer and every port it names is covered): it adds nothing, and often shows a misreading,
 * e.g. a port restriction next to a rule that allows every port. The check is syntactic and
 * conservative: it reports only coverage it can prove from the selectors themselves.
 */
export const shadowedRule: LintRule = {
  id: 'shadowed-rule',
  severity: 'info',
  summary: 'a rule is entirely covered by another rule of the same policy, so it adds nothing',
  help: 'Rules of a policy are ORed: a connection is allowed when any rule matches. A rule whose peers and ports are all covered by another rule changes nothing. Delete it, or narrow the broader rule if it allows more than intended (an absent `from`/`to` means every source/destination; absent `ports` means every port).',
  check({ cluster }, report) {
    for (const policy of cluster.policies) {
      if (!policy.origin) continue;
      const lists = [policy.types.ingress ? policy.ingress : [], policy.types.egress ? policy.egress : []];
      for (const rules of lists) {
        rules.forEach((rule, i) => {
          const by = rules.find(
            (other, j) => j !== i && ruleCovers(other, rule) && (j < i || !ruleCovers(rule, other)),
          );
          if (!by || !policy.origin) return;
          const [, dir, index] = rulePath(by);
          report({
            object: policy.origin.object,
            path: rulePath(rule),
            message: `spec.${rule.direction}[${rule.index}] is already allowed by spec.${String(dir)}[${String(index)}]${by.peers === 'all' ? ` (no ${rule.direction === 'ingress' ? 'from' : 'to'}: every ${rule.direction === 'ingress' ? 'source' : 'destination'})` : ''}${by.ports === 'all' ? ' (no ports: every port)' : ''}, so it adds nothing; delete it or narrow the broader rule`,
          });
        });
      }
    }
  },
};

export function ruleCovers(a: RuleModel, b: RuleModel): boolean {
  const peersOk =
    a.peers === 'all' ||
    (b.peers !== 'all' && b.peers.every((pb) => (a.peers as PeerModel[]).some((pa) => peerCovers(pa, pb))));
  const portsOk =
    a.ports === 'all' ||
    (b.ports !== 'all' && b.ports.every((pb) => (a.ports as PortModel[]).some((pa) => portCovers(pa, pb))));
  return peersOk && portsOk;
}

function peerCovers(a: PeerModel, b: PeerModel): boolean {
  if (canonicalPeer(a) === canonicalPeer(b)) return true;
  if (a.kind === 'ipBlock' || b.kind === 'ipBlock') {
    if (a.kind !== 'ipBlock' || b.kind !== 'ipBlock' || a.except.length > 0) return false;
    const outer = parseCidr(a.cidr);
    const inner = parseCidr(b.cidr);
    return outer !== undefined && inner !== undefined && cidrContainsCidr(outer, inner);
  }
  // Namespace scope: both the policy's own namespace, the same selector, or `a` every namespace.
  const scopeOk =
    a.namespaceSelector === undefined
      ? b.namespaceSelector === undefined
      : isEmptySelector(a.namespaceSelector) ||
        (b.namespaceSelector !== undefined && selectorCovers(a.namespaceSelector, b.namespaceSelector));
  if (!scopeOk) return false;
  if (!a.podSelector || isEmptySelector(a.podSelector)) return true;
  return b.podSelector !== undefined && selectorCovers(a.podSelector, b.podSelector);
}

/** `a` matches everything `b` does when a's requirements are a subset of b's. */
function selectorCovers(a: LabelSelectorModel, b: LabelSelectorModel): boolean {
  if (canonicalSelector(a) === canonicalSelector(b)) return true;
  const bExprs = new Set(b.matchExpressions.map((e) => canonicalSelector({ matchLabels: {}, matchExpressions: [e] })));
  return (
    Object.entries(a.matchLabels).every(([k, v]) => b.matchLabels[k] === v) &&
    a.matchExpressions.every((e) => bExprs.has(canonicalSelector({ matchLabels: {}, matchExpressions: [e] })))
  );
}

function portCovers(a: PortModel, b: PortModel): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.port === undefined) return true;
  if (b.port === undefined) return false;
  if (typeof a.port === 'string' || typeof b.port === 'string') return a.port === b.port;
  return b.port >= a.port && (b.endPort ?? b.port) <= (a.endPort ?? a.port);
}
