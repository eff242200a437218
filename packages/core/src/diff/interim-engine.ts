import type { Engine, Peer, PortQuery, RuleRef, SideVerdict, Verdict } from '../engine/types.js';
import { type Cidr, cidrContainsIp, parseCidr, parseIp } from '../model/cidr.js';
import { compileSelector, type LabelMatcher } from '../model/selector.js';
import type {
  ClusterModel,
  Direction,
  LabelSelectorModel,
  PeerModel,
  PodModel,
  PolicyModel,
  Protocol,
  RuleModel,
} from '../model/types.js';

/**
 * A small `Engine` for lint and diff until the reference engine lands on main: the same
 * semantics as `naiveAllowed` (the oracle), with reasons per side and two caches (compiled
 * selectors; the policies selecting each pod), so lint and diff stay usable on real inputs.
 * Swap it for `createReferenceEngine` by passing `createEngine` to lint/diff.
 */
export function createInterimEngine(cluster: ClusterModel): Engine {
  const matchers = new Map<LabelSelectorModel, LabelMatcher>();
  const matcher = (selector: LabelSelectorModel) => {
    let m = matchers.get(selector);
    if (!m) {
      m = compileSelector(selector);
      matchers.set(selector, m);
    }
    return m;
  };
  const cidrs = new Map<string, Cidr | undefined>();
  const cidr = (text: string) => {
    if (!cidrs.has(text)) cidrs.set(text, parseCidr(text));
    return cidrs.get(text);
  };
  const byNamespace = new Map<string, PolicyModel[]>();
  for (const policy of cluster.policies) {
    const list = byNamespace.get(policy.namespace) ?? [];
    list.push(policy);
    byNamespace.set(policy.namespace, list);
  }
  const selecting = new Map<PodModel, { ingress: PolicyModel[]; egress: PolicyModel[] }>();
  /** "A pod is isolated for ingress/egress if some policy selects it with that type." */
  const isolating = (pod: PodModel, direction: Direction): PolicyModel[] => {
    let entry = selecting.get(pod);
    if (!entry) {
      const chosen = (byNamespace.get(pod.namespace) ?? []).filter((p) => matcher(p.podSelector)(pod.labels));
      entry = {
        ingress: chosen.filter((p) => p.types.ingress).sort(byId),
        egress: chosen.filter((p) => p.types.egress).sort(byId),
      };
      selecting.set(pod, entry);
    }
    return entry[direction];
  };

  const peerMatches = (policy: PolicyModel, peer: PeerModel, other: Peer): boolean => {
    if (peer.kind === 'ipBlock') {
      const ip = parseIp(other.kind === 'pod' ? (other.pod.ips[0] ?? '') : other.ip);
      const block = cidr(peer.cidr);
      if (!ip || !block || !cidrContainsIp(block, ip)) return false;
      return !peer.except.some((e) => {
        const c = cidr(e);
        return c !== undefined && cidrContainsIp(c, ip);
      });
    }
    if (other.kind === 'external') return false;
    const pod = other.pod;
    if (peer.namespaceSelector) {
      const ns = cluster.namespaces.get(pod.namespace);
      if (!ns || !matcher(peer.namespaceSelector)(ns.labels)) return false;
    } else if (pod.namespace !== policy.namespace) {
      return false;
    }
    return !peer.podSelector || matcher(peer.podSelector)(pod.labels);
  };

  const ruleMatches = (
    policy: PolicyModel,
    rule: RuleModel,
    other: Peer,
    destination: Peer,
    protocol: Protocol,
    port: number,
  ): boolean => {
    const peerOk = rule.peers === 'all' || rule.peers.some((peer) => peerMatches(policy, peer, other));
    if (!peerOk) return false;
    if (rule.ports === 'all') return true;
    return rule.ports.some((p) => {
      if (p.protocol !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
      if (destination.kind !== 'pod') return false;
      return destination.pod.ports.some((c) => c.name === p.port && c.protocol === protocol && c.port === port);
    });
  };

  const side = (
    direction: Direction,
    subject: Peer,
    other: Peer,
    destination: Peer,
    protocol: Protocol,
    port: number | undefined,
  ): SideVerdict => {
    if (subject.kind === 'external') {
      return { direction, applies: false, isolated: false, selectedBy: [], allowedBy: [], allowed: true };
    }
    const selectedBy = isolating(subject.pod, direction);
    const allowedBy: RuleRef[] = [];
    if (port !== undefined) {
      for (const policy of selectedBy) {
        const rules = direction === 'ingress' ? policy.ingress : policy.egress;
        for (const rule of rules) {
          if (ruleMatches(policy, rule, other, destination, protocol, port)) {
            allowedBy.push({ policy, direction, ruleIndex: rule.index });
          }
        }
      }
    }
    const isolated = selectedBy.length > 0;
    return {
      direction,
      applies: true,
      isolated,
      selectedBy: [...selectedBy],
      allowedBy,
      allowed: !isolated || allowedBy.length > 0,
    };
  };

  return {
    cluster,
    check(source: Peer, destination: Peer, query: PortQuery): Verdict {
      let port: number | undefined;
      if (typeof query.port === 'number') port = query.port;
      else if (destination.kind === 'pod') {
        port = destination.pod.ports.find((p) => p.name === query.port && p.protocol === query.protocol)?.port;
      }
      const egress = side('egress', source, destination, destination, query.protocol, port);
      const ingress = side('ingress', destination, source, destination, query.protocol, port);
      if (source.kind === 'pod' && destination.kind === 'pod' && source.pod.id === destination.pod.id) {
        return { allowed: true, egress, ingress, port, note: 'self' };
      }
      if (port === undefined) return { allowed: false, egress, ingress, note: 'named-port-unresolved' };
      return { allowed: egress.allowed && ingress.allowed, egress, ingress, port };
    },
  };
}

function byId(a: PolicyModel, b: PolicyModel): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
