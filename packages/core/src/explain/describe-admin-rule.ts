import { namespacesWords, podsWords } from '../format/words.js';
import type { AdminPeerModel, AdminPortModel, AdminRuleModel, AdminSelection } from '../model/admin-types.js';
import { formatSelector, isEmptySelector } from '../model/selector.js';
import type { PodModel } from '../model/types.js';

/**
 * Admin tier policies in plain words (docs/admin-tiers.md), in the wording of
 * format/words.ts: "pods app=web in namespaces team=a", "addresses in 10.0.0.0/8", "the
 * addresses of nodes role=control", "53/UDP".
 */

/** A subject or a `namespaces`/`pods` peer (never host-network pods). */
export function describeSelection(selection: AdminSelection): string {
  const where = namespacesWords(selection.namespaceSelector);
  if (selection.kind === 'namespaces') return `every pod in ${where}`;
  return `${podsWords(selection.podSelector)} in ${where}`;
}

export function describeAdminPeer(peer: AdminPeerModel): string {
  switch (peer.kind) {
    case 'namespaces':
    case 'pods':
      return describeSelection(peer);
    case 'networks':
      return `addresses in ${peer.cidrs.join(', ')}`;
    case 'nodes':
      return isEmptySelector(peer.nodeSelector)
        ? 'the addresses of every node'
        : `the addresses of nodes ${formatSelector(peer.nodeSelector)}`;
    case 'domainNames':
      return `the names ${peer.names.join(', ')} (resolved by DNS; netpol's engine matches no address)`;
  }
}

/** `80/TCP`, `8000-8100/TCP`, `every UDP port`, `http (named)`; with `on`, what the name is there. */
export function describeAdminPort(port: AdminPortModel, on?: PodModel): string {
  if (port.unknownProtocol !== undefined) return `protocol ${port.unknownProtocol} (matches nothing)`;
  if (typeof port.port === 'string') {
    const text = `${port.port} (named)`;
    if (!on) return text;
    const found = on.ports.find((p) => p.name === port.port);
    return `${text} (${found ? `${found.port}/${found.protocol} on ${on.id}` : `no such port on ${on.id}`})`;
  }
  if (port.port === undefined) return `every ${port.protocol} port`;
  const range = port.endPort !== undefined && port.endPort !== port.port ? `-${port.endPort}` : '';
  const empty = port.endPort !== undefined && port.endPort < port.port ? ' (an empty range: matches nothing)' : '';
  return `${port.port}${range}/${port.protocol}${empty}`;
}

export function describeAdminPorts(rule: AdminRuleModel, on?: PodModel): string[] {
  if (rule.ports === 'all') return ['every port'];
  return rule.ports.map((port) => describeAdminPort(port, on));
}

/** "Deny to every pod in namespace kube-system, on every port". */
export function describeAdminRule(rule: AdminRuleModel, on?: PodModel): string {
  const word = rule.direction === 'ingress' ? 'from' : 'to';
  return `${rule.action} ${word} ${rule.peers.map(describeAdminPeer).join(' or ')}, on ${describeAdminPorts(rule, on).join(', ')}`;
}
