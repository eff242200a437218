import { NAMESPACE_NAME_LABEL } from '../constants.js';
import { formatSelector, isEmptySelector } from '../model/selector.js';
import type { Direction, LabelSelectorModel, PeerModel, PodModel, PortModel, RuleModel } from '../model/types.js';

/**
 * Policies in plain words, for `explain` and the web UI: "pods labelled app=frontend in
 * namespaces labelled access=frontend, on 80/TCP". One function per element, so callers can
 * show peers and ports separately.
 */

/** "every pod" / "pods labelled app=web". */
export function describePods(selector: LabelSelectorModel | undefined): string {
  if (!selector || isEmptySelector(selector)) return 'every pod';
  return `pods labelled ${formatSelector(selector)}`;
}

/** "every namespace" / "namespace shop" / "namespaces labelled team=a". */
export function describeNamespaces(selector: LabelSelectorModel): string {
  if (isEmptySelector(selector)) return 'every namespace';
  const labels = Object.keys(selector.matchLabels);
  if (labels.length === 1 && labels[0] === NAMESPACE_NAME_LABEL && selector.matchExpressions.length === 0) {
    return `namespace ${selector.matchLabels[NAMESPACE_NAME_LABEL]}`;
  }
  return `namespaces labelled ${formatSelector(selector)}`;
}

/** One `from`/`to` entry. */
export function describePeer(peer: PeerModel, policyNamespace: string): string {
  if (peer.kind === 'ipBlock') {
    return `addresses in ${peer.cidr}${peer.except.length > 0 ? ` except ${peer.except.join(', ')}` : ''}`;
  }
  const pods = describePods(peer.podSelector);
  if (!peer.namespaceSelector) return `${pods} in namespace ${policyNamespace}`;
  return `${pods} in ${describeNamespaces(peer.namespaceSelector)}`;
}

/** All of a rule's peers (`from`/`to` absent or empty = everyone). */
export function describePeers(rule: RuleModel, policyNamespace: string): string[] {
  if (rule.peers === 'all') {
    return [
      rule.direction === 'ingress'
        ? 'any source (every pod and every outside address)'
        : 'any destination (every pod and every outside address)',
    ];
  }
  return rule.peers.map((peer) => describePeer(peer, policyNamespace));
}

/**
 * One `ports` entry: `80/TCP`, `8000-8080/TCP`, `every UDP port`, `http/TCP`; with `on`, a
 * named port shows what it is on that pod: `http/TCP (8080 on shop/web)` or `(no such port on shop/web)`.
 */
export function describePort(port: PortModel, on?: PodModel): string {
  if (port.port === undefined) return `every ${port.protocol} port`;
  if (typeof port.port === 'number') {
    return `${port.port}${port.endPort !== undefined && port.endPort !== port.port ? `-${port.endPort}` : ''}/${port.protocol}`;
  }
  const text = `${port.port}/${port.protocol}`;
  if (!on) return text;
  const found = on.ports.find((p) => p.name === port.port && p.protocol === port.protocol);
  return `${text} (${found ? `${found.port} on ${on.id}` : `no such port on ${on.id}`})`;
}

export function describePorts(rule: RuleModel, on?: PodModel): string[] {
  if (rule.ports === 'all') return ['every port'];
  return rule.ports.map((port) => describePort(port, on));
}

/** "pods labelled app=frontend in namespaces labelled access=frontend, on 80/TCP". */
export function describeRule(rule: RuleModel, policyNamespace: string, on?: PodModel): string {
  return `${describePeers(rule, policyNamespace).join(' or ')}, on ${describePorts(rule, on).join(', ')}`;
}

/** "from" / "to". */
export function peerWord(direction: Direction): string {
  return direction === 'ingress' ? 'from' : 'to';
}
