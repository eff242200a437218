import type {
  AdminPeerModel,
  AdminPolicyModel,
  AdminPortModel,
  AdminRuleModel,
  AdminSelection,
} from '../model/admin-types.js';
import { compileSelector } from '../model/selector.js';
import type { ClusterModel, Direction, LabelSelectorModel, Protocol } from '../model/types.js';
import { and, andNotInto, type Bitset, emptySet, hasBit, orInto, setBit } from './bitset.js';
import { adminBlockKey, blockMembersOf, type EndpointClasses } from './endpoint-classes.js';

/**
 * What the tiers read of the class matrix's context (ClassContext in class-matrix.ts, which
 * uses the tiers): an interface here, so the two modules do not import each other.
 */
export interface TierContext {
  readonly size: number;
  readonly all: Bitset;
  readonly grouped: EndpointClasses;
  readonly cluster: ClusterModel;
  namespacesMatching(selector: LabelSelectorModel): Bitset;
  select(selector: LabelSelectorModel, base: Bitset): Bitset;
}

/**
 * The admin tiers (docs/admin-tiers.md) on classes: the same first-match order as
 * engine/admin-tiers.ts, with sets of peer classes instead of one peer. For a subject class,
 * each rule in consult order takes the still-undecided peers it matches: Accept/Allow adds
 * them to the allowed set, Deny drops them, Pass hands them to the next tier.
 */
export class AdminClassTiers {
  private readonly subjects = new Map<AdminPolicyModel, Bitset>();
  private readonly peers = new Map<AdminRuleModel, Bitset>();
  private readonly hostNetwork: Bitset;
  private readonly podClasses: Bitset;

  constructor(
    private readonly ctx: TierContext,
    private readonly policies: readonly AdminPolicyModel[],
  ) {
    this.hostNetwork = emptySet(ctx.size);
    this.podClasses = emptySet(ctx.size);
    for (const c of ctx.grouped.classes) {
      if (c.hostNetwork) setBit(this.hostNetwork, c.index);
      if (!c.external) setBit(this.podClasses, c.index);
    }
  }

  /** Non-host-network pod classes a subject or pod peer selects. */
  private selection(selection: AdminSelection): Bitset {
    const base = and(this.ctx.namespacesMatching(selection.namespaceSelector), this.podClasses);
    const out = selection.kind === 'pods' ? this.ctx.select(selection.podSelector, base) : base;
    andNotInto(out, this.hostNetwork);
    return out;
  }

  private subjectSet(policy: AdminPolicyModel): Bitset {
    let set = this.subjects.get(policy);
    if (!set) {
      set = this.selection(policy.subject);
      this.subjects.set(policy, set);
    }
    return set;
  }

  private peerSet(rule: AdminRuleModel): Bitset {
    let set = this.peers.get(rule);
    if (set) return set;
    set = emptySet(this.ctx.size);
    for (const peer of rule.peers) orInto(set, this.onePeer(peer));
    this.peers.set(rule, set);
    return set;
  }

  private onePeer(peer: AdminPeerModel): Bitset {
    const out = emptySet(this.ctx.size);
    switch (peer.kind) {
      case 'namespaces':
      case 'pods':
        return this.selection(peer);
      case 'networks':
        for (const cidr of peer.cidrs) orInto(out, blockMembersOf(this.ctx.grouped, adminBlockKey(cidr)));
        return out;
      case 'nodes': {
        const picks = compileSelector(peer.nodeSelector);
        for (const node of this.ctx.cluster.nodes ?? []) {
          if (!picks(node.labels)) continue;
          for (const address of node.addresses) {
            const key = adminBlockKey(`${address}/${address.includes(':') ? 128 : 32}`);
            orInto(out, blockMembersOf(this.ctx.grouped, key));
          }
        }
        return out;
      }
      case 'domainNames':
        return out;
    }
  }

  /** Destination classes a rule's ports admit (see engine adminPortMatches). */
  portSet(rule: AdminRuleModel, protocol: Protocol, resolved: Int32Array, groups: Map<number, Bitset>): Bitset {
    if (rule.ports === 'all') return this.ctx.all;
    const set = emptySet(this.ctx.size);
    for (const rulePort of rule.ports) orInto(set, this.onePort(rulePort, protocol, resolved, groups));
    return set;
  }

  private onePort(rulePort: AdminPortModel, protocol: Protocol, resolved: Int32Array, groups: Map<number, Bitset>) {
    const set = emptySet(this.ctx.size);
    if (rulePort.unknownProtocol !== undefined) return set;
    if (typeof rulePort.port === 'string') {
      const name = rulePort.port;
      for (const c of this.ctx.grouped.classes) {
        // resolved has a cell per class.
        const port = resolved[c.index]!;
        if (port >= 0 && c.ports.some((p) => p.name === name && p.protocol === protocol && p.port === port)) {
          setBit(set, c.index);
        }
      }
      return set;
    }
    if (rulePort.protocol !== protocol) return set;
    if (rulePort.port === undefined) return this.ctx.all;
    const last = rulePort.endPort ?? rulePort.port;
    for (const [port, members] of groups) if (port >= rulePort.port && port <= last) orInto(set, members);
    return set;
  }

  /**
   * The peers a subject class's side allows after every tier. `networkPolicy` is that side's
   * NetworkPolicy result (every class when not isolated), `isolated` whether any isolates it.
   * `ruleMatches(rule)` is the peer set a rule matches for this subject on this port.
   */
  side(
    subject: number,
    direction: Direction,
    networkPolicy: Bitset,
    isolated: boolean,
    ruleMatches: (rule: AdminRuleModel) => Bitset,
  ): Bitset {
    const allowed = emptySet(this.ctx.size);
    const consult = (tier: 'admin' | 'baseline', undecided: Bitset): Bitset => {
      const passed = emptySet(this.ctx.size);
      for (const policy of this.policies) {
        if (policy.tier !== tier || !hasBit(this.subjectSet(policy), subject)) continue;
        for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
          const taken = and(ruleMatches(rule), undecided);
          if (rule.effect === 'allow') orInto(allowed, taken);
          if (rule.effect === 'pass') orInto(passed, taken);
          andNotInto(undecided, taken);
        }
      }
      // Passed peers go on to the next tier, as undecided ones do.
      orInto(undecided, passed);
      return undecided;
    };
    const afterAdmin = consult('admin', this.ctx.all.slice());
    if (isolated) {
      orInto(allowed, and(afterAdmin, networkPolicy));
      return allowed;
    }
    orInto(allowed, consult('baseline', afterAdmin));
    return allowed;
  }

  /** For egress: a rule's match set is its peers that its ports admit. */
  egressMatches(rule: AdminRuleModel, ports: Bitset): Bitset {
    return and(this.peerSet(rule), ports);
  }

  /** For ingress at destination `d`: the rule's peers when its ports admit `d`, else none. */
  ingressMatches(rule: AdminRuleModel, ports: Bitset, d: number): Bitset {
    return hasBit(ports, d) ? this.peerSet(rule) : emptySet(this.ctx.size);
  }
}
