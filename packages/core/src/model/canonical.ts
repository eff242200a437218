import { firstBuild } from './moved-model.js';
import type { LabelSelectorModel, PeerModel, PolicyModel, PortModel, RuleModel } from './types.js';

/**
 * Canonical text of policies and their parts, ignoring order where the API gives order no
 * meaning (peers, ports, rules, labels): equal text = same effect. Lint uses it for
 * duplicate policies, diff for "changed".
 */
export function canonicalSelector(selector: LabelSelectorModel | undefined): string {
  if (!selector) return '-';
  const labels = Object.entries(selector.matchLabels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const exprs = selector.matchExpressions
    .map((e) => `${e.key} ${e.operator} (${[...new Set(e.values)].sort().join(',')})`)
    .sort();
  return `{${[...new Set([...labels, ...exprs])].join(';')}}`;
}

export function canonicalPeer(peer: PeerModel): string {
  if (peer.kind === 'ipBlock') return `ip:${peer.cidr}-[${[...peer.except].sort().join(',')}]`;
  return `sel:ns${canonicalSelector(peer.namespaceSelector)}:pod${canonicalSelector(peer.podSelector)}`;
}

export function canonicalPort(port: PortModel): string {
  return `${port.protocol}:${port.port ?? '*'}${port.endPort !== undefined ? `-${port.endPort}` : ''}`;
}

export function canonicalRule(rule: RuleModel): string {
  const peers = rule.peers === 'all' ? '*' : [...new Set(rule.peers.map(canonicalPeer))].sort().join('|');
  const ports = rule.ports === 'all' ? '*' : [...new Set(rule.ports.map(canonicalPort))].sort().join('|');
  return `(${peers})>(${ports})`;
}

const canonicalPolicies = new WeakMap<PolicyModel, string>();

/**
 * What a policy does (not its name): namespace, selector, effective types and the rules that
 * apply. Kept per model (models are not changed once built, as `compileCluster` assumes): the
 * web UI's what-if diffs the input's policies against every edit.
 */
export function canonicalPolicy(policy: PolicyModel): string {
  const first = firstBuild(policy);
  let text = canonicalPolicies.get(first);
  if (text === undefined) {
    text = canonicalOf(first);
    canonicalPolicies.set(first, text);
  }
  return text;
}

function canonicalOf(policy: PolicyModel): string {
  const rules = (list: readonly RuleModel[]) => [...new Set(list.map(canonicalRule))].sort().join(' ');
  return [
    policy.namespace,
    canonicalSelector(policy.podSelector),
    policy.types.ingress ? `in[${rules(policy.ingress)}]` : '-',
    policy.types.egress ? `eg[${rules(policy.egress)}]` : '-',
  ].join(' ');
}
