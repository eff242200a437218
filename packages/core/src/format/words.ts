import { NAMESPACE_NAME_LABEL } from '../constants.js';
import type { PortQuery } from '../engine/types.js';
import { formatSelector, isEmptySelector } from '../model/selector.js';
import type {
  ContainerPortModel,
  Direction,
  LabelSelectorModel,
  PeerModel,
  PodModel,
  PortModel,
  Protocol,
  RuleModel,
} from '../model/types.js';

/**
 * The one wording of policies' parts for people, used by check, explain, lint and diff (and
 * the web UI): selectors as kubectl prints them (`app=web,tier in (a,b)`), ports as kubectl
 * prints them (`80/TCP`, `8000-8080/TCP`, `http/TCP`), peers and rules in short phrases
 * ("pods app=web in namespace shop", "ipBlock 10.0.0.0/8 except 10.1.0.0/16"). JSON never
 * goes through here: it carries the fields themselves.
 */

/** `app=web,tier in (a,b),!debug`; `{}` for the empty selector (it selects everything). */
export function selectorWords(selector: LabelSelectorModel): string {
  return isEmptySelector(selector) ? '{}' : formatSelector(selector);
}

/** "every pod" / "pods app=web". */
export function podsWords(selector: LabelSelectorModel | undefined): string {
  if (!selector || isEmptySelector(selector)) return 'every pod';
  return `pods ${formatSelector(selector)}`;
}

/** "every namespace" / "namespace shop" (a selector on the name label alone) / "namespaces team=a". */
export function namespacesWords(selector: LabelSelectorModel): string {
  if (isEmptySelector(selector)) return 'every namespace';
  const labels = Object.keys(selector.matchLabels);
  if (labels.length === 1 && labels[0] === NAMESPACE_NAME_LABEL && selector.matchExpressions.length === 0) {
    return `namespace ${selector.matchLabels[NAMESPACE_NAME_LABEL]}`;
  }
  return `namespaces ${formatSelector(selector)}`;
}

/** `10.0.0.0/8` / `10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16`. */
export function ipBlockWords(cidr: string, except: readonly string[]): string {
  return `${cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
}

/** One `from`/`to` entry: "pods app=web in namespace shop", "every pod in namespaces team=a", "ipBlock 10.0.0.0/8". */
export function peerWords(peer: PeerModel, policyNamespace: string): string {
  if (peer.kind === 'ipBlock') return `ipBlock ${ipBlockWords(peer.cidr, peer.except)}`;
  const pods = podsWords(peer.podSelector);
  if (!peer.namespaceSelector) return `${pods} in namespace ${policyNamespace}`;
  return `${pods} in ${namespacesWords(peer.namespaceSelector)}`;
}

/** All of a rule's peers (`from`/`to` absent or empty: everyone, outside addresses included). */
export function peersWords(rule: RuleModel, policyNamespace: string): string[] {
  if (rule.peers === 'all') {
    return [
      rule.direction === 'ingress'
        ? 'any source (every pod and every outside address)'
        : 'any destination (every pod and every outside address)',
    ];
  }
  return rule.peers.map((peer) => peerWords(peer, policyNamespace));
}

/**
 * One `ports` entry: `80/TCP`, `8000-8080/TCP`, `every UDP port`, `http/TCP`; with `on`, a
 * named port shows what it is on that pod: `http/TCP (8080 on shop/web)` or `(no such port on shop/web)`.
 */
export function portWords(port: PortModel, on?: PodModel): string {
  if (port.port === undefined) return `every ${port.protocol} port`;
  if (typeof port.port === 'number') {
    return `${port.port}${port.endPort !== undefined && port.endPort !== port.port ? `-${port.endPort}` : ''}/${port.protocol}`;
  }
  const text = `${port.port}/${port.protocol}`;
  if (!on) return text;
  const found = on.ports.find((p) => p.name === port.port && p.protocol === port.protocol);
  return `${text} (${found ? `${found.port} on ${on.id}` : `no such port on ${on.id}`})`;
}

/** All of a rule's ports (`ports` absent or empty: every port of every protocol). */
export function portsWords(rule: RuleModel, on?: PodModel): string[] {
  if (rule.ports === 'all') return ['every port'];
  return rule.ports.map((port) => portWords(port, on));
}

/** A rule without its from/to word: "pods app=web in namespace shop or ipBlock 10.0.0.0/8, on 80/TCP". */
export function ruleWords(rule: RuleModel, policyNamespace: string, on?: PodModel): string {
  return `${peersWords(rule, policyNamespace).join(' or ')}, on ${portsWords(rule, on).join(', ')}`;
}

/** "from" / "to". */
export function peerWord(direction: Direction): string {
  return direction === 'ingress' ? 'from' : 'to';
}

/** A port as asked: `80/TCP`, `http/TCP`. */
export function portQueryWords(query: PortQuery): string {
  return `${query.port}/${query.protocol}`;
}

/** A container port: `8080/TCP` / `8080/TCP (http)`. */
export function containerPortWords(port: ContainerPortModel): string {
  return `${port.port}/${port.protocol}${port.name ? ` (${port.name})` : ''}`;
}

/** Port spans of one protocol: `80/TCP, 8000-8080/TCP`, `every TCP port`, `every TCP port except 80, 443`. */
export function portSpansWords(protocol: Protocol, spans: readonly (readonly [number, number])[]): string {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const span = ([a, b]: readonly [number, number]) => (a === b ? `${a}` : `${a}-${b}`);
  const size = merged.reduce((n, [a, b]) => n + b - a + 1, 0);
  if (size >= MAX_PORT) return `every ${protocol} port`;
  if (size > MAX_PORT / 2) {
    const gaps: [number, number][] = [];
    let next = 1;
    for (const [a, b] of merged) {
      if (a > next) gaps.push([next, a - 1]);
      next = b + 1;
    }
    if (next <= MAX_PORT) gaps.push([next, MAX_PORT]);
    return `every ${protocol} port except ${gaps.map(span).join(', ')}`;
  }
  return merged.map((s) => `${span(s)}/${protocol}`).join(', ');
}

const MAX_PORT = 65535;

/** A selector as YAML flow text to paste into a manifest: `{matchLabels: {app: web}}`. */
export function selectorYaml(selector: LabelSelectorModel): string {
  const parts: string[] = [];
  const labels = Object.entries(selector.matchLabels);
  if (labels.length > 0) parts.push(`matchLabels: {${labels.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
  if (selector.matchExpressions.length > 0) {
    const exprs = selector.matchExpressions.map(
      (e) =>
        `{key: ${e.key}, operator: ${e.operator}${e.values.length > 0 ? `, values: [${e.values.join(', ')}]` : ''}}`,
    );
    parts.push(`matchExpressions: [${exprs.join(', ')}]`);
  }
  return `{${parts.join(', ')}}`;
}

/** What a rule's peers match, as `netpol explain` says it: "matches 2 pods: a, b; outside addresses can match". */
export function ruleMatchWords(pods: readonly string[], external: boolean): string {
  const matched = pods.length === 0 ? 'matches no pod in the input' : `matches ${podListWords(pods)}`;
  return `${matched}${external ? '; outside addresses can match' : ''}`;
}

/** "no pod", "2 pods: a, b", "10 pods: a, b, … h and 2 more" (eight named). */
export function podListWords(pods: readonly string[]): string {
  if (pods.length === 0) return 'no pod';
  return `${plural(pods.length, 'pod')}: ${listSome(pods, 8)}`;
}

/** "a, b, c and 4 more". */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** "1 pod", "3 pods". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
